"""Training records of partner staff: who may write them, their validity flags, the export.

A partner user keeps its own company's records (another company's → 404); owner staff with a
writing role keep everyone's. A record is *expired* once ``valid_until`` has passed and
*expiring* within ``EXPIRING_DAYS`` of it; a record without an end date stays valid.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from cofab.core import audit
from cofab.core.access import (
    Actor,
    ensure_partner_visible,
    require_roles,
    scope_to_partner,
)
from cofab.core.errors import FieldProblem, NotFound, ValidationFailed
from cofab.core.i18n import N_
from cofab.core.partner_inputs import partner_inputs_changed
from cofab.partners.models import Contact, Partner
from cofab.training import schemas
from cofab.training.models import TrainingRecord
from cofab.vault.models import VaultDocument, VaultShare

WRITERS = frozenset({"admin", "manager", "quality"})
EXPIRING_DAYS = 30
INVALID = N_("The record has {count} problem(s); nothing was saved.")
NO_SUCH_PARTNER = N_("No partner with id {id}.")
NO_SUCH_CONTACT = N_("No contact with id {id} at this partner.")
NO_SUCH_DOCUMENT = N_("No vault document with id {id}.")
ENDS_BEFORE_COMPLETION = N_("Valid until must not be before the completion date ({completed}).")


def invalid(problems: list[FieldProblem]) -> ValidationFailed:
    return ValidationFailed(INVALID, problems=problems, count=len(problems))


def ensure_writer(actor: Actor, partner_id: int) -> None:
    """Owner writers for any partner; a partner user for its own company."""
    ensure_partner_visible(actor, partner_id)
    if not actor.is_partner:
        require_roles(actor, WRITERS)


def validity(record: TrainingRecord, today: date) -> str:
    if record.valid_until is None:
        return "valid"
    if record.valid_until < today:
        return "expired"
    if record.valid_until <= today + timedelta(days=EXPIRING_DAYS):
        return "expiring"
    return "valid"


def record_query(actor: Actor) -> Select[Any]:
    return scope_to_partner(select(TrainingRecord), actor, TrainingRecord.partner_id).order_by(
        TrainingRecord.partner_id, TrainingRecord.person_name, TrainingRecord.completed_on
    )


def list_records(
    session: Session,
    *,
    actor: Actor,
    partner_id: int | None = None,
    course_kind: str | None = None,
    validity_is: str | None = None,
    today: date | None = None,
) -> list[TrainingRecord]:
    stmt = record_query(actor)
    if partner_id is not None:
        stmt = stmt.where(TrainingRecord.partner_id == partner_id)
    if course_kind:
        stmt = stmt.where(TrainingRecord.course_kind == course_kind)
    records = list(session.execute(stmt).scalars())
    if validity_is:
        day = today or date.today()
        records = [r for r in records if validity(r, day) == validity_is]
    return records


def get_record(session: Session, *, actor: Actor, record_id: int) -> TrainingRecord:
    record: TrainingRecord | None = session.execute(
        record_query(actor).where(TrainingRecord.id == record_id)
    ).scalar_one_or_none()
    if record is None:
        raise NotFound()
    ensure_partner_visible(actor, record.partner_id)
    return record


def _check(
    session: Session, values: dict[str, Any], partner_id: int, actor: Actor
) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    contact_id = values.get("contact_id")
    if contact_id is not None:
        found = session.execute(
            select(Contact.id).where(Contact.id == contact_id, Contact.partner_id == partner_id)
        ).first()
        if found is None:
            problems.append(FieldProblem("contact_id", NO_SUCH_CONTACT, {"id": contact_id}))
    document_id = values.get("certificate_document_id")
    if document_id is not None:
        stmt = select(VaultDocument.id).where(VaultDocument.id == document_id)
        if actor.is_partner:  # a partner names only a document the vault shares with it
            stmt = stmt.where(
                VaultDocument.id.in_(
                    select(VaultShare.document_id).where(
                        VaultShare.partner_id == partner_id, VaultShare.revoked_at.is_(None)
                    )
                )
            )
        if session.execute(stmt).first() is None:
            problems.append(
                FieldProblem("certificate_document_id", NO_SUCH_DOCUMENT, {"id": document_id})
            )
    completed, until = values.get("completed_on"), values.get("valid_until")
    if completed is not None and until is not None and until < completed:
        problems.append(
            FieldProblem("valid_until", ENDS_BEFORE_COMPLETION, {"completed": str(completed)})
        )
    return problems


def create_record(session: Session, *, actor: Actor, data: schemas.RecordCreate) -> TrainingRecord:
    ensure_writer(actor, data.partner_id)
    values = data.model_dump()
    problems: list[FieldProblem] = []
    if session.execute(select(Partner.id).where(Partner.id == data.partner_id)).first() is None:
        problems.append(FieldProblem("partner_id", NO_SUCH_PARTNER, {"id": data.partner_id}))
    problems += _check(session, values, data.partner_id, actor)
    if problems:
        raise invalid(problems)
    record = TrainingRecord(**values, recorded_by_label=actor.display_name or actor.email)
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="training_record",
        entity_id=record.id,
        partner_id=record.partner_id,
        after=audit.snapshot(record),
    )
    # a record counts from the day it was completed: scorecards from then on
    partner_inputs_changed(session, record.partner_id, [record.completed_on], onward=True)
    return record


def update_record(
    session: Session, *, actor: Actor, record_id: int, data: schemas.RecordUpdate
) -> TrainingRecord:
    record = get_record(session, actor=actor, record_id=record_id)
    ensure_writer(actor, record.partner_id)
    values = data.model_dump(exclude_unset=True)
    merged = {
        "completed_on": values.get("completed_on") or record.completed_on,
        "valid_until": values.get("valid_until", record.valid_until),
        "certificate_document_id": values.get("certificate_document_id"),
    }
    problems = _check(session, merged, record.partner_id, actor)
    if problems:
        raise invalid(problems)
    before = audit.snapshot(record)
    changed_from = [record.completed_on]
    for name, value in values.items():
        if value is not None or name in ("valid_until", "certificate_document_id"):
            setattr(record, name, value)
    session.flush()
    changed_from.append(record.completed_on)
    partner_inputs_changed(session, record.partner_id, changed_from, onward=True)
    audit.record(
        session,
        actor=actor,
        action="update",
        entity="training_record",
        entity_id=record.id,
        partner_id=record.partner_id,
        before=before,
        after=audit.snapshot(record),
    )
    return record


def delete_record(session: Session, *, actor: Actor, record_id: int) -> None:
    record = get_record(session, actor=actor, record_id=record_id)
    ensure_writer(actor, record.partner_id)
    before = audit.snapshot(record)
    partner_id = record.partner_id
    partner_inputs_changed(session, partner_id, [record.completed_on], onward=True)
    session.delete(record)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="delete",
        entity="training_record",
        entity_id=record_id,
        partner_id=partner_id,
        before=before,
    )


COLUMNS = (
    "id",
    "partner_id",
    "partner",
    "person_name",
    "person_email",
    "course_kind",
    "course_title",
    "completed_on",
    "valid_until",
    "validity",
    "certificate_document_id",
)


def export_rows(session: Session, records: list[TrainingRecord], today: date) -> list[list[Any]]:
    names = dict(
        session.execute(
            select(Partner.id, Partner.name_en).where(
                Partner.id.in_({r.partner_id for r in records})
            )
        ).all()
    )
    return [
        [
            r.id,
            r.partner_id,
            names.get(r.partner_id, ""),
            r.person_name,
            r.person_email or "",
            r.course_kind,
            r.course_title,
            r.completed_on.isoformat(),
            r.valid_until.isoformat() if r.valid_until else "",
            validity(r, today),
            r.certificate_document_id or "",
        ]
        for r in records
    ]
