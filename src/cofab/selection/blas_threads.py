"""Run a block of numpy code with BLAS on one thread, and restore the setting afterwards.

Why: the Monte Carlo makes a few hundred mid-sized matrix products. OpenBLAS splits each one
over all cores and waits for every thread at the end; when other processes share the cores
(web workers, other jobs) one descheduled thread stalls every product, and a 0.3 s run was
measured taking 2–16 s. One BLAS thread per product, with the chunks spread over a thread pool
instead, has no such barrier and stays predictable.

threadpoolctl is used when installed; otherwise numpy's bundled OpenBLAS is found among the
loaded libraries (Linux /proc/self/maps) and its set_num_threads is called through ctypes, as
threadpoolctl itself does. Anything else (MKL, Accelerate, no /proc) is left untouched.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from functools import lru_cache
from pathlib import Path
from typing import Any

_SETTERS = (
    "scipy_openblas_set_num_threads64_",
    "scipy_openblas_set_num_threads",
    "openblas_set_num_threads64_",
    "openblas_set_num_threads",
)
_GETTERS = tuple(name.replace("set_", "get_") for name in _SETTERS)
_lock = threading.Lock()
_depth = 0
_saved: list[int] = []

Controls = tuple[tuple[Callable[[], int], Callable[[int], None]], ...]


@lru_cache(maxsize=1)
def _openblas_controls() -> Controls:
    """(get, set) pairs for every OpenBLAS loaded in this process."""
    try:
        maps = Path("/proc/self/maps").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ()
    paths = sorted(
        {
            line.split()[-1]
            for line in maps.splitlines()
            if "openblas" in line.lower() and ".so" in line
        }
    )
    controls = []
    for path in paths:
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        for get_name, set_name in zip(_GETTERS, _SETTERS, strict=True):
            getter = getattr(library, get_name, None)
            setter = getattr(library, set_name, None)
            if getter is not None and setter is not None:
                getter.restype = ctypes.c_int
                setter.argtypes = [ctypes.c_int]
                controls.append((getter, setter))
                break
    return tuple(controls)


def _threadpoolctl_limit() -> AbstractContextManager[Any] | None:
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return None
    limit: AbstractContextManager[Any] = threadpool_limits(limits=1, user_api="blas")
    return limit


@contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Nested and concurrent uses are counted: the first sets one thread, the last restores."""
    limiter = _threadpoolctl_limit()
    if limiter is not None:
        with limiter:
            yield
        return
    global _depth
    controls = _openblas_controls()
    with _lock:
        if _depth == 0:
            _saved[:] = [get() for get, _ in controls]
            for _, set_threads in controls:
                set_threads(1)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                for (_, set_threads), previous in zip(controls, _saved, strict=True):
                    set_threads(previous)


def blas_limit(enabled: bool) -> AbstractContextManager[None]:
    return single_threaded_blas() if enabled else nullcontext()
