"""``cofab meet``: committees and meetings from the command line."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from cofab.core.cli_session import migrated_engine as _database
from cofab.core.i18n import N_

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.orm import Session

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

T = TypeVar("T")
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
    weekends: Annotated[
        bool, typer.Option("--weekends", help="Saturdays and Sundays are working days too.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Common meeting windows on weekdays, one per day, with each participant's local time."""
    from cofab.core.cli_errors import err, error_prefix
    from cofab.core.i18n import cli_locale, translate
    from cofab.governance import scheduling as s

    try:
        first_day, last_day = _day(from_, "from"), _day(to, "to")
        working = s.parse_hours(hours)
        if weekends:
            working = s.WorkingHours(working.start_minute, working.end_minute, s.EVERY_DAY)
        for name in tz:
            s.zone(name)
        people = [s.Participant(name, name, working) for name in tz]
        people = s.with_holidays(people, holidays or [], first_day, last_day)
        length = timedelta(minutes=duration)
        windows = s.common_windows(people, first_day, last_day, length)
        fallback = [] if windows else s.least_bad_slots(people, first_day, last_day, length)
    except s.SchedulingInputError as exc:
        option = _OPTIONS.get(exc.field, exc.field)
        locale = cli_locale()
        message = translate(exc.message, locale, **exc.params)
        err.print(f"{error_prefix(locale)} {option}: {message}", highlight=False)
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


holidays_app = typer.Typer(
    help="Holiday calendars per country: list, load the published one, add or remove days.",
    no_args_is_help=True,
)
app.add_typer(holidays_app, name="holidays")

MSG_SEEDED = N_("{country}: {added} holidays added.")
MSG_ADDED = N_("{country} {day}: {name} (id {id}).")
MSG_REMOVED = N_("Removed holiday {id}.")


def _run(work: Callable[[Session], T]) -> T:
    """One unit of work as the system actor; bad input is one line per field, exit 1."""
    from cofab.core.cli_errors import fail_with
    from cofab.core.errors import CofabError
    from cofab.db.session import unit_of_work

    try:
        with unit_of_work(_database()) as session:
            return work(session)
    except CofabError as exc:
        fail_with(exc)


@holidays_app.command("list")
def holidays_list(
    country: Annotated[str | None, typer.Option("--country", help="Only this country.")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Only this year.")] = None,
) -> None:
    """Print the stored holidays (a country without rows uses its published calendar)."""
    from cofab.governance import scheduling_service as svc

    def work(session: Session) -> list[tuple[int, str, str, str, str]]:
        rows = svc.list_holidays(session, country, year)
        return [(h.id, h.country, h.day.isoformat(), h.name, h.source) for h in rows]

    for row in _run(work):
        typer.echo("\t".join(str(cell) for cell in row))


@holidays_app.command("seed")
def holidays_seed(
    country: Annotated[str, typer.Argument(help="Country code, e.g. KR.")],
    year: Annotated[list[int], typer.Option("--year", help="A year to load; repeat for more.")],
) -> None:
    """Copy a country's published public holidays into the table (edited days are kept)."""
    from cofab.core.access import SYSTEM_ACTOR
    from cofab.core.i18n import cli_locale, translate
    from cofab.governance import scheduling_service as svc

    added = _run(
        lambda session: svc.seed_holidays(session, actor=SYSTEM_ACTOR, country=country, years=year)
    )
    typer.echo(translate(MSG_SEEDED, cli_locale(), country=country.upper(), added=added))


@holidays_app.command("add")
def holidays_add(
    country: Annotated[str, typer.Argument(help="Country code, e.g. KR.")],
    day: Annotated[str, typer.Argument(help="The day off, YYYY-MM-DD.")],
    name: Annotated[str, typer.Argument(help="What the day is, e.g. Plant shutdown.")] = "",
) -> None:
    """Add (or rename) a day off for a country."""
    from cofab.core.access import SYSTEM_ACTOR
    from cofab.core.cli_errors import fail
    from cofab.core.i18n import cli_locale, translate
    from cofab.governance import scheduling_service as svc

    try:
        when = date.fromisoformat(day)
    except ValueError:
        fail(MSG_NOT_A_DATE, value=day)

    def work(session: Session) -> tuple[int, str]:
        row = svc.add_holiday(session, actor=SYSTEM_ACTOR, country=country, day=when, name=name)
        return row.id, row.name

    holiday_id, stored_name = _run(work)
    typer.echo(
        translate(
            MSG_ADDED,
            cli_locale(),
            country=country.upper(),
            day=when.isoformat(),
            name=stored_name,
            id=holiday_id,
        )
    )


@holidays_app.command("remove")
def holidays_remove(
    holiday_id: Annotated[int, typer.Argument(help="The holiday's id (see list).")],
) -> None:
    """Remove a day off (a holiday the company works through)."""
    from cofab.core.access import SYSTEM_ACTOR
    from cofab.core.i18n import cli_locale, translate
    from cofab.governance import scheduling_service as svc

    _run(lambda session: svc.remove_holiday(session, actor=SYSTEM_ACTOR, holiday_id=holiday_id))
    typer.echo(translate(MSG_REMOVED, cli_locale(), id=holiday_id))


# --- committees, meetings, action items (the records; cli_records holds the commands) ---
def _register_records() -> None:
    from cofab.governance import cli_records

    cli_records.register(app, _run)


_register_records()
