"""Envelope encryption: one random data key per file version, wrapped by a master key.

Why envelope encryption: rotating the master key only re-wraps 49-byte data keys instead of
re-encrypting every stored file, and each file version is sealed by a key nobody else shares.
All primitives come from the ``cryptography`` package; this module only fixes the framing.

Stored object format ("CFV1"), streamed in chunks so a 1 GiB file never sits in memory::

    object  = header || record_0 || record_1 || ... || record_{n-1}        (n >= 1)
    header  = b"CFV" || 0x01 (format version) || u32be(chunk_size) || nonce_prefix(8 random bytes)
    record_i = AES-256-GCM(data_key, nonce_i, plaintext_i, aad_i)  = ciphertext_i || tag_i(16)
    nonce_i = nonce_prefix || u32be(i)                                     (12 bytes)
    aad_i   = header || u32be(i) || final_i || context
    final_i = 0x01 for the last record, 0x00 otherwise

Every record but the last holds exactly ``chunk_size`` plaintext bytes; the last holds 0 to
``chunk_size`` bytes (an empty file is one empty final record).  The decoder knows which record
is last only from the end of the stream, so:

* a flipped bit anywhere fails that record's tag; a changed header fails every record (it is in
  every aad);
* swapping or reordering records fails (index in nonce and aad);
* cutting the stream at a record boundary fails, because the new last record was sealed with
  final = 0; cutting mid-record fails the short record's tag;
* appending a record (or any bytes) fails, because the old last record was sealed with final = 1;
* ``context`` (optional, e.g. the document-version id) binds the ciphertext to its database row.

Data keys are wrapped with AES Key Wrap (RFC 3394, NIST SP 800-38F) under the master key::

    wrapped = 0x01 (wrap format) || key_id (8 bytes) || AES-KW(master, data_key) (40 bytes)

``key_id`` is derived from the master key (HMAC), so the same key always has the same id whether
it comes from the environment or a file, and a reader knows which master key to ask for.
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import hmac
import io
import mmap
import os
import queue
import secrets
import stat
import threading
from collections.abc import Generator, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap

from cofab.core.i18n import N_
from cofab.vault.errors import UploadTooLarge, VaultIntegrityError, WrongMasterKey
from cofab.vault.writeback import WriteBehind

KEY_BYTES = 32
TAG_BYTES = 16
MAGIC = b"CFV"
FORMAT_VERSION = 1
NONCE_PREFIX_BYTES = 8
HEADER_BYTES = len(MAGIC) + 1 + 4 + NONCE_PREFIX_BYTES
DEFAULT_CHUNK_SIZE = 1 << 20
MIN_CHUNK_SIZE = 16
MAX_CHUNK_SIZE = 64 << 20  # bounds what a crafted header can make the decoder allocate
MAX_RECORDS = 1 << 32
HASH_AHEAD = 2
DROP_EVERY = 8 << 20  # a mapped file's pages leave the process's RSS in steps this big

WRAP_FORMAT = 1
KEY_ID_BYTES = 8
WRAPPED_KEY_BYTES = 1 + KEY_ID_BYTES + KEY_BYTES + 8

_KEY_ID_LABEL = b"cofab vault master key id v1"

MSG_TRUNCATED = N_("The stored file is truncated or empty; nothing was delivered.")
MSG_NOT_VAULT = N_("The stored file is not in the vault format (version {version}).")
MSG_BAD_WRAPPED = N_("The wrapped file key is damaged or does not match master key {key_id}.")
MSG_BAD_KEY = N_("A vault key must be exactly {expected} bytes, got {actual}.")


class Writable(Protocol):
    """Anything with ``write``: a file, ``BytesIO``, or a storage writer.

    ``write`` must consume the bytes before returning (files and ``BytesIO`` copy them); the
    encoder reuses its output buffer for the next record to keep memory flat.
    """

    def write(self, data: bytes | bytearray | memoryview, /) -> object: ...


@dataclass(frozen=True)
class MasterKey:
    """A master key and its id; ``repr`` never shows the secret so it cannot leak into logs."""

    key_id: str
    secret: bytes = field(repr=False)

    @classmethod
    def from_secret(cls, secret: bytes) -> MasterKey:
        _check_key(secret)
        return cls(key_id=master_key_id(secret), secret=bytes(secret))


@dataclass(frozen=True)
class EncryptedInfo:
    """What the database stores beside the object: sizes and the plaintext SHA-256 (hex)."""

    size: int
    sha256: str
    chunks: int
    ciphertext_size: int


def master_key_id(secret: bytes) -> str:
    """16 hex characters identifying a master key without revealing anything usable about it."""
    digest = hmac.new(secret, _KEY_ID_LABEL, hashlib.sha256).digest()
    return digest[:KEY_ID_BYTES].hex()


def new_data_key() -> bytes:
    """A fresh random 256-bit data key; one per file version, never reused."""
    return AESGCM.generate_key(bit_length=256)


def ciphertext_size(plaintext_size: int, chunk_size: int = DEFAULT_CHUNK_SIZE) -> int:
    """Exact stored size, e.g. for an S3 Content-Length or a storage quota check."""
    records = max(1, -(-plaintext_size // chunk_size))
    return HEADER_BYTES + plaintext_size + records * TAG_BYTES


# --- key wrapping ---------------------------------------------------------------------------


def wrap_key(data_key: bytes, master: MasterKey) -> bytes:
    _check_key(data_key)
    body = aes_key_wrap(master.secret, data_key)
    return bytes([WRAP_FORMAT]) + bytes.fromhex(master.key_id) + body


def wrapped_key_id(wrapped: bytes) -> str:
    """The id of the master key a wrapped data key needs (the DB can index on it)."""
    if len(wrapped) != WRAPPED_KEY_BYTES or wrapped[0] != WRAP_FORMAT:
        raise VaultIntegrityError(MSG_BAD_WRAPPED, key_id="?")
    return wrapped[1 : 1 + KEY_ID_BYTES].hex()


def unwrap_key(wrapped: bytes, master: MasterKey) -> bytes:
    key_id = wrapped_key_id(wrapped)
    if key_id != master.key_id:
        raise WrongMasterKey(key_id=key_id)
    try:
        return aes_key_unwrap(master.secret, wrapped[1 + KEY_ID_BYTES :])
    except InvalidUnwrap:
        raise VaultIntegrityError(MSG_BAD_WRAPPED, key_id=key_id) from None


def rewrap(wrapped: bytes, old_master: MasterKey, new_master: MasterKey) -> bytes:
    """Move a data key under a new master key; the file itself is untouched."""
    return wrap_key(unwrap_key(wrapped, old_master), new_master)


# --- streamed encryption --------------------------------------------------------------------


def encrypt_stream(
    src: BinaryIO | Iterable[bytes],
    sink: Writable,
    data_key: bytes,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    context: bytes = b"",
    max_size: int | None = None,
) -> EncryptedInfo:
    """Encrypt ``src`` into ``sink`` chunk by chunk; memory is five chunks whatever the size.

    ``max_size`` is the plaintext upload limit: the stream is refused with ``UploadTooLarge``
    as soon as it is crossed, before the over-limit chunk reaches ``sink``; the caller's
    storage writer then discards the partial object.
    """
    _check_key(data_key)
    if not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
        raise ValueError(f"chunk_size must be within {MIN_CHUNK_SIZE}..{MAX_CHUNK_SIZE}")
    header = MAGIC + bytes([FORMAT_VERSION]) + chunk_size.to_bytes(4, "big")
    header += secrets.token_bytes(NONCE_PREFIX_BYTES)
    prefix = header[-NONCE_PREFIX_BYTES:]
    aead = AESGCM(data_key)
    hasher = hashlib.sha256()
    out = bytearray(chunk_size + TAG_BYTES)
    out_view = memoryview(out)
    sink.write(header)
    size = 0
    index = 0
    reader = src if hasattr(src, "read") else _IterableReader(src)
    with contextlib.closing(_blocks(reader, chunk_size, hasher)) as blocks:
        for plain, final in blocks:
            size += len(plain)
            if max_size is not None and size > max_size:
                raise UploadTooLarge(limit_bytes=max_size)
            if index >= MAX_RECORDS:
                raise ValueError("file too large for the vault format")
            nonce = prefix + index.to_bytes(4, "big")
            aad = header + index.to_bytes(4, "big") + (b"\x01" if final else b"\x00") + context
            sealed = out_view[: len(plain) + TAG_BYTES]
            aead.encrypt_into(nonce, plain, aad, sealed)
            sink.write(sealed)
            index += 1
    return EncryptedInfo(
        size=size,
        sha256=hasher.hexdigest(),
        chunks=index,
        ciphertext_size=HEADER_BYTES + size + index * TAG_BYTES,
    )


def decrypt_stream(
    src: BinaryIO, data_key: bytes, *, context: bytes = b""
) -> Generator[bytes, None, None]:
    """Yield plaintext chunks, each authenticated before it is yielded.

    A bad record raises ``VaultIntegrityError`` before any of its bytes leave; chunks already
    yielded were authentic but the file is incomplete, so a consumer writing to disk must use
    ``decrypt_to_path`` and a streaming HTTP response must abort the connection on the error.
    """
    _check_key(data_key)
    header = _read_full(src, HEADER_BYTES)
    if len(header) < HEADER_BYTES:
        raise VaultIntegrityError(MSG_TRUNCATED)
    if header[: len(MAGIC)] != MAGIC or header[len(MAGIC)] != FORMAT_VERSION:
        raise VaultIntegrityError(MSG_NOT_VAULT, version=header[len(MAGIC)])
    chunk_size = int.from_bytes(header[len(MAGIC) + 1 : len(MAGIC) + 5], "big")
    if not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
        raise VaultIntegrityError()
    prefix = header[-NONCE_PREFIX_BYTES:]
    aead = AESGCM(data_key)
    with contextlib.closing(_blocks(src, chunk_size + TAG_BYTES, None)) as records:
        for index, (record, final) in enumerate(records):
            if len(record) < TAG_BYTES:  # a stub shorter than a tag cannot be a record
                raise VaultIntegrityError(MSG_TRUNCATED)
            if index >= MAX_RECORDS:
                raise VaultIntegrityError()
            nonce = prefix + index.to_bytes(4, "big")
            aad = header + index.to_bytes(4, "big") + (b"\x01" if final else b"\x00") + context
            try:
                plain = aead.decrypt(nonce, record, aad)
            except InvalidTag:
                raise VaultIntegrityError() from None
            yield plain


def decrypt_to_path(
    src: BinaryIO, data_key: bytes, dest: Path, *, context: bytes = b""
) -> EncryptedInfo:
    """Decrypt into ``dest`` so that ``dest`` appears only when every record verified.

    Plaintext goes to a 0600 temporary file beside ``dest`` that is removed on any error and
    renamed over ``dest`` after the final record authenticated: no partial plaintext survives.
    """
    dest = Path(dest)
    temp = dest.parent / f".{dest.name}.{secrets.token_hex(8)}.part"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    hasher = hashlib.sha256()
    size = chunks = 0
    # SHA-256 releases the GIL: hashing chunk i on its own thread while chunk i+1 is decrypted
    # and written keeps the digest off the critical path (at most HASH_AHEAD chunks in flight).
    hashing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cofab-vault-hash")
    in_flight: collections.deque[Future[None]] = collections.deque()
    try:
        with os.fdopen(fd, "wb") as out:
            behind = WriteBehind(fd)
            for plain in decrypt_stream(src, data_key, context=context):
                in_flight.append(hashing.submit(hasher.update, plain))
                out.write(plain)
                behind.wrote(len(plain))
                size += len(plain)
                chunks += 1
                while len(in_flight) > HASH_AHEAD:
                    in_flight.popleft().result()
            while in_flight:
                in_flight.popleft().result()
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, dest)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    finally:
        hashing.shutdown(wait=True, cancel_futures=True)
    return EncryptedInfo(
        size=size,
        sha256=hasher.hexdigest(),
        chunks=chunks,
        ciphertext_size=HEADER_BYTES + size + chunks * TAG_BYTES,
    )


# --- helpers --------------------------------------------------------------------------------


def _check_key(key: bytes) -> None:
    if len(key) != KEY_BYTES:
        raise ValueError(MSG_BAD_KEY.format(expected=KEY_BYTES, actual=len(key)))


class _IterableReader:
    """``readinto`` over an iterable of byte strings of any size (e.g. an upload's parts)."""

    def __init__(self, parts: Iterable[bytes]) -> None:
        self._parts = iter(parts)
        self._pending = memoryview(b"")

    def readinto(self, buffer: bytearray | memoryview) -> int:
        while not self._pending:
            part = next(self._parts, None)
            if part is None:
                return 0
            self._pending = memoryview(part).cast("B")
        count = min(len(buffer), len(self._pending))
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count


def _fill(src: object, buffer: bytearray) -> int:
    """Fill ``buffer`` completely unless the stream ends; returns the byte count."""
    view = memoryview(buffer)
    total = 0
    readinto = getattr(src, "readinto", None)
    while total < len(buffer):
        if readinto is not None:
            count = readinto(view[total:])
        else:
            data = src.read(len(buffer) - total)  # type: ignore[attr-defined]
            count = len(data)
            view[total : total + count] = data
        if not count:
            break
        total += count
    return total


def _read_full(src: BinaryIO, count: int) -> bytes:
    buffer = bytearray(count)
    return bytes(buffer[: _fill(src, buffer)])


class _Hasher(Protocol):
    def update(self, data: memoryview, /) -> None: ...


class _ReadAhead:
    """Reads fixed-size blocks on one background thread and hashes them on another.

    Disk reads and SHA-256 release the GIL, AES-GCM does not; so reading block i+2, hashing
    block i+1 and sealing block i on different threads is what lets two cores approach
    plain-copy speed. Buffers come from a small pool, so memory stays at ``depth + 2`` blocks
    whatever the file size. A buffer returns to the pool only after the caller is done with it
    and the hasher has consumed it (blocks are hashed in order, one semaphore permit each).
    """

    def __init__(
        self, src: object, block_size: int, hasher: _Hasher | None, depth: int = 2
    ) -> None:
        self._src = src
        self._hasher = hasher
        self._stop = threading.Event()
        self._free: queue.SimpleQueue[bytearray | None] = queue.SimpleQueue()
        self._full: queue.SimpleQueue[tuple[bytearray, int] | BaseException] = queue.SimpleQueue()
        self._hash_jobs: queue.SimpleQueue[memoryview | None] = queue.SimpleQueue()
        self._hashed = threading.Semaphore(0)
        for _ in range(depth + 2):
            self._free.put(bytearray(block_size))
        self._threads = [threading.Thread(target=self._read, name="cofab-vault-read", daemon=True)]
        if hasher is not None:
            self._threads.append(
                threading.Thread(target=self._hash, name="cofab-vault-hash", daemon=True)
            )
        for thread in self._threads:
            thread.start()

    def _read(self) -> None:
        try:
            while True:
                buffer = self._free.get()
                if buffer is None or self._stop.is_set():
                    return
                filled = _fill(self._src, buffer)
                if self._hasher is not None:
                    self._hash_jobs.put(memoryview(buffer)[:filled])
                self._full.put((buffer, filled))
                if filled < len(buffer):
                    return
        except BaseException as error:
            self._full.put(error)

    def _hash(self) -> None:
        assert self._hasher is not None
        while (job := self._hash_jobs.get()) is not None:
            if job.nbytes:
                self._hasher.update(job)
            self._hashed.release()

    def take(self) -> tuple[bytearray, int]:
        """The next block in order; never called again after a short (end) block."""
        item = self._full.get()
        if isinstance(item, BaseException):
            raise item
        return item

    def give_back(self, buffer: bytearray) -> None:
        if self._hasher is not None:
            self._hashed.acquire()
        self._free.put(buffer)

    def close(self) -> None:
        """Stop reading and wait until every block read so far has been hashed."""
        self._stop.set()
        self._free.put(None)
        self._threads[0].join()
        if self._hasher is not None:
            self._hash_jobs.put(None)
            self._threads[1].join()


def _blocks(
    src: object, block_size: int, hasher: _Hasher | None
) -> Generator[tuple[memoryview, bool], None, None]:
    """Exact ``block_size`` views (the last may be shorter) plus a final flag.

    The final flag needs one block of look-ahead: a full block is final only if the stream
    ends right after it. A yielded view is valid until the consumer asks for the next one.
    A regular file is read through a memory map, anything else through ``_ReadAhead``.
    """
    mapped = _map_rest(src)
    if mapped is None:
        yield from _read_blocks(src, block_size, hasher)
    else:
        yield from _mapped_blocks(src, mapped, block_size, hasher)


def _read_blocks(
    src: object, block_size: int, hasher: _Hasher | None
) -> Generator[tuple[memoryview, bool], None, None]:
    ahead = _ReadAhead(src, block_size, hasher)
    try:
        current, filled = ahead.take()
        while True:
            if filled < block_size:
                yield memoryview(current)[:filled], True
                return
            following, following_filled = ahead.take()
            if following_filled == 0:
                yield memoryview(current), True
                return
            yield memoryview(current), False
            ahead.give_back(current)
            current, filled = following, following_filled
    finally:
        ahead.close()


def _map_rest(src: object) -> mmap.mmap | None:
    """A read-only map of a regular file with bytes left after its position, else ``None``.

    Why map: reading copies every byte from the page cache into a buffer before the cipher
    copies it again; a map lets AES-GCM and SHA-256 read the page cache directly, which cut
    the CPU per MiB enough to matter on two cores (bench/vault.py). The files read this way
    are vault objects, which are never changed in place (written once, then renamed), and a
    caller's own upload file, which must not shrink while it is being uploaded: a mapped
    file cut short under the reader faults (SIGBUS) instead of reading short.
    """
    try:
        fd = src.fileno()  # type: ignore[attr-defined]
        position = src.tell()  # type: ignore[attr-defined]
        info = os.fstat(fd)
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return None
    if not stat.S_ISREG(info.st_mode) or info.st_size <= position:
        return None
    try:
        mapped = mmap.mmap(fd, info.st_size, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None
    if hasattr(mapped, "madvise") and hasattr(mmap, "MADV_SEQUENTIAL"):
        mapped.madvise(mmap.MADV_SEQUENTIAL)
    return mapped


def _mapped_blocks(
    src: object, mapped: mmap.mmap, block_size: int, hasher: _Hasher | None
) -> Generator[tuple[memoryview, bool], None, None]:
    """``_blocks`` over a memory map: no read copy, no reader thread, flat RSS.

    Pages are handed back (``MADV_DONTNEED``) once both the consumer and the hasher are past
    them; the page cache keeps them, but they stop counting towards this process's memory,
    so a 1 GiB file costs a few MiB of RSS, not 1 GiB. On normal exhaustion ``src`` is left
    at its end, as a read loop would leave it.
    """
    start = src.tell()  # type: ignore[attr-defined]
    end = len(mapped)
    view = memoryview(mapped)
    hashing = (
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="cofab-vault-hash")
        if hasher is not None
        else None
    )
    # Blocks not yet released: (start offset, view, hash future or None), oldest first.
    live: collections.deque[tuple[int, memoryview, Future[None] | None]] = collections.deque()
    dropped = start - start % mmap.PAGESIZE
    offset = start
    try:
        while offset < end:
            stop = min(offset + block_size, end)
            block = view[offset:stop]
            hashed = hashing.submit(hasher.update, block) if hashing and hasher else None
            live.append((offset, block, hashed))
            yield block, stop == end
            offset = stop
            while live and (len(live) > HASH_AHEAD or live[0][2] is None):
                _retire(live.popleft())
            consumed = live[0][0] if live else offset
            if consumed - dropped >= DROP_EVERY:
                dropped = _drop_pages(mapped, dropped, consumed)
        while live:
            _retire(live.popleft())
        src.seek(end)  # type: ignore[attr-defined]
    finally:
        if hashing is not None:
            hashing.shutdown(wait=True, cancel_futures=True)
        for _, block, _ in live:
            block.release()
        view.release()
        mapped.close()


def _retire(entry: tuple[int, memoryview, Future[None] | None]) -> None:
    """Wait for a block's hash (if any), then release its view of the map."""
    _, block, hashed = entry
    if hashed is not None:
        hashed.result()
    block.release()


def _drop_pages(mapped: mmap.mmap, start: int, upto: int) -> int:
    """Unmap whole pages in ``[start, upto)`` from this process; returns the new start."""
    aligned = upto - upto % mmap.PAGESIZE
    if aligned > start and hasattr(mmap, "MADV_DONTNEED"):
        mapped.madvise(mmap.MADV_DONTNEED, start, aligned - start)
        return aligned
    return start
