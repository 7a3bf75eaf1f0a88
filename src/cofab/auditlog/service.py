"""Audit queries for admins: filter by who, what, which partner and when.

Entries are chained by the sealer shortly after they commit; the readers here seal what is
pending first, so what an admin sees or verifies is never behind the writes already made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import Engine, Select, select
from sqlalchemy.orm import Session

from cofab.core.access import Actor, require_roles
from cofab.core.audit import AuditEntry
from cofab.core.audit_sealer import seal_pending
from cofab.core.audit_verify import AuditVerdict, verify_audit
from cofab.core.search_text import LIKE_ESCAPE, contains_pattern
from cofab.db.base import UTC

AUDITORS = frozenset({"admin"})


@dataclass(frozen=True)
class AuditFilters:
    actor: str | None = None
    action: str | None = None
    entity: str | None = None
    partner_id: int | None = None
    since: date | None = None
    until: date | None = None


def audit_query(actor: Actor, filters: AuditFilters) -> Select[AuditEntry]:
    require_roles(actor, AUDITORS)
    stmt = select(AuditEntry)
    if filters.actor:
        stmt = stmt.where(
            AuditEntry.actor_label.like(
                contains_pattern(filters.actor, field="actor", lower=True), escape=LIKE_ESCAPE
            )
        )
    if filters.action:
        stmt = stmt.where(AuditEntry.action == filters.action)
    if filters.entity:
        stmt = stmt.where(AuditEntry.entity == filters.entity)
    if filters.partner_id is not None:
        stmt = stmt.where(AuditEntry.partner_id == filters.partner_id)
    if filters.since:
        stmt = stmt.where(AuditEntry.at >= datetime.combine(filters.since, time.min, UTC))
    if filters.until:
        stmt = stmt.where(
            AuditEntry.at < datetime.combine(filters.until + timedelta(days=1), time.min, UTC)
        )
    return stmt.order_by(AuditEntry.id.desc())


def seal_before_reading(session: Session, data_dir: Path, *, actor: Actor) -> None:
    """Chain what has been committed but not sealed yet (in a short transaction of its own).

    The reading session's transaction, which has only read (who is asking), is ended after the
    sealing: on SQLite a reader keeps the snapshot of its first read and would not see the seals.
    """
    require_roles(actor, AUDITORS)
    seal_pending(session.get_bind().engine, data_dir)
    if session.in_transaction() and not (session.new or session.dirty or session.deleted):
        session.commit()


def verify(engine: Engine, data_dir: Path, *, actor: Actor) -> AuditVerdict:
    """Seal, walk the whole chain with its seals, and check it against the signed checkpoints.

    Runs in sessions of its own, so the caller's open transaction cannot hide fresh seals."""
    require_roles(actor, AUDITORS)
    return verify_audit(engine, data_dir)
