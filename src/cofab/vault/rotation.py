"""Master-key rotation over the database: every wrapped data key re-wrapped in one transaction.

Files are never re-encrypted — each holds its own data key, and only the 41-byte wrapping of
that key changes (``keys.rotate_master_key``). The order is chosen so that no step can lose
access to a file:

1. a file lock in the data folder keeps two rotations apart;
2. the tables holding wrapped keys are locked against writers (PostgreSQL: ``LOCK TABLE … IN
   EXCLUSIVE MODE``, readers and downloads go on; SQLite: the first write takes the database's
   single write lock), so no upload can slip in under the old key mid-rotation;
3. ``rotate_master_key`` opens every data key first, archives the old master key, then writes
   the new one; the new wrappings are stored and committed by the caller's unit of work. If
   that commit fails, the old wrappings still open with the archived old key.

Every table that keeps wrapped keys is a key holder: the vault's own versions, and each table
another domain registers through ``vault.service.register_key_holder`` (selection's evidence
files, also sealed by the vault), so one rotation covers the app without the vault importing
the domains that use it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from cofab.core import audit
from cofab.core.access import Actor
from cofab.core.errors import Conflict
from cofab.core.i18n import N_
from cofab.core.wiring import ensure_wired
from cofab.vault.crypto import wrapped_key_id
from cofab.vault.keys import load_keyring, rotate_master_key
from cofab.vault.models import VaultVersion

LOCK_FILE = "vault-rotation.lock"
MSG_BUSY = N_("Another master-key rotation is running; try again when it has finished.")


@dataclass(frozen=True)
class KeyHolder:
    """A table whose rows keep a wrapped data key (and the id of the master key it needs)."""

    name: str
    model: Any

    @property
    def table(self) -> str:
        return str(self.model.__tablename__)


_registered: list[KeyHolder] = []


def register_key_holder(name: str, model: Any) -> None:
    """Another domain's table whose rows keep a vault-wrapped data key (``wrapped_key``,
    ``key_id``, and ``object_key`` when its objects may share a folder with the vault's)."""
    if all(holder.name != name for holder in _registered):
        _registered.append(KeyHolder(name, model))


def key_holders() -> list[KeyHolder]:
    ensure_wired()  # every domain has registered its tables
    return [KeyHolder("vault versions", VaultVersion), *_registered]


@dataclass(frozen=True)
class RotationResult:
    rewrapped: int
    by_holder: dict[str, int]
    old_key_ids: list[str]
    new_key_id: str


@contextlib.contextmanager
def rotation_lock(data_dir: Path) -> Iterator[None]:
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    fd = os.open(Path(data_dir) / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Conflict(MSG_BUSY) from None
        yield
    finally:
        os.close(fd)


def _lock_tables(session: Session, holders: list[KeyHolder]) -> None:
    if session.get_bind().dialect.name == "postgresql":
        for holder in holders:
            session.execute(text(f'LOCK TABLE "{holder.table}" IN EXCLUSIVE MODE'))
        return
    # SQLite: a write (even one that changes nothing) takes the single database write lock
    model = holders[0].model
    session.execute(update(model).where(model.id < 0).values(key_id=model.key_id))


def rotate(
    session: Session,
    *,
    actor: Actor,
    data_dir: Path,
    environ: Mapping[str, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RotationResult:
    """Re-wrap every data key under a new master key; the caller's unit of work commits."""
    holders = key_holders()
    with rotation_lock(data_dir):
        _lock_tables(session, holders)
        refs: list[tuple[tuple[int, int], bytes]] = []
        for index, holder in enumerate(holders):
            rows = session.execute(
                select(holder.model.id, holder.model.wrapped_key).order_by(holder.model.id)
            ).all()
            refs.extend(((index, row[0]), bytes(row[1])) for row in rows)
        old_ids = sorted({wrapped_key_id(wrapped) for _ref, wrapped in refs})
        rewrapped = rotate_master_key(data_dir, refs, environ=environ)
        new_id = load_keyring(data_dir, environ=environ).current.key_id
        counts = {holder.name: 0 for holder in holders}
        for done, ((index, row_id), wrapped) in enumerate(rewrapped, start=1):
            holder = holders[index]
            session.execute(
                update(holder.model)
                .where(holder.model.id == row_id)
                .values(wrapped_key=wrapped, key_id=wrapped_key_id(wrapped))
            )
            counts[holder.name] += 1
            if progress is not None:
                progress(done, len(rewrapped))
        audit.record(
            session,
            actor=actor,
            action="rotate_key",
            entity="vault_master_key",
            entity_id=new_id,
            before={"key_ids": old_ids},
            after={"key_id": new_id, "rewrapped": counts},
        )
        session.flush()
    return RotationResult(len(rewrapped), counts, old_ids, new_id)
