"""Background jobs: a row in the database, run by worker processes.

Long work (plan solves, simulations, big imports) must never block a web request. A route
enqueues a job and returns at once; ``cofab worker`` processes (any number, on any machine) claim
queued jobs — with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, with a guarded UPDATE on SQLite,
where ``cofab up`` runs one worker beside the server — and report progress in short transactions
of their own so pages can show a live progress bar.

A domain registers a handler with ``@register("kind")`` (or ``register_job_handler``) in its
``jobs.py``; the composition root imports those modules (``cofab.domains.wire``, run through
``core.wiring`` before the first job), so this module names no domain and a worker still finds
every handler. The handler receives a
``JobContext`` (progress reporting, the engine for its own units of work) and the JSON payload,
and returns a JSON-able result. An exception fails the job with its message; the web request
that enqueued it is long gone, so nothing is half-written on its behalf.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    Engine,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from cofab.core import audit
from cofab.core.access import Actor, require_roles
from cofab.core.errors import Conflict, NotFound
from cofab.core.i18n import N_
from cofab.core.wiring import ensure_wired
from cofab.db.base import Base, UTCDateTime, utcnow
from cofab.db.session import unit_of_work

log = logging.getLogger("cofab.jobs")

QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED = (
    "queued",
    "running",
    "succeeded",
    "failed",
    "cancelled",
)
FINISHED = frozenset({SUCCEEDED, FAILED, CANCELLED})
JOB_CANCELLERS = frozenset({"admin", "manager"})


class Job(Base):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16), default=QUEUED, index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(String(500), default="")
    error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    partner_id: Mapped[int | None] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    worker: Mapped[str | None] = mapped_column(String(100))
    # not claimed before this time (a retry's pause, a daily job's hour); None: at once
    run_after: Mapped[datetime | None] = mapped_column(UTCDateTime())


@dataclass
class JobContext:
    job_id: int
    engine: Engine
    created_by: int | None
    _last_write: float = 0.0

    def progress(self, fraction: float, message: str = "", *, force: bool = False) -> None:
        """Record progress in its own transaction, at most a few times a second."""
        now = time.monotonic()
        if not force and now - self._last_write < 0.25:
            return
        self._last_write = now
        with unit_of_work(self.engine) as session:
            session.execute(
                update(Job)
                .where(Job.id == self.job_id)
                .values(
                    progress=max(0.0, min(1.0, fraction)),
                    message=message[:500],
                    heartbeat_at=utcnow(),
                )
            )

    def cancelled(self) -> bool:
        with unit_of_work(self.engine) as session:
            return (
                session.execute(select(Job.status).where(Job.id == self.job_id)).scalar_one()
                == CANCELLED
            )


Handler = Callable[[JobContext, dict[str, Any]], dict[str, Any]]
_handlers: dict[str, Handler] = {}


def register_job_handler(kind: str, handler: Handler) -> None:
    """Called by a domain's wiring (its ``jobs.py`` at import), never by core for it."""
    _handlers[kind] = handler


def register(kind: str) -> Callable[[Handler], Handler]:
    """``register_job_handler`` as a decorator."""

    def decorator(func: Handler) -> Handler:
        register_job_handler(kind, func)
        return func

    return decorator


def enqueue(
    session: Session,
    *,
    actor: Actor | None,
    kind: str,
    payload: dict[str, Any],
    partner_id: int | None = None,
    run_after: datetime | None = None,
) -> Job:
    """``run_after`` keeps the job queued until then, without holding a worker meanwhile."""
    job = Job(
        kind=kind,
        payload=payload,
        status=QUEUED,
        run_after=run_after,
        created_by=actor.user_id if actor and actor.user_id else None,
        partner_id=partner_id,
        message="",
    )
    session.add(job)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="job",
        entity_id=job.id,
        partner_id=partner_id,
        after={"kind": kind},
    )
    return job


def get_job(session: Session, *, actor: Actor, job_id: int) -> Job:
    """Owner staff see every job; a partner user only the jobs it started."""
    job = session.get(Job, job_id)
    if job is None or (actor.is_partner and job.created_by != actor.user_id):
        raise NotFound()
    return job


