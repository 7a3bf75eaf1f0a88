"""``cofab logistics``: the lane master in and out of files and a carrier's KPIs from the shell,
for the carrier that sends its rate sheet as a spreadsheet."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cofab.accounts.service import actor_by_email
from cofab.core.cli_errors import fail, fail_with
from cofab.core.cli_files import say_imported
from cofab.core.cli_session import acting_user
from cofab.core.cli_session import migrated_engine as engine
from cofab.core.errors import CofabError
from cofab.core.i18n import N_, cli_locale, translate
from cofab.core.tabular import read_table, write_csv, write_xlsx
from cofab.db.session import unit_of_work
from cofab.logistics import lane_files, service

app = typer.Typer(help="Logistics lanes: list, import and export the lane master; carrier KPIs.")
console = Console()

MSG_WROTE = N_("Wrote {n} rows to {path}.")
MSG_NO_FILE = N_("File not found: {path}")
MSG_OUTPUT_TYPE = N_("Name the output file .csv or .xlsx (got {path}).")
MSG_BAD_DATE = N_("{name} must be a date like 2026-03-31, got {value}.")


_actor = acting_user(actor_by_email)


AsUser = Annotated[
    str | None,
    typer.Option("--as", help="Act as this user (a partner user sees only its own lanes)"),
]


@app.command("list")
def list_lanes(
    partner_id: Annotated[int | None, typer.Option(help="Only this partner's lanes")] = None,
    as_user: AsUser = None,
) -> None:
    """Print the lane master as a table."""
    bound = engine()
    actor = _actor(bound, as_user)
    table = Table("id", "partner", "code", "mode", "destination", "days", "rate", "capacity")
    with unit_of_work(bound, write=False) as session:
        stmt = service.lane_query(actor, service.LaneFilters(partner_id=partner_id))
        for lane in session.execute(stmt).scalars():
            table.add_row(
                str(lane.id),
                str(lane.partner_id),
                lane.code,
                lane.mode,
                lane.destination_code,
                str(lane.transit_days),
                f"{lane.rate} {lane.currency}/{lane.rate_basis}",
                "" if lane.capacity is None else f"{lane.capacity}/{lane.capacity_period}",
            )
    console.print(table)


@app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX file in the export's columns")],
    as_user: AsUser = None,
) -> None:
    """Import lanes, matched on partner and lane code; one bad row and nothing is written."""
    if not file.is_file():
        fail(MSG_NO_FILE, path=str(file))
    bound = engine()
    actor = _actor(bound, as_user)
    try:
        with unit_of_work(bound) as session:
            rows = read_table(file.read_bytes(), file.name)
            report = lane_files.import_rows(session, actor=actor, rows=rows)
    except CofabError as exc:
        fail_with(exc)
    say_imported(console, "lanes", report)


@app.command("export")
def export_file(
    out: Annotated[Path, typer.Argument(help="Output file (.csv or .xlsx)")],
    partner_id: Annotated[int | None, typer.Option(help="Only this partner's lanes")] = None,
    as_user: AsUser = None,
) -> None:
    """Export lanes in the import format (the file imports back unchanged)."""
    if out.suffix.lower() not in (".csv", ".xlsx"):
        fail(MSG_OUTPUT_TYPE, path=str(out))
    bound = engine()
    actor = _actor(bound, as_user)
    with unit_of_work(bound, write=False) as session:
        headers, rows = lane_files.export_rows(
            session, actor=actor, filters=service.LaneFilters(partner_id=partner_id)
        )
    xlsx = out.suffix.lower() == ".xlsx"
    out.write_bytes(write_xlsx(headers, rows, "lanes") if xlsx else write_csv(headers, rows))
    console.print(translate(MSG_WROTE, cli_locale(), n=len(rows), path=str(out)), highlight=False)


@app.command("kpis")
def carrier_kpis(
    partner_id: Annotated[int, typer.Argument(help="The logistics partner (carrier) id")],
    start: Annotated[str | None, typer.Option(help="First ship date (default: a year ago)")] = None,
    end: Annotated[str | None, typer.Option(help="Last ship date (default: today)")] = None,
    as_user: AsUser = None,
) -> None:
    """Transit-time adherence, damage rate, temperature excursions and cost per unit per lane."""
    last = _date("--end", end) if end else date.today()
    first = _date("--start", start) if start else last - timedelta(days=365)
    bound = engine()
    actor = _actor(bound, as_user)
    table = Table("lane", "shipments", "arrived", "on time", "damage", "excursions", "cost/unit")
    try:
        with unit_of_work(bound, write=False) as session:
            lanes = service.carrier_kpis(
                session, actor=actor, partner_id=partner_id, start=first, end=last
            )
    except CofabError as exc:
        fail_with(exc)
    for k in [*lanes, service.carrier_total(lanes)]:
        table.add_row(
            k.code or "Σ",
            str(k.shipments),
            str(k.delivered),
            "—" if k.adherence is None else f"{k.adherence:.1%}",
            "—" if k.damage_rate is None else f"{k.damage_rate:.2%}",
            f"{k.excursions}/{k.readings}",
            "—" if k.cost_per_unit is None else f"{k.cost_per_unit} {k.currency}",
        )
    console.print(table)


def _date(name: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(MSG_BAD_DATE, name=name, value=value)
