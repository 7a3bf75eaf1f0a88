"""The daily schedule's API (``GET/PUT /api/v1/notifications/schedule``, owner admins only) and
missed days replayed once: a worker down over the run time runs the scan once when it comes
back, for the latest day whose time has passed — not once per missed day, and not never."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, select, update
from tests.conftest import World

from cofab.core import jobs
from cofab.core.access import SYSTEM_ACTOR
from cofab.core.audit import AuditEntry
from cofab.db.session import unit_of_work
from cofab.notifications import schedule
from cofab.notifications.models import DailySchedule

URL = "/api/v1/notifications/schedule"


def test_admins_read_and_set_the_schedule_others_are_refused(
    world: World, engine: Engine, api
) -> None:
    admin = api(world.users["admin"])
    shown = admin.get(URL)
    assert shown.status_code == 200, shown.text
    assert shown.json()["enabled"] is False and shown.json()["next_run_at"] is None
    made = admin.put(URL, json={"local_time": "06:30", "timezone": "Asia/Seoul"})
    assert made.status_code == 200, made.text
    body = made.json()
    assert body["enabled"] is True and body["local_time"] == "06:30"
    assert body["timezone"] == "Asia/Seoul" and body["next_job_id"]
    # 06:30 in Seoul (UTC+9, no DST) is 21:30 UTC of the day before
    next_at = datetime.fromisoformat(body["next_run_at"].replace("Z", "+00:00"))
    assert (next_at.hour, next_at.minute) == (21, 30)
    assert admin.get(URL).json()["next_job_id"] == body["next_job_id"]
    with unit_of_work(engine) as session:
        entry = (
            session.execute(
                select(AuditEntry)
                .where(AuditEntry.entity == "notification_schedule")
                .order_by(AuditEntry.id.desc())
            )
            .scalars()
            .first()
        )
        assert entry is not None and entry.after["local_time"] == "06:30"

    # bad time and zone: both fields named, labelled in the reader's language; nothing changed
    bad = admin.put(URL, json={"local_time": "6.30", "timezone": "Asia/Seol"})
    assert bad.status_code == 422
    fields = {e["field"] for e in bad.json()["errors"]}
    assert fields == {"local_time", "timezone"}
    ko = admin.put(URL, json={"local_time": "24:00"}, headers={"Accept-Language": "ko"})
    assert ko.status_code == 422 and "HH:MM" in ko.text
    assert admin.get(URL).json()["local_time"] == "06:30"

    off = admin.put(URL, json={"enabled": False})
    assert off.status_code == 200 and off.json()["enabled"] is False
    assert off.json()["next_job_id"] is None and off.json()["local_time"] == "06:30"

    # owner staff who are not admins: 403; partner users: refused, never 2xx
    for who in ("manager", "viewer"):
        assert api(world.users[who]).get(URL).status_code == 403
        assert api(world.users[who]).put(URL, json={"enabled": True}).status_code == 403
    for who in ("partner_a", "partner_b"):
        assert api(world.users[who]).get(URL).status_code in (403, 404)
        assert api(world.users[who]).put(URL, json={"enabled": True}).status_code in (403, 404)
    assert admin.get(URL).json()["enabled"] is False


def test_last_due_day_is_the_latest_run_time_passed() -> None:
    seoul = "Asia/Seoul"  # 06:30 KST = 21:30 UTC the day before
    assert schedule.last_due_day("06:30", seoul, datetime(2027, 3, 24, 21, 30, tzinfo=UTC)) == (
        date(2027, 3, 25)
    )
    assert schedule.last_due_day("06:30", seoul, datetime(2027, 3, 24, 21, 29, tzinfo=UTC)) == (
        date(2027, 3, 24)
    )
    # Berlin across the spring change: 06:00 CEST on 28 March 2027 is 04:00 UTC
    berlin = "Europe/Berlin"
    assert schedule.last_due_day("06:00", berlin, datetime(2027, 3, 28, 4, 0, tzinfo=UTC)) == (
        date(2027, 3, 28)
    )
    assert schedule.last_due_day("06:00", berlin, datetime(2027, 3, 28, 3, 59, tzinfo=UTC)) == (
        date(2027, 3, 27)
    )


def _last_run(engine: Engine) -> date | None:
    with unit_of_work(engine) as session:
        row = session.get(DailySchedule, schedule.SCHEDULE_ID)
        return row.last_run_on if row else None


def test_missed_days_are_replayed_once_when_the_worker_comes_back(
    world: World, engine: Engine
) -> None:
    from cofab.domains import wire

    wire()
    with unit_of_work(engine) as session:
        schedule.set_schedule(session, actor=SYSTEM_ACTOR, local_time="06:00", timezone="UTC")
        session.execute(update(DailySchedule).values(last_run_on=date(2027, 3, 21)))
    # the worker stopped after the run of 21 March; the job for the 22nd waits. It comes back
    # on the 25th at 10:00: one run, for the 25th (the 22nd-24th are not run one by one)
    back = datetime(2027, 3, 25, 10, 0, tzinfo=UTC)
    ran = schedule.run_daily(engine, date(2027, 3, 22), now=back)
    assert ran["day"] == "2027-03-25" and "skipped" not in ran
    assert _last_run(engine) == date(2027, 3, 25)
    # the same late job again (a second worker, a restart) does nothing
    assert schedule.run_daily(engine, date(2027, 3, 22), now=back)["skipped"] is True
    # back before the day's own time: the missed run is yesterday's, and today's still comes
    early = datetime(2027, 3, 28, 5, 0, tzinfo=UTC)
    assert schedule.run_daily(engine, date(2027, 3, 26), now=early)["day"] == "2027-03-27"
    on_time = datetime(2027, 3, 28, 6, 0, tzinfo=UTC)
    assert schedule.run_daily(engine, date(2027, 3, 28), now=on_time)["day"] == "2027-03-28"
    assert _last_run(engine) == date(2027, 3, 28)
    # and the chain goes on: exactly one waiting job
    with unit_of_work(engine) as session:
        waiting = session.execute(
            select(jobs.Job.id).where(
                jobs.Job.kind == schedule.DAILY_JOB, jobs.Job.status == jobs.QUEUED
            )
        ).all()
    assert len(waiting) == 1


def test_the_late_job_is_run_by_the_worker_once(world: World, engine: Engine) -> None:
    """Through the real queue: the waiting job is overdue when the worker starts; one run."""
    from cofab.domains import wire

    wire()
    with unit_of_work(engine) as session:
        schedule.set_schedule(session, actor=SYSTEM_ACTOR, local_time="06:00", timezone="UTC")
        job_id = schedule.view(session).next_job_id
        # three days overdue, as after a worker stopped over a long weekend
        session.execute(
            update(jobs.Job)
            .where(jobs.Job.id == job_id)
            .values(run_after=datetime(2020, 1, 1, tzinfo=UTC), payload={"day": "2020-01-01"})
        )
    assert jobs.work(engine, once=True, kinds={schedule.DAILY_JOB}) == 1  # the next is future
    with unit_of_work(engine) as session:
        done = session.get(jobs.Job, job_id)
        assert done is not None and done.status == jobs.SUCCEEDED
        assert done.result is not None and "skipped" not in done.result
        assert date.fromisoformat(done.result["day"]) >= date.today() - timedelta(days=1)


def test_the_admin_sets_the_schedule_on_the_page(
    world: World, engine: Engine, base_url: str
) -> None:
    from tests.conftest import csrf_of, login

    admin = login(base_url, world.users["admin"])
    page = admin.get("/notifications").text
    assert 'data-testid="schedule-form"' in page
    token = csrf_of(admin, "/notifications")
    admin.cookies.set("cofab_lang", "ko")
    bad = admin.post(
        "/notifications/schedule",
        data={
            "csrf_token": token,
            "local_time": "6.30",
            "timezone": "Europe/Berln",
            "enabled": "1",
        },
    )
    assert bad.status_code == 422 and 'data-testid="form-error"' in bad.text
    assert "일일 실행 시각" in bad.text and "Europe/Berln" in bad.text  # label in Korean, kept
    with unit_of_work(engine) as session:
        assert session.get(DailySchedule, schedule.SCHEDULE_ID) is None  # nothing saved
    saved = admin.post(
        "/notifications/schedule",
        data={
            "csrf_token": token,
            "local_time": "07:15",
            "timezone": "Europe/Berlin",
            "enabled": "1",
        },
    )
    assert saved.status_code == 303, saved.text[:300]
    with unit_of_work(engine) as session:
        shown = schedule.view(session)
    assert (shown.enabled, shown.local_time, shown.timezone) == (True, "07:15", "Europe/Berlin")
    assert shown.next_job_id is not None
    manager = login(base_url, world.users["manager"])
    refused = manager.post(
        "/notifications/schedule",
        data={
            "csrf_token": csrf_of(manager, "/notifications"),
            "local_time": "08:00",
            "timezone": "UTC",
        },
    )
    assert refused.status_code == 403
