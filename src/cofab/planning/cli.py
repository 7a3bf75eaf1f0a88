"""``cofab plan``: solve, simulate, compare and make-or-buy from JSON files; refresh a stored
registry scenario from live data, list its inputs and what changed between two versions."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from sqlalchemy.orm import Session

from cofab.accounts.service import actor_by_email
from cofab.core.access import Actor
from cofab.core.cli_errors import fail_with
from cofab.core.cli_session import acting_user
from cofab.core.cli_session import migrated_engine as engine
from cofab.core.errors import CofabError
from cofab.core.i18n import N_, cli_locale, translate
from cofab.planning import service
from cofab.planning.cli_render import (
    print_comparison,
    print_make_or_buy,
    print_plan,
    print_simulation,
)
from cofab.planning.compare import plan_figures
from cofab.planning.engine.disruption import simulate
from cofab.planning.engine.make_or_buy import analyse
from cofab.planning.engine.solve import SolveEvent, solve_plan
from cofab.planning.loader import load_file, read_json_file
from cofab.planning.make_or_buy_input import load_make_or_buy, make_or_buy_document
from cofab.planning.plan_document import plan_document
from cofab.planning.planning_input import PlanningInput
from cofab.planning.problems import Problem, render
from cofab.planning.simulation_setup import PLAN_NOT_A_PLAN, build_network, simulation_document

app = typer.Typer(
    help="Capacity planning: allocate demand over own plants and partners (HiGHS MILP), "
    "disruption Monte Carlo, scenario comparison, make-or-buy.",
    no_args_is_help=True,
)

INPUT_PROBLEMS = N_("{path} has {count} problem(s):")
WRITE_FAILED = N_("Cannot write {path}: {detail}")
WRITTEN = N_("Written to {path}")
STAGES = {
    "build": N_("Building the model"),
    "solve": N_("Solving the MILP"),
    "shadow_prices": N_("Computing shadow prices"),
    "explain": N_("Explaining why the model is infeasible"),
    "done": N_("Done"),
}
SOLVING_DETAIL = N_("Solving the MILP: best {best}, gap {gap}")
SIMULATING = N_("Simulating disruptions")
MAKE_OR_BUY_OPTIONS = N_(
    "Give either --file or all of --capex, --own-unit-cost, --partner-price and --periods"
)
INVALID_LEVELS = N_("Invalid value: {detail}")
PLAN_SECTION = N_("Simulation saved in {path} (section 'simulation')")
REFRESHED = N_(
    "Scenario {id} (version {version}) created from live data: {live} inputs live, {defaulted} "
    "defaulted."
)
NO_CHANGES = N_("The inputs are the same.")
BAD_RATE_ARG = N_("Write each rate as CODE=US dollars per unit, e.g. KRW=0.00075: {value}")
LIVE = N_("Live data")
DEFAULTED = N_("Defaulted")

_actor = acting_user(actor_by_email)
T = TypeVar("T")


def _consoles() -> tuple[Console, Console]:
    return Console(), Console(stderr=True)


def _fail(problems: list[Problem], path: Path, locale: str) -> typer.Exit:
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    err.print(translate(INPUT_PROBLEMS, locale, path=str(path), count=len(problems)), markup=False)
    for line in render(problems, locale):
        err.print(f"  {line}", markup=False)
    return typer.Exit(1)


def _fail_line(message: str, locale: str, **params: object) -> typer.Exit:
    Console(stderr=True, highlight=False, soft_wrap=True).print(
        translate(message, locale, **params), markup=False
    )
    return typer.Exit(1)


def _load_input(path: Path, locale: str) -> PlanningInput:
    loaded = load_file(path)
    if isinstance(loaded, list):
        raise _fail(loaded, path, locale)
    return loaded


def _read_json(path: Path, locale: str) -> Any:
    doc, problems = read_json_file(path)
    if problems:
        raise _fail(problems, path, locale)
    return doc


def _write_json(path: Path, doc: dict[str, Any], locale: str) -> None:
    try:
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    except OSError as error:
        raise _fail_line(WRITE_FAILED, locale, path=str(path), detail=str(error)) from error


def _progress(console: Console) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


@app.command("solve")
def solve_command(
    input_path: Path = typer.Argument(..., metavar="INPUT.json", help="Planner input document."),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Write the plan here (default: print the JSON to stdout)."
    ),
    time_limit: float | None = typer.Option(
        None, "--time-limit", help="Seconds for the solver (overrides policy.time_limit_s)."
    ),
    mip_gap: float | None = typer.Option(
        None, "--mip-gap", help="Relative MIP gap to stop at (overrides policy.mip_gap)."
    ),
    shadow_prices: bool = typer.Option(
        True, "--shadow-prices/--no-shadow-prices", help="Solve the fixed-binaries LP for duals."
    ),
) -> None:
    """Allocate demand over sites at least cost and write the plan (status, cost, flows …)."""
    locale = cli_locale()
    console, err = _consoles()
    inp = _load_input(input_path, locale)
    policy = inp.model.policy
    if time_limit is not None:
        policy = replace(policy, time_limit_s=time_limit)
    if mip_gap is not None:
        policy = replace(policy, mip_gap=mip_gap)
    model = replace(inp.model, policy=policy)

    with _progress(err) as progress:
        task = progress.add_task(translate(STAGES["build"], locale), total=None)

        def report(event: SolveEvent) -> None:
            if event.mip is not None and np.isfinite(event.mip.primal_bound):
                text = translate(
                    SOLVING_DETAIL,
                    locale,
                    best=f"{event.mip.primal_bound:,.0f}",
                    gap=f"{event.mip.gap:.2%}",
                )
            else:
                text = translate(STAGES.get(event.stage, event.stage), locale)
            progress.update(task, description=text)

        result = solve_plan(model, shadow_prices=shadow_prices, progress=report)
    plan = plan_document(replace(inp, model=model), result)
    if out is None:
        console.print_json(json.dumps(plan, ensure_ascii=False))
        return
    _write_json(out, plan, locale)
    print_plan(console, plan, locale)
    console.print(translate(WRITTEN, locale, path=str(out)), markup=False, highlight=False)


@app.command("simulate")
def simulate_command(
    input_path: Path = typer.Argument(..., metavar="INPUT.json", help="Planner input document."),
    plan_path: Path = typer.Argument(
        ..., metavar="PLAN.json", help="Plan from 'cofab plan solve'."
    ),
    scenarios: int = typer.Option(10_000, "--scenarios", "-n", min=1, help="Monte Carlo draws."),
    seed: int = typer.Option(1, "--seed", "-s", help="Random seed; same seed, same result."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Also write the result here."),
    save: bool = typer.Option(
        True,
        "--save/--no-save",
        help="Store the result in PLAN.json under 'simulation' (used by 'cofab plan compare').",
    ),
) -> None:
    """Disruption Monte Carlo of a plan: fill rate, lost units and cost, critical sites."""
    locale = cli_locale()
    console, err = _consoles()
    inp = _load_input(input_path, locale)
    plan = _read_json(plan_path, locale)
    network = build_network(inp, plan)
    if isinstance(network, list):
        raise _fail(network, plan_path, locale)
    with _progress(err) as progress:
        task = progress.add_task(translate(SIMULATING, locale), total=scenarios)
        result = simulate(
            network,
            inp.disruption,
            scenarios=scenarios,
            seed=seed,
            progress=lambda done, _total: progress.update(task, completed=done),
        )
    doc = simulation_document(inp, result)
    print_simulation(console, doc, locale)
    if out is not None:
        _write_json(out, doc, locale)
        console.print(translate(WRITTEN, locale, path=str(out)), markup=False, highlight=False)
    if save:
        plan["simulation"] = doc
        _write_json(plan_path, plan, locale)
        console.print(translate(PLAN_SECTION, locale, path=str(plan_path)), markup=False)


@app.command("compare")
def compare_command(
    plans: list[Path] = typer.Argument(..., metavar="PLAN.json...", help="Two or more plans."),
) -> None:
    """Side-by-side table: cost, engaged sites, concentration, fill rate p5 if simulated."""
    locale = cli_locale()
    console, _ = _consoles()
    figures = []
    for path in plans:
        doc = _read_json(path, locale)
        if not isinstance(doc, dict) or "status" not in doc:
            raise _fail([Problem("$", PLAN_NOT_A_PLAN)], path, locale)
        figures.append(plan_figures(path.stem, doc))
    print_comparison(console, figures, locale)


@app.command("make-or-buy")
def make_or_buy_command(
    file: Path | None = typer.Option(None, "--file", "-f", help="Case as JSON (see docs)."),
    family: str | None = typer.Option(None, "--family", help="Product family (a label)."),
    periods: int | None = typer.Option(None, "--periods", min=1, help="Horizon in periods."),
    discount_rate: float = typer.Option(0.0, "--discount-rate", min=0, help="Per period."),
    capex: float | None = typer.Option(None, "--capex", min=0, help="Own plant investment."),
    fixed_opex: float = typer.Option(0.0, "--fixed-opex", min=0, help="Own fixed cost/period."),
    own_unit_cost: float | None = typer.Option(None, "--own-unit-cost", min=0, help="Own."),
    ramp_up: int = typer.Option(0, "--ramp-up", min=0, help="Own ramp-up periods."),
    partner_price: float | None = typer.Option(None, "--partner-price", min=0, help="Per unit."),
    partner_fee: float = typer.Option(0.0, "--partner-fee", min=0, help="Partner fee/period."),
    setup_fee: float = typer.Option(0.0, "--setup-fee", min=0, help="One-off partner fee."),
    levels: str | None = typer.Option(
        None, "--levels", help="Volumes per period to compare, e.g. 500,1000,2000."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Own capacity or a contract manufacturer? Break-even volume and NPV per demand level."""
    locale = cli_locale()
    console, _ = _consoles()
    doc: Any
    source = file if file is not None else Path("--options")
    if file is not None:
        doc = _read_json(file, locale)
    elif capex is None or own_unit_cost is None or partner_price is None or periods is None:
        raise _fail_line(MAKE_OR_BUY_OPTIONS, locale)
    else:
        doc = {
            "periods": periods,
            "discount_rate": discount_rate,
            "own": {
                "capex": capex,
                "fixed_opex": fixed_opex,
                "unit_cost": own_unit_cost,
                "ramp_up_periods": ramp_up,
            },
            "outsource": {
                "unit_price": partner_price,
                "fixed_fee": partner_fee,
                "setup_fee": setup_fee,
            },
        }
    if isinstance(doc, dict) and family is not None:
        doc["family"] = family
    if isinstance(doc, dict) and levels is not None:
        try:
            doc["levels"] = [float(v) for v in levels.split(",") if v.strip()]
        except ValueError as error:
            problem = Problem("$.levels", INVALID_LEVELS, {"detail": levels})
            raise _fail([problem], source, locale) from error
    loaded = load_make_or_buy(doc)
    if isinstance(loaded, list):
        raise _fail(loaded, source, locale)
    result = analyse(loaded.case, None if loaded.levels is None else np.array(loaded.levels))
    out = make_or_buy_document(loaded, result)
    if as_json:
        console.print_json(json.dumps(out, ensure_ascii=False))
        return
    print_make_or_buy(console, out, locale)


