"""``cofab dev``: joint development projects, the IP register (printed or exported) and the
ownership rule applied to any set of IP terms, from the shell."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cofab.accounts.service import actor_by_email
from cofab.core.cli_errors import fail
from cofab.core.cli_session import acting_user
from cofab.core.cli_session import migrated_engine as engine
from cofab.core.i18n import N_, cli_locale, label_msgid, translate
from cofab.core.tabular import write_csv, write_xlsx
from cofab.db.session import unit_of_work

HELP = "Joint development: projects, the IP register and transfer checklists."
app = typer.Typer(help=HELP, no_args_is_help=True)
console = Console()

MSG_WROTE = N_("Wrote {n} rows to {path}.")
MSG_OUTPUT_TYPE = N_("Name the output file .csv or .xlsx (got {path}).")
MSG_BAD_CHOICE = N_("{name} must be one of {choices}, got {value}.")
MSG_OWNERS = N_("Owner(s): {owners} — by {rule}.")
MSG_LICENCE_BACK = N_("The partner licenses it back to us.")


_actor = acting_user(actor_by_email)


AsUser = Annotated[
    str | None,
    typer.Option("--as", help="Act as this user (a partner user sees only its own projects)"),
]


def _label(code: str) -> str:
    return translate(label_msgid(code), cli_locale())


@app.command("list")
def list_projects(as_user: AsUser = None) -> None:
    """Print the joint development projects with their gates' decisions."""
    from cofab.development import projects

    bound = engine()
    actor = _actor(bound, as_user)
    table = Table("code", "title", "partner", "status", "gates", "inventions")
    with unit_of_work(bound, write=False) as session:
        for p in projects.list_projects(session, actor=actor):
            gates = ", ".join(f"{m.gate}: {_label('gate_' + m.decision)}" for m in p.milestones)
            table.add_row(
                p.code,
                p.title,
                str(p.partner_id),
                _label("dev_" + p.status),
                gates,
                str(len(p.inventions)),
            )
    console.print(table)


@app.command("inventions")
def inventions_command(
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the register to this .csv or .xlsx file")
    ] = None,
    as_user: AsUser = None,
) -> None:
    """Print the IP register (computed owners, filing status), or export it with --out."""
    from cofab.development import inventions

    if out is not None and out.suffix.lower() not in (".csv", ".xlsx"):
        fail(MSG_OUTPUT_TYPE, path=str(out))
    bound = engine()
    actor = _actor(bound, as_user)
    with unit_of_work(bound, write=False) as session:
        rows = inventions.export_rows(session, inventions.list_inventions(session, actor=actor))
    headers = list(inventions.COLUMNS)
    if out is not None:
        xlsx = out.suffix.lower() == ".xlsx"
        out.write_bytes(
            write_xlsx(headers, rows, "ip-register") if xlsx else write_csv(headers, rows)
        )
        typer.echo(translate(MSG_WROTE, cli_locale(), n=len(rows), path=str(out)))
        return
    table = Table(*headers[:3], "owners", "rule", "filing", "inventors")
    for row in rows:
        table.add_row(
            str(row[0]),
            str(row[1]),
            str(row[2]),
            str(row[8]),
            str(row[7]),
            str(row[11]),
            str(row[14]),
        )
    console.print(table)


def _choice(name: str, value: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        fail(MSG_BAD_CHOICE, name=name, choices=", ".join(choices), value=value)
    return value


@app.command("owner")
def owner_command(
    kind: Annotated[
        str,
        typer.Option(
            help=(
                "What the invention is: foreground, improvement_owner_background, "
                "improvement_partner_background, background_owner or background_partner"
            )
        ),
    ] = ("foreground"),
    foreground: Annotated[
        str,
        typer.Option(help="The contract's foreground IP (results) clause: owner, partner or joint"),
    ] = "owner",
    background: Annotated[
        str,
        typer.Option(
            help="The contract's background IP clause: each_party_keeps, owner or partner"
        ),
    ] = "each_party_keeps",
    improvements: Annotated[
        str,
        typer.Option(
            help="The contract's improvements clause: owner, partner, joint or grant_back"
        ),
    ] = "owner",
    no_contract: Annotated[
        bool, typer.Option("--no-contract", help="No contract: the inventors' employers own it")
    ] = False,
    inventor: Annotated[
        list[str] | None, typer.Option(help="An inventor's side (owner/partner); repeatable")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Who owns an invention of this kind under these IP terms (the register's rule)."""
    import cofab.development.models  # noqa: F401  registers the owner labels the line shows
    from cofab.development.ip_ownership import RESULT_KINDS, owners_of

    _choice("--kind", kind, RESULT_KINDS)
    _choice("--foreground", foreground, ("owner", "partner", "joint"))
    _choice("--background", background, ("each_party_keeps", "owner", "partner"))
    _choice("--improvements", improvements, ("owner", "partner", "joint", "grant_back"))
    sides = [_choice("--inventor", s, ("owner", "partner")) for s in inventor or []]
    terms = None
    if not no_contract:
        terms = {
            "foreground_ip": foreground,
            "background_ip": background,
            "improvements": improvements,
        }
    elif not sides:
        fail(MSG_BAD_CHOICE, name="--inventor", choices="owner, partner", value="")
    result = owners_of(kind, terms, sides)
    if as_json:
        document = {
            "owners": sorted(result.owners),
            "code": result.code,
            "licence_back": result.licence_back,
            "rule": result.rule,
        }
        typer.echo(json.dumps(document))
        return
    locale = cli_locale()
    typer.echo(translate(MSG_OWNERS, locale, owners=f"owners_{result.code}", rule=result.rule))
    if result.licence_back:
        typer.echo(translate(MSG_LICENCE_BACK, locale))
