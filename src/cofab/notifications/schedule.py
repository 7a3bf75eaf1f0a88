"""The daily scan and digest as a job the ordinary worker runs at a local time each day.

No cron and no second daemon: the schedule (one row) names a local time and a time zone; one
``notifications.daily`` job waits in the queue with ``run_after`` at the next such moment, and
when a worker runs it, it queues the following day's before it ends (also when the work fails),
so the chain keeps itself going. Setting the schedule replaces the waiting job.

A day runs once: the job claims its local day by moving ``last_run_on`` forward in one guarded
UPDATE, so a second job for the same day (two workers, a job put back after a crash, the admin
button pressed at the same time) does nothing. The time is wall-clock time in the zone, so it
stays 06:00 in Seoul and in Berlin across daylight-saving changes; a time that does not exist
on a spring-forward day (02:30 in Berlin) runs an hour later that day (03:30, after the skip), and
a time that happens twice in autumn runs at the first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Engine, or_, select, update
from sqlalchemy.orm import Session

from cofab.core import audit, jobs
from cofab.core.access import Actor, require_roles
from cofab.core.errors import FieldProblem, ValidationFailed
from cofab.core.i18n import N_
from cofab.db.base import utcnow
from cofab.db.session import unit_of_work
from cofab.notifications import delivery
from cofab.notifications.models import DailySchedule
from cofab.notifications.scan import run_scan

DAILY_JOB = "notifications.daily"
SCHEDULE_ID = 1
SCHEDULERS = frozenset({"admin"})
BAD_TIME = N_("Write the time as HH:MM (00:00 to 23:59), not {value}.")
BAD_ZONE = N_("Unknown time zone {zone}; use an IANA name such as Asia/Seoul.")
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class ScheduleView:
    enabled: bool
    local_time: str
    timezone: str
    last_run_on: date | None
    next_run_at: datetime | None  # UTC, of the waiting job
    next_job_id: int | None


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def parse_time(value: str) -> time | None:
    match = _HHMM.match(value.strip())
    return time(int(match.group(1)), int(match.group(2))) if match else None


def last_due_day(local_time: str, zone_name: str, now: datetime) -> date:
    """The local day of the latest scheduled moment at or before ``now``: the run a worker
    coming back owes. Back at 10:00 after three missed 06:30 runs, it is today's; back at
    05:00, yesterday's (today's own run still comes at 06:30)."""
    zone = _zone(zone_name) or ZoneInfo("UTC")
    at = parse_time(local_time) or time(6, 0)
    day = now.astimezone(zone).date()
    for offset in range(3):
        candidate = day - timedelta(days=offset)
        if datetime.combine(candidate, at, tzinfo=zone).astimezone(UTC) <= now:
            return candidate
    raise AssertionError("a local time recurs within three days")  # pragma: no cover


def next_run(local_time: str, zone_name: str, now: datetime) -> tuple[datetime, date]:
    """(UTC moment, local day) of the first ``local_time`` in the zone strictly after ``now``."""
    zone = _zone(zone_name) or ZoneInfo("UTC")
    at = parse_time(local_time) or time(6, 0)
    day = now.astimezone(zone).date()
    for offset in range(3):
        candidate = day + timedelta(days=offset)
        moment = datetime.combine(candidate, at, tzinfo=zone).astimezone(UTC)
        if moment > now:
            return moment, candidate
    raise AssertionError("a local time recurs within three days")  # pragma: no cover


def _row(session: Session) -> DailySchedule:
    row = session.get(DailySchedule, SCHEDULE_ID)
    if row is None:
        row = DailySchedule(id=SCHEDULE_ID, enabled=False, local_time="06:00", timezone="UTC")
    return row


def _waiting(session: Session) -> list[jobs.Job]:
    return list(
        session.execute(
            select(jobs.Job)
            .where(jobs.Job.kind == DAILY_JOB, jobs.Job.status == jobs.QUEUED)
            .order_by(jobs.Job.id)
        ).scalars()
    )


def view(session: Session) -> ScheduleView:
    row = _row(session)
    waiting = _waiting(session)
    job = waiting[0] if waiting else None
    return ScheduleView(
        enabled=bool(row.enabled),
        local_time=row.local_time,
        timezone=row.timezone,
        last_run_on=row.last_run_on,
        next_run_at=job.run_after if job else None,
        next_job_id=job.id if job else None,
    )


def show(session: Session, *, actor: Actor) -> ScheduleView:
    """The schedule as admins see it (the API's GET); a chain broken by a lost job (a job
    cancelled by hand, a database restored without it) is mended here, as the CLI does."""
    require_roles(actor, SCHEDULERS)
    ensure_next(session)
    return view(session)


def ensure_next(session: Session, *, now: datetime | None = None) -> jobs.Job | None:
    """Exactly one waiting daily job while the schedule is on, none while it is off."""
    row = session.get(DailySchedule, SCHEDULE_ID)
    waiting = _waiting(session)
    if row is None or not row.enabled:
        for job in waiting:
            job.status, job.finished_at = jobs.CANCELLED, utcnow()
        return None
    if waiting:
        for extra in waiting[1:]:
            extra.status, extra.finished_at = jobs.CANCELLED, utcnow()
        return waiting[0]
    moment, day = next_run(row.local_time, row.timezone, now or utcnow())
    job = jobs.enqueue(
        session, actor=None, kind=DAILY_JOB, payload={"day": day.isoformat()}, run_after=moment
    )
    row.next_job_id = job.id
    session.flush()
    return job


def set_schedule(
    session: Session,
    *,
    actor: Actor,
    local_time: str | None = None,
    timezone: str | None = None,
    enabled: bool | None = None,
    now: datetime | None = None,
) -> ScheduleView:
    """Change the time, the zone or on/off (admins); the waiting job is replaced."""
    require_roles(actor, SCHEDULERS)
    problems: list[FieldProblem] = []
    if local_time is not None and parse_time(local_time) is None:
        problems.append(FieldProblem("local_time", BAD_TIME, {"value": local_time}))
    if timezone is not None and _zone(timezone) is None:
        problems.append(FieldProblem("timezone", BAD_ZONE, {"zone": timezone}))
    if problems:
        raise ValidationFailed(problems=problems)
    stored = session.get(DailySchedule, SCHEDULE_ID)
    before = audit.snapshot(stored) if stored is not None else None
    row = stored or _row(session)
    if stored is None:
        session.add(row)
    if local_time is not None:
        row.local_time = local_time.strip()
    if timezone is not None:
        row.timezone = timezone
    if enabled is not None:
        row.enabled = enabled
    elif stored is None:
        row.enabled = True  # naming a time switches it on
    row.updated_at = utcnow()
    for job in _waiting(session):  # the old time's job goes; ensure_next queues the new one
        job.status, job.finished_at = jobs.CANCELLED, utcnow()
    session.flush()
    ensure_next(session, now=now)
    audit.record(
        session,
        actor=actor,
        action="update",
        entity="notification_schedule",
        entity_id=SCHEDULE_ID,
        before=before,
        after=audit.snapshot(row),
    )
    return view(session)


def claim_day(session: Session, day: date) -> bool:
    """Move ``last_run_on`` to ``day`` unless that day (or a later one) already ran."""
    if session.get(DailySchedule, SCHEDULE_ID) is None:
        session.add(DailySchedule(id=SCHEDULE_ID, enabled=False, local_time="06:00"))
        session.flush()
    result = session.execute(
        update(DailySchedule)
        .where(
            DailySchedule.id == SCHEDULE_ID,
            or_(DailySchedule.last_run_on.is_(None), DailySchedule.last_run_on < day),
        )
        .values(last_run_on=day)
    )
    return int(result.rowcount or 0) == 1  # type: ignore[attr-defined]


def run_daily(engine: Engine, planned: date, *, now: datetime | None = None) -> dict[str, Any]:
    """The scan and the digest of the planned day, once; then the next day's job is queued.

    Missed days are replayed once, not once each: a worker that was down over one or more run
    times finds the one waiting job overdue when it comes back and runs it for the latest day
    whose run time has passed (``last_due_day``). The scan is cumulative (everything overdue,
    everything due within each reader's horizon, each notice once per item and due date), so
    that one run tells what the missed days would have, and the digest takes every
    notification kept since the last one. The days in between are not run on their own."""
    try:
        with unit_of_work(engine) as session:
            row = _row(session)
            owed = last_due_day(row.local_time, row.timezone, now or utcnow())
            day = max(planned, owed)
            if not claim_day(session, day):
                return {"day": day.isoformat(), "skipped": True}
            scanned = run_scan(session, today=day)
            emails = delivery.send_digests(session, day=day)
        return {
            "day": day.isoformat(),
            "items": scanned.items,
            "notified": scanned.notified,
            "emails": emails,
        }
    finally:
        with unit_of_work(engine) as session:
            ensure_next(session)
