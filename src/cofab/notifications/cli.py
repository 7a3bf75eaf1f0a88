"""``cofab notify``: the daily scan and digest, meant for cron (or run by hand)."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from sqlalchemy import Engine

from cofab.config import get_settings
from cofab.core.i18n import N_, cli_locale, translate
from cofab.db.session import engine_for, unit_of_work

HELP = "Notifications: the inbox scan, the daily digest and e-mail delivery."
app = typer.Typer(help=HELP, no_args_is_help=True)
console = Console()

SCANNED = N_("{items} open items read, {notified} notifications made.")
DIGESTS = N_("{emails} digest e-mails queued.")
QUEUED = N_("Job {job} queued.")


def engine() -> Engine:
    """The configured database (tests replace this function)."""
    return engine_for(get_settings().database_url)


@app.callback()
def notify_group() -> None:
    """Notifications: the inbox scan, the daily digest and e-mail delivery."""


@app.command("scan")
def scan(
    enqueue: Annotated[
        bool, typer.Option("--enqueue", help="Queue the scan as a job for a worker.")
    ] = False,
) -> None:
    """Turn due dates in the inbox into due-soon and overdue notifications (run daily)."""
    from cofab.core import jobs
    from cofab.notifications.jobs import SCAN_JOB
    from cofab.notifications.scan import run_scan

    locale = cli_locale()
    with unit_of_work(engine()) as session:
        if enqueue:
            job = jobs.enqueue(session, actor=None, kind=SCAN_JOB, payload={})
            console.print(translate(QUEUED, locale, job=job.id))
            return
        result = run_scan(session)
    console.print(translate(SCANNED, locale, items=result.items, notified=result.notified))


@app.command("digest")
def digest() -> None:
    """Queue one e-mail per digest user with the day's notifications (run daily)."""
    from cofab.notifications.delivery import send_digests

    with unit_of_work(engine()) as session:
        queued = send_digests(session)
    console.print(translate(DIGESTS, cli_locale(), emails=queued))


SCHEDULE_ON = N_("Daily scan and digest at {time} ({zone}); next run {next} (job {job}).")
SCHEDULE_OFF = N_("The daily scan and digest are not scheduled.")
LAST_RUN = N_("Last run for {day}.")


@app.command("schedule")
def schedule_command(
    at: Annotated[
        str | None, typer.Option("--at", help="Local time of the daily run, HH:MM (e.g. 06:30).")
    ] = None,
    tz: Annotated[
        str | None, typer.Option("--tz", help="Time zone of that time (IANA, e.g. Asia/Seoul).")
    ] = None,
    on: Annotated[
        bool | None, typer.Option("--on/--off", help="Switch the daily run on or off.")
    ] = None,
) -> None:
    """Show or set when the worker runs the daily scan and digest (a job queued for that time)."""
    from cofab.core.access import SYSTEM_ACTOR
    from cofab.core.cli_errors import fail_with
    from cofab.core.errors import CofabError
    from cofab.notifications import schedule

    locale = cli_locale()
    with unit_of_work(engine()) as session:
        if at is None and tz is None and on is None:
            schedule.ensure_next(session)  # a chain broken by a lost job is mended here
            shown = schedule.view(session)
        else:
            try:
                shown = schedule.set_schedule(
                    session, actor=SYSTEM_ACTOR, local_time=at, timezone=tz, enabled=on
                )
            except CofabError as exc:
                session.rollback()
                fail_with(exc)
    if shown.enabled and shown.next_run_at is not None:
        local = shown.next_run_at.astimezone(ZoneInfo(shown.timezone))
        console.print(
            translate(
                SCHEDULE_ON,
                locale,
                time=shown.local_time,
                zone=shown.timezone,
                next=f"{local:%Y-%m-%d %H:%M %Z}",
                job=shown.next_job_id,
            )
        )
    else:
        console.print(translate(SCHEDULE_OFF, locale))
    if shown.last_run_on is not None:
        console.print(translate(LAST_RUN, locale, day=shown.last_run_on.isoformat()))
