"""Training objects for the tests and the shared isolation sweeps.

A vault document stands in with its header row only (``latest_version`` is what SOP
acknowledgement reads): uploading bytes is the vault's business and tested there."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, select
from tests.conftest import World

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.training import schemas, service
from cofab.vault.models import VaultDocument, VaultShare

TRAINING_SAMPLE_BODIES: dict[str, dict[str, Any]] = {
    "RecordCreate": {
        "partner_id": 0,
        "person_name": "Intruder",
        "course_kind": "security",
        "course_title": "x",
        "completed_on": "2026-01-01",
    },
    "RecordUpdate": {"person_name": "hijacked"},
    "SopCreate": {"document_id": 0, "partner_id": 0},
    "AcknowledgeIn": {"version": 1},
}


def shared_document(engine: Engine, partner_id: int, title: str, version: int = 1) -> int:
    """A vault document at ``version`` with an open share to the partner."""
    with unit_of_work(engine) as session:
        document = VaultDocument(
            title=title,
            kind="process_sheet",
            classification="confidential",
            latest_version=version,
            versions_issued=version,
        )
        session.add(document)
        session.flush()
        session.add(VaultShare(document_id=document.id, partner_id=partner_id))
        return document.id


def new_version(engine: Engine, document_id: int) -> None:
    with unit_of_work(engine) as session:
        document = session.execute(
            select(VaultDocument).where(VaultDocument.id == document_id)
        ).scalar_one()
        document.latest_version += 1
        document.versions_issued += 1


def isolation_resolvers(world: World, engine: Engine) -> dict[str, Callable[[World, Engine], int]]:
    made: dict[str, int] = {}

    def ids(world: World, engine: Engine) -> dict[str, int]:
        if not made:
            document_id = shared_document(engine, world.partner_b, "Bravo Bioworks SOP")
            with unit_of_work(engine) as session:
                record = service.create_record(
                    session,
                    actor=SYSTEM_ACTOR,
                    data=schemas.RecordCreate(
                        partner_id=world.partner_b,
                        person_name="Bravo Bioworks Contact",
                        course_kind="security",
                        course_title="Security rules",
                        completed_on=date.today() - timedelta(days=10),
                    ),
                )
                requirement = service.require_acknowledgement(
                    session,
                    actor=SYSTEM_ACTOR,
                    data=schemas.SopCreate(document_id=document_id, partner_id=world.partner_b),
                )
                made.update(record_id=record.id, requirement_id=requirement.id)
        return made

    return {
        "training:record_id": lambda w, e: ids(w, e)["record_id"],
        "training:requirement_id": lambda w, e: ids(w, e)["requirement_id"],
    }
