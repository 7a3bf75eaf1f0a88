"""Read an upload with a hard size limit, so a huge file is refused before it fills memory."""

from __future__ import annotations

from fastapi import UploadFile

from cofab.core.errors import PayloadTooLarge

CHUNK = 1024 * 1024


async def read_limited(upload: UploadFile, limit_mb: int) -> bytes:
    limit = limit_mb * 1024 * 1024
    parts: list[bytes] = []
    size = 0
    while chunk := await upload.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(limit_mb=limit_mb)
        parts.append(chunk)
    return b"".join(parts)