def _print_inputs(console: Console, live_inputs: dict[str, Any] | None, locale: str) -> None:
    from rich.table import Table

    from cofab.planning.live_view import live_rows

    table = Table(
        translate("Input", locale),
        translate("For", locale),
        translate("Live or defaulted", locale),
        translate("Source", locale),
        translate("Age", locale),
    )
    for row in live_rows(live_inputs, locale):
        age = (
            "–"
            if row["age_days"] is None
            else translate("{days} days", locale, days=row["age_days"])
        )
        table.add_row(
            row["input"],
            row["subject"],
            translate(LIVE if row["live"] else DEFAULTED, locale),
            row["source"],
            age,
        )
    console.print(table)


def _in_scenarios(as_user: str | None, work: Callable[[Session, Actor], T], *, write: bool) -> T:
    """The stored-scenario commands' set-up: the migrated database, the acting user and one
    transaction; a refusal is one readable line and exit 1."""
    from cofab.db.session import unit_of_work

    bound = engine()
    actor = _actor(bound, as_user)
    try:
        with unit_of_work(bound, write=write) as session:
            return work(session, actor)
    except CofabError as exc:
        fail_with(exc)


@app.command("refresh")
def refresh_command(
    scenario_id: int = typer.Argument(..., help="A scenario built from the registry."),
    as_user: str | None = typer.Option(None, "--as", help="Act as this user (admin/manager)."),
) -> None:
    """Refresh from live data: store the next version of a registry scenario (linked to it)."""
    locale = cli_locale()

    def refresh(session: Session, actor: Actor) -> tuple[str, dict[str, Any] | None]:
        fresh = service.refresh_from_live(session, actor=actor, scenario_id=scenario_id)
        inputs = (fresh.live_inputs or {}).get("inputs", [])
        live = sum(1 for item in inputs if item["live"])
        message = translate(
            REFRESHED,
            locale,
            id=fresh.id,
            version=fresh.version,
            live=live,
            defaulted=len(inputs) - live,
        )
        return message, fresh.live_inputs

    message, live_inputs = _in_scenarios(as_user, refresh, write=True)
    console = Console()
    console.print(message, markup=False)
    _print_inputs(console, live_inputs, locale)


