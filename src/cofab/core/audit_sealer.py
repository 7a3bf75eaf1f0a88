"""The sealer: appends committed audit entries to the hash chain, in short transactions of its own.

Writers only insert entries (``cofab.core.audit.record``), so they never wait for each other. The
sealer takes the committed entries that have no ``seq`` yet, in id order, and gives each the next
position: ``seq = head + 1``, ``prev_hash`` = the head's hash, ``hash`` = SHA-256 over the entry's
canonical content including both, and ``seal`` = HMAC-SHA256 of the hash with a key from the data
folder. Order semantics: the chain's order is the order in which the sealer finds entries
committed. An entry whose transaction commits after a higher id was already sealed (a long
transaction) is simply sealed in the next round, with a later ``seq`` than its id suggests;
chain order is seal order, which is close to commit order, and is never rewritten afterwards.

Only one sealer works at a time: on PostgreSQL it takes ``pg_try_advisory_xact_lock`` and skips
the round if another process holds it; on SQLite its first statement is a write, so it holds
SQLite's single write lock before it reads the head. The unique ``seq`` column is the last guard:
two sealers could never both commit the same position.

Entries chained before the sealer existed have no seal. They are back-filled only while no
checkpoint exists yet, after their hash chain checks out: once a checkpoint has been written,
every sealed entry was sealed when it was chained, so a missing seal can only mean the row was
tampered with, and sealing it then would launder the tampering.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from cofab.core import audit_checkpoint, audit_keys
from cofab.core.audit import (
    GENESIS_HASH,
    AuditEntry,
    chain_head,
    entry_digest,
    seal_of,
    verify_chain,
)
from cofab.db.session import unit_of_work

log = logging.getLogger("cofab.audit")

ADVISORY_LOCK_KEY = 724201
BATCH = 500


class SealerBusy(Exception):
    """Another sealer holds the chain right now; this round is skipped."""


def _take_chain(session: Session) -> None:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        got = session.execute(
            text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
        ).scalar_one()
        if not got:
            raise SealerBusy()
    elif dialect == "sqlite":
        # A write as the first statement takes the write lock now (waiting up to busy_timeout),
        # so the head read below cannot be overtaken by another sealer.
        session.execute(text("UPDATE audit_log SET seq = seq WHERE 0 = 1"))


def _head(session: Session) -> tuple[int, str]:
    return chain_head(session) or (0, GENESIS_HASH)


def _backfill(session: Session, key: bytes) -> int:
    """Seal entries chained before seals existed, as far as their chain checks out."""
    rows = (
        session.execute(
            select(AuditEntry)
            .where(AuditEntry.seq.is_not(None), AuditEntry.seal.is_(None))
            .order_by(AuditEntry.seq)
            .limit(BATCH)
        )
        .scalars()
        .all()
    )
    if not rows:
        return 0
    first = rows[0].seq or 0
    prev = GENESIS_HASH
    if first > 1:
        prev_row = session.execute(
            select(AuditEntry.hash, AuditEntry.seal).where(AuditEntry.seq == first - 1)
        ).first()
        if prev_row is None or prev_row.hash is None or prev_row.seal is None:
            return 0  # a gap or an unsealed predecessor: leave it for verify to name
        prev = prev_row.hash
    done = 0
    for entry in rows:
        if entry.seq != first + done or entry.prev_hash != prev or entry.hash is None:
            break
        if entry_digest(entry) != entry.hash:
            break
        entry.seal = seal_of(entry.hash, key)
        prev = entry.hash
        done += 1
    session.flush()
    return done


def _seal_round(engine: Engine, key: bytes, *, backfill: bool) -> int:
    with unit_of_work(engine) as session:
        _take_chain(session)
        done = _backfill(session, key) if backfill else 0
        seq, prev = _head(session)
        pending = (
            session.execute(
                select(AuditEntry)
                .where(AuditEntry.seq.is_(None))
                .order_by(AuditEntry.id)
                .limit(BATCH)
            )
            .scalars()
            .all()
        )
        for entry in pending:
            seq += 1
            entry.seq = seq
            entry.prev_hash = prev
            entry.hash = entry_digest(entry)
            entry.seal = seal_of(entry.hash, key)
            prev = entry.hash
        session.flush()
        return done + len(pending)


def _anything_to_seal(engine: Engine, *, backfill: bool) -> bool:
    """A read first: the sealer runs twice a second, and on SQLite taking the write lock for
    nothing would make every writer queue behind it."""
    with unit_of_work(engine, write=False) as session:
        if session.execute(select(AuditEntry.id).where(AuditEntry.seq.is_(None)).limit(1)).first():
            return True
        if not backfill:
            return False
        unsealed = select(AuditEntry.id).where(
            AuditEntry.seq.is_not(None), AuditEntry.seal.is_(None)
        )
        return session.execute(unsealed.limit(1)).first() is not None


def seal_pending(engine: Engine, data_dir: Path, *, backfill: bool = True) -> int:
    """Seal every committed entry that is not chained yet; return how many were sealed.

    Returns at once (0) when another sealer holds the chain: that one is doing the work.
    ``backfill=False`` skips looking for old unsealed entries (the sealer thread looks once).
    """
    backfill = backfill and not audit_checkpoint.has_checkpoints(data_dir)
    if not _anything_to_seal(engine, backfill=backfill):
        return 0
    key = audit_keys.seal_key(data_dir)
    total = 0
    while True:
        try:
            done = _seal_round(engine, key, backfill=backfill)
        except SealerBusy:
            return total
        total += done
        if done < BATCH:
            return total


class CheckpointRefused(Exception):
    """The chain since the last checkpoint does not verify, so it is not signed."""


def write_checkpoint(
    engine: Engine, data_dir: Path, *, only_if_moved: bool = False
) -> audit_checkpoint.Checkpoint | None:
    """Seal what is pending, check the chain since the last checkpoint, sign the head, append it.

    Signing an unverified head would bless whatever was done to it, so the entries since the last
    checkpoint are re-verified (seals included) first; an earlier part was verified when that
    checkpoint was written. Returns None when nothing is sealed, or (``only_if_moved``) when the
    head has not moved since the last checkpoint.
    """
    seal_pending(engine, data_dir)
    key = audit_keys.seal_key(data_dir)
    latest = audit_checkpoint.read_local(data_dir).latest
    with unit_of_work(engine) as session:
        head = audit_checkpoint.sealed_head(session)
        if head is None:
            return None
        seq, head_hash, count = head
        if only_if_moved and latest is not None and latest.seq == seq:
            return None
        after: tuple[int, str] | None = None
        if latest is not None:
            at_latest = session.execute(
                select(AuditEntry.hash).where(AuditEntry.seq == latest.seq)
            ).scalar_one_or_none()
            if at_latest != latest.hash:
                raise CheckpointRefused()  # truncated or rewritten since: never sign over that
            after = (latest.seq, latest.hash)
        report = verify_chain(session, seal_key=key, after=after)
        if not report.ok or report.head_seq != seq:
            raise CheckpointRefused()
    checkpoint = audit_checkpoint.sign_checkpoint(
        data_dir, seq=seq, head_hash=head_hash, count=count
    )
    audit_checkpoint.append_checkpoint(data_dir, checkpoint)
    return checkpoint


@dataclass
class SealerHandle:
    """A running sealer thread; ``stop()`` ends it within one sleep interval."""

    thread: threading.Thread
    stop_event: threading.Event = field(default_factory=threading.Event)

    def stop(self, timeout: float = 5.0) -> None:
        self.stop_event.set()
        self.thread.join(timeout)


def start_sealer(
    engine: Engine,
    data_dir: Path,
    *,
    interval_s: float = 0.5,
    checkpoint_every_s: float = 600.0,
) -> SealerHandle:
    """Seal every ``interval_s`` in a daemon thread, and sign a checkpoint every
    ``checkpoint_every_s`` when the head has moved. Errors are logged and retried, never raised:
    the sealer must not take the process down, and verify reports what it could not seal."""
    stop_event = threading.Event()

    def run() -> None:
        next_checkpoint = time.monotonic() + checkpoint_every_s
        backfill = True
        while not stop_event.is_set():
            try:
                seal_pending(engine, data_dir, backfill=backfill)
                backfill = False
                if time.monotonic() >= next_checkpoint:
                    next_checkpoint = time.monotonic() + checkpoint_every_s
                    write_checkpoint(engine, data_dir, only_if_moved=True)
            except CheckpointRefused:
                log.error(
                    "audit chain does not verify; no checkpoint signed (run cofab audit verify)"
                )
            except Exception:  # a daemon must survive a dropped connection
                log.exception("audit sealer round failed; retrying")
            stop_event.wait(interval_s)

    thread = threading.Thread(target=run, name="cofab-audit-sealer", daemon=True)
    handle = SealerHandle(thread, stop_event)
    thread.start()
    return handle
