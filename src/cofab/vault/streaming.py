"""Request bodies streamed straight into the encryptor: no spooled temp file, no whole-file bytes.

Starlette's ``request.form()`` spools uploads above 1 MiB to a temporary file — plaintext on
disk — so vault uploads never use it. The API takes the raw body (``request.stream()``); the
browser form is parsed here with python-multipart's push parser, chunk by chunk. The form's
small text fields (the CSRF token first of all) must come before the file part, which browsers
guarantee by sending fields in document order; they are read before any byte is encrypted.

The encryptor is synchronous and runs in a worker thread; ``blocking_chunks`` lets it pull the
next body chunk from the event loop, so memory stays at a few chunks whatever the file size.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import anyio.to_thread
from fastapi import Request
from python_multipart.multipart import MultipartParser, parse_options_header
from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.core.errors import BadRequest, PayloadTooLarge
from cofab.core.i18n import N_
from cofab.vault import documents
from cofab.vault.models import VaultVersion

MAX_FIELD_BYTES = 64 * 1024
BATCH_BYTES = 1 << 20
MSG_NOT_MULTIPART = N_("Send the file as multipart/form-data with a field named {name}.")
MSG_NO_FILE = N_("Choose a file to upload.")
MSG_FIELD_AFTER_FILE = N_("Form fields must come before the file.")


def declared_length(request: Request) -> int | None:
    value = request.headers.get("content-length")
    return int(value) if value and value.isdigit() else None


def refuse_declared_oversize(request: Request, max_bytes: int, overhead: int = 0) -> None:
    """Answer 413 from the header alone when the client announces a body over the limit."""
    length = declared_length(request)
    if length is not None and length > max_bytes + overhead:
        raise PayloadTooLarge(limit_mb=f"{max_bytes / (1 << 20):g}")


async def raw_chunks(request: Request) -> AsyncIterator[bytes]:
    async for chunk in request.stream():
        if chunk:
            yield chunk


def blocking_chunks(
    source: AsyncIterator[bytes], loop: asyncio.AbstractEventLoop, batch_bytes: int = BATCH_BYTES
) -> Iterator[bytes]:
    """The async ``source`` as a plain iterator, for code running in a worker thread.

    Each trip to the event loop brings back up to ``batch_bytes`` of body, not one message:
    a server hands the body over in pieces of around 64 KiB, and one cross-thread round trip
    per piece cost more than encrypting it (16,000 trips per GiB).
    """

    async def pull() -> list[bytes]:
        parts: list[bytes] = []
        size = 0
        while size < batch_bytes:
            try:
                chunk = await anext(source)
            except StopAsyncIteration:
                break
            parts.append(chunk)
            size += len(chunk)
        return parts

    while parts := asyncio.run_coroutine_threadsafe(pull(), loop).result():
        yield from parts


@dataclass
class _Part:
    headers: dict[bytes, bytearray] = field(default_factory=dict)
    name: str = ""
    filename: str | None = None
    content_type: str | None = None
    value: bytearray = field(default_factory=bytearray)


class StreamedForm:
    """A multipart form read incrementally: text fields first, then one file's bytes.

    ``await read_fields()`` consumes the body up to the first byte of the file part named
    ``file_field`` (fields seen so far land in ``fields``); ``file_chunks()`` then yields that
    file's bytes as they arrive. Fields after the file are refused, since the upload has
    already been processed by the time they come.
    """

    def __init__(self, request: Request, *, file_field: str = "file") -> None:
        content_type = request.headers.get("content-type", "")
        kind, options = parse_options_header(content_type)
        boundary = options.get(b"boundary")
        if kind != b"multipart/form-data" or not boundary:
            raise BadRequest(MSG_NOT_MULTIPART, name=file_field)
        self._body = raw_chunks(request)
        self._file_field = file_field
        self.fields: dict[str, str] = {}
        self.filename: str | None = None
        self.content_type: str | None = None
        self._part: _Part | None = None
        self._header_name = bytearray()
        self._header_value = bytearray()
        self._in_file = False
        self._file_done = False
        self._pending: list[bytes] = []
        self._field_bytes = 0
        self._ended = False
        self._parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._on_part_begin,
                "on_header_field": self._on_header_field,
                "on_header_value": self._on_header_value,
                "on_header_end": self._on_header_end,
                "on_headers_finished": self._on_headers_finished,
                "on_part_data": self._on_part_data,
                "on_part_end": self._on_part_end,
                "on_end": self._on_end,
            },
        )

    # --- parser callbacks ---------------------------------------------------------------

    def _on_part_begin(self) -> None:
        if self._file_done:
            raise BadRequest(MSG_FIELD_AFTER_FILE)
        self._part = _Part()

    def _on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _on_header_end(self) -> None:
        assert self._part is not None
        self._part.headers[bytes(self._header_name).lower()] = bytearray(self._header_value)
        self._header_name.clear()
        self._header_value.clear()

    def _on_headers_finished(self) -> None:
        assert self._part is not None
        _kind, options = parse_options_header(
            bytes(self._part.headers.get(b"content-disposition", b""))
        )
        self._part.name = options.get(b"name", b"").decode("utf-8", "replace")
        raw_filename = options.get(b"filename")
        if raw_filename is not None:
            self._part.filename = raw_filename.decode("utf-8", "replace")
        declared = self._part.headers.get(b"content-type")
        self._part.content_type = bytes(declared).decode("latin-1") if declared else None
        if self._part.name == self._file_field and self._part.filename is not None:
            self._in_file = True
            self.filename = self._part.filename
            self.content_type = self._part.content_type

    def _on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._in_file:
            self._pending.append(bytes(data[start:end]))
            return
        assert self._part is not None
        self._field_bytes += end - start
        if self._field_bytes > MAX_FIELD_BYTES:
            raise PayloadTooLarge(limit_mb=f"{MAX_FIELD_BYTES / (1 << 20):g}")
        self._part.value += data[start:end]

    def _on_part_end(self) -> None:
        if self._in_file:
            self._in_file = False
            self._file_done = True
        elif self._part is not None and self._part.filename is None:
            self.fields[self._part.name] = self._part.value.decode("utf-8", "replace")
        self._part = None

    def _on_end(self) -> None:
        self._ended = True

    # --- reading ------------------------------------------------------------------------

    async def _feed_next(self) -> bool:
        try:
            chunk = await anext(self._body)
        except StopAsyncIteration:
            self._parser.finalize()
            self._ended = True
            return False
        self._parser.write(chunk)
        return True

    async def read_fields(self) -> None:
        """Read until the file part starts (its first bytes stay queued for ``file_chunks``)."""
        while not (self._in_file or self._file_done) and not self._ended:
            if not await self._feed_next():
                break
        if not self.filename:
            raise BadRequest(MSG_NO_FILE)

    async def file_chunks(self) -> AsyncIterator[bytes]:
        while True:
            while self._pending:
                yield self._pending.pop(0)
            if self._file_done or self._ended:
                break
            if not await self._feed_next():
                break
        while self._pending:
            yield self._pending.pop(0)

    async def drain(self) -> None:
        """Read what follows the file (the closing boundary) so trailing fields are checked."""
        while not self._ended and await self._feed_next():
            pass


async def stream_upload(
    session: Session,
    *,
    actor: Actor,
    store: documents.VaultStore,
    pending: documents.PendingVersion,
    source: AsyncIterator[bytes],
    filename: str | None,
    content_type: str | None,
    note: str | None,
) -> VaultVersion:
    """Commit the request's reads (so no lock is held while the file streams in), encrypt in a
    worker thread, then record the version; ``pending`` comes from ``begin_version``.

    Every session call runs in a worker thread: one waiting on a lock on the event loop would
    stop every other request from committing."""
    await anyio.to_thread.run_sync(session.commit)
    loop = asyncio.get_running_loop()
    stored = await anyio.to_thread.run_sync(
        documents.store_file, store, pending, blocking_chunks(source, loop)
    )
    try:
        return await anyio.to_thread.run_sync(
            functools.partial(
                documents.finish_version,
                session,
                actor=actor,
                pending=pending,
                stored=stored,
                submitted=documents.Submitted(filename, content_type, note),
            )
        )
    except BaseException:
        await anyio.to_thread.run_sync(documents.discard, store, stored)
        raise