@app.command("inputs")
def inputs_command(
    scenario_id: int = typer.Argument(..., help="A stored scenario."),
    as_user: str | None = typer.Option(None, "--as", help="Act as this user."),
) -> None:
    """Each input of a stored scenario: live or defaulted, its source and its age."""

    def read(session: Session, actor: Actor) -> dict[str, Any] | None:
        return service.get_scenario(session, actor=actor, scenario_id=scenario_id).live_inputs

    _print_inputs(Console(), _in_scenarios(as_user, read, write=False), cli_locale())


@app.command("changes")
def changes_command(
    base_id: int = typer.Argument(..., help="The earlier scenario (or version)."),
    other_id: int = typer.Argument(..., help="The later one."),
    as_user: str | None = typer.Option(None, "--as", help="Act as this user."),
) -> None:
    """What changed in the inputs of two stored scenarios, and how and why the plan moved."""
    from rich.table import Table

    locale = cli_locale()
    console = Console()

    def diff_of(session: Session, actor: Actor) -> dict[str, Any]:
        return service.compare_inputs(session, actor=actor, base_id=base_id, other_id=other_id)

    diff = _in_scenarios(as_user, diff_of, write=False)
    base, other = diff["base"]["name"], diff["other"]["name"]
    if not diff["inputs"]:
        console.print(translate(NO_CHANGES, locale), markup=False)
    else:
        table = Table(translate("Input", locale), translate("For", locale), base, other)
        for change in diff["inputs"]:
            table.add_row(
                change["kind"], change["subject"], str(change["before"]), str(change["after"])
            )
        console.print(table)
    if diff["allocation"]:
        table = Table(
            translate("Site", locale),
            base,
            other,
            translate("Change", locale),
            translate("Input changes behind it", locale),
        )
        for row in diff["allocation"]:
            reasons = "; ".join(
                f"{r['kind']} {r['subject']}: {r['before']} → {r['after']}" for r in row["reasons"]
            )
            table.add_row(
                row["site"],
                f"{row['before']:,.0f}",
                f"{row['after']:,.0f}",
                f"{row['delta']:+,.0f}",
                reasons,
            )
        console.print(table)


