"""``cofab forecast``: upload a demand forecast, publish a solved plan, convert the frozen zone
into orders and print forecast accuracy, from the command line (as the system actor)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cofab.core.access import SYSTEM_ACTOR
from cofab.core.cli_errors import fail, fail_with
from cofab.core.cli_session import migrated_engine as engine
from cofab.core.errors import CofabError
from cofab.core.i18n import N_, cli_locale, translate

app = typer.Typer(
    help="Capacity declarations, demand forecasts, plan publication and forecast accuracy.",
    no_args_is_help=True,
)
console = Console()

MSG_NO_FILE = N_("File not found: {path}")
MSG_DEMAND_SAVED = N_("Demand forecast version {version} saved ({n} lines).")
MSG_PUBLISHED = N_("Release {release} published to {n} partners.")
MSG_CONVERTED = N_("{lines} forecast lines became {orders} orders.")


@app.command("demand-upload")
def demand_upload(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX with product, market, period, qty")],
    name: Annotated[str, typer.Option(help="Name of this forecast version")] = "Demand forecast",
) -> None:
    """Save a new demand forecast version from a file: every row is checked, all land or none."""
    from cofab.core.tabular import read_table
    from cofab.db.session import unit_of_work
    from cofab.forecast import service

    if not file.is_file():
        fail(MSG_NO_FILE, path=str(file))
    try:
        rows = read_table(file.read_bytes(), file.name)
        with unit_of_work(engine()) as session:
            forecast = service.import_demand(session, actor=SYSTEM_ACTOR, name=name, rows=rows)
            version, count = forecast.version, forecast.line_count
    except CofabError as exc:
        fail_with(exc)
    console.print(translate(MSG_DEMAND_SAVED, cli_locale(), version=version, n=count))


@app.command("publish")
def publish(
    scenario_id: Annotated[int, typer.Argument(help="A solved planning scenario")],
    frozen: Annotated[int | None, typer.Option(help="Frozen periods (default 2)")] = None,
    firm: Annotated[
        int | None, typer.Option(help="Firm periods after the frozen ones (default 4)")
    ] = None,
) -> None:
    """Publish a solved plan to its partners as a rolling forecast with capacity reservations."""
    from cofab.db.session import unit_of_work
    from cofab.forecast import schemas, service

    try:
        with unit_of_work(engine()) as session:
            made = service.publish(
                session,
                actor=SYSTEM_ACTOR,
                request=schemas.PublishRequest(
                    scenario_id=scenario_id, frozen_periods=frozen, firm_periods=firm
                ),
            )
            release = made[0].release
    except CofabError as exc:
        fail_with(exc)
    console.print(translate(MSG_PUBLISHED, cli_locale(), release=release, n=len(made)))


@app.command("convert")
def convert(
    publication_id: Annotated[
        int, typer.Argument(help="The publication whose frozen zone to order")
    ],
) -> None:
    """Turn a publication's frozen zone into purchase orders (running it again adds nothing)."""
    from cofab.db.session import unit_of_work
    from cofab.forecast import service

    try:
        with unit_of_work(engine()) as session:
            result = service.convert_frozen(
                session, actor=SYSTEM_ACTOR, publication_id=publication_id
            )
    except CofabError as exc:
        fail_with(exc)
    console.print(
        translate(
            MSG_CONVERTED, cli_locale(), lines=result.lines_linked, orders=len(result.order_ids)
        )
    )


@app.command("accuracy")
def accuracy(
    basis: Annotated[str, typer.Option(help="ordered or received")] = "ordered",
    until: Annotated[str | None, typer.Option(help="Only periods ended by this day")] = None,
) -> None:
    """Forecast accuracy per partner and product family: MAPE, WAPE and bias."""
    from cofab.db.session import unit_of_work
    from cofab.forecast import service

    if basis not in ("ordered", "received"):
        fail(N_("Must be one of: {expected}"), expected="ordered, received")
    try:
        day = date.fromisoformat(until) if until else None
    except ValueError:
        fail(N_("Not a date (YYYY-MM-DD): {value}"), value=until)
    with unit_of_work(engine()) as session:
        rows = service.accuracy(session, actor=SYSTEM_ACTOR, basis=basis, until=day)  # type: ignore[arg-type]
    table = Table("partner", "family", "points", "MAPE", "WAPE", "bias")
    for row in rows:
        table.add_row(
            str(row.partner_id),
            row.family,
            str(row.points),
            *("–" if v is None else f"{v:.1%}" for v in (row.mape, row.wape, row.bias)),
        )
    console.print(table)
