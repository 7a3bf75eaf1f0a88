"""Downloads: decide, log, verify the first record, then hand back a stream that needs no session.

Behaviour on a damaged file (documented for operators and partners):

* the wrapped key, the object's presence and the **first record** (up to 1 MiB of plaintext,
  i.e. all of most drawings and specifications) are checked before any byte is sent, so a
  tampered small file, a wrong master key or a missing object answers with a clear 422/404
  problem and nothing is delivered, and no ``download`` entry is committed;
* a record further into a large file that fails its GCM tag stops the stream: the server
  closes the connection before the announced ``Content-Length`` is reached, so every HTTP
  client (and browser) reports a failed download rather than keeping a silently short file.
  Only records that authenticated were sent. The failure is logged on the server;
* nothing is ever written to disk in plaintext on the server side (see ``decrypt_to_path``
  for a verified-then-renamed file when a plaintext copy is really wanted, e.g. by the CLI).

The ``download`` audit entry is recorded in the request's transaction, which commits when the
route returns — before the first byte streams — so a download can never happen unlogged.

Watermarked documents (``VaultDocument.watermark``): a PDF or PNG version is decrypted whole into
memory (every record authenticated before the first byte is sent), stamped by
``cofab.vault.watermark`` and delivered from memory. Content-Length and ``X-Content-SHA256`` then
describe the stamped bytes actually sent (not the stored file's digest shown in the version
list), ``X-Cofab-Watermark: applied`` says so, and the audit entry has ``watermarked: true``.
A PDF/PNG above ``WATERMARK_MAX_BYTES`` or one that cannot be opened is refused (422), never
delivered unstamped; other file types are delivered as stored (``watermarked: false``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.db.base import utcnow
from cofab.vault.access import record_access, require_access
from cofab.vault.documents import VaultStore, get_version, version_context
from cofab.vault.errors import VaultIntegrityError, WatermarkTooLarge
from cofab.vault.models import VaultVersion
from cofab.vault.storage import open_decrypted
from cofab.vault.watermark import (
    WATERMARK_MAX_BYTES,
    apply_watermark,
    stamp_text,
    watermark_kind,
)

log = logging.getLogger("cofab.vault")


@dataclass
class PreparedDownload:
    """Everything the response needs; ``chunks`` reads only storage, never the database."""

    filename: str
    content_type: str
    size: int
    sha256: str
    chunks: Iterator[bytes]
    watermarked: bool = False

    def headers(self) -> dict[str, str]:
        ascii_name = self.filename.encode("ascii", "replace").decode("ascii").replace("?", "_")
        headers = {
            "Content-Disposition": (
                f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(self.filename)}"
            ),
            "Content-Length": str(self.size),
            "X-Content-SHA256": self.sha256,
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        }
        if self.watermarked:
            headers["X-Cofab-Watermark"] = "applied"
        return headers

    def close(self) -> None:
        close = getattr(self.chunks, "close", None)
        if close is not None:
            close()


def prepare_download(
    session: Session,
    *,
    actor: Actor,
    store: VaultStore,
    version_id: int,
    at: datetime | None = None,
) -> PreparedDownload:
    version, document = get_version(session, version_id)
    number = version.number if version is not None else None
    decision = require_access(
        session, actor=actor, document=document, attempt="download", at=at, version=number
    )
    assert version is not None and document is not None
    chunks = open_decrypted_verified(store, version)
    prepared = PreparedDownload(
        filename=version.filename,
        content_type=version.content_type,
        size=version.size,
        sha256=version.sha256,
        chunks=chunks,
    )
    if document.watermark:
        prepared = _watermarked(prepared, version, actor, at or utcnow())
    record_access(
        session,
        actor=actor,
        document=document,
        action="download",
        decision=decision,
        version=version.number,
        extra={"watermarked": prepared.watermarked},
    )
    return prepared


def _watermarked(
    prepared: PreparedDownload, version: VaultVersion, actor: Actor, at: datetime
) -> PreparedDownload:
    """The stamped copy of a PDF/PNG, built in memory; other types pass through unchanged."""
    chunks = prepared.chunks
    try:
        first = next(chunks)
        kind = watermark_kind(version.content_type, first)
        if kind is None:
            prepared.chunks = _Prepended(first, chunks)
            return prepared
        limit_mb = f"{WATERMARK_MAX_BYTES / (1 << 20):g}"
        if version.size > WATERMARK_MAX_BYTES:
            raise WatermarkTooLarge(number=version.number, limit_mb=limit_mb)
        content = bytearray(first)
        for chunk in chunks:  # every record authenticates before anything is sent
            content += chunk
            if len(content) > WATERMARK_MAX_BYTES:
                raise WatermarkTooLarge(number=version.number, limit_mb=limit_mb)
    except BaseException:
        prepared.close()
        raise
    prepared.close()
    text = stamp_text(actor, at, kind)
    stamped = apply_watermark(kind, bytes(content), text, number=version.number)
    del content
    return PreparedDownload(
        filename=prepared.filename,
        content_type=prepared.content_type,
        size=stamped.size,
        sha256=stamped.sha256,
        chunks=iter([stamped.content]),
        watermarked=True,
    )


class _Prepended:
    """``first`` then ``rest``; ``close`` reaches ``rest`` even if iteration never started."""

    def __init__(self, first: bytes, rest: Iterator[bytes]) -> None:
        self._first: bytes | None = first
        self._rest = rest

    def __iter__(self) -> _Prepended:
        return self

    def __next__(self) -> bytes:
        if self._first is not None:
            first, self._first = self._first, None
            return first
        return next(self._rest)

    def close(self) -> None:
        close = getattr(self._rest, "close", None)
        if close is not None:
            close()


def open_decrypted_verified(store: VaultStore, version: VaultVersion) -> Iterator[bytes]:
    """Plaintext chunks whose first record has already authenticated (see module docstring)."""
    chunks = open_decrypted(
        store.storage,
        version.object_key,
        version.wrapped_key,
        store.keyring,
        context=version_context(version.document_id, version.uid),
    )
    object_key = version.object_key
    try:
        first = next(chunks)
    except StopIteration:  # pragma: no cover - the format always has a final record
        raise VaultIntegrityError() from None
    except BaseException:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
        raise
    return _logged(first, chunks, object_key)


def _logged(first: bytes, chunks: Iterator[bytes], object_key: str) -> Iterator[bytes]:
    try:
        yield first
        yield from chunks
    except VaultIntegrityError:
        log.error("vault object %s failed its integrity check mid-stream; download cut", object_key)
        raise
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
