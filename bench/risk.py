"""Time-to-survive for every site and partner vs one full planner solve of the same network.

Issue 16 asks: all TTS and impacts in at most 10x the time of one full planner LP solve, each
node's LP made by updating a model, not rebuilding it (the engine keeps one model per part of
the network: families tied by capacity pools). The network is bench/planner.py's seeded
generator (past 200 sites with a draw that ends, ``generate_network``) with capacities made
tight (``tts_network``); sites are paired into partners, about 30 % of a site's products are
held in stock, and every site has a TTR of 2-12 weeks. The issue's size (1,000 sites x 2,000
products x 50 markets) is ``--size issue``; ``--quick`` (default here) and ``--size medium``
are what a shared 2-core machine runs in seconds.

The reference is measured twice, side by side: one LP solve of the planner's full model (every
flow, period and capacity row; the site-engagement binaries relaxed), which is what the issue
compares against, and the planner's whole solve (``solve_plan``: LP-first rounding or
branch-and-bound), unless ``--no-planner-solve``. ``--nodes N`` analyses an even sample of N
nodes (sites and partners in proportion) and extrapolates: build once + measured time per
node x all nodes, printed as EXTRAPOLATED.

    python bench/risk.py --quick
    python bench/risk.py --size medium
    python bench/risk.py --size issue --no-planner-solve          # the issue's size
    python bench/risk.py --size issue --no-planner-solve --nodes 150
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cofab.planning.engine.formulation import build_formulation
from cofab.planning.engine.highs_runner import new_highs, pass_formulation, set_integrality
from cofab.planning.engine.model import PlanningModel, Policy
from cofab.planning.engine.solve import solve_plan
from cofab.risk.engine.tts import Node, TtsNetwork, analyse
from planner import Size, generate

SIZES = {
    "quick": Size(products=200, families=10, sites=40, markets=12, periods=6),
    "medium": Size(products=600, families=20, sites=120, markets=20, periods=6),
    "issue": Size(products=2000, families=50, sites=1000, markets=50, periods=12),
}


def generate_network(size: Size) -> PlanningModel:
    """bench/planner.py's instance; from a few hundred sites on, its rejection draw of two
    different families per site never ends ((1 - 1/F)^S ≈ 2e-9 at 1,000 sites and 50 families),
    so each site's second family is drawn among the others and the pools' capacities are set
    by the same rule (family demand shared over its pools, 1.3-2.2x)."""
    if size.sites <= 200 or size.families_per_site != 2:
        return generate(size)
    base = generate(dataclasses.replace(size, families_per_site=1))
    n_s, n_f, n_t = size.sites, size.families, size.periods
    rng = np.random.default_rng(2028)
    first = base.pool_families.argmax(axis=1)
    second = (first + rng.integers(1, n_f, n_s)) % n_f
    fam = np.stack([first, second], axis=1).ravel()
    pool_families = np.zeros((fam.size, n_f), dtype=bool)
    pool_families[np.arange(fam.size), fam] = True
    family_demand = np.bincount(
        base.product_family[base.demand_product] * n_t + base.demand_period,
        weights=base.demand_qty,
        minlength=n_f * n_t,
    ).reshape(n_f, n_t)
    share = family_demand[fam] / pool_families.sum(axis=0)[fam][:, None]
    return dataclasses.replace(
        base,
        pool_site=np.repeat(np.arange(n_s), 2),
        pool_families=pool_families,
        pool_capacity=np.round(share * rng.uniform(1.3, 2.2, (fam.size, 1))),
    )


def planner_lp_seconds(model: PlanningModel) -> tuple[float, float, float, str]:
    """Build and one LP solve of the planner's whole model, binaries relaxed: (build s, solve s,
    solve CPU s, status)."""
    started = time.perf_counter()
    form = build_formulation(model)
    highs = new_highs()
    pass_formulation(highs, form)
    set_integrality(highs, form.integer_cols, integer=False)
    built = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    highs.run()
    solved, cpu = time.perf_counter() - started, time.process_time() - cpu
    return built, solved, cpu, highs.modelStatusToString(highs.getModelStatus())


def sample(nodes: list[Node], count: int | None) -> list[Node]:
    """An even spread over the node list (sites first, then partners), so both kinds are in."""
    if count is None or count >= len(nodes):
        return nodes
    picks = np.unique(np.linspace(0, len(nodes) - 1, max(1, count)).round().astype(int))
    return [nodes[i] for i in picks]


def tts_network(model: PlanningModel, rng: np.random.Generator) -> TtsNetwork:
    """The planner's arrays as weekly rates (periods read as weeks) plus inventory.

    Capacities are scaled so that each family's capacity is 97-108 % of its demand: a tight
    network, where one site going down leaves some families short (a finite TTS, an impact
    over the TTR) and others not. With the generator's 1.3-2.2x every node would survive
    indefinitely and each node's LP would stop at the first unbounded ray."""
    n_s, n_m, n_p = model.n_sites, model.n_markets, model.n_products
    demand = np.zeros((n_m, n_p))
    np.add.at(demand, (model.demand_market, model.demand_product), model.demand_qty)
    demand /= model.n_periods
    covers = np.zeros((n_s, model.n_families), dtype=bool)
    # unbuffered: a site has two pools, and ``covers[pool_site] |= ...`` keeps only the last
    np.logical_or.at(covers, model.pool_site, model.pool_families)
    eligible = covers[:, model.product_family]
    weekly = demand.sum(axis=0)
    inventory = np.where(
        eligible & (rng.random((n_s, n_p)) < 0.3),
        np.round(weekly[None, :] * rng.uniform(1, 3, (n_s, n_p)) / max(1, n_s // 10)),
        0.0,
    )
    pool_rate = model.pool_capacity.mean(axis=1)
    family_capacity = model.pool_families.T.astype(np.float64) @ pool_rate
    family_demand = np.bincount(model.product_family, weights=weekly, minlength=model.n_families)
    pool_family = model.pool_families.argmax(axis=1)  # the generator gives a pool one family
    scale = family_demand[pool_family] / np.maximum(family_capacity[pool_family], 1e-9)
    pool_rate = pool_rate * scale * rng.uniform(0.97, 1.08, pool_rate.size)
    return TtsNetwork(
        demand_rate=demand,
        unmet_penalty=model.market_unmet_penalty,
        lane=~np.isnan(model.lane_cost),
        eligible=eligible,
        inventory=inventory,
        product_family=model.product_family,
        pool_site=model.pool_site,
        pool_families=model.pool_families,
        pool_rate=pool_rate,
    )


def _peak_rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the small size (default)")
    parser.add_argument("--size", choices=sorted(SIZES), default="quick")
    parser.add_argument(
        "--nodes", type=int, default=None, help="analyse an even sample of N nodes, extrapolate"
    )
    parser.add_argument(
        "--no-planner-solve",
        action="store_true",
        help="skip the planner's whole MILP solve (the planner LP is always measured)",
    )
    args = parser.parse_args(argv)
    if args.nodes is not None and args.nodes < 1:
        parser.error("--nodes: at least 1")
    size = SIZES["quick" if args.quick else args.size]
    begun = time.perf_counter()
    rng = np.random.default_rng(7)
    model = generate_network(size)
    model = dataclasses.replace(model, policy=Policy(mip_gap=0.01, time_limit_s=600))
    print(
        f"size: {size.sites} sites x {size.products} products x {size.markets} markets, "
        f"{size.periods} periods",
        flush=True,
    )
    lp_build_s, lp_s, lp_cpu, lp_status = planner_lp_seconds(model)
    print(f"planner LP: build {lp_build_s:.2f} s, solve {lp_s:.2f} s ({lp_status})", flush=True)
    planner_s: float | None = None
    if not args.no_planner_solve:
        started = time.perf_counter()
        plan = solve_plan(model, shadow_prices=False)
        planner_s = time.perf_counter() - started
        print(f"planner solve: {planner_s:.2f} s ({plan.status}, {plan.strategy})", flush=True)

    net = tts_network(model, rng)
    ttr = rng.uniform(2, 12, model.n_sites)
    nodes = [Node(f"S{i}", "site", (i,), float(ttr[i])) for i in range(model.n_sites)]
    nodes += [
        Node(f"P{k}", "partner", (2 * k, 2 * k + 1), float(max(ttr[2 * k], ttr[2 * k + 1])))
        for k in range(model.n_sites // 2)
    ]
    chosen = sample(nodes, args.nodes)
    timings: dict[str, float] = {}
    started, cpu = time.perf_counter(), time.process_time()
    results = analyse(net, chosen, timings=timings)
    measured_s, risk_cpu = time.perf_counter() - started, time.process_time() - cpu
    build_s = timings["build_s"]
    per_node_s = (measured_s - build_s) / len(chosen)
    extrapolated = len(chosen) < len(nodes)
    risk_s = build_s + per_node_s * len(nodes) if extrapolated else measured_s
    exposed = sum(r.exposed for r in results)
    unbounded = sum(r.unbounded for r in results)

    print(
        f"{len(nodes)} nodes ({size.sites} sites, {size.sites // 2} partners); "
        f"analysed {len(chosen)}{' (even sample)' if extrapolated else ''}: "
        f"exposed (TTR > TTS) {exposed}, unbounded {unbounded}"
    )
    all_label = f"all TTS + impacts, {len(nodes)} nodes, one model per part"
    if extrapolated:
        all_label += f" (EXTRAPOLATED from {len(chosen)})"
    rows = [("one planner LP solve (full model, binaries relaxed)", f"{lp_s:.2f} s", "1.0x")]
    if planner_s is not None:
        rows.append(
            (
                "one full planner solve (solve_plan)",
                f"{planner_s:.2f} s",
                f"{planner_s / lp_s:.2f}x",
            )
        )
    if extrapolated:
        rows.append(
            (
                f"measured: build + {len(chosen)} nodes",
                f"{measured_s:.2f} s",
                f"{measured_s / lp_s:.2f}x",
            )
        )
    rows += [
        ("TTS model build (once)", f"{build_s:.2f} s", ""),
        ("per node (both passes, measured)", f"{1000 * per_node_s:.1f} ms", ""),
        (all_label, f"{risk_s:.2f} s", f"{risk_s / lp_s:.2f}x"),
    ]
    if planner_s is not None:
        rows.append(("  same vs the full planner solve", "", f"{risk_s / planner_s:.2f}x"))
    rows.append(("issue target (vs the planner LP)", "", "<= 10x"))
    width = max(len(r[0]) for r in rows)
    print(f"{'what':<{width}}  {'time':>10}  {'vs LP':>8}")
    for what, secs, ratio in rows:
        print(f"{what:<{width}}  {secs:>10}  {ratio:>8}")
    print(
        f"CPU seconds (a loaded machine stretches wall time): planner LP {lp_cpu:.2f}, "
        f"TTS measured {risk_cpu:.2f} ({risk_cpu / max(lp_cpu, 1e-9):.2f}x"
        f"{'; the measured sample only' if extrapolated else ''})"
    )
    print(f"elapsed {time.perf_counter() - begun:.1f} s, peak memory {_peak_rss_mib():,.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
