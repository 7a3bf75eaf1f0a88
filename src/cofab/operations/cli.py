"""``cofab ops``: operations data in and out of files from the shell — for the nightly job that
loads an ERP extract or a partner's file, not only the browser. KPIs and scorecards for a period
(``cofab ops kpis``, ``cofab ops score``) are performance's commands, added here through
``extensions.extend_cli`` so that they keep their names."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from cofab.accounts.service import actor_by_email
from cofab.core.access import SYSTEM_ACTOR
from cofab.core.cli_errors import fail, fail_with
from cofab.core.cli_session import acting_user
from cofab.core.cli_session import migrated_engine as engine
from cofab.core.errors import CofabError
from cofab.core.i18n import N_, cli_locale, translate
from cofab.core.tabular import read_table, write_csv, write_xlsx
from cofab.db.session import unit_of_work
from cofab.operations import exporting, extensions, importing
from cofab.operations.import_plan import IMPORT_KINDS

app = typer.Typer(help="Orders, shipments, receipts, inventory, KPIs and scorecards.")
console = Console()

MSG_IMPORTED = N_("Imported {kind}: {created} created, {updated} updated, {unchanged} unchanged.")
MSG_WROTE = N_("Wrote {n} rows to {path}.")
MSG_NO_FILE = N_("File not found: {path}")
MSG_ONE_OF = N_("Must be one of: {expected}.")
MSG_BAD_DATE = N_("{name} must be a date like 2026-03-31, got {value}.")
MSG_OUTPUT_TYPE = N_("Name the output file .csv or .xlsx (got {path}).")


_actor = acting_user(actor_by_email)


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


@app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX file")],
    kind: Annotated[str, typer.Option(help=", ".join(IMPORT_KINDS))],
    as_user: Annotated[
        str | None,
        typer.Option("--as", help="Act as this user (a partner user imports for its company)"),
    ] = None,
) -> None:
    """Import one kind of operations rows; every row is checked and all land or none do.

    Rows already imported under the same external reference are left as they are, so running
    the same file twice changes nothing."""
    if kind not in IMPORT_KINDS:
        fail(MSG_ONE_OF, expected=", ".join(IMPORT_KINDS))
    if not file.is_file():
        fail(MSG_NO_FILE, path=str(file))
    bound = engine()
    actor = _actor(bound, as_user)
    try:
        rows = read_table(file.read_bytes(), file.name)
        with unit_of_work(bound) as session:
            report = importing.import_rows(session, actor=actor, kind=kind, rows=rows)
    except CofabError as exc:
        fail_with(exc)
    console.print(
        translate(
            MSG_IMPORTED,
            cli_locale(),
            kind=kind,
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
        ),
        highlight=False,
    )


@app.command("export")
def export_file(
    out: Annotated[Path, typer.Argument(help="Output file (.csv or .xlsx)")],
    kind: Annotated[str, typer.Option(help=", ".join(exporting.EXPORT_KINDS))],
    partner_id: Annotated[int | None, typer.Option(help="Only this partner's rows")] = None,
) -> None:
    """Export operations rows in the import format (an export can be imported back)."""
    if kind not in exporting.EXPORT_KINDS:
        fail(MSG_ONE_OF, expected=", ".join(exporting.EXPORT_KINDS))
    _check_output(out)
    with unit_of_work(engine()) as session:
        headers, rows = exporting.export_table(
            session, actor=SYSTEM_ACTOR, kind=kind, partner_id=partner_id
        )
    _write(out, headers, rows, kind)


extensions.extend_cli(app)  # performance's kpis and score
