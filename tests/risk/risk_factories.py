"""Risk objects for the shared isolation sweeps (partner axis and unit axis)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine
from tests.conftest import World

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.risk import register, transitions
from cofab.risk.models import ContingencyPlan
from cofab.risk.schemas import MitigationIn, RiskCreate, TransitionCreate

RISK_SAMPLE_BODIES = {
    "RiskCreate": {"title": "Intrusion", "category": "supply", "likelihood": 1, "impact": 1},
    "RiskUpdate": {"title": "hijacked"},
    "RiskStatusIn": {"status": "closed"},
    "MitigationIn": {"action": "hijacked"},
    "MitigationUpdate": {"action": "hijacked"},
    "PlanCreate": {"title": "Intrusion", "alternate_site_id": 0},
    "DrillIn": {"held_on": "2020-01-01"},
    "ContingencyPlanUpdate": {"title": "hijacked"},
    "TtsRequest": {"network": {}},
    "TransitionCreate": {"partner_id": 0},
    "TransitionStepUpdate": {"owner": "hijacked", "done": True},
    "SiteRecoveryIn": {"site_id": 0, "ttr_weeks": 1},
    "StepIn": {"title": "hijacked"},
    "ActivateIn": {},
}


def _risk_about_partner_b(world: World, engine: Engine) -> tuple[int, int]:
    with unit_of_work(engine) as session:
        risk = register.create_risk(
            session,
            actor=SYSTEM_ACTOR,
            data=RiskCreate(
                title="Bravo single source",
                category="supply",
                partner_id=world.partner_b,
                likelihood=3,
                impact=4,
                mitigations=[MitigationIn(action="second source")],
            ),
        )
        return risk.id, risk.mitigations[0].id


def _plan_about_partner_b(world: World, engine: Engine) -> int:
    with unit_of_work(engine) as session:
        plan = ContingencyPlan(
            title="Bravo out",
            partner_id=world.partner_b,
            alternate_site_id=world.ids["b"]["site_id"],
        )
        session.add(plan)
        session.flush()
        return plan.id


def _transition_about_partner_b(world: World, engine: Engine) -> tuple[int, int]:
    with unit_of_work(engine) as session:
        plan = transitions.start_transition(
            session, actor=SYSTEM_ACTOR, data=TransitionCreate(partner_id=world.partner_b)
        )
        return plan.id, plan.steps[0].id


def isolation_resolvers(world: World, engine: Engine) -> dict[str, Callable[[World, Engine], int]]:
    made: dict[str, int] = {}

    def ids(world: World, engine: Engine) -> dict[str, int]:
        if not made:
            made["risk_id"], made["mitigation_id"] = _risk_about_partner_b(world, engine)
        return made

    exits: dict[str, int] = {}

    def exit_ids(world: World, engine: Engine) -> dict[str, int]:
        if not exits:
            exits["transition_id"], exits["transition_step_id"] = _transition_about_partner_b(
                world, engine
            )
        return exits

    return {
        "risk_id": lambda w, e: ids(w, e)["risk_id"],
        "mitigation_id": lambda w, e: ids(w, e)["mitigation_id"],
        "risk:plan_id": _plan_about_partner_b,
        "risk:transition_id": lambda w, e: exit_ids(w, e)["transition_id"],
        "risk:transition_step_id": lambda w, e: exit_ids(w, e)["transition_step_id"],
    }
