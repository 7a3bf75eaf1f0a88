"""Documents and their encrypted versions: create, edit, add a version, read one.

Uploads come in three steps so that no database transaction stays open while a large file
streams in: ``begin_version`` checks the right to upload and fixes the new version's uid (the
``context`` bound into its ciphertext), the caller then streams the file through
``store_encrypted`` with the session committed, and ``finish_version`` records the row. If
anything fails after the object was written, ``discard`` removes it, so no orphan ciphertext
is left behind (a crash between the two steps can leave one: it is unreadable without its
wrapped key, which only the database row would have held).
"""

from __future__ import annotations

import mimetypes
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from cofab.config import Settings
from cofab.contracts.models import Contract
from cofab.core import audit
from cofab.core.access import Actor, require_roles
from cofab.core.errors import BadRequest, FieldProblem, NotFound, ValidationFailed
from cofab.core.i18n import N_
from cofab.core.search_text import LIKE_ESCAPE, contains_pattern
from cofab.db.base import utcnow
from cofab.vault import schemas
from cofab.vault.access import (
    WRITERS,
    Decision,
    as_utc,
    record_access,
    require_access,
    visible_documents_clause,
)
from cofab.vault.keys import Keyring, load_keyring
from cofab.vault.models import VaultDocument, VaultGrant, VaultShare, VaultVersion
from cofab.vault.storage import FileSystemStorage, StorageBackend, StoredObject, store_encrypted

STORAGE_FOLDER = "vault"
MSG_EMPTY = N_("The file is empty.")
MSG_NO_CONTRACT = N_("No contract has the id {id}.")


@dataclass(frozen=True)
class VaultStore:
    """Where ciphertext goes and which keys open it; built per request from the settings, so a
    master key rotated by the CLI is picked up without restarting the app."""

    storage: StorageBackend
    keyring: Keyring
    max_bytes: int

    @property
    def limit_mb(self) -> str:
        return f"{self.max_bytes / (1 << 20):g}"


def upload_limit_mb(settings: Settings) -> int:
    """``vault_max_upload_mb`` when the settings have it, else the app-wide ``max_upload_mb``."""
    value = getattr(settings, "vault_max_upload_mb", None)
    return int(value) if value else int(settings.max_upload_mb)


def vault_store(settings: Settings) -> VaultStore:
    data_dir = Path(settings.data_dir)
    return VaultStore(
        storage=FileSystemStorage(data_dir / STORAGE_FOLDER),
        keyring=load_keyring(data_dir),
        max_bytes=upload_limit_mb(settings) << 20,
    )


def version_context(document_id: int, uid: str) -> bytes:
    """Bound into every record's AAD: this ciphertext belongs to this document and version row."""
    return f"cofab.vault:{document_id}:{uid}".encode("ascii")


def safe_filename(name: str | None, fallback: str = "document") -> str:
    """The user's file name for display and download headers only — never part of a path."""
    base = (name or fallback).replace("\\", "/").rsplit("/", 1)[-1]
    base = re.sub(r"[\x00-\x1f\x7f\"]", "", base).strip() or fallback
    return base[:255]


def media_type(filename: str, declared: str | None) -> str:
    value = (declared or "").split(";")[0].strip().lower()
    if not value or value in ("application/x-www-form-urlencoded", "multipart/form-data"):
        value = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return value[:100]


# --- documents ------------------------------------------------------------------------------


def _check_contract(session: Session, contract_id: int | None) -> None:
    if contract_id is not None and session.get(Contract, contract_id) is None:
        raise ValidationFailed(
            problems=[FieldProblem("contract_id", MSG_NO_CONTRACT, {"id": contract_id})]
        )


def create_document(
    session: Session, *, actor: Actor, data: schemas.VaultDocumentCreate
) -> VaultDocument:
    require_roles(actor, WRITERS)
    _check_contract(session, data.contract_id)
    document = VaultDocument(
        title=data.title.strip(),
        kind=data.kind.value,
        classification=data.classification.value,
        description=data.description,
        contract_id=data.contract_id,
        external_ref=data.external_ref,
        owner_user_id=actor.user_id or None,
        latest_version=0,
        watermark=data.watermark,
    )
    session.add(document)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="vault_document",
        entity_id=document.id,
        after=audit.snapshot(document),
    )
    return document


def update_document(
    session: Session, *, actor: Actor, document_id: int, data: schemas.VaultDocumentUpdate
) -> VaultDocument:
    document = writable_document(session, actor=actor, document_id=document_id)
    changes = data.model_dump(exclude_unset=True)
    if "contract_id" in changes:
        _check_contract(session, changes["contract_id"])
    before = audit.snapshot(document)
    for name, value in changes.items():
        if name in ("title", "watermark") and value is None:
            continue
        if name in ("kind", "classification"):
            if value is None:
                continue
            value = value.value
        setattr(document, name, value)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update",
        entity="vault_document",
        entity_id=document.id,
        before=before,
        after=audit.snapshot(document),
    )
    return document


def writable_document(session: Session, *, actor: Actor, document_id: int) -> VaultDocument:
    """A document the actor may change: a writer role that can also see it."""
    require_roles(actor, WRITERS)
    document = session.get(VaultDocument, document_id)
    require_access(session, actor=actor, document=document, attempt="write")
    assert document is not None
    return document


def document_query(
    actor: Actor,
    session: Session,
    *,
    q: str | None = None,
    classification: str | None = None,
    at: datetime | None = None,
) -> Select[VaultDocument]:
    at = as_utc(at or utcnow())
    stmt = select(VaultDocument).where(visible_documents_clause(session, actor, at))
    if q:
        stmt = stmt.where(VaultDocument.title.ilike(contains_pattern(q), escape=LIKE_ESCAPE))
    if classification:
        stmt = stmt.where(VaultDocument.classification == classification)
    return stmt.order_by(VaultDocument.updated_at.desc(), VaultDocument.id.desc())


