"""KPIs and scorecards for a period from the shell: ``cofab ops kpis`` and ``cofab ops score``.

The commands kept the names they had when performance was part of operations: they are this
sub-app's commands, and ``operations_hooks`` adds them to ``cofab ops`` when it is built.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from cofab.core.access import SYSTEM_ACTOR
from cofab.core.cli_errors import fail, fail_with
from cofab.core.cli_session import migrated_engine as engine
from cofab.core.errors import CofabError
from cofab.core.i18n import N_, cli_locale, translate
from cofab.core.tabular import write_csv, write_xlsx
from cofab.db.session import unit_of_work
from cofab.performance import kpis, scorecards

app = typer.Typer(help="KPIs and scorecards for a period.")
console = Console()

MSG_WROTE = N_("Wrote {n} rows to {path}.")
MSG_ONE_OF = N_("Must be one of: {expected}.")
MSG_BAD_DATE = N_("{name} must be a date like 2026-03-31, got {value}.")
MSG_END_BEFORE = N_("The end date is before the start date.")
MSG_SCORED = N_("Scored {count} partners for the period starting {start}.")
MSG_NO_DATA = N_("no data")
MSG_OUTPUT_TYPE = N_("Name the output file .csv or .xlsx (got {path}).")
MSG_TOLERANCE = N_("--tolerance must be 0 or more days.")
GROUP_HEADERS = {
    "partner": N_("Partner"),
    "site": N_("Site"),
    "family": N_("Product family"),
    "all": N_("All"),
}


def _date(name: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(MSG_BAD_DATE, name=name, value=value)


def _check_output(out: Path) -> None:
    """Before any work: the file type follows the name, and only CSV and XLSX are written."""
    if out.suffix.lower() not in (".csv", ".xlsx"):
        fail(MSG_OUTPUT_TYPE, path=str(out))


def _write(out: Path, headers: list[str], rows: Sequence[Sequence[Any]], sheet: str) -> None:
    xlsx = out.suffix.lower() == ".xlsx"
    out.write_bytes(write_xlsx(headers, rows, sheet) if xlsx else write_csv(headers, rows))
    console.print(translate(MSG_WROTE, cli_locale(), n=len(rows), path=str(out)), highlight=False)


@app.command("kpis")
def show_kpis(
    start: Annotated[str, typer.Option("--from", help="First day, e.g. 2026-01-01")],
    end: Annotated[str, typer.Option("--to", help="Last day (inclusive), e.g. 2026-03-31")],
    group_by: Annotated[str, typer.Option(help="partner, site, family or all")] = "partner",
    tolerance: Annotated[int, typer.Option(help="Days late still counted on time")] = 0,
    out: Annotated[
        Path | None, typer.Option(help="Write a CSV or XLSX file instead of a table")
    ] = None,
) -> None:
    """Every KPI for the period, one row per partner, site or product family.

    A group with no activity for a KPI shows "no data", never 0."""
    first, last = _date("--from", start), _date("--to", end)
    if last < first:
        fail(MSG_END_BEFORE)
    if group_by not in kpis.GROUPINGS:
        fail(MSG_ONE_OF, expected=", ".join(kpis.GROUPINGS))
    if tolerance < 0:
        fail(MSG_TOLERANCE)
    if out is not None:
        _check_output(out)
    locale = cli_locale()
    query = kpis.KpiQuery(first, last, group_by, tolerance)
    try:
        with unit_of_work(engine()) as session:
            groups = kpis.compute(session, actor=SYSTEM_ACTOR, query=query, locale=locale)
    except CofabError as exc:  # e.g. dates outside the supported range
        fail_with(exc)
    names = [translate(kpis.KPI_NAMES[code], locale) for code in kpis.KPI_CODES]
    if out is not None:
        rows = [[g.label, *(g.values.get(code) for code in kpis.KPI_CODES)] for g in groups]
        _write(out, [group_by, *kpis.KPI_CODES], rows, "kpis")
        return
    table = Table(title=f"{first} – {last}")
    table.add_column(translate(GROUP_HEADERS[group_by], locale))
    for name in names:
        table.add_column(name, justify="right")
    no_data = translate(MSG_NO_DATA, locale)
    for group in groups:
        cells = [
            no_data if group.values.get(code) is None else f"{group.values[code]:,.2f}"
            for code in kpis.KPI_CODES
        ]
        table.add_row(group.label, *cells)
    Console(width=max(console.width, 220)).print(table)  # 14 KPI columns need the room


@app.command("score")
def score_period(
    period_start: Annotated[str, typer.Option(help="First day of the month or quarter")],
    template_id: Annotated[
        int | None, typer.Option(help="Scorecard template (default: the default template)")
    ] = None,
) -> None:
    """Compute (or recompute) every partner's scorecard for a period.

    Scores that an upheld dispute adjusted keep their adjusted value."""
    first = _date("--period-start", period_start)
    try:
        with unit_of_work(engine()) as session:
            result = scorecards.compute_scorecards(
                session, actor=SYSTEM_ACTOR, period_start=first, template_id=template_id
            )
    except CofabError as exc:
        fail_with(exc)
    console.print(
        translate(MSG_SCORED, cli_locale(), count=result.computed, start=str(first)),
        highlight=False,
    )
