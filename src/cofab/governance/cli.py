"""``cofab meet``: committees and meetings from the command line."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from cofab.core.i18n import N_

if TYPE_CHECKING:
    from collections.abc import Sequence

    from cofab.governance.scheduling import Candidate, Participant, Window

app = typer.Typer(
    help="Joint committees and meetings: common time slots across time zones.",
    no_args_is_help=True,
)

# The engine names fields as the API does; the command line names them by its options.
_OPTIONS = {
    "tz": "--tz",
    "from": "--from",
    "to": "--to",
    "duration": "--duration",
    "hours": "--hours",
    "holidays": "--holidays",
    "participants": "--tz",
}

MSG_NONE = N_("No common window in working hours; the least-bad slots instead:")
MSG_OUTSIDE_MARK = N_("* outside this participant's working hours")
MSG_NOT_A_DATE = N_("Not a date (YYYY-MM-DD): {value}")


@app.callback()
def main() -> None:
    """Joint committees and meetings: common time slots across time zones."""


@app.command("zones")
def zones(
    contains: str = typer.Argument("", help="Only names containing this text, e.g. Seoul."),
) -> None:
    """List the IANA time-zone names cofab accepts (for user, site and meeting time zones)."""
    from zoneinfo import available_timezones

    for name in sorted(n for n in available_timezones() if contains.lower() in n.lower()):
        typer.echo(name)


def _day(text: str, field_name: str) -> date:
    from cofab.governance.scheduling import SchedulingInputError

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise SchedulingInputError(field_name, MSG_NOT_A_DATE, value=text) from None


@app.command("slots")
def slots(
    tz: Annotated[
        list[str],
        typer.Option(
            "--tz",
            help="A participant's IANA time zone; repeat per participant (the first organises).",
        ),
    ],
    from_: Annotated[
        str, typer.Option("--from", help="First day (YYYY-MM-DD, in the first --tz's calendar).")
    ],
    to: Annotated[str, typer.Option("--to", help="Last day (YYYY-MM-DD), included.")],
    duration: Annotated[int, typer.Option("--duration", help="Meeting length in minutes.")] = 60,
    hours: Annotated[
        str, typer.Option("--hours", help="Everyone's local working hours, HH:MM-HH:MM.")
    ] = "09:00-18:00",
    holidays: Annotated[
        list[str] | None,
        typer.Option(
            "--holidays",
            help="A country (ISO code) whose public holidays are days off for its time zones.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Common meeting windows on weekdays, one per day, with each participant's local time."""
    from cofab.core.cli_errors import err
    from cofab.core.i18n import cli_locale, translate
    from cofab.governance import scheduling as s

    try:
        first_day, last_day = _day(from_, "from"), _day(to, "to")
        working = s.parse_hours(hours)
        for name in tz:
            s.zone(name)
        people = [s.Participant(name, name, working) for name in tz]
        people = s.with_holidays(people, holidays or [], first_day, last_day)
        length = timedelta(minutes=duration)
        windows = s.common_windows(people, first_day, last_day, length)
        fallback = [] if windows else s.least_bad_slots(people, first_day, last_day, length)
    except s.SchedulingInputError as exc:
        option = _OPTIONS.get(exc.field, exc.field)
        message = translate(exc.message, cli_locale(), **exc.params)
        err.print(f"[red]error:[/red] {option}: {message}", highlight=False)
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(json.dumps(s.slots_document(windows)))
        return
    _print_table(people, windows, fallback)


def _print_table(
    people: Sequence[Participant], windows: Sequence[Window], fallback: Sequence[Candidate]
) -> None:
    """A row per window: UTC, then each participant's local clock (``*`` = outside hours)."""
    from rich.console import Console
    from rich.table import Table

    from cofab.core.i18n import cli_locale, translate
    from cofab.governance.scheduling import local_times, utc_text

    locale = cli_locale()
    console = Console()
    rows: list[tuple[datetime, datetime, tuple[str, ...]]] = [(w.start, w.end, ()) for w in windows]
    rows = rows or [(c.start, c.end, c.outside) for c in fallback]
    if not windows:
        console.print(translate(MSG_NONE, locale), highlight=False)
    table = Table()
    table.add_column("UTC")
    for person in people:
        table.add_column(person.zone)
    for start, end, outside in rows:
        cells = [f"{utc_text(start)[:16]}–{utc_text(end)[11:16]}"]
        for local in local_times(people, start, end):
            mark = " *" if local.name in outside else ""
            cells.append(f"{local.start:%a %m-%d %H:%M}–{local.end:%H:%M}{mark}")
        table.add_row(*cells)
    console.print(table)
    if not windows:
        console.print(translate(MSG_OUTSIDE_MARK, locale), highlight=False)
