"""Start the kernel's write-back while a big file is still being written.

Why: the vault fsyncs every object before it is published. Left alone, the kernel keeps a
1 GiB upload as dirty pages and the closing ``fsync`` then flushes all of it while the
client waits; on this project's machines that flush alone took longer than encrypting the
file. Asking for write-back every few MiB (``POSIX_FADV_DONTNEED`` starts it for dirty pages
and drops them from the cache once clean) lets the disk work while the cipher does, so the
final ``fsync`` has only the tail left. Where ``posix_fadvise`` is missing (macOS, Windows)
this does nothing and the ``fsync`` does all the work, as before.
"""

from __future__ import annotations

import os

STEP_BYTES = 32 << 20


class WriteBehind:
    """Counts bytes written to ``fd`` and starts write-back of each full ``step``."""

    def __init__(self, fd: int, *, step: int | None = None) -> None:
        self._fd = fd
        self._step = step or STEP_BYTES
        self._start = 0
        self._pending = 0
        self._enabled = hasattr(os, "posix_fadvise")

    def wrote(self, count: int) -> None:
        if not self._enabled:
            return
        self._pending += count
        if self._pending >= self._step:
            os.posix_fadvise(self._fd, self._start, self._pending, os.POSIX_FADV_DONTNEED)
            self._start += self._pending
            self._pending = 0
