"""``cofab ops``: operations data in and out of files from the shell — for the nightly job that
loads an ERP extract or a partner's file, not only the browser. KPIs and scorecards for a period
(``cofab ops kpis``, ``cofab ops score``) are performance's commands, added here through
``extensions.extend_cli`` so that they keep their names."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cofab.accounts.service import actor_by_email
from cofab.core.access import SYSTEM_ACTOR
from cofab.core.cli_errors import fail, fail_with
from cofab.core.cli_files import check_output, say_imported, write_table
from cofab.core.cli_session import acting_user
from cofab.core.cli_session import migrated_engine as engine
from cofab.core.errors import CofabError
from cofab.core.i18n import N_
from cofab.core.tabular import read_table
from cofab.db.session import unit_of_work
from cofab.operations import exporting, extensions, importing
from cofab.operations.import_plan import IMPORT_KINDS

app = typer.Typer(help="Orders, shipments, receipts, inventory, KPIs and scorecards.")
console = Console()

MSG_NO_FILE = N_("File not found: {path}")
MSG_ONE_OF = N_("Must be one of: {expected}.")


_actor = acting_user(actor_by_email)


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
    say_imported(console, kind, report)


@app.command("export")
def export_file(
    out: Annotated[Path, typer.Argument(help="Output file (.csv or .xlsx)")],
    kind: Annotated[str, typer.Option(help=", ".join(exporting.EXPORT_KINDS))],
    partner_id: Annotated[int | None, typer.Option(help="Only this partner's rows")] = None,
) -> None:
    """Export operations rows in the import format (an export can be imported back)."""
    if kind not in exporting.EXPORT_KINDS:
        fail(MSG_ONE_OF, expected=", ".join(exporting.EXPORT_KINDS))
    check_output(out)
    with unit_of_work(engine()) as session:
        headers, rows = exporting.export_table(
            session, actor=SYSTEM_ACTOR, kind=kind, partner_id=partner_id
        )
    write_table(console, out, headers, rows, kind)


extensions.extend_cli(app)  # performance's kpis and score