def cancel(session: Session, *, actor: Actor, job_id: int) -> Job:
    """The one who started a job may stop it, and so may admins and managers — never a viewer,
    who may read everything and change nothing."""
    job = get_job(session, actor=actor, job_id=job_id)
    if job.created_by != actor.user_id or actor.role == "viewer":
        require_roles(actor, JOB_CANCELLERS)
    if job.status in FINISHED:
        raise Conflict(N_("This job has already finished."))
    job.status = CANCELLED
    job.finished_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="cancel",
        entity="job",
        entity_id=job.id,
        partner_id=job.partner_id,
    )
    return job


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 10000}"


def claim_next(engine: Engine, worker: str, kinds: set[str] | None = None) -> int | None:
    """Take the oldest queued job; two workers never take the same one."""
    with unit_of_work(engine) as session:
        due = or_(Job.run_after.is_(None), Job.run_after <= utcnow())
        stmt = select(Job.id).where(Job.status == QUEUED, due).order_by(Job.id).limit(1)
        if kinds:
            stmt = stmt.where(Job.kind.in_(sorted(kinds)))
        if engine.dialect.name == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        job_id = session.execute(stmt).scalar_one_or_none()
        if job_id is None:
            return None
        now = utcnow()
        claimed = session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == QUEUED)
            .values(
                status=RUNNING, worker=worker[:100], started_at=now, heartbeat_at=now, progress=0.0
            )
        )
        return job_id if claimed.rowcount == 1 else None  # type: ignore[attr-defined]


def run_job(engine: Engine, job_id: int) -> str:
    ensure_wired()  # every domain's handlers are registered
    with unit_of_work(engine) as session:
        job = session.get(Job, job_id)
        if job is None:
            return FAILED
        kind, payload, created_by = job.kind, dict(job.payload or {}), job.created_by
    context = JobContext(job_id=job_id, engine=engine, created_by=created_by)
    handler = _handlers.get(kind)
    try:
        if handler is None:
            raise LookupError(f"no handler for job kind {kind!r}")
        result = handler(context, payload)
        status, error = SUCCEEDED, None
    except Exception as exc:
        # the traceback (server paths, code) goes to the log; users see the reason only
        log.warning("job %s (%s) failed", job_id, kind, exc_info=True)
        result, status = None, FAILED
        error = f"{type(exc).__name__}: {exc}"[:2000]
    with unit_of_work(engine) as session:
        session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == RUNNING)
            .values(
                status=status,
                result=result,
                error=error,
                finished_at=utcnow(),
                progress=1.0 if status == SUCCEEDED else Job.progress,
            )
        )
    return status


def requeue_stale(engine: Engine, older_than: timedelta = timedelta(minutes=10)) -> int:
    """Jobs whose worker died (no heartbeat for a while) go back to the queue."""
    limit = utcnow() - older_than
    with unit_of_work(engine) as session:
        result = session.execute(
            update(Job)
            .where(Job.status == RUNNING, Job.heartbeat_at < limit)
            .values(status=QUEUED, worker=None)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def work(
    engine: Engine,
    *,
    poll_seconds: float = 1.0,
    once: bool = False,
    stop: threading.Event | None = None,
    kinds: set[str] | None = None,
) -> int:
    """Run jobs until stopped (or, with ``once``, until the queue is empty). Returns jobs run."""
    name = worker_name()
    ensure_wired()
    requeue_stale(engine)
    ran = 0
    while stop is None or not stop.is_set():
        job_id = claim_next(engine, name, kinds)
        if job_id is None:
            if once:
                return ran
            if stop is None:
                time.sleep(poll_seconds)
            else:
                stop.wait(poll_seconds)
            continue
        try:
            run_job(engine, job_id)
        except BaseException:
            release(engine, job_id)  # the worker is stopping: another one runs it
            raise
        ran += 1
    return ran


def release(engine: Engine, job_id: int) -> None:
    """Put a job this worker was running back in the queue (it was interrupted, not failed)."""
    with unit_of_work(engine) as session:
        session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == RUNNING)
            .values(status=QUEUED, worker=None, progress=0.0)
        )
