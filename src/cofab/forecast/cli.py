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
MSG_RESOLVED = N_(
    "Scenario {scenario} made from release {release} with {caps} capacity caps; "
    "its solve is queued (job {job})."
)
MSG_TARGETS_WRITTEN = N_("{n} rows written to {path}.")


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
    frozen: Annotated[
        int | None,
        typer.Option(help="Frozen periods where no contract says (default 2)"),
    ] = None,
    firm: Annotated[
        int | None,
        typer.Option(help="Firm periods after the frozen ones where no contract says (default 4)"),
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


@app.command("resolve")
def resolve(
    release: Annotated[int, typer.Argument(help="The published release to re-solve")],
) -> None:
    """Re-solve a release's plan with the partners' commitments as capacity caps: a new plan
    version linked to the published one, its solve queued for the worker."""
    from cofab.db.session import unit_of_work
    from cofab.forecast.resolve import resolve_with_commitments

    try:
        with unit_of_work(engine()) as session:
            scenario, job, caps = resolve_with_commitments(
                session, actor=SYSTEM_ACTOR, release=release
            )
    except CofabError as exc:
        fail_with(exc)
    console.print(
        translate(
            MSG_RESOLVED, cli_locale(), scenario=scenario, release=release, caps=caps, job=job
        )
    )


@app.command("targets")
def targets_command(
    release: Annotated[int | None, typer.Option(help="Release (default the latest)")] = None,
    partner_id: Annotated[int | None, typer.Option(help="Only this partner")] = None,
    as_of: Annotated[str | None, typer.Option(help="Day the actuals run to (YYYY-MM-DD)")] = None,
    csv: Annotated[Path | None, typer.Option(help="Write the rows to this CSV file")] = None,
) -> None:
    """Contract targets against plan, commitments and receipts per partner, family and period:
    attainment, cumulative gap and the two-periods-below warning."""
    from cofab.core.tabular import write_csv
    from cofab.db.session import unit_of_work
    from cofab.forecast import targets

    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        fail(N_("Not a date (YYYY-MM-DD): {value}"), value=as_of)
    with unit_of_work(engine()) as session:
        rows = targets.targets_vs_actuals(
            session, actor=SYSTEM_ACTOR, release=release, partner_id=partner_id, as_of=day
        )
        headers, table_rows = targets.export_rows(session, rows, cli_locale())
    if csv is not None:
        csv.write_bytes(write_csv(headers, table_rows))
        console.print(translate(MSG_TARGETS_WRITTEN, cli_locale(), n=len(rows), path=str(csv)))
        return
    table = Table(*headers[1:])
    for row in table_rows:
        table.add_row(*("–" if v is None else str(v) for v in row[1:]))
    console.print(table)