def _print_rates(rows: list[Any], locale: str) -> None:
    from rich.table import Table

    table = Table(translate("Currency", locale), translate("US dollars per unit", locale))
    for row in rows:
        table.add_row(row.currency, f"{row.usd_value.normalize():f}")
    Console().print(table)


@app.command("rates")
def rates_command(
    pairs: list[str] = typer.Argument(
        None, help="CODE=US dollars per unit to add or change, e.g. KRW=0.00075 EUR=1.08."
    ),
    as_user: str | None = typer.Option(None, "--as", help="Act as this user (admin/manager)."),
) -> None:
    """The exchange rates live scenarios convert prices and lane rates with (list or set)."""
    from decimal import Decimal, InvalidOperation

    from cofab.planning import conversion_tables as tables

    locale = cli_locale()
    wanted: dict[str, Decimal] = {}
    for pair in pairs or []:
        code, _, value = pair.partition("=")
        try:
            wanted[code.strip().upper()] = Decimal(value.strip())
        except InvalidOperation:
            raise _fail_line(BAD_RATE_ARG, locale, value=pair) from None

    def apply(session: Session, actor: Actor) -> list[Any]:
        rows = tables.list_rates(session, actor=actor)
        if not wanted:
            return rows
        merged = {r.currency: r.usd_value for r in rows} | wanted
        given = [tables.RateRow(code, value) for code, value in sorted(merged.items())]
        return tables.replace_rates(session, actor=actor, rows=given)

    _print_rates(_in_scenarios(as_user, apply, write=bool(wanted)), locale)


@app.command("freight")
def freight_command(
    product: str | None = typer.Argument(None, help="A product code or a family to set."),
    unit_kg: float | None = typer.Option(None, "--kg", help="Weight of one unit in kg."),
    per_container: float | None = typer.Option(
        None, "--per-container", help="Units that fill one container."
    ),
    as_user: str | None = typer.Option(None, "--as", help="Act as this user (admin/manager)."),
) -> None:
    """Unit weights and units per container: lanes priced per kg or container become per unit."""
    from decimal import Decimal

    from rich.table import Table

    from cofab.planning import conversion_tables as tables

    locale = cli_locale()

    def number(value: float | None) -> Decimal | None:
        return None if value is None else Decimal(str(value))

    def apply(session: Session, actor: Actor) -> list[Any]:
        rows = tables.list_freight(session, actor=actor)
        if product is None:
            return rows
        merged = {r.product: (r.unit_kg, r.units_per_container) for r in rows}
        merged[product.strip()] = (number(unit_kg), number(per_container))
        given = [tables.FreightRow(name, kg, per) for name, (kg, per) in sorted(merged.items())]
        return tables.replace_freight(session, actor=actor, rows=given)

    table = Table(
        translate("Product code or family", locale),
        translate("Unit weight (kg)", locale),
        translate("Units per container", locale),
    )
    for row in _in_scenarios(as_user, apply, write=product is not None):
        kg, per = row.unit_kg, row.units_per_container
        table.add_row(
            row.product,
            "–" if kg is None else f"{kg.normalize():f}",
            "–" if per is None else f"{per.normalize():f}",
        )
    Console().print(table)
