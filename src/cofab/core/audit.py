"""Hash-chained audit log, appended by writers and sealed into the chain by a sealer.

Writers only INSERT: an entry gets its id from the table's sequence and lands in the caller's
transaction (a change and its audit record commit together or not at all), with its chain fields
empty. Chaining at write time needed the last entry's hash, so every audited write in the system
waited for every other one under a global lock until commit; now nothing is shared between
writers. ``cofab.core.audit_sealer`` appends committed entries to the chain shortly afterwards
(``seq``, ``prev_hash``, ``hash``, and an HMAC ``seal`` with a key kept outside the database), in
the order it finds them committed. ``verify_chain`` walks the chain by ``seq`` and names the first
entry that is missing or does not fit.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Required, TypedDict

from sqlalchemy import JSON, ForeignKey, Integer, String, func, inspect, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from cofab.core.access import Actor
from cofab.core.i18n import N_
from cofab.db.base import Base, UTCDateTime, utcnow
from cofab.db.session import after_unit_of_work, is_reading

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
    # Chain fields, empty until the sealer appends the entry to the chain.
    seq: Mapped[int | None] = mapped_column(Integer, unique=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    seal: Mapped[str | None] = mapped_column(String(64))

    @property
    def sealed(self) -> bool:
        return self.seal is not None


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
    """SHA-256 over the canonical JSON of the entry's content and its place in the chain.

    ``seq`` joins the payload only where it differs from ``id``: entries chained before the
    sealer existed were chained by id (the migration set ``seq = id``) and keep their original
    hashes, and their position is still covered, because ``id`` is in the payload.
    """
    payload: dict[str, Any] = {
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
    if entry.seq is not None and entry.seq != entry.id:
        payload["seq"] = entry.seq
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def seal_of(entry_hash: str, seal_key: bytes) -> str:
    """HMAC-SHA256 of an entry's hash: only a holder of the key (kept outside the database) can
    make it, so recomputing hashes after an edit does not make the edit pass."""
    return hmac.new(seal_key, entry_hash.encode("ascii"), hashlib.sha256).hexdigest()


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
    """Add one entry inside the current transaction; the sealer chains it after commit.

    No lock and no read of other entries: concurrent writers never wait for each other here.
    The entry of a read (a unit of work that has written nothing, such as a GET showing a
    confidential document) is written right after that unit of work ends, and a failure to
    write it fails the request before its answer is sent: a read leaves its trace or is not
    answered. Written inside the read instead, it would turn every audited GET into a writer
    that holds SQLite's single write lock for the rest of the request.
    """
    entry = AuditEntry(
        at=utcnow(),
        actor_user_id=actor.user_id if actor and actor.user_id else None,
        actor_label=actor.email if actor else "system",
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        partner_id=partner_id,
        before=to_jsonable(before) if before is not None else None,
        after=to_jsonable(after) if after is not None else None,
    )
    if is_reading(session):
        after_unit_of_work(session, lambda side: side.add(entry), required=True)
        return entry
    session.add(entry)
    session.flush()
    return entry


def chain_head(session: Session) -> tuple[int, str] | None:
    """(seq, hash) of the last sealed entry, or None while nothing is sealed."""
    row = session.execute(
        select(AuditEntry.seq, AuditEntry.hash)
        .where(AuditEntry.seq.is_not(None))
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    ).first()
    if row is None or row.seq is None or row.hash is None:
        return None
    return int(row.seq), str(row.hash)


@dataclass(frozen=True)
class ChainReport:
    """What a walk over the sealed chain found. ``reason`` is an English msgid with
    ``reason_params``; ``first_broken_seq`` names the chain position, ``first_broken_id`` the row
    (None when the row is gone)."""

    checked: int
    first_broken_id: int | None
    reason: str | None
    first_broken_seq: int | None = None
    reason_params: Mapping[str, object] = field(default_factory=dict)
    head_seq: int = 0
    head_hash: str = GENESIS_HASH
    pending: int = 0
    hashes_at: Mapping[int, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.reason is None


MISSING = N_("entries {first}..{last} are missing")
BAD_LINK = N_("previous-hash link does not match")
BAD_HASH = N_("content does not match its hash")
NO_SEAL = N_("entry has no seal")
BAD_SEAL = N_("seal does not match: the entry was altered or rehashed")


def verify_chain(
    session: Session,
    *,
    seal_key: bytes | None = None,
    remember: frozenset[int] = frozenset(),
    after: tuple[int, str] | None = None,
    batch: int = 5000,
) -> ChainReport:
    """Recompute every sealed entry in ``seq`` order; report the first one that does not fit.

    Without ``seal_key`` only the hash chain is checked, which anyone with write access to the
    database can recompute; with it every entry's HMAC seal is checked too. The hashes at the
    positions in ``remember`` are returned so checkpoints can be compared without a second pass.
    ``after=(seq, hash)`` starts behind an already trusted position (a checkpoint).
    """
    pending = session.execute(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.seq.is_(None))
    ).scalar_one()
    expected_seq, expected_prev = (after[0] + 1, after[1]) if after else (1, GENESIS_HASH)
    checked = 0
    hashes_at: dict[int, str] = {}

    def broken(
        entry: AuditEntry, reason: str, at_seq: int | None = None, **params: object
    ) -> ChainReport:
        return ChainReport(
            checked,
            entry.id,
            reason,
            first_broken_seq=at_seq or entry.seq,
            reason_params=params,
            head_seq=expected_seq - 1,
            head_hash=expected_prev,
            pending=pending,
            hashes_at=hashes_at,
        )

    while True:
        rows = (
            session.execute(
                select(AuditEntry)
                .where(AuditEntry.seq >= expected_seq)
                .order_by(AuditEntry.seq)
                .limit(batch)
            )
            .scalars()
            .all()
        )
        if not rows:
            return ChainReport(
                checked,
                None,
                None,
                head_seq=expected_seq - 1,
                head_hash=expected_prev,
                pending=pending,
                hashes_at=hashes_at,
            )
        for entry in rows:
            seq = entry.seq or 0
            if seq != expected_seq:
                return broken(entry, MISSING, expected_seq, first=expected_seq, last=seq - 1)
            if entry.prev_hash != expected_prev:
                return broken(entry, BAD_LINK)
            if entry_digest(entry) != entry.hash:
                return broken(entry, BAD_HASH)
            if seal_key is not None:
                if entry.seal is None:
                    return broken(entry, NO_SEAL)
                if not hmac.compare_digest(entry.seal, seal_of(entry.hash, seal_key)):
                    return broken(entry, BAD_SEAL)
            if seq in remember:
                hashes_at[seq] = entry.hash
            expected_prev = entry.hash
            expected_seq += 1
            checked += 1
        session.expunge_all()


class RowEntry(TypedDict, total=False):
    """``record_row``'s arguments after the session, for a domain's own ``record`` that adds a
    step around it (quality flushes the row first, operations bumps the live-view counter after)
    as ``def record(session, **entry: Unpack[RowEntry])``: its parameters are listed here once,
    not again in every such wrapper."""

    actor: Required[Actor | None]
    action: Required[str]
    entity: Required[str]
    row: Required[Any]
    before: dict[str, Any] | None
    partner_id: int | None
    extra: dict[str, Any] | None


def record_row(
    session: Session,
    *,
    actor: Actor | None,
    action: str,
    entity: str,
    row: Any,
    before: dict[str, Any] | None = None,
    partner_id: int | None = None,
    extra: dict[str, Any] | None = None,
) -> AuditEntry:
    """The entry of a change to one stored row: its snapshot after (none after a delete, plus
    ``extra`` facts the row does not hold) under the row's own partner unless one is given.

    Every domain audited its rows with a private copy of these lines; one copy keeps the entries
    of all domains shaped alike for the log's readers and exports.
    """
    after = snapshot(row) if action != "delete" else None
    if after is not None and extra:
        after |= extra
    return record(
        session,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=row.id,
        partner_id=partner_id if partner_id is not None else getattr(row, "partner_id", None),
        before=before,
        after=after,
    )
