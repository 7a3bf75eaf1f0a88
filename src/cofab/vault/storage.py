"""Where encrypted vault objects live: one small interface, a filesystem implementation.

The interface is the four calls an S3-compatible store also offers (multipart put, get, delete,
head), so adding one is a new class, not a change to callers. Objects are addressed by random
ids generated here, never by user file names, so a name cannot steer a path. Only ciphertext
ever reaches a backend: ``store_encrypted`` / ``open_decrypted`` are the one way in and out.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from cofab.vault.crypto import (
    DEFAULT_CHUNK_SIZE,
    EncryptedInfo,
    Writable,
    decrypt_stream,
    encrypt_stream,
)
from cofab.vault.errors import InvalidObjectKey, ObjectNotFound, UploadTooLarge
from cofab.vault.keys import Keyring, fsync_dir
from cofab.vault.writeback import WriteBehind

_OBJECT_KEY = re.compile(r"^[0-9a-f]{32}$")
_TEMP_SUFFIX = ".tmp"


class ObjectWriter(Writable, Protocol):
    """What ``open_write`` yields: ``write`` plus a running count for limits and progress."""

    @property
    def written(self) -> int: ...


class StorageBackend(Protocol):
    """The whole contract a vault store must meet.

    ``open_write`` publishes the object only when its ``with`` block exits cleanly; an exception
    inside the block leaves no object and no partial data behind. ``max_bytes`` is enforced
    while streaming with ``UploadTooLarge``.
    """

    def open_write(
        self, key: str, *, max_bytes: int | None = None
    ) -> AbstractContextManager[ObjectWriter]: ...

    def open_read(self, key: str) -> AbstractContextManager[BinaryIO]: ...

    def delete(self, key: str) -> None: ...

    def exists(self, key: str) -> bool: ...


def new_object_key() -> str:
    """128 random bits as hex: unguessable, collision-free, and safe as a path or S3 key."""
    return secrets.token_hex(16)


def check_object_key(key: str) -> str:
    if not isinstance(key, str) or not _OBJECT_KEY.fullmatch(key):
        raise InvalidObjectKey()
    return key


class _LimitedFileWriter:
    def __init__(
        self, handle: BinaryIO, max_bytes: int | None, write_behind: WriteBehind | None = None
    ) -> None:
        self._handle = handle
        self._max_bytes = max_bytes
        self._written = 0
        self._write_behind = write_behind

    @property
    def written(self) -> int:
        return self._written

    def write(self, data: bytes | bytearray | memoryview, /) -> int:
        size = len(data) if not isinstance(data, memoryview) else data.nbytes
        if self._max_bytes is not None and self._written + size > self._max_bytes:
            raise UploadTooLarge(limit_bytes=self._max_bytes)
        self._handle.write(data)
        self._written += size
        if self._write_behind is not None:
            self._write_behind.wrote(size)
        return size


class FileSystemStorage:
    """Objects as files under ``root/<first two hex digits>/<key>``, written atomically.

    A write goes to a 0600 temp file in the object's folder, is fsynced, then ``os.replace``d
    into place, so readers see a whole object or none, even after a crash. Write-back starts
    while the object streams in (``WriteBehind``), so the closing fsync is short.
    ``fsync=False`` is only for benchmarks and tests that measure the cipher, not the disk.
    """

    def __init__(self, root: Path, *, fsync: bool = True) -> None:
        self.root = Path(root)
        self.fsync = fsync
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)

    def path_for(self, key: str) -> Path:
        check_object_key(key)
        return self.root / key[:2] / key

    @contextlib.contextmanager
    def open_write(self, key: str, *, max_bytes: int | None = None) -> Iterator[ObjectWriter]:
        final = self.path_for(key)
        final.parent.mkdir(mode=0o700, exist_ok=True)
        temp = final.parent / f".{key}.{secrets.token_hex(8)}{_TEMP_SUFFIX}"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                behind = WriteBehind(fd) if self.fsync else None
                yield _LimitedFileWriter(handle, max_bytes, behind)
                handle.flush()
                if self.fsync:
                    os.fsync(handle.fileno())
            os.replace(temp, final)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
            raise
        if self.fsync:
            fsync_dir(final.parent)

    @contextlib.contextmanager
    def open_read(self, key: str) -> Iterator[BinaryIO]:
        try:
            handle = open(self.path_for(key), "rb")  # noqa: SIM115 - closed by the with below
        except FileNotFoundError:
            raise ObjectNotFound(object_key=key) from None
        with handle:
            yield handle

    def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path_for(key))

    def exists(self, key: str) -> bool:
        return self.path_for(key).is_file()

    def remove_stale_temp_files(self, older_than: float | None = None) -> int:
        """Drop temp files a crashed writer left (ciphertext only); returns how many.

        ``older_than`` (a POSIX time) spares files modified since, i.e. uploads still running.
        """
        count = 0
        for temp in self.stale_temp_files(older_than):
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()
                count += 1
        return count

    def stale_temp_files(self, older_than: float | None = None) -> list[Path]:
        found = []
        for temp in self.root.glob(f"*/.*{_TEMP_SUFFIX}"):
            with contextlib.suppress(FileNotFoundError):
                if older_than is None or temp.stat().st_mtime < older_than:
                    found.append(temp)
        return found

    def list_objects(self) -> Iterator[StoredFile]:
        """Every published object (``<2 hex>/<32 hex>``); anything else in the folder is ignored."""
        for folder in self.root.iterdir():
            if not (folder.is_dir() and re.fullmatch(r"[0-9a-f]{2}", folder.name)):
                continue
            for path in folder.iterdir():
                if not _OBJECT_KEY.fullmatch(path.name) or path.name[:2] != folder.name:
                    continue
                with contextlib.suppress(FileNotFoundError):
                    info = path.stat()
                    yield StoredFile(path.name, info.st_size, info.st_mtime)


@dataclass(frozen=True)
class StoredFile:
    """One object as the sweep sees it: key, ciphertext size and last-modified POSIX time."""

    key: str
    size: int
    modified: float


@dataclass(frozen=True)
class StoredObject:
    """Everything the database keeps for one encrypted file version."""

    object_key: str
    wrapped_key: bytes
    key_id: str
    info: EncryptedInfo


def store_encrypted(
    storage: StorageBackend,
    src: BinaryIO | Iterable[bytes],
    keyring: Keyring,
    *,
    max_size: int | None = None,
    context: bytes = b"",
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> StoredObject:
    """Encrypt a stream under a fresh data key into a new object; the upload path in one call.

    ``max_size`` limits the plaintext; over it, ``UploadTooLarge`` is raised and the partial
    object is discarded by the backend.
    """
    data_key, wrapped = keyring.new_wrapped_data_key()
    key = new_object_key()
    with storage.open_write(key) as sink:
        info = encrypt_stream(
            src, sink, data_key, chunk_size=chunk_size, context=context, max_size=max_size
        )
    return StoredObject(
        object_key=key, wrapped_key=wrapped, key_id=keyring.current.key_id, info=info
    )


def open_decrypted(
    storage: StorageBackend,
    object_key: str,
    wrapped_key: bytes,
    keyring: Keyring,
    *,
    context: bytes = b"",
) -> Iterator[bytes]:
    """Authenticated plaintext chunks of a stored object; the download path in one call.

    A wrong or missing master key and a missing object are reported here, at call time, so a
    route can answer with a clear error before it starts a streaming response.
    """
    data_key = keyring.unwrap(wrapped_key)
    if not storage.exists(object_key):
        raise ObjectNotFound(object_key=object_key)
    return _decrypted_chunks(storage, object_key, data_key, context)


def _decrypted_chunks(
    storage: StorageBackend, object_key: str, data_key: bytes, context: bytes
) -> Iterator[bytes]:
    with storage.open_read(object_key) as handle:
        yield from decrypt_stream(handle, data_key, context=context)
