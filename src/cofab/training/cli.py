"""``cofab training``: training records with their validity, their export, and compliance per
partner, from the shell."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from cofab.accounts.service import actor_by_email
from cofab.core.cli_errors import fail
from cofab.core.cli_session import acting_user
from cofab.core.cli_session import migrated_engine as engine
from cofab.core.i18n import N_, cli_locale, label_msgid, translate
from cofab.core.tabular import write_csv, write_xlsx
from cofab.db.session import unit_of_work

HELP = "Training records and SOP acknowledgement of partner staff."
app = typer.Typer(help=HELP, no_args_is_help=True)
console = Console()

MSG_WROTE = N_("Wrote {n} rows to {path}.")
MSG_OUTPUT_TYPE = N_("Name the output file .csv or .xlsx (got {path}).")
MSG_BAD_VALIDITY = N_("--validity must be valid, expiring or expired (got {value}).")


_actor = acting_user(actor_by_email)


AsUser = Annotated[
    str | None,
    typer.Option("--as", help="Act as this user (a partner user sees only its own records)"),
]


@app.command("list")
def list_records(
    partner_id: Annotated[int | None, typer.Option(help="Only this partner's records")] = None,
    validity: Annotated[
        str | None, typer.Option(help="Only records that are valid, expiring or expired")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the records to this .csv or .xlsx file")
    ] = None,
    as_user: AsUser = None,
) -> None:
    """Print the training records with their validity today, or export them with --out."""
    from cofab.training import records

    if validity is not None and validity not in ("valid", "expiring", "expired"):
        fail(MSG_BAD_VALIDITY, value=validity)
    if out is not None and out.suffix.lower() not in (".csv", ".xlsx"):
        fail(MSG_OUTPUT_TYPE, path=str(out))
    bound = engine()
    actor = _actor(bound, as_user)
    today = date.today()
    with unit_of_work(bound, write=False) as session:
        found = records.list_records(
            session, actor=actor, partner_id=partner_id, validity_is=validity, today=today
        )
        rows = records.export_rows(session, found, today)
    headers = list(records.COLUMNS)
    if out is not None:
        xlsx = out.suffix.lower() == ".xlsx"
        data = write_xlsx(headers, rows, "training") if xlsx else write_csv(headers, rows)
        out.write_bytes(data)
        typer.echo(translate(MSG_WROTE, cli_locale(), n=len(rows), path=str(out)))
        return
    locale = cli_locale()
    table = Table("id", "partner", "person", "course", "completed", "valid until", "validity")
    for row in rows:
        style = "red" if row[9] == "expired" else ("yellow" if row[9] == "expiring" else None)
        table.add_row(
            str(row[0]),
            str(row[2]),
            str(row[3]),
            translate(label_msgid(f"course_{row[5]}"), locale),
            str(row[7]),
            str(row[8]),
            translate(label_msgid(f"validity_{row[9]}"), locale),
            style=style,
        )
    console.print(table)


@app.command("compliance")
def compliance_command(as_user: AsUser = None) -> None:
    """Compliance per partner: SOPs acknowledged (current versions) and trainings valid."""
    from cofab.partners.models import Partner
    from cofab.training import records, service, sops

    bound = engine()
    actor = _actor(bound, as_user)
    table = Table("partner", "SOPs", "trainings", "%")
    with unit_of_work(bound, write=False) as session:
        ids = {r.partner_id for r in records.list_records(session, actor=actor)}
        ids |= {r.partner_id for r in sops.list_requirements(session, actor=actor)}
        names = dict(
            session.execute(select(Partner.id, Partner.name_en).where(Partner.id.in_(ids))).all()
        )
        for pid in sorted(names):
            c = service.compliance_for(session, actor=actor, partner_id=pid)
            percent = "—" if c.percent is None else f"{c.percent:.1f}"
            table.add_row(
                names[pid],
                f"{c.sops_acknowledged}/{c.sops_required}",
                f"{c.trainings_valid}/{c.trainings}",
                percent,
            )
    console.print(table)
