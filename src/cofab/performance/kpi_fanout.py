"""Run the independent KPI queries side by side on PostgreSQL, all on one snapshot.

The KPI families (delivery, receipts, lead time, support, acknowledgement) do not depend on each
other. On PostgreSQL each can run in its own backend process, so a quarter for a thousand
partners uses every core instead of one. The request's transaction exports its snapshot
(``pg_export_snapshot``) and each helper connection imports it (``SET TRANSACTION SNAPSHOT``), so
all families see exactly the same data. When the transaction has already written something (its
own rows would be invisible to the helpers), or on SQLite, the families run one after another
in the caller's session instead.

Helpers pay off only when the sums are big: each costs a connection, a snapshot import and two
settings, which on a small order book (a few thousand lines: each family a few milliseconds) is
more than the work, and under many concurrent clients the cores are busy anyway. Below
``FANOUT_MIN_BYTES`` of order lines (the table's size on disk, always current, unlike the
planner's row estimate after a bulk load) the families run in the caller's session.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from cofab.operations.models import OrderLine
from cofab.units import service as units_service

Job = tuple[str, Callable[[Session], Any]]
MAX_HELPERS = min(4, max(3, os.cpu_count() or 2))
# Helper connections borrowed by all requests of this process together. The pool keeps room for
# exactly these beside one connection per request thread (db/session.py ``MAX_OVERFLOW``); a
# request that finds none free runs its families in its own session instead of waiting, so
# fifty clients asking for KPIs at once never wait on each other's helpers.
MAX_HELPERS_PER_PROCESS = 4
_helper_slots = threading.BoundedSemaphore(MAX_HELPERS_PER_PROCESS)
SNAPSHOT_ID = re.compile(r"^[0-9A-F]+-[0-9A-F]+(-[0-9]+)?$", re.IGNORECASE)
# About 30,000 order lines: below it one session is faster than four (bench/kpis.py, bench/load.py).
FANOUT_MIN_BYTES = 8 * 1024 * 1024


def run(session: Session, jobs: Sequence[Job]) -> dict[str, Any]:
    if session.get_bind().dialect.name == "postgresql":
        # The KPI plans' cost estimates cross jit_above_cost, and compiling them takes longer
        # (over half a second for a quarter) than running them.
        session.execute(text("SET LOCAL jit = off"))
    snapshot = _exportable_snapshot(session) if _big_enough(session) else None
    if snapshot is None:
        return {name: job(session) for name, job in jobs}
    slots = _take_slots(min(MAX_HELPERS, len(jobs)))
    if slots < 2:
        _give_back(slots)
        return {name: job(session) for name, job in jobs}
    bind = session.get_bind()
    engine: Engine = bind if isinstance(bind, Engine) else bind.engine

    def on_snapshot(job: Job) -> Any:
        with engine.connect() as raw:
            conn = raw.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                conn.execute(text(f"SET TRANSACTION SNAPSHOT '{snapshot}'"))
                # the helpers already use the cores; per-query workers would only oversubscribe
                conn.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
                conn.execute(text("SET LOCAL jit = off"))
                with Session(bind=conn) as helper:
                    units_service.carry_scope(session, helper)
                    return job[1](helper)

    try:
        with ThreadPoolExecutor(max_workers=slots) as pool:
            results = list(pool.map(on_snapshot, jobs))
    finally:
        _give_back(slots)
    return {name: result for (name, _job), result in zip(jobs, results, strict=True)}


def _take_slots(wanted: int) -> int:
    taken = 0
    while taken < wanted and _helper_slots.acquire(blocking=False):
        taken += 1
    return taken


def _give_back(slots: int) -> None:
    for _ in range(slots):
        _helper_slots.release()


def _big_enough(session: Session) -> bool:
    if session.get_bind().dialect.name != "postgresql":
        return False
    size = session.execute(
        text("SELECT pg_relation_size(to_regclass(:name))"), {"name": OrderLine.__tablename__}
    ).scalar()
    return int(size or 0) >= FANOUT_MIN_BYTES


def _exportable_snapshot(session: Session) -> str | None:
    if session.get_bind().dialect.name != "postgresql":
        return None
    if session.execute(text("SELECT pg_current_xact_id_if_assigned()")).scalar() is not None:
        return None  # this transaction wrote rows the helpers could not see
    snapshot = str(session.execute(text("SELECT pg_export_snapshot()")).scalar_one())
    return snapshot if SNAPSHOT_ID.match(snapshot) else None
