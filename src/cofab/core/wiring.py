"""Making sure every domain's hooks are registered before a registry of them is read.

A domain registers its hooks (a receipts feed for contracts, a key-holder table for the vault's
rotation, job handlers) when one of its modules is imported, and the composition root imports
them all (``cofab.domains.wire``). The web app wires at start-up. The CLI imports a domain only
when one of its commands runs, so that ``cofab --help`` stays fast; it hands the wiring function
over instead (``set_wiring``), and a domain about to read a hook registry calls ``ensure_wired``,
which runs it once. A registry read before any wiring was set (a script using one domain alone)
simply holds what has been imported.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

_lock = threading.RLock()  # a module imported by the wiring may itself ask for it
_wiring: list[Callable[[], None]] = []
_wired = threading.Event()


def set_wiring(wire: Callable[[], None]) -> None:
    """The composition root's function that imports every domain's hooks (idempotent)."""
    with _lock:
        _wiring[:] = [wire]
        _wired.clear()


def ensure_wired() -> None:
    """Run the wiring once per process (cheap afterwards); a no-op when none was set."""
    if _wired.is_set():
        return
    with _lock:
        if _wired.is_set() or not _wiring:
            return
        _wiring[0]()
        _wired.set()
