"""The plumbing between a request body, the encryptor and the disk.

``blocking_chunks`` hands the body from the event loop to the encrypting thread in batches;
``WriteBehind`` starts write-back while an object streams to disk. Neither changes a byte;
these tests pin down that they keep order and content, and that they do what they are for.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from cofab.vault.storage import FileSystemStorage, new_object_key
from cofab.vault.streaming import blocking_chunks
from cofab.vault.writeback import WriteBehind


def run_blocking_in_thread(parts: list[bytes], batch_bytes: int) -> tuple[list[bytes], int]:
    """Consume ``blocking_chunks`` from a worker thread as the upload route does.

    Returns what the thread saw and how many trips it made to the event loop.
    """
    trips = 0

    async def source() -> AsyncIterator[bytes]:
        for part in parts:
            await asyncio.sleep(0)
            yield part

    async def main() -> list[bytes]:
        nonlocal trips
        loop = asyncio.get_running_loop()
        original = asyncio.run_coroutine_threadsafe

        def counting(coro, target_loop):  # type: ignore[no-untyped-def]
            nonlocal trips
            trips += 1
            return original(coro, target_loop)

        asyncio.run_coroutine_threadsafe = counting  # type: ignore[assignment]
        try:
            return await asyncio.to_thread(
                lambda: list(blocking_chunks(source(), loop, batch_bytes=batch_bytes))
            )
        finally:
            asyncio.run_coroutine_threadsafe = original  # type: ignore[assignment]

    # A fresh thread for the loop: the browser tests' Playwright may own this thread's loop.
    with ThreadPoolExecutor(max_workers=1) as runner:
        seen = runner.submit(asyncio.run, main()).result()
    return seen, trips


def test_body_arrives_whole_and_in_order_in_few_trips() -> None:
    parts = [os.urandom(size) for size in [1, 64 << 10, 0, 17, 64 << 10, 300 << 10, 5] * 8]
    seen, trips = run_blocking_in_thread(parts, batch_bytes=256 << 10)
    assert b"".join(seen) == b"".join(parts)
    assert seen == parts  # parts are passed through, not re-cut
    total = sum(map(len, parts))
    # One trip per full batch (each ends at or just past 256 KiB), one for the tail, one
    # that finds the end: far fewer than one trip per part.
    assert trips <= total // (256 << 10) + 2
    assert trips < len(parts) // 2


def test_empty_body_is_one_trip_and_nothing_yielded() -> None:
    seen, trips = run_blocking_in_thread([], batch_bytes=1 << 20)
    assert seen == [] and trips == 1


def test_write_behind_asks_for_contiguous_ranges_of_whole_steps(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if not hasattr(os, "posix_fadvise"):
        pytest.skip("no posix_fadvise on this platform")
    calls: list[tuple[int, int, int]] = []
    real = os.posix_fadvise

    def record(fd: int, offset: int, length: int, advice: int) -> None:
        calls.append((offset, length, advice))
        real(fd, offset, length, advice)

    monkeypatch.setattr(os, "posix_fadvise", record)
    with (tmp_path / "object").open("wb") as handle:
        behind = WriteBehind(handle.fileno(), step=1000)
        for size in [400, 400, 400, 999, 1, 50]:
            handle.write(b"x" * size)
            behind.wrote(size)
    assert calls == [
        (0, 1200, os.POSIX_FADV_DONTNEED),
        (1200, 1000, os.POSIX_FADV_DONTNEED),
    ]


def test_storage_starts_write_back_only_when_it_fsyncs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if not hasattr(os, "posix_fadvise"):
        pytest.skip("no posix_fadvise on this platform")
    calls: list[int] = []
    real = os.posix_fadvise

    def record(fd: int, offset: int, length: int, advice: int) -> None:
        calls.append(length)
        real(fd, offset, length, advice)

    monkeypatch.setattr(os, "posix_fadvise", record)
    monkeypatch.setattr("cofab.vault.writeback.STEP_BYTES", 1 << 20)
    payload = os.urandom(3 << 20)
    for fsync, expected_calls in ((False, 0), (True, 3)):
        calls.clear()
        storage = FileSystemStorage(tmp_path / f"fsync-{fsync}", fsync=fsync)
        key = new_object_key()
        with storage.open_write(key) as sink:
            for start in range(0, len(payload), 256 << 10):
                sink.write(payload[start : start + (256 << 10)])
        assert storage.path_for(key).read_bytes() == payload
        assert len(calls) == expected_calls
