"""The daily scan and digest as a scheduled job: the next local time (across daylight saving),
one waiting job, a day run once however often the job comes, the chain going on by itself, and
``cofab notify schedule`` to show and set it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, select, update
from tests.conftest import World
from typer.testing import CliRunner

from cofab.core import jobs
from cofab.core.access import SYSTEM_ACTOR
from cofab.core.errors import ValidationFailed
from cofab.db.base import utcnow
from cofab.db.session import unit_of_work
from cofab.notifications import schedule
from cofab.notifications.cli import app


def test_next_run_is_the_local_wall_time_across_daylight_saving() -> None:
    # Berlin 06:00: UTC+1 in winter, UTC+2 from 28 March 2027 (last Sunday of March)
    before = datetime(2027, 3, 27, 6, 0, tzinfo=UTC)
    moment, day = schedule.next_run("06:00", "Europe/Berlin", before)
    assert (moment, day) == (datetime(2027, 3, 28, 4, 0, tzinfo=UTC), date(2027, 3, 28))
    moment, day = schedule.next_run(
        "06:00", "Europe/Berlin", datetime(2027, 3, 26, 4, 59, tzinfo=UTC)
    )
    assert (moment, day) == (datetime(2027, 3, 26, 5, 0, tzinfo=UTC), date(2027, 3, 26))
    # Seoul has no DST; 06:00 KST is 21:00 UTC of the day before, and "now" exactly at it is past
    moment, day = schedule.next_run("06:00", "Asia/Seoul", datetime(2027, 3, 21, 21, 0, tzinfo=UTC))
    assert (moment, day) == (datetime(2027, 3, 22, 21, 0, tzinfo=UTC), date(2027, 3, 23))
    # 02:30 does not exist in Berlin on 28 March 2027: it runs after the skip (03:30 CEST)
    moment, _ = schedule.next_run(
        "02:30", "Europe/Berlin", datetime(2027, 3, 27, 23, 0, tzinfo=UTC)
    )
    assert moment == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)


def _waiting(engine: Engine) -> list[jobs.Job]:
    with unit_of_work(engine) as session:
        rows = list(
            session.execute(
                select(jobs.Job).where(
                    jobs.Job.kind == schedule.DAILY_JOB, jobs.Job.status == jobs.QUEUED
                )
            ).scalars()
        )
        session.expunge_all()
        return rows


def test_setting_the_schedule_keeps_one_waiting_job_and_refuses_bad_input(
    world: World, engine: Engine
) -> None:
    now = datetime(2027, 3, 22, 12, 0, tzinfo=UTC)
    with unit_of_work(engine) as session:
        shown = schedule.set_schedule(
            session, actor=SYSTEM_ACTOR, local_time="07:30", timezone="Asia/Seoul", now=now
        )
    assert shown.enabled and shown.next_run_at == datetime(2027, 3, 22, 22, 30, tzinfo=UTC)
    (job,) = _waiting(engine)
    assert job.payload == {"day": "2027-03-23"}
    with unit_of_work(engine) as session:
        schedule.set_schedule(session, actor=SYSTEM_ACTOR, local_time="06:00", now=now)
        schedule.ensure_next(session)  # already there: nothing added
    (moved,) = _waiting(engine)
    assert moved.id != job.id and moved.run_after == datetime(2027, 3, 22, 21, 0, tzinfo=UTC)
    with unit_of_work(engine) as session, pytest.raises(ValidationFailed) as refused:
        schedule.set_schedule(session, actor=SYSTEM_ACTOR, local_time="25:00", timezone="Mars/Base")
    assert [p.field for p in refused.value.problems] == ["local_time", "timezone"]
    assert [j.id for j in _waiting(engine)] == [moved.id]  # nothing changed
    with unit_of_work(engine) as session:
        schedule.set_schedule(session, actor=SYSTEM_ACTOR, enabled=False)
    assert _waiting(engine) == []


def test_a_day_runs_once_and_the_job_queues_the_next_day(world: World, engine: Engine) -> None:
    from cofab.domains import wire

    wire()
    with unit_of_work(engine) as session:
        schedule.set_schedule(session, actor=SYSTEM_ACTOR, local_time="06:00", timezone="UTC")
    (first,) = _waiting(engine)
    with unit_of_work(engine) as session:  # the time has come
        session.execute(update(jobs.Job).where(jobs.Job.id == first.id).values(run_after=utcnow()))
    assert jobs.work(engine, once=True, kinds={schedule.DAILY_JOB}) == 1
    with unit_of_work(engine) as session:
        done = session.get(jobs.Job, first.id)
        assert done is not None and done.status == jobs.SUCCEEDED
        assert done.result is not None and "skipped" not in done.result
        today = utcnow().date()
        assert (
            done.result["day"] == max(date.fromisoformat(first.payload["day"]), today).isoformat()
        )
    (following,) = _waiting(engine)
    assert following.run_after is not None and following.run_after > utcnow()
    assert following.run_after - utcnow() <= timedelta(days=1)
    # the same day again (a second worker, a job put back after a crash): nothing is done
    again = schedule.run_daily(engine, date.fromisoformat(done.result["day"]))
    assert again["skipped"] is True
    assert len(_waiting(engine)) == 1  # still one waiting job


def test_the_cli_shows_and_sets_the_schedule(
    world: World, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cofab.notifications import cli as notify_cli

    monkeypatch.setattr(notify_cli, "engine", lambda: engine)
    monkeypatch.setenv("COFAB_LANG", "en")
    runner = CliRunner()
    shown = runner.invoke(app, ["schedule"])
    assert shown.exit_code == 0 and "not scheduled" in shown.output
    made = runner.invoke(app, ["schedule", "--at", "06:30", "--tz", "Europe/Berlin"])
    assert made.exit_code == 0, made.output
    assert "06:30 (Europe/Berlin)" in made.output and "06:30 CE" in made.output
    bad = runner.invoke(app, ["schedule", "--at", "6.30"])
    assert bad.exit_code == 1 and "HH:MM" in bad.output and "Traceback" not in bad.output
    monkeypatch.setenv("COFAB_LANG", "ko")
    off = runner.invoke(app, ["schedule", "--off"])
    assert off.exit_code == 0 and "예약되어 있지 않습니다" in off.output


def test_the_admin_page_shows_the_schedule(world: World, engine: Engine, base_url: str) -> None:
    from tests.conftest import login

    admin = login(base_url, world.users["admin"])
    assert "not scheduled" in admin.get("/notifications").text
    with unit_of_work(engine) as session:
        schedule.set_schedule(
            session, actor=SYSTEM_ACTOR, local_time="06:30", timezone="Asia/Seoul"
        )
    page = admin.get("/notifications").text
    assert "Daily scan and digest at 06:30 (Asia/Seoul)" in page