def log_listing(session: Session, *, actor: Actor, documents: list[VaultDocument]) -> None:
    """A list is a view of titles and classifications: one audit entry names what was shown."""
    if not documents:
        return
    audit.record(
        session,
        actor=actor,
        action="read",
        entity="vault_document_list",
        entity_id="-",
        partner_id=actor.partner_id,
        after={"document_ids": [d.id for d in documents]},
    )


@dataclass(frozen=True)
class DocumentView:
    document: VaultDocument
    decision: Decision
    versions: list[VaultVersion]
    shares: list[VaultShare]
    grants: list[VaultGrant]


def view_document(
    session: Session, *, actor: Actor, document_id: int, at: datetime | None = None
) -> DocumentView:
    """The document page: allowed views are logged as ``read``; refusals raise (and are logged)."""
    document = session.get(VaultDocument, document_id)
    decision = require_access(session, actor=actor, document=document, attempt="read", at=at)
    assert document is not None
    versions = list(
        session.execute(
            select(VaultVersion)
            .where(VaultVersion.document_id == document.id)
            .order_by(VaultVersion.number.desc())
        ).scalars()
    )
    shares: list[VaultShare] = []
    grants: list[VaultGrant] = []
    if not actor.is_partner:
        shares = list(
            session.execute(
                select(VaultShare)
                .where(VaultShare.document_id == document.id)
                .order_by(VaultShare.id.desc())
            ).scalars()
        )
        grants = list(
            session.execute(
                select(VaultGrant)
                .where(VaultGrant.document_id == document.id)
                .order_by(VaultGrant.id.desc())
            ).scalars()
        )
    record_access(
        session,
        actor=actor,
        document=document,
        action="read",
        decision=decision,
        version=document.latest_version or None,
    )
    return DocumentView(document, decision, versions, shares, grants)


# --- versions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PendingVersion:
    document_id: int
    uid: str

    @property
    def context(self) -> bytes:
        return version_context(self.document_id, self.uid)


def begin_version(session: Session, *, actor: Actor, document_id: int) -> PendingVersion:
    writable_document(session, actor=actor, document_id=document_id)
    return PendingVersion(document_id=document_id, uid=secrets.token_hex(16))


def store_file(
    store: VaultStore, pending: PendingVersion, src: BinaryIO | Iterable[bytes]
) -> StoredObject:
    """Encrypt the stream under a fresh data key; safe to run in a worker thread (no session)."""
    return store_encrypted(
        store.storage, src, store.keyring, max_size=store.max_bytes, context=pending.context
    )


def discard(store: VaultStore, stored: StoredObject) -> None:
    store.storage.delete(stored.object_key)


@dataclass(frozen=True)
class Submitted:
    """What the uploader said about the file: its name, its declared type, a note."""

    filename: str | None
    content_type: str | None = None
    note: str | None = None


def finish_version(
    session: Session,
    *,
    actor: Actor,
    pending: PendingVersion,
    stored: StoredObject,
    submitted: Submitted,
) -> VaultVersion:
    filename, content_type, note = submitted.filename, submitted.content_type, submitted.note
    document = writable_document(session, actor=actor, document_id=pending.document_id)
    if stored.info.size == 0:
        raise BadRequest(MSG_EMPTY)
    session.refresh(document, with_for_update=True)  # numbers stay unique under concurrency
    highest = session.execute(
        select(func.max(VaultVersion.number)).where(VaultVersion.document_id == document.id)
    ).scalar_one()
    number = max(highest or 0, document.versions_issued or 0) + 1
    name = safe_filename(filename)
    version = VaultVersion(
        document_id=document.id,
        number=number,
        uid=pending.uid,
        filename=name,
        content_type=media_type(name, content_type),
        size=stored.info.size,
        sha256=stored.info.sha256,
        object_key=stored.object_key,
        wrapped_key=stored.wrapped_key,
        key_id=stored.key_id,
        chunks=stored.info.chunks,
        ciphertext_size=stored.info.ciphertext_size,
        note=(note or "").strip()[:5000] or None,
        uploaded_by_user_id=actor.user_id or None,
        uploaded_by_label=actor.email,
    )
    session.add(version)
    document.latest_version = number
    document.versions_issued = number
    document.updated_at = utcnow()
    session.flush()
    after = audit.snapshot(version)
    after.pop("wrapped_key", None)
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="vault_version",
        entity_id=version.id,
        after=after | {"document_title": document.title},
    )
    return version


def add_version(
    session: Session,
    *,
    actor: Actor,
    store: VaultStore,
    document_id: int,
    src: BinaryIO | Iterable[bytes],
    filename: str | None,
    content_type: str | None = None,
    note: str | None = None,
) -> VaultVersion:
    """All three upload steps in one call, for the CLI, demo data and tests (no long stream)."""
    pending = begin_version(session, actor=actor, document_id=document_id)
    stored = store_file(store, pending, src)
    try:
        return finish_version(
            session,
            actor=actor,
            pending=pending,
            stored=stored,
            submitted=Submitted(filename, content_type, note),
        )
    except BaseException:
        discard(store, stored)
        raise


def get_version(
    session: Session, version_id: int
) -> tuple[VaultVersion | None, VaultDocument | None]:
    version = session.get(VaultVersion, version_id)
    if version is None:
        return None, None
    return version, session.get(VaultDocument, version.document_id)


def require_document(session: Session, document_id: int) -> VaultDocument:
    document = session.get(VaultDocument, document_id)
    if document is None:
        raise NotFound()
    return document
