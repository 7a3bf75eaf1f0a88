"""Audit queries for admins: filter by who, what, which partner and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from cofab.core.access import Actor, require_roles
from cofab.core.audit import AuditEntry, ChainReport, verify_chain
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


def verify(session: Session, *, actor: Actor) -> ChainReport:
    require_roles(actor, AUDITORS)
    return verify_chain(session)
