"""``cofab risk``: time to survive and performance impact from a network file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from cofab.core.cli_errors import err, fail, fail_with
from cofab.core.errors import CofabError, ValidationFailed
from cofab.core.i18n import N_, cli_locale, translate

HELP = "Risk and continuity: time to survive and recover per site and partner."
app = typer.Typer(help=HELP, no_args_is_help=True)
console = Console()


@app.callback()
def risk_group() -> None:
    """Risk and continuity: time to survive and recover per site and partner."""


MSG_NO_FILE = N_("File not found: {path}")
MSG_NOT_JSON = N_("{path} is not a JSON file: {detail}")
UNBOUNDED = N_("unbounded")
KINDS = {"site": N_("Site"), "partner": N_("Partner")}
HEADINGS = (
    N_("Node"),
    N_("Kind"),
    N_("TTS (weeks)"),
    N_("TTR (weeks)"),
    N_("Lost units"),
    N_("Lost value"),
)


def _read(path: Path) -> Any:
    if not path.is_file():
        fail(MSG_NO_FILE, path=str(path))
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        fail(MSG_NOT_JSON, path=str(path), detail=str(error))


def _refuse(exc: CofabError) -> NoReturn:
    """One line per problem with its full path (``inventory.S1.P1``), so the file can be fixed."""
    if not isinstance(exc, ValidationFailed):
        fail_with(exc)
    locale = cli_locale()
    for problem in exc.problems:
        message = translate(problem.message, locale, **problem.params)
        err.print(f"[red]error:[/red] {problem.field}: {message}", highlight=False)
    raise typer.Exit(1)


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}"


@app.command("tts")
def tts_command(
    network: Annotated[Path, typer.Argument(help="Planner input JSON with inventory and TTR")],
    node: Annotated[str | None, typer.Option("--node", help="Only this site or partner")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Time to survive and performance impact for every site and partner, worst first."""
    from cofab.risk.engine.tts import analyse, rank
    from cofab.risk.network_input import load_network, results_document, select_nodes

    doc = _read(network)
    try:
        loaded = load_network(doc)
        nodes = select_nodes(loaded, node)
    except CofabError as exc:
        _refuse(exc)
    results = rank(analyse(loaded.network, nodes))
    document = results_document(loaded, results)
    if as_json:
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    locale = cli_locale()
    table = Table()
    for heading in HEADINGS:
        table.add_column(translate(heading, locale))
    for row, result in zip(document["nodes"], results, strict=True):
        style = "red" if result.exposed else None
        tts = translate(UNBOUNDED, locale) if row["unbounded"] else _number(row["tts_weeks"])
        table.add_row(
            row["node"],
            translate(KINDS[row["kind"]], locale),
            tts,
            _number(row["ttr_weeks"]),
            _number(row["lost_units"]),
            _number(row["lost_value"]),
            style=style,
        )
    console.print(table)
