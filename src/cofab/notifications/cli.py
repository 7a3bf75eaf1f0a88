"""``cofab notify``: the daily scan and digest, meant for cron (or run by hand)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from cofab.config import get_settings
from cofab.core.i18n import N_, cli_locale, translate
from cofab.db.session import engine_for, unit_of_work

HELP = "Notifications: the inbox scan, the daily digest and e-mail delivery."
app = typer.Typer(help=HELP, no_args_is_help=True)
console = Console()

SCANNED = N_("{items} open items read, {notified} notifications made.")
DIGESTS = N_("{emails} digest e-mails queued.")
QUEUED = N_("Job {job} queued.")


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
    with unit_of_work(engine_for(get_settings().database_url)) as session:
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

    with unit_of_work(engine_for(get_settings().database_url)) as session:
        queued = send_digests(session)
    console.print(translate(DIGESTS, cli_locale(), emails=queued))
