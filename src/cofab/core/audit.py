"""Hash-chained audit log.

Every entry stores the SHA-256 of the previous entry, so editing or deleting a row by hand breaks
the chain at that point, and ``cofab audit verify`` names it. Entries are appended inside the
caller's transaction: a change and its audit record land together or not at all.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, inspect, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from cofab.core.access import Actor
from cofab.db.base import Base, UTCDateTime, utcnow

GENESIS_HASH = "0" * 64


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    actor_label: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(32), index=True)
    entity: Mapped[str] = mapped_column(String(64), index=True)
    entity_id: Mapped[str] = mapped_column(String(64))
    partner_id: Mapped[int | None] = mapped_column(Integer, index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


def to_jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value


def snapshot(obj: Any) -> dict[str, Any]:
    """Column values of an ORM object, JSON-safe, for the before/after of an entry."""
    mapper = inspect(obj).mapper
    return {attr.key: to_jsonable(getattr(obj, attr.key)) for attr in mapper.column_attrs}


def entry_digest(entry: AuditEntry) -> str:
    payload = {
        "id": entry.id,
        "at": entry.at.isoformat(timespec="microseconds"),
        "actor_user_id": entry.actor_user_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "entity": entry.entity,
        "entity_id": entry.entity_id,
        "partner_id": entry.partner_id,
        "before": entry.before,
        "after": entry.after,
        "prev_hash": entry.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _lock_chain(session: Session) -> None:
    """Serialise appenders so two transactions never chain onto the same predecessor."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(724201)"))


def record(
    session: Session,
    *,
    actor: Actor | None,
    action: str,
    entity: str,
    entity_id: object,
    partner_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the chain inside the current transaction."""
    session.flush()
    _lock_chain(session)
    last = session.execute(
        select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    entry = AuditEntry(
        id=(last.id + 1) if last else 1,
        at=utcnow(),
        actor_user_id=actor.user_id if actor and actor.user_id else None,
        actor_label=actor.email if actor else "system",
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        partner_id=partner_id,
        before=to_jsonable(before) if before is not None else None,
        after=to_jsonable(after) if after is not None else None,
        prev_hash=last.hash if last else GENESIS_HASH,
    )
    entry.hash = entry_digest(entry)
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_id: int | None
    reason: str | None

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


def verify_chain(session: Session, *, batch: int = 5000) -> ChainReport:
    """Recompute every hash in id order; report the first entry that does not fit."""
    expected_prev = GENESIS_HASH
    expected_id = 1
    checked = 0
    last_id = 0
    while True:
        rows = (
            session.execute(
                select(AuditEntry)
                .where(AuditEntry.id > last_id)
                .order_by(AuditEntry.id)
                .limit(batch)
            )
            .scalars()
            .all()
        )
        if not rows:
            return ChainReport(checked, None, None)
        for entry in rows:
            if entry.id != expected_id:
                return ChainReport(
                    checked, entry.id, f"entries {expected_id}..{entry.id - 1} are missing"
                )
            if entry.prev_hash != expected_prev:
                return ChainReport(checked, entry.id, "previous-hash link does not match")
            if entry_digest(entry) != entry.hash:
                return ChainReport(checked, entry.id, "content does not match its hash")
            expected_prev = entry.hash
            expected_id += 1
            checked += 1
            last_id = entry.id
        session.expunge_all()
