"""Rich tables for ``cofab plan``: the commands decide, this module only lays out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from cofab.core.i18n import N_, translate
from cofab.planning.compare import PlanFigures
from cofab.planning.plan_document import infeasibility_messages

ALL_FAMILIES = N_("all families")
STATUS = {
    "optimal": N_("optimal"),
    "feasible": N_("feasible"),
    "infeasible": N_("infeasible"),
    "no_solution": N_("no_solution"),
}
NOT_SIMULATED = N_("not simulated")
CHEAPER = {"own": N_("own"), "outsource": N_("outsource"), "equal": N_("equal")}
COST_LABELS = {
    "production": N_("Production"),
    "scrap": N_("Scrap (defects)"),
    "transport": N_("Transport"),
    "fixed": N_("Fixed engagement"),
    "capex": N_("Capex"),
    "unmet_penalty": N_("Unmet-demand penalty"),
    "total": N_("Total"),
}


def money(value: float | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


def units(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def percent(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}%}"


def print_plan(console: Console, plan: dict[str, Any], locale: str) -> None:
    def t(message: str, **params: object) -> str:
        return translate(message, locale, **params)

    table = Table(title=t(N_("Plan")), show_header=False)
    table.add_column()
    table.add_column(justify="right")
    table.add_row(t(N_("Status")), t(STATUS.get(plan["status"], str(plan["status"]))))
    if plan["status"] == "no_solution":
        console.print(table)
        console.print(t(N_("No plan was found within the time limit; raise --time-limit.")))
        return
    if plan["status"] == "infeasible":
        console.print(table)
        console.print(t(N_("The model is infeasible:")))
        for line in infeasibility_messages(plan, locale):
            console.print(f"  • {line}")
        return
    table.add_row(t(N_("Objective")), money(plan.get("objective")))
    table.add_row(t(N_("MIP gap")), percent(plan.get("mip_gap"), 3))
    for key, label in COST_LABELS.items():
        table.add_row(t(label), money((plan.get("cost") or {}).get(key)))
    engaged = plan.get("engaged_sites", [])
    table.add_row(t(N_("Engaged sites")), f"{len(engaged)}: {', '.join(engaged)}")
    unmet = sum(float(row.get("qty") or 0.0) for row in plan.get("unmet", []))
    table.add_row(t(N_("Unmet demand (units)")), units(unmet))
    console.print(table)

    prices = sorted(plan.get("shadow_prices", []), key=lambda r: -(r.get("value") or 0.0))
    prices = [row for row in prices if (row.get("value") or 0.0) > 1e-9][:10]
    if prices:
        top = Table(title=t(N_("Top capacity shadow prices")))
        for name in (N_("Site"), N_("Family"), N_("Period"), N_("Saving per extra unit")):
            top.add_column(t(name))
        for row in prices:
            family = row["family"] if row["family"] is not None else t(ALL_FAMILIES)
            top.add_row(row["site"], family, row["period"], money(row["value"]))
        console.print(top)


def print_simulation(console: Console, sim: dict[str, Any], locale: str) -> None:
    def t(message: str, **params: object) -> str:
        return translate(message, locale, **params)

    title = t(
        N_("Disruption simulation ({scenarios} scenarios, seed {seed})"),
        scenarios=f"{sim['scenarios']:,}",
        seed=sim["seed"],
    )
    table = Table(title=title, show_header=False)
    table.add_column()
    table.add_column(justify="right")
    fill = sim["fill_rate"]
    table.add_row(t(N_("Fill rate without disruptions")), percent(fill["baseline"]))
    table.add_row(t(N_("Fill rate mean")), percent(fill["mean"]))
    table.add_row(t(N_("Fill rate p5")), percent(fill["p5"]))
    table.add_row(t(N_("Fill rate p50")), percent(fill["p50"]))
    table.add_row(t(N_("Expected lost units")), units(sim["expected_lost_units"]))
    table.add_row(t(N_("Expected lost cost")), money(sim["expected_lost_cost"]))
    table.add_row(t(N_("CVaR 95 % of lost units")), units(sim["cvar95_lost_units"]))
    console.print(table)
    critical = Table(title=t(N_("Most critical sites (whole-horizon outage)")))
    critical.add_column(t(N_("Site")))
    critical.add_column(t(N_("Fill-rate drop")), justify="right")
    for row in sim["site_criticality"][:10]:
        critical.add_row(row["site"], percent(row["fill_rate_drop"]))
    console.print(critical)


def print_comparison(console: Console, figures: Sequence[PlanFigures], locale: str) -> None:
    def t(message: str, **params: object) -> str:
        return translate(message, locale, **params)

    table = Table(title=t(N_("Plan comparison")))
    table.add_column(t(N_("Metric")))
    for figure in figures:
        table.add_column(figure.name, justify="right")
    not_simulated = t(NOT_SIMULATED)

    def row(label: str, values: Sequence[str]) -> None:
        table.add_row(t(label), *values)

    row(N_("Status"), [t(STATUS.get(f.status, f.status)) for f in figures])
    row(N_("Total cost"), [money(f.total_cost) for f in figures])
    for key in ("production", "scrap", "transport", "fixed", "capex", "unmet_penalty"):
        row(COST_LABELS[key], [money(f.cost.get(key)) for f in figures])
    row(N_("Engaged sites"), [str(f.engaged_sites) for f in figures])
    row(N_("Unmet demand (units)"), [units(f.unmet_units) for f in figures])
    row(N_("Concentration (HHI by site)"), [units(f.hhi_sites) for f in figures])
    row(N_("Largest site share"), [percent(f.largest_site_share, 1) for f in figures])
    row(
        N_("Largest region share"),
        [
            f"{percent(f.largest_region_share, 1)} ({f.largest_region})"
            if f.largest_region
            else "—"
            for f in figures
        ],
    )
    row(
        N_("Fill rate p5"),
        [percent(f.fill_rate_p5) if f.fill_rate_p5 is not None else not_simulated for f in figures],
    )
    row(
        N_("Fill rate mean"),
        [
            percent(f.fill_rate_mean) if f.fill_rate_mean is not None else not_simulated
            for f in figures
        ],
    )
    row(N_("CVaR 95 % of lost units"), [units(f.cvar95_lost_units) for f in figures])
    console.print(table)


def print_make_or_buy(console: Console, doc: dict[str, Any], locale: str) -> None:
    def t(message: str, **params: object) -> str:
        return translate(message, locale, **params)

    family = doc.get("family")
    title = t(N_("Make or buy: {family}"), family=family) if family else t(N_("Make or buy"))
    volume = doc["break_even_volume_per_period"]
    if volume is None:
        summary = t(N_("Never: outsourcing is always cheaper"))
    else:
        summary = t(
            N_("{volume} per period ({total} over {periods} periods)"),
            volume=units(volume),
            total=units(doc["break_even_volume_total"]),
            periods=doc["periods"],
        )
    console.print(f"[bold]{title}[/bold]")
    console.print(f"{t(N_('Break-even volume'))}: {summary}")
    table = Table()
    for name in (N_("Volume per period"), N_("Own capacity NPV"), N_("Outsourcing NPV")):
        table.add_column(t(name), justify="right")
    table.add_column(t(N_("Cheaper")))
    for level in doc["levels"]:
        table.add_row(
            units(level["volume_per_period"]),
            money(level["own_npv"]),
            money(level["outsource_npv"]),
            t(CHEAPER[level["cheaper"]]),
        )
    console.print(table)
