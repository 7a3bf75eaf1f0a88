"""Joint development objects for the tests and the shared isolation sweeps."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import Engine
from tests.conftest import World
from tests.contracts.contract_factories import make_active_contract, terms

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.development import schemas, service

IP = {
    "background_ip": "each_party_keeps",
    "foreground_ip": "joint",
    "licence_scope": "",
    "improvements": "grant_back",
}

DEVELOPMENT_SAMPLE_BODIES: dict[str, dict[str, Any]] = {
    "ProjectCreate": {"title": "Intrusion", "partner_id": 0},
    "ProjectUpdate": {"title": "hijacked"},
    "MilestoneIn": {"gate": "G9"},
    "GateDecisionIn": {"decision": "stop"},
    "ContributionIn": {"kind": "hours", "hours": "1"},
    "InstantiateIn": {"template_code": "cdmo_process_transfer"},
    "ChecklistItemUpdate": {"done": True},
    "TemplateCreate": {
        "code": "hijack",
        "name_en": "x",
        "name_ko": "x",
        "steps": [{"title_en": "x", "title_ko": "x", "owner_side": "owner"}],
    },
    "InventionCreate": {
        "title": "hijacked",
        "conceived_on": "2026-01-01",
        "inventors": [{"side": "owner", "name": "x"}],
    },
    "InventionUpdate": {"title": "hijacked"},
    "FilingIn": {"status": "abandoned"},
}


def contract_with_ip(engine: Engine, partner_id: int, ip: dict[str, str] | None = None) -> int:
    with unit_of_work(engine) as session:
        contract = make_active_contract(
            session,
            [partner_id],
            kind="technology_collaboration",
            title="Joint development agreement",
            terms_doc=terms(ip=ip or IP),
        )
        return contract.id


def project_with_everything(engine: Engine, partner_id: int, contract_id: int) -> dict[str, int]:
    """A project with a gate, a partner contribution, an invention with a partner inventor and a
    transfer checklist, made as the system (owner side)."""
    with unit_of_work(engine) as session:
        project = service.create_project(
            session,
            actor=SYSTEM_ACTOR,
            data=schemas.ProjectCreate(
                title="Bravo Bioworks joint project",
                partner_id=partner_id,
                contract_id=contract_id,
                milestones=[schemas.MilestoneIn(gate="G1", deliverables=["Feasibility"])],
            ),
        )
        contribution = service.add_contribution(
            session,
            actor=SYSTEM_ACTOR,
            project_id=project.id,
            data=schemas.ContributionIn(side="partner", kind="hours", hours=10),
        )
        invention = service.create_invention(
            session,
            actor=SYSTEM_ACTOR,
            project_id=project.id,
            data=schemas.InventionCreate(
                title="Bravo Bioworks process",
                conceived_on=date(2026, 6, 1),
                inventors=[schemas.InventorIn(side="partner", name="Partner inventor")],
            ),
        )
        items = service.instantiate_checklist(
            session,
            actor=SYSTEM_ACTOR,
            project_id=project.id,
            data=schemas.InstantiateIn(template_code="cdmo_process_transfer"),
        )
        templates = service.list_templates(session, actor=SYSTEM_ACTOR)
        return {
            "project_id": project.id,
            "milestone_id": project.milestones[0].id,
            "contribution_id": contribution.id,
            "invention_id": invention.id,
            "inventor_id": invention.inventors[0].id,
            "item_id": items[0].id,
            "template_id": templates[0].id,
        }


def isolation_resolvers(world: World, engine: Engine) -> dict[str, Callable[[World, Engine], int]]:
    made: dict[str, int] = {}

    def ids(world: World, engine: Engine) -> dict[str, int]:
        if not made:
            contract_id = contract_with_ip(engine, world.partner_b)
            made.update(project_with_everything(engine, world.partner_b, contract_id))
        return made

    def one(key: str) -> Callable[[World, Engine], int]:
        return lambda w, e: ids(w, e)[key]

    names = ("project_id", "milestone_id", "contribution_id", "invention_id", "inventor_id")
    return {f"development:{name}": one(name) for name in (*names, "item_id", "template_id")}
