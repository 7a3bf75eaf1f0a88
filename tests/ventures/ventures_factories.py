"""Ventures test data, made through the rules (jv.py, alliances.py) so checks and audit run;
and partner B's venture and alliance for the shared isolation sweeps."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from tests.conftest import World

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.ventures import alliances, capital, jv, schemas
from cofab.ventures.models import Alliance, Venture

D = Decimal

VENTURES_SAMPLE_BODIES: dict[str, dict[str, Any]] = {
    "VentureCreate": {
        "partner_id": 0,
        "name": "Intrusion JV",
        "currency": "EUR",
        "parents": [{"equity_pct": "100", "board_seats": 1}],
    },
    "ParentsIn": {"parents": [{"equity_pct": "100", "board_seats": 9}]},
    "VentureUpdate": {"name": "hijacked"},
    "AllianceUpdate": {"name": "hijacked"},
    "MatterIn": {"code": "X", "title": "hijacked", "rule": "unanimous"},
    "CapitalCallIn": {
        "parent_id": 0,
        "reference": "X",
        "due_on": "2027-01-01",
        "amount": "1",
        "currency": "EUR",
    },
    "CallNoticeIn": {"called_on": "2027-01-01"},
    "PaymentIn": {"paid_on": "2027-01-01", "amount": "1", "currency": "EUR"},
    "OfftakeIn": {"parent_id": 0, "period": "2027-Q1", "product_family": "X", "volume": "1"},
    "ResolutionIn": {
        "number": "X",
        "resolved_on": "2027-01-01",
        "title": "hijacked",
        "votes": [{"parent_id": 0, "vote": "for"}],
    },
    "AllianceCreate": {
        "name": "Intrusion",
        "currency": "EUR",
        "parties": [{"partner_id": None}, {"role": "x"}],
    },
    "GoalIn": {"title": "x", "kpi": "x", "target": "1"},
    "GoalActualIn": {"actual": "1"},
    "CoInvestmentIn": {"title": "x", "budget": "1", "keys": [{"party_id": 0, "share_pct": "100"}]},
    "EntryIn": {
        "coinvestment_id": 0,
        "party_id": 0,
        "period": "2027-Q1",
        "kind": "cost",
        "amount": "1",
        "currency": "EUR",
    },
}


def make_venture(
    session: Session,
    jv_partner: int,
    parents: list[tuple[int | None, str, int]],
    *,
    quorum: str = "50",
    quorum_basis: str = "seats",
    matters: list[dict[str, Any]] | None = None,
) -> Venture:
    return jv.create_venture(
        session,
        actor=SYSTEM_ACTOR,
        data=schemas.VentureCreate(
            partner_id=jv_partner,
            name="Cell JV",
            currency="EUR",
            quorum_pct=D(quorum),
            quorum_basis=quorum_basis,  # type: ignore[arg-type]
            parents=[
                schemas.ParentIn(partner_id=p, equity_pct=D(eq), board_seats=seats)
                for p, eq, seats in parents
            ],
            matters=[schemas.MatterIn.model_validate(m) for m in matters or []],
        ),
    )


def make_alliance(session: Session, partner_ids: list[int | None]) -> Alliance:
    return alliances.create_alliance(
        session,
        actor=SYSTEM_ACTOR,
        data=schemas.AllianceCreate(
            name="Recycling alliance",
            currency="EUR",
            parties=[schemas.PartyIn(partner_id=p) for p in partner_ids],
        ),
    )


def isolation_resolvers(world: World, engine: Engine) -> dict[str, Callable[[World, Engine], int]]:
    """Partner B is the JV company of a venture the owner holds whole, and a party of an
    alliance; partner A is party to neither."""
    made: dict[str, int] = {}

    def ids(world: World, engine: Engine) -> dict[str, int]:
        if made:
            return made
        with unit_of_work(engine) as session:
            venture = make_venture(session, world.partner_b, [(None, "100", 3)])
            call = capital.add_call(
                session,
                actor=SYSTEM_ACTOR,
                venture_id=venture.id,
                data=schemas.CapitalCallIn(
                    parent_id=venture.parents[0].id,
                    reference="CC-1",
                    due_on="2027-01-31",  # type: ignore[arg-type]
                    amount=D(1000),
                    currency="EUR",
                    called_on="2027-01-02",  # type: ignore[arg-type]
                ),
            )
            alliance = make_alliance(session, [None, world.partner_b])
            goal = alliances.add_goal(
                session,
                actor=SYSTEM_ACTOR,
                alliance_id=alliance.id,
                data=schemas.GoalIn(title="Recycle", kpi="tonnes", target=D(100)),
            )
            made.update(
                venture_id=venture.id, call_id=call.id, alliance_id=alliance.id, goal_id=goal.id
            )
        return made

    return {
        "venture_id": lambda w, e: ids(w, e)["venture_id"],
        "ventures:call_id": lambda w, e: ids(w, e)["call_id"],
        "alliance_id": lambda w, e: ids(w, e)["alliance_id"],
        "ventures:goal_id": lambda w, e: ids(w, e)["goal_id"],
    }
