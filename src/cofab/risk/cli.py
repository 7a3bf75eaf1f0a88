"""``cofab risk``: time to survive and performance impact from a network file or, with
``--live``, from the partner registry (as the system actor, with a progress bar)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from cofab.core.cli_errors import err, fail, fail_with
from cofab.core.cli_session import migrated_engine as engine
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
MSG_FILE_OR_LIVE = N_("Give either a network file or --live.")
MSG_BAD_TTR = N_("--ttr must be a number of weeks of at least 0.")
MSG_ANALYSING = N_("Analysing sites and partners")
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


def _live(ttr: float) -> Any:
    """The registry's network as the system actor sees it (every unit)."""
    from cofab.core.access import SYSTEM_ACTOR
    from cofab.db.session import unit_of_work
    from cofab.risk.live_network import live_network

    if not ttr >= 0:
        fail(MSG_BAD_TTR)
    with unit_of_work(engine(), write=False) as session:
        return live_network(session, actor=SYSTEM_ACTOR, ttr_weeks=ttr)


def _analysed(doc: Any, node: str | None, show_progress: bool) -> dict[str, Any]:
    from cofab.risk.tts_runs import analyse_document

    if not show_progress:
        return analyse_document(doc, node)
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
    with progress:
        task = progress.add_task(translate(MSG_ANALYSING, cli_locale()), total=None)

        def step(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        return analyse_document(doc, node, step)


@app.command("tts")
def tts_command(
    network: Annotated[
        Path | None, typer.Argument(help="Planner input JSON with inventory and TTR")
    ] = None,
    node: Annotated[str | None, typer.Option("--node", help="Only this site or partner")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    live: Annotated[
        bool, typer.Option("--live", help="The partner registry's network instead of a file")
    ] = False,
    ttr: Annotated[
        float, typer.Option("--ttr", help="With --live: weeks to recover of a site without its own")
    ] = 8.0,
) -> None:
    """Time to survive and performance impact for every site and partner, worst first."""
    if live == (network is not None):
        fail(MSG_FILE_OR_LIVE)
    try:
        doc = _live(ttr) if network is None else _read(network)
        document = _analysed(doc, node, show_progress=not as_json)
    except CofabError as exc:
        _refuse(exc)
    if as_json:
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    locale = cli_locale()
    table = Table()
    for heading in HEADINGS:
        table.add_column(translate(heading, locale))
    for row in document["nodes"]:
        style = "red" if row["exposed"] else None
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


MSG_SITE_AND_WEEKS = N_("Give --site and --weeks together.")
MSG_TTR_SAVED = N_("{site} ({partner}): time to recover {weeks} weeks.")
TTR_HEADINGS = (N_("Site id"), N_("Partner"), N_("Site"), N_("TTR (weeks)"))


@app.command("ttr")
def ttr_command(
    site: Annotated[int | None, typer.Option("--site", help="Registry site id to set")] = None,
    weeks: Annotated[
        float | None, typer.Option("--weeks", help="Its time to recover in weeks (0 to 520)")
    ] = None,
) -> None:
    """Each live site's time to recover; with --site and --weeks, set one (audited)."""
    from cofab.core.access import SYSTEM_ACTOR
    from cofab.db.session import unit_of_work
    from cofab.risk.site_recovery import list_site_ttrs, set_site_ttr

    if (site is None) != (weeks is None):
        fail(MSG_SITE_AND_WEEKS)
    locale = cli_locale()
    try:
        if site is not None and weeks is not None:
            with unit_of_work(engine()) as session:
                saved = set_site_ttr(session, actor=SYSTEM_ACTOR, site_id=site, ttr_weeks=weeks)
                line = translate(
                    MSG_TTR_SAVED,
                    locale,
                    site=saved.site,
                    partner=saved.partner,
                    weeks=f"{weeks:g}",
                )
            typer.echo(line)
            return
        with unit_of_work(engine(), write=False) as session:
            rows = list_site_ttrs(session, actor=SYSTEM_ACTOR)
    except CofabError as exc:
        _refuse(exc)
    table = Table()
    for heading in TTR_HEADINGS:
        table.add_column(translate(heading, locale))
    for row in rows:
        table.add_row(str(row.site_id), row.partner, row.site, _number(row.ttr_weeks))
    console.print(table)
