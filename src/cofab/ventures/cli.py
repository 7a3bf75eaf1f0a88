"""``cofab ventures``: list joint ventures and alliances, show a JV board, print or export an
alliance's sharing statement for a period."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine

from cofab.accounts.service import actor_by_email
from cofab.core.access import Actor
from cofab.core.cli_errors import fail, fail_with
from cofab.core.cli_session import acting_user
from cofab.core.cli_session import migrated_engine as engine
from cofab.core.errors import CofabError
from cofab.core.i18n import N_, cli_locale, translate
from cofab.db.session import unit_of_work

HELP = "Joint ventures and alliances: boards, capital calls, sharing statements."
app = typer.Typer(help=HELP, no_args_is_help=True)
console = Console()

MSG_BAD_PERIOD = N_("Write the period as 2027, 2027-Q1 or 2027-03 (got {value}).")
MSG_WROTE = N_("Wrote {n} rows to {path}.")
PASSED = N_("Passed")
NOT_PASSED = N_("Not passed")


@app.callback()
def ventures_group() -> None:
    """Joint ventures and alliances: boards, capital calls, sharing statements."""


_actor = acting_user(actor_by_email)


def _reader(as_user: str | None) -> tuple[Engine, Actor, str]:
    """The engine and the acting user, who reads names in the terminal's language."""
    bound = engine()
    locale = cli_locale()
    actor = Actor(**{**_actor(bound, as_user).__dict__, "locale": locale})
    return bound, actor, locale


AsUser = Annotated[
    str | None,
    typer.Option("--as", help="Act as this user (a partner user sees only its own ventures)"),
]


@app.command("list")
def list_command(as_user: AsUser = None) -> None:
    """List joint ventures and alliances."""
    from cofab.ventures import alliances, jv

    bound = engine()
    actor = _actor(bound, as_user)
    locale = cli_locale()
    table = Table()
    for heading in (N_("Kind"), N_("ID"), N_("Name"), N_("Currency")):
        table.add_column(translate(heading, locale))
    with unit_of_work(bound, write=False) as session:
        for venture in jv.list_ventures(session, actor=actor):
            kind = translate(N_("Joint venture"), locale)
            table.add_row(kind, str(venture.id), venture.name, venture.currency)
        for alliance in alliances.list_alliances(session, actor=actor):
            kind = translate(N_("Alliance"), locale)
            table.add_row(kind, str(alliance.id), alliance.name, alliance.currency)
    console.print(table)


MSG_NO_FILE = N_("File not found: {path}")
MSG_NOT_JSON = N_("{path} is not a JSON file: {detail}")
MSG_CREATED = N_("Created joint venture {id}: {name}.")


@app.command("create")
def create_command(
    file: Annotated[Path, typer.Argument(help="The venture as JSON (the API's VentureCreate)")],
    as_user: AsUser = None,
) -> None:
    """Create a joint venture from a JSON file: parents with equity adding up to 100 %."""
    from cofab.core.forms import parse
    from cofab.ventures import jv, schemas

    if not file.is_file():
        fail(MSG_NO_FILE, path=str(file))
    try:
        document = json.loads(file.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        fail(MSG_NOT_JSON, path=str(file), detail=str(error))
    bound = engine()
    actor = _actor(bound, as_user)
    try:
        with unit_of_work(bound) as session:
            body = parse(schemas.VentureCreate, document)
            venture = jv.create_venture(session, actor=actor, data=body)
            created = (venture.id, venture.name)
    except CofabError as exc:
        fail_with(exc)
    typer.echo(translate(MSG_CREATED, cli_locale(), id=created[0], name=created[1]))


@app.command("show")
def show_command(
    venture_id: Annotated[int, typer.Argument(help="The joint venture's id")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    as_user: AsUser = None,
) -> None:
    """A joint venture: parents, capital position and board resolutions."""
    from cofab.ventures import jv
    from cofab.ventures.api import venture_detail

    bound, actor, locale = _reader(as_user)
    try:
        with unit_of_work(bound, write=False) as session:
            detail = venture_detail(
                session, actor, jv.get_venture(session, actor=actor, venture_id=venture_id)
            )
    except CofabError as exc:
        fail_with(exc)
    if as_json:
        typer.echo(detail.model_dump_json(indent=2))
        return
    console.print(f"[bold]{detail.name}[/bold] · {detail.jv_name} · {detail.currency}")
    table = Table()
    for heading in (
        N_("Parent"),
        N_("Equity %"),
        N_("Board seats"),
        N_("Called"),
        N_("Paid"),
        N_("Outstanding"),
    ):
        table.add_column(translate(heading, locale))
    capital = {c.parent_id: c for c in detail.capital}
    for parent in detail.parents:
        c = capital[parent.id]
        table.add_row(
            parent.name,
            f"{parent.equity_pct:.2f}",
            str(parent.board_seats),
            f"{c.called:,.0f}",
            f"{c.paid:,.0f}",
            f"{c.outstanding:,.0f}",
        )
    console.print(table)
    for r in detail.resolutions:
        outcome = translate(PASSED if r.passed else NOT_PASSED, locale)
        votes = ", ".join(f"{v.name}: {v.vote}" for v in r.votes)
        console.print(f"{r.number} {r.resolved_on} {r.title} — {outcome} ({votes})")


@app.command("statement")
def statement_command(
    alliance: Annotated[int, typer.Option("--alliance", help="The alliance's id")],
    period: Annotated[str, typer.Option("--period", help="2027, 2027-Q1 or 2027-03")],
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Write the statement here")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    as_user: AsUser = None,
) -> None:
    """The benefit/cost-sharing statement of an alliance for one period."""
    from cofab.core.tabular import write_xlsx
    from cofab.ventures import alliances
    from cofab.ventures.periods import is_period

    if not is_period(period):
        fail(MSG_BAD_PERIOD, value=period)
    bound, actor, locale = _reader(as_user)
    try:
        with unit_of_work(bound, write=False) as session:
            result = alliances.statement(session, actor=actor, alliance_id=alliance, period=period)
    except CofabError as exc:
        fail_with(exc)
    rows = alliances.statement_rows(result)
    if xlsx is not None:
        xlsx.write_bytes(write_xlsx(alliances.STATEMENT_HEADERS, rows, title=period))
        typer.echo(translate(MSG_WROTE, locale, n=len(rows), path=str(xlsx)))
        return
    if as_json:
        typer.echo(json.dumps(json.loads(result.model_dump_json()), ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{period} · {result.currency}")
    for heading in alliances.STATEMENT_HEADERS:
        table.add_column(heading)
    for row in rows:
        table.add_row(row[0], *(f"{v:,.2f}" for v in row[1:]))
    console.print(table)
