"""Deleting versions and documents, and sweeping storage of objects no row points at.

Order matters: the rows go first, in the request's transaction with their audit entries, and
the ciphertext objects are removed only after that transaction committed
(``commit_then_remove``). A crash in between leaves an object without a row — unreadable
(its wrapped key went with the row) and removed by ``cofab vault sweep`` — but never a row
pointing at a missing object.

Who may delete: the same people who may edit the document (``WRITERS`` who can see it, see
``documents.writable_document``). Partner users never can (403). A document keeps at least one
version: deleting its only version is refused with 409 — delete the document instead.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from cofab.core import audit
from cofab.core.access import SYSTEM_ACTOR, Actor, require_roles
from cofab.core.errors import Conflict, FieldProblem, ValidationFailed
from cofab.core.i18n import N_
from cofab.db.base import utcnow
from cofab.vault.access import WRITERS, require_access
from cofab.vault.documents import VaultStore, get_version, writable_document
from cofab.vault.models import VaultDocument, VaultGrant, VaultShare, VaultVersion
from cofab.vault.rotation import key_holders
from cofab.vault.storage import FileSystemStorage

log = logging.getLogger("cofab.vault")

MSG_LAST_VERSION = N_(
    "Version {number} is the document's only version, so it was not deleted; delete the whole "
    "document instead."
)
MSG_CONFIRM = N_("Tick the box to confirm the deletion.")
SWEEP_MIN_AGE = timedelta(hours=1)


@dataclass(frozen=True)
class Removal:
    """Objects to remove from storage once the deleting transaction has committed."""

    document_id: int
    object_keys: list[str] = field(default_factory=list)


def _version_summary(version: VaultVersion) -> dict[str, Any]:
    after = audit.snapshot(version)
    after.pop("wrapped_key", None)  # never put key material in the audit log
    return after


def require_confirmation(data: dict[str, Any]) -> None:
    """Pages ask for a ticked box; the API's DELETE verb is its own confirmation."""
    if data.get("confirm") != "yes":
        raise ValidationFailed(problems=[FieldProblem("confirm", MSG_CONFIRM)])


def deletable_version(
    session: Session, *, actor: Actor, version_id: int
) -> tuple[VaultVersion, VaultDocument]:
    require_roles(actor, WRITERS)  # partners: 403 before anything is looked up
    version, document = get_version(session, version_id)
    require_access(
        session,
        actor=actor,
        document=document,
        attempt="delete",
        version=version.number if version else None,
    )
    assert version is not None and document is not None
    return version, document


def delete_version(session: Session, *, actor: Actor, version_id: int) -> Removal:
    version, document = deletable_version(session, actor=actor, version_id=version_id)
    session.refresh(document, with_for_update=True)  # two deletes cannot both pass the check
    remaining = list(
        session.execute(
            select(VaultVersion.number).where(
                VaultVersion.document_id == document.id, VaultVersion.id != version.id
            )
        ).scalars()
    )
    if not remaining:
        raise Conflict(MSG_LAST_VERSION, number=version.number)
    before = _version_summary(version)
    object_key = version.object_key
    session.delete(version)
    document.versions_issued = max(document.versions_issued or 0, document.latest_version)
    document.latest_version = max(remaining)
    document.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="delete",
        entity="vault_version",
        entity_id=before["id"],
        before=before | {"document_title": document.title},
    )
    return Removal(document.id, [object_key])


def delete_document(session: Session, *, actor: Actor, document_id: int) -> Removal:
    document = writable_document(session, actor=actor, document_id=document_id)
    session.refresh(document, with_for_update=True)
    versions = list(
        session.execute(
            select(VaultVersion)
            .where(VaultVersion.document_id == document.id)
            .order_by(VaultVersion.number)
        ).scalars()
    )
    shares = session.execute(
        select(VaultShare).where(VaultShare.document_id == document.id)
    ).scalars()
    grants = session.execute(
        select(VaultGrant).where(VaultGrant.document_id == document.id)
    ).scalars()
    before = audit.snapshot(document) | {
        "versions": [
            {"id": v.id, "number": v.number, "filename": v.filename, "sha256": v.sha256}
            for v in versions
        ],
        "shares": [
            {"id": s.id, "partner_id": s.partner_id, "revoked_at": s.revoked_at} for s in shares
        ],
        "grants": [{"id": g.id, "user_id": g.user_id, "revoked_at": g.revoked_at} for g in grants],
    }
    for version in versions:
        audit.record(
            session,
            actor=actor,
            action="delete",
            entity="vault_version",
            entity_id=version.id,
            before=_version_summary(version) | {"document_title": document.title},
        )
    keys = [v.object_key for v in versions]
    for model in (VaultGrant, VaultShare, VaultVersion):
        session.execute(delete(model).where(model.document_id == document.id))
    session.delete(document)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="delete",
        entity="vault_document",
        entity_id=document_id,
        before=before,
    )
    return Removal(document_id, keys)


def commit_then_remove(session: Session, store: VaultStore, removal: Removal) -> None:
    """Commit the deletion, then remove its objects; a failed removal leaves an orphan for the
    sweep rather than failing a deletion that already happened."""
    session.commit()
    for key in removal.object_keys:
        try:
            store.storage.delete(key)
        except OSError as exc:  # pragma: no cover - a disk error after the commit
            log.warning("vault object %s not removed (%s); `cofab vault sweep` will", key, exc)


# --- sweep ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepReport:
    orphans: list[str]
    orphan_bytes: int
    temp_files: int
    referenced: int
    dry_run: bool


def sweep(
    session: Session,
    storage: FileSystemStorage,
    *,
    dry_run: bool = False,
    min_age: timedelta = SWEEP_MIN_AGE,
    now: datetime | None = None,
) -> SweepReport:
    """Remove objects no row names (vault versions, or any other table ``rotation.key_holders``
    lists), and writers' leftover temp files.

    Only files older than ``min_age`` are touched: an upload publishes its object a moment
    before its row commits, and its temp file is in use until then. The object list is taken
    before the rows are read, so a row committed meanwhile is seen and its object kept.
    """
    cutoff = (now.timestamp() if now else time.time()) - min_age.total_seconds()
    files = [f for f in storage.list_objects() if f.modified < cutoff]
    referenced: set[str] = set()
    for holder in key_holders():  # every sealed-file table, should two ever share a folder
        if hasattr(holder.model, "object_key"):
            referenced.update(session.execute(select(holder.model.object_key)).scalars())
    orphans = [f for f in files if f.key not in referenced]
    temps = storage.stale_temp_files(cutoff)
    total_referenced = session.execute(select(func.count(VaultVersion.id))).scalar_one()
    if not dry_run:
        for orphan in orphans:
            storage.delete(orphan.key)
        storage.remove_stale_temp_files(cutoff)
        if orphans or temps:
            audit.record(
                session,
                actor=SYSTEM_ACTOR,
                action="sweep",
                entity="vault_storage",
                entity_id="-",
                after={"orphans": [o.key for o in orphans], "temp_files": len(temps)},
            )
    return SweepReport(
        orphans=[o.key for o in orphans],
        orphan_bytes=sum(o.size for o in orphans),
        temp_files=len(temps),
        referenced=int(total_referenced),
        dry_run=dry_run,
    )
