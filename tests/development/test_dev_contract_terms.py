"""The IP terms an invention falls under are those of the contract's version in force, read
through the contracts service: a draft amendment with other terms changes nothing until it is
in force, and what the register said is kept with the version it was computed from."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine
from tests.conftest import World
from tests.contracts.contract_factories import terms
from tests.development.development_factories import IP, contract_with_ip

from cofab.contracts import schemas as contract_schemas
from cofab.contracts import service as contracts_service
from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.development import schemas, service


def _invention(engine: Engine, project_id: int) -> tuple[str, int | None, str]:
    with unit_of_work(engine) as session:
        made = service.create_invention(
            session,
            actor=SYSTEM_ACTOR,
            project_id=project_id,
            data=schemas.InventionCreate(
                title="Cathode coating",
                conceived_on=date(2026, 7, 1),
                inventors=[schemas.InventorIn(side="partner", name="Partner engineer")],
            ),
        )
        return made.computed_owners, made.contract_version, made.rule


def test_version_in_force_decides(world: World, engine: Engine) -> None:
    contract_id = contract_with_ip(engine, world.partner_a, IP)  # v1: foreground joint
    with unit_of_work(engine) as session:
        project = service.create_project(
            session,
            actor=SYSTEM_ACTOR,
            data=schemas.ProjectCreate(
                title="Cathode", partner_id=world.partner_a, contract_id=contract_id
            ),
        )
        project_id = project.id
        contracts_service.create_amendment(
            session,
            actor=SYSTEM_ACTOR,
            contract_id=contract_id,
            data=contract_schemas.AmendmentCreate.model_validate(
                {
                    "summary": "Foreground to the partner",
                    "effective_from": "2026-06-01",
                    "terms": terms(ip=IP | {"foreground_ip": "partner"}),
                }
            ),
        )
    assert _invention(engine, project_id) == ("joint", 1, "foreground_ip=joint")
    with unit_of_work(engine) as session:
        for target in ("internal_review", "partner_review", "approved", "active"):
            contracts_service.transition(
                session, actor=SYSTEM_ACTOR, contract_id=contract_id, to=target
            )
    assert _invention(engine, project_id) == ("partner", 2, "foreground_ip=partner")
    with unit_of_work(engine) as session:
        first = service.list_inventions(session, actor=SYSTEM_ACTOR, project_id=project_id)[0]
        assert (first.computed_owners, first.contract_version) == ("joint", 1)  # kept as said
