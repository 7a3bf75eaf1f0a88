"""What other domains may use of the vault (with ``vault.models``): sealed files and key holders.

A domain that keeps confidential files of its own (selection's evidence, quality's certificates
and NCR photos) seals them with the vault's master key and object format through these functions
(``seal_upload`` for an upload; its row mixes in ``vault.models.SealedFileColumns``) instead
of reaching into the vault's storage, key and error modules; and, since such rows keep wrapped
data keys, it registers their table (``register_key_holder``) so that a master-key rotation
re-wraps them too.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.config import Settings
from cofab.core.access import Actor
from cofab.core.errors import BadRequest, PayloadTooLarge
from cofab.db.base import utcnow
from cofab.vault import documents, schemas
from cofab.vault.access import visible_documents_clause
from cofab.vault.documents import safe_filename
from cofab.vault.errors import UploadTooLarge
from cofab.vault.keys import Keyring, load_keyring
from cofab.vault.models import VaultDocument
from cofab.vault.rotation import KeyHolder, key_holders, register_key_holder
from cofab.vault.storage import FileSystemStorage, StoredObject, open_decrypted, store_encrypted

__all__ = [
    "KeyHolder",
    "SealedFiles",
    "SealedUpload",
    "StoredObject",
    "delete_sealed",
    "key_holders",
    "open_sealed",
    "recent_visible_documents",
    "register_key_holder",
    "safe_filename",
    "seal",
    "seal_upload",
    "sealed_files",
    "upload_document",
    "visible_document_ids",
    "visible_document_titles",
]


@dataclass(frozen=True)
class SealedFiles:
    """A folder of sealed files in the data folder, the keys that open them and the size limit;
    built per request from the settings, so a master key rotated by the CLI is picked up."""

    storage: FileSystemStorage
    keyring: Keyring
    limit_mb: int

    @property
    def limit_bytes(self) -> int:
        return self.limit_mb * 1024 * 1024


def sealed_files(settings: Settings, folder: str) -> SealedFiles:
    """``<data dir>/<folder>``, sealed with the vault's master key, limited to ``max_upload_mb``."""
    data_dir = Path(settings.data_dir)
    return SealedFiles(
        FileSystemStorage(data_dir / folder), load_keyring(data_dir), settings.max_upload_mb
    )


def seal(files: SealedFiles, content: bytes, *, context: bytes) -> StoredObject:
    """Encrypt ``content`` under a fresh data key into a new object (the row keeps the wrapped
    key and object key); ``context`` is bound into the ciphertext, so an object cannot be passed
    off as another kind. Over the limit: ``PayloadTooLarge``, nothing left behind."""
    try:
        return store_encrypted(
            files.storage, [content], files.keyring, max_size=files.limit_bytes, context=context
        )
    except UploadTooLarge as error:
        raise PayloadTooLarge(limit_mb=files.limit_mb) from error


@dataclass(frozen=True)
class SealedUpload:
    """An uploaded file once sealed: what the holder's row keeps to name, describe and open it."""

    filename: str
    content_type: str
    size_bytes: int
    object_key: str
    wrapped_key: bytes
    key_id: str

    def columns(self) -> dict[str, Any]:
        """The row's columns of the same names (a key holder's file table has all six)."""
        return asdict(self)


def seal_upload(
    files: SealedFiles,
    content: bytes,
    *,
    filename: str | None,
    content_type: str | None,
    context: bytes,
    default_name: str = "file",
) -> SealedUpload:
    """An upload sealed the way every holder domain keeps one: an empty file is a
    ``BadRequest``, one over the limit ``PayloadTooLarge`` (nothing stored); the name is made
    safe, the media type is the one sent (without parameters) or guessed from the name."""
    if not content:
        raise BadRequest(documents.MSG_EMPTY)
    if len(content) > files.limit_bytes:
        raise PayloadTooLarge(limit_mb=files.limit_mb)
    name = safe_filename(filename, default_name)
    media = (content_type or "").split(";")[0].strip() or (
        mimetypes.guess_type(name)[0] or "application/octet-stream"
    )
    stored = seal(files, content, context=context)
    return SealedUpload(
        filename=name,
        content_type=media[:100],
        size_bytes=len(content),
        object_key=stored.object_key,
        wrapped_key=stored.wrapped_key,
        key_id=stored.key_id,
    )


def open_sealed(
    files: SealedFiles, object_key: str, wrapped_key: bytes, *, context: bytes
) -> Iterator[bytes]:
    """The authenticated plaintext chunks of a sealed object (errors raised at call time)."""
    return open_decrypted(files.storage, object_key, wrapped_key, files.keyring, context=context)


def delete_sealed(files: SealedFiles, object_key: str) -> None:
    """Remove a sealed object once the row that named it is gone."""
    files.storage.delete(object_key)


def visible_document_titles(
    session: Session, *, actor: Actor, document_ids: Iterable[int]
) -> dict[int, str]:
    """Which of these documents ``actor`` may see now, by the vault's own rule (shares,
    agreements, classification ceilings, grants), with their titles: for another domain that
    links to documents (a discussion's attachments) and shows a link only to those who may
    open it."""
    wanted = sorted(set(document_ids))
    if not wanted:
        return {}
    stmt = select(VaultDocument.id, VaultDocument.title).where(
        VaultDocument.id.in_(wanted), visible_documents_clause(session, actor, utcnow())
    )
    return {row.id: row.title for row in session.execute(stmt)}


def visible_document_ids(
    session: Session, *, actor: Actor, document_ids: Iterable[int]
) -> set[int]:
    return set(visible_document_titles(session, actor=actor, document_ids=document_ids))


def recent_visible_documents(
    session: Session, *, actor: Actor, limit: int = 50
) -> list[tuple[int, str]]:
    """(id, title) of the documents ``actor`` may see, latest first (a picker's choices); like
    the vault's own list, showing the titles is one audited read."""
    stmt = documents.document_query(actor, session).limit(limit)
    shown = list(session.execute(stmt).scalars())
    documents.log_listing(session, actor=actor, documents=shown)
    return [(d.id, d.title) for d in shown]


def upload_document(
    session: Session,
    *,
    actor: Actor,
    settings: Settings,
    title: str,
    classification: str,
    filename: str | None,
    content: bytes,
    content_type: str | None = None,
) -> VaultDocument:
    """A new document with its first version, for a domain that takes a file in passing (a
    discussion's attachment): the vault's writer roles, checks, encryption and audit apply."""
    document = documents.create_document(
        session,
        actor=actor,
        data=schemas.VaultDocumentCreate.model_validate(
            {"title": title, "kind": "other_document", "classification": classification}
        ),
    )
    documents.add_version(
        session,
        actor=actor,
        store=documents.vault_store(settings),
        document_id=document.id,
        src=[content],
        filename=filename,
        content_type=content_type,
    )
    return document
