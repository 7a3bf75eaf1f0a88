"""Moving a vault object's bytes fast: fixed-size blocks in (memory-mapped or read ahead on a
thread, hashed alongside), and a file out that appears only once it is complete.

Kept apart from the encryption format (``crypto``) because the two change for different
reasons: the format is a compatibility promise to every object already stored, while how bytes
are read and written is tuned to the machine (bench/vault.py) and may change at any time
without touching a single stored byte.
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import io
import mmap
import os
import queue
import secrets
import stat
import threading
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from cofab.vault.writeback import WriteBehind

HASH_AHEAD = 2
DROP_EVERY = 8 << 20  # a mapped file's pages leave the process's RSS in steps this big


@dataclass(frozen=True)
class Written:
    """What ``write_complete_file`` wrote: byte count, SHA-256 (hex) and number of chunks."""

    size: int
    sha256: str
    chunks: int


def write_complete_file(chunks: Iterator[bytes], dest: Path) -> Written:
    """Write ``chunks`` into ``dest`` so that ``dest`` appears only when the iterator ends.

    The bytes go to a 0600 temporary file beside ``dest`` that is removed on any error (an
    exception from ``chunks`` included) and renamed over ``dest`` after the last chunk was
    written and fsynced: no partial file survives.
    """
    dest = Path(dest)
    temp = dest.parent / f".{dest.name}.{secrets.token_hex(8)}.part"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    hasher = hashlib.sha256()
    size = count = 0
    # SHA-256 releases the GIL: hashing chunk i on its own thread while chunk i+1 is produced
    # and written keeps the digest off the critical path (at most HASH_AHEAD chunks in flight).
    hashing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cofab-vault-hash")
    in_flight: collections.deque[Future[None]] = collections.deque()
    try:
        with os.fdopen(fd, "wb") as out:
            behind = WriteBehind(fd)
            for chunk in chunks:
                in_flight.append(hashing.submit(hasher.update, chunk))
                out.write(chunk)
                behind.wrote(len(chunk))
                size += len(chunk)
                count += 1
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
    return Written(size=size, sha256=hasher.hexdigest(), chunks=count)


class IterableReader:
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


def read_full(src: BinaryIO, count: int) -> bytes:
    buffer = bytearray(count)
    return bytes(buffer[: _fill(src, buffer)])


class Hasher(Protocol):
    def update(self, data: memoryview, /) -> None: ...


class _ReadAhead:
    """Reads fixed-size blocks on one background thread and hashes them on another.

    Disk reads and SHA-256 release the GIL, AES-GCM does not; so reading block i+2, hashing
    block i+1 and sealing block i on different threads is what lets two cores approach
    plain-copy speed. Buffers come from a small pool, so memory stays at ``depth + 2`` blocks
    whatever the file size. A buffer returns to the pool only after the caller is done with it
    and the hasher has consumed it (blocks are hashed in order, one semaphore permit each).
    """

    def __init__(self, src: object, block_size: int, hasher: Hasher | None, depth: int = 2) -> None:
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


def blocks(
    src: object, block_size: int, hasher: Hasher | None
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
    src: object, block_size: int, hasher: Hasher | None
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
    src: object, mapped: mmap.mmap, block_size: int, hasher: Hasher | None
) -> Generator[tuple[memoryview, bool], None, None]:
    """``blocks`` over a memory map: no read copy, no reader thread, flat RSS.

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
