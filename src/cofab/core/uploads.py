"""Read an upload with a hard size limit, so a huge file is refused before it fills memory.

Synchronous on purpose: upload routes are plain ``def`` and run in the threadpool, so reading
the spooled file (and everything done with it afterwards) never blocks the event loop.
"""

from __future__ import annotations

from starlette.datastructures import UploadFile

from cofab.core.errors import PayloadTooLarge

CHUNK = 1024 * 1024


def read_limited(upload: UploadFile, limit_mb: int) -> bytes:
    limit = limit_mb * 1024 * 1024
    parts: list[bytes] = []
    size = 0
    upload.file.seek(0)
    while chunk := upload.file.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(limit_mb=limit_mb)
        parts.append(chunk)
    return b"".join(parts)
