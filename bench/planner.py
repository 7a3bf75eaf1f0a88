"""Capacity planner benchmark: cofab's vectorised HiGHS model against PuLP, and the Monte Carlo.

    python bench/planner.py            # 2,000 products × 200 sites × 50 markets × 12 periods
    python bench/planner.py --quick    # a small size that runs in seconds

Printed side by side in one run:
  * cofab: build (eligible flows + CSC matrix + passModel), HiGHS MILP solve (1 % gap, 60 s
    limit), extraction of the plan, and the fixed-binaries LP for shadow prices;
  * PuLP: building the same model's LP relaxation (build only: CBC is not asked to solve it);
  * PuLP + CBC solving the MILP of a smaller instance, against cofab on that same instance;
  * Monte Carlo: 100 sites × 52 weeks × 100,000 scenarios, time and peak memory.
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import os
import resource
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from cofab.planning.engine.disruption import (
    DisruptionProfile,
    DurationKind,
    SimulationNetwork,
    simulate,
)
from cofab.planning.engine.formulation import build_formulation
from cofab.planning.engine.model import PlanningModel, Policy
from cofab.planning.engine.solve import PlanResult, solve_plan


@dataclass(frozen=True)
class Size:
    products: int
    families: int
    sites: int
    markets: int
    periods: int
    families_per_site: int = 2
    markets_per_product: int = 3
    regions: int = 10


FULL = Size(products=2000, families=50, sites=200, markets=50, periods=12)
QUICK = Size(products=200, families=10, sites=40, markets=12, periods=6)
PULP_SOLVE = Size(products=60, families=6, sites=18, markets=8, periods=4)
QUICK_PULP_SOLVE = Size(products=30, families=5, sites=10, markets=5, periods=3)


def generate(size: Size, seed: int = 2027) -> PlanningModel:
    """Seeded instance: each family at ~sites·families_per_site/families sites, each product
    sold in ``markets_per_product`` markets, every site with a lane to every market."""
    rng = np.random.default_rng(seed)
    p, f, s, m, t = size.products, size.families, size.sites, size.markets, size.periods
    product_family = np.arange(p) % f
    # every family appears equally often over the site slots; no site gets a family twice
    while True:
        slots = rng.permutation(np.resize(np.arange(f), s * size.families_per_site))
        site_families = slots.reshape(s, size.families_per_site)
        if all(len(set(row)) == size.families_per_site for row in site_families.tolist()):
            break
    pool_site = np.repeat(np.arange(s), size.families_per_site)
    pool_families = np.zeros((pool_site.size, f), dtype=bool)
    pool_families[np.arange(pool_site.size), site_families.ravel()] = True

    markets_of = np.argsort(rng.random((p, m)), axis=1)[:, : size.markets_per_product]
    demand_product = np.repeat(np.arange(p), size.markets_per_product * t)
    demand_market = np.repeat(markets_of.ravel(), t)
    demand_period = np.tile(np.arange(t), p * size.markets_per_product)
    demand_qty = np.round(rng.uniform(40, 400, demand_product.size))

    family_demand = np.bincount(
        product_family[demand_product] * t + demand_period, weights=demand_qty, minlength=f * t
    ).reshape(f, t)
    pools_per_family = pool_families.sum(axis=0)
    fam = site_families.ravel()
    share = family_demand[fam] / pools_per_family[fam][:, None]
    pool_capacity = np.round(share * rng.uniform(1.3, 2.2, (pool_site.size, 1)))

    site_xy = rng.random((s, 2))
    market_xy = rng.random((m, 2))
    distance = np.linalg.norm(site_xy[:, None, :] - market_xy[None, :, :], axis=2)
    base_cost = rng.uniform(5, 50, p)
    site_factor = rng.uniform(0.7, 1.3, s)
    return PlanningModel(
        n_periods=t,
        product_family=product_family,
        n_families=f,
        site_region=rng.integers(0, size.regions, s),
        n_regions=size.regions,
        site_fixed_cost=np.round(rng.uniform(2e4, 2e5, s), -2),
        site_capex=np.zeros(s),
        site_defect_rate=np.round(rng.uniform(0.0, 0.03, s), 3),
        site_available_from=np.zeros(s, dtype=np.int64),
        site_unit_cost=np.round(site_factor[:, None] * base_cost[None, :], 2),
        pool_site=pool_site,
        pool_families=pool_families,
        pool_capacity=pool_capacity,
        demand_market=demand_market,
        demand_product=demand_product,
        demand_period=demand_period,
        demand_qty=demand_qty,
        market_unmet_penalty=np.full(m, 500.0),
        lane_cost=np.round(1.0 + 8.0 * distance, 2),
        policy=Policy(
            max_share_per_region=np.full(size.regions, 0.3),
            mip_gap=0.01,
            time_limit_s=60.0,
        ),
    )


def pulp_build(model: PlanningModel, *, relax: bool) -> tuple[object, float]:
    """The same rows and columns written the way PuLP is meant to be used.

    The eligible flows come from cofab's vectorised eligibility step and are not timed, so the
    figure is PuLP's model construction alone.
    """
    import pulp

    form = build_formulation(model)
    flows = form.flows
    started = time.perf_counter()
    prob = pulp.LpProblem("cofab_bench", pulp.LpMinimize)
    n_flow = flows.size
    x = [pulp.LpVariable(f"x{e}", lowBound=0) for e in range(n_flow)]
    cat = pulp.LpContinuous if relax else pulp.LpBinary
    y = [pulp.LpVariable(f"y{s}", 0, 1, cat=cat) for s in range(model.n_sites)]
    u = {int(d): pulp.LpVariable(f"u{d}", lowBound=0) for d in form.u_demand}
    cost = flows.unit_cost * flows.scrap_factor + flows.transport_cost
    prob += (
        pulp.lpSum(cost[e] * x[e] for e in range(n_flow))
        + pulp.lpSum(model.site_fixed_cost[s] * y[s] for s in range(model.n_sites))
        + pulp.lpSum(
            model.market_unmet_penalty[model.demand_market[d]] * var for d, var in u.items()
        )
    )
    by_demand: dict[int, list[int]] = {}
    by_pool_period: dict[tuple[int, int], list[int]] = {}
    by_product: dict[int, list[int]] = {}
    by_product_site: dict[tuple[int, int], list[int]] = {}
    by_region: dict[int, list[int]] = {}
    for e in range(n_flow):
        by_demand.setdefault(int(flows.demand[e]), []).append(e)
        by_pool_period.setdefault((int(flows.pool[e]), int(flows.period[e])), []).append(e)
        by_product.setdefault(int(flows.product[e]), []).append(e)
        by_product_site.setdefault((int(flows.product[e]), int(flows.site[e])), []).append(e)
        by_region.setdefault(int(model.site_region[flows.site[e]]), []).append(e)
    for d, members in by_demand.items():
        extra = [u[d]] if d in u else []
        prob += pulp.lpSum([x[e] for e in members] + extra) == float(model.demand_qty[d])
    for (k, t), members in by_pool_period.items():
        cap = float(model.pool_capacity[k, t])
        site = int(model.pool_site[k])
        prob += pulp.lpSum(flows.scrap_factor[e] * x[e] for e in members) <= cap * y[site]
    share = model.policy.max_share_per_site
    if share is not None:
        total = {p: pulp.lpSum(x[e] for e in members) for p, members in by_product.items()}
        for (p, _s), members in by_product_site.items():
            prob += pulp.lpSum(x[e] for e in members) <= share * total[p]
    caps = model.policy.max_share_per_region
    if caps is not None:
        everything = pulp.lpSum(x)
        for r, members in by_region.items():
            prob += pulp.lpSum(x[e] for e in members) <= float(caps[r]) * everything
    return prob, time.perf_counter() - started


def cofab_run(model: PlanningModel) -> tuple[PlanResult, float, float]:
    """Plan, wall seconds, CPU seconds (all threads) of one solve."""
    started, cpu = time.perf_counter(), time.process_time()
    result = solve_plan(model)
    return result, time.perf_counter() - started, time.process_time() - cpu


def monte_carlo(
    sites: int, weeks: int, scenarios: int
) -> tuple[float, float, float, float, dict[str, float]]:
    rng = np.random.default_rng(5)
    markets = 20
    lanes = rng.random((sites, markets)) < 0.4
    lanes[np.arange(sites), rng.integers(0, markets, sites)] = True
    capacity = rng.uniform(800, 1200, (sites, 1)) * np.ones((1, weeks))
    load = rng.uniform(0.9, 0.99, (sites, 1))
    shipments = np.zeros((weeks, sites, markets))
    share = lanes / lanes.sum(axis=1, keepdims=True)
    shipments[:] = (capacity[:, :1] * load * share)[None, :, :]
    network = SimulationNetwork(
        n_sites=sites,
        pool_site=np.arange(sites),
        pool_capacity=capacity,
        pool_scrap_factor=np.ones(sites),
        shipments=shipments,
        can_serve=lanes,
        group_lost_cost=rng.uniform(20, 80, markets),
        total_demand=float(shipments.sum()),
        planned_unmet=0.0,
    )
    profile = DisruptionProfile(
        probability=rng.uniform(0.002, 0.02, sites),
        duration_kind=np.full(sites, int(DurationKind.GEOMETRIC)),
        duration_a=rng.uniform(1.0, 4.0, sites),
        duration_b=np.ones(sites),
        capacity_loss=np.ones(sites),
    )
    rss_before = _peak_rss_mib()
    started, cpu = time.perf_counter(), time.process_time()
    result = simulate(network, profile, scenarios=scenarios, seed=42)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return elapsed, cpu, rss_before, _peak_rss_mib(), result.summary()


def _peak_rss_mib() -> float:
    """Peak resident memory of this process (VmHWM; ru_maxrss survives exec, VmHWM does not)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def monte_carlo_in_child(
    sites: int, weeks: int, scenarios: int
) -> tuple[float, float, float, float, dict[str, float]]:
    """Run in a fresh process so its peak RSS is the Monte Carlo's, not the MILP's."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return pool.apply(monte_carlo, (sites, weeks, scenarios))


def _ratio(a: float, b: float) -> str:
    return f"{a / b:,.1f}×" if b > 0 else "—"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, seconds not minutes")
    parser.add_argument("--skip-pulp", action="store_true", help="cofab and Monte Carlo only")
    args = parser.parse_args(argv)
    size = QUICK if args.quick else FULL
    small = QUICK_PULP_SOLVE if args.quick else PULP_SOLVE
    mc = (50, 26, 10_000) if args.quick else (100, 52, 100_000)

    rows: list[tuple[str, str, str, str]] = []
    load_start = os.getloadavg()[0]
    model = generate(size)
    result, _, solve_cpu = cofab_run(model)
    t = result.timings
    print(
        f"instance: {size.products} products / {size.families} families × {size.sites} sites × "
        f"{size.markets} markets × {size.periods} periods → {result.size['flow_variables']:,} "
        f"flow vars, {result.size['binaries']} binaries, {result.size['rows']:,} rows, "
        f"{result.size['nonzeros']:,} non-zeros"
    )
    print(
        f"cofab: status {result.status} ({result.solver_status}, {result.strategy}), "
        f"objective {result.objective:,.0f}, "
        f"MIP gap {result.mip_gap:.3%}, engaged {int(result.engaged.sum())} sites"
    )
    build_extract = t["build_s"] + t.get("extract_s", 0.0)
    rows.append(("cofab build (flows + CSC + passModel)", f"{t['build_s']:.2f} s", "", ""))
    rows.append(
        (
            f"HiGHS solve to 1 % gap, 60 s limit ({result.strategy})",
            f"{t['solve_s']:.2f} s (whole run {solve_cpu:.0f} s CPU)",
            "",
            "goal ≤ 60 s",
        )
    )
    rows.append(("cofab extraction", f"{t.get('extract_s', 0.0):.3f} s", "", ""))
    shadow = f"{t['shadow_s']:.2f} s" if "shadow_s" in t else "in the solve (final fixed LP)"
    rows.append(("shadow prices (LP with engagement fixed)", shadow, "", ""))
    rows.append(
        (
            "(build + extraction) / solve",
            f"{build_extract / t['solve_s']:.1%}",
            "",
            "goal ≤ 20 %",
        )
    )
    if not args.skip_pulp:
        gc.collect()
        _, pulp_seconds = pulp_build(model, relax=True)
        gc.collect()
        rows.append(
            (
                "build the LP relaxation",
                f"{t['build_s']:.2f} s",
                f"{pulp_seconds:.2f} s",
                f"PuLP/cofab {_ratio(pulp_seconds, t['build_s'])} (goal ≥ 10×)",
            )
        )
        small_model = generate(small, seed=7)  # same 1 % gap and 60 s limit as the big one
        small_result, small_total, _ = cofab_run(small_model)
        import pulp

        prob, small_build = pulp_build(small_model, relax=False)
        started = time.perf_counter()
        cbc = pulp.PULP_CBC_CMD(msg=False, gapRel=small_model.policy.mip_gap, timeLimit=600)
        prob.solve(cbc)  # type: ignore[attr-defined]
        cbc_seconds = time.perf_counter() - started
        cbc_objective = pulp.value(prob.objective)  # type: ignore[attr-defined]
        rows.append(
            (
                f"small MILP ({small_result.size['flow_variables']:,} flows) to 1 % gap",
                f"{small_total:.2f} s (obj {small_result.objective:,.0f}, "
                f"gap {small_result.mip_gap:.2%})",
                f"{small_build + cbc_seconds:.2f} s (obj {cbc_objective:,.0f})",
                f"PuLP+CBC/cofab {_ratio(small_build + cbc_seconds, small_total)}",
            )
        )
    elapsed, mc_cpu, rss_start_mib, rss_mib, summary = monte_carlo_in_child(*mc)
    rows.append(
        (
            f"Monte Carlo {mc[0]} sites × {mc[1]} weeks × {mc[2]:,} scenarios",
            f"{elapsed:.2f} s ({mc_cpu:.1f} s CPU)",
            "",
            "goal < 5 s",
        )
    )
    rows.append(
        (
            "Monte Carlo memory",
            f"peak RSS {rss_mib:,.0f} MiB (after imports {rss_start_mib:,.0f} MiB)",
            "",
            "goal < 2 GiB",
        )
    )
    rows.append(
        (
            "Monte Carlo fill rate mean / p5, CVaR95 lost",
            f"{summary['fill_rate_mean']:.4f} / {summary['fill_rate_p5']:.4f}, "
            f"{summary['cvar95_lost_units']:,.0f}",
            "",
            "",
        )
    )
    rows.append(
        (
            "machine load (1-min average, 2 cores) start → end",
            f"{load_start:.1f} → {os.getloadavg()[0]:.1f}",
            "",
            "timings are wall clock",
        )
    )
    _print_table(rows)
    return 0


def _print_table(rows: list[tuple[str, str, str, str]]) -> None:
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:  # pragma: no cover - rich is a dependency, plain text as a fallback
        for row in rows:
            print(" | ".join(row))
        return
    table = Table(title="cofab planner benchmark")
    for name in ("step", "cofab", "PuLP (reference)", "ratio / goal"):
        table.add_column(name)
    for row in rows:
        table.add_row(*row)
    Console(width=160).print(table)


if __name__ == "__main__":
    raise SystemExit(main())
