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
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.vault.access import record_access, require_access
from cofab.vault.documents import VaultStore, get_version, version_context
from cofab.vault.errors import VaultIntegrityError
from cofab.vault.models import VaultVersion
from cofab.vault.storage import open_decrypted

log = logging.getLogger("cofab.vault")


@dataclass
class PreparedDownload:
    """Everything the response needs; ``chunks`` reads only storage, never the database."""

    filename: str
    content_type: str
    size: int
    sha256: str
    chunks: Iterator[bytes]

    def headers(self) -> dict[str, str]:
        ascii_name = self.filename.encode("ascii", "replace").decode("ascii").replace("?", "_")
        return {
            "Content-Disposition": (
                f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(self.filename)}"
            ),
            "Content-Length": str(self.size),
            "X-Content-SHA256": self.sha256,
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        }

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
    record_access(
        session,
        actor=actor,
        document=document,
        action="download",
        decision=decision,
        version=version.number,
    )
    return PreparedDownload(
        filename=version.filename,
        content_type=version.content_type,
        size=version.size,
        sha256=version.sha256,
        chunks=chunks,
    )


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
