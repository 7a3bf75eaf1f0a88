"""Time-to-survive for every site and partner vs one full planner solve of the same network.

Issue 16 asks: all TTS and impacts in at most 10x the time of one full planner solve, each
node's LP made by updating one model. The network is bench/planner.py's seeded generator; sites
are paired into partners, every site holds one to three weeks of a few products, and every
site has a TTR of 2-12 weeks. The issue's size (1,000 sites x 2,000 products x 50 markets) is
``--size issue``; ``--quick`` (default here) and ``--size medium`` are what a shared 2-core
machine runs in seconds.

    python bench/risk.py --quick
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cofab.planning.engine.model import PlanningModel, Policy
from cofab.planning.engine.solve import solve_plan
from cofab.risk.engine.tts import Node, TtsNetwork, analyse
from planner import Size, generate

SIZES = {
    "quick": Size(products=200, families=10, sites=40, markets=12, periods=6),
    "medium": Size(products=600, families=20, sites=120, markets=20, periods=6),
    "issue": Size(products=2000, families=50, sites=1000, markets=50, periods=12),
}


def tts_network(model: PlanningModel, rng: np.random.Generator) -> TtsNetwork:
    """The planner's arrays as weekly rates (periods read as weeks) plus inventory."""
    n_s, n_m, n_p = model.n_sites, model.n_markets, model.n_products
    demand = np.zeros((n_m, n_p))
    np.add.at(demand, (model.demand_market, model.demand_product), model.demand_qty)
    demand /= model.n_periods
    covers = np.zeros((n_s, model.n_families), dtype=bool)
    covers[model.pool_site] |= model.pool_families
    eligible = covers[:, model.product_family]
    weekly = demand.sum(axis=0)
    inventory = np.where(
        eligible & (rng.random((n_s, n_p)) < 0.3),
        np.round(weekly[None, :] * rng.uniform(1, 3, (n_s, n_p)) / max(1, n_s // 10)),
        0.0,
    )
    return TtsNetwork(
        demand_rate=demand,
        unmet_penalty=model.market_unmet_penalty,
        lane=~np.isnan(model.lane_cost),
        eligible=eligible,
        inventory=inventory,
        product_family=model.product_family,
        pool_site=model.pool_site,
        pool_families=model.pool_families,
        pool_rate=model.pool_capacity.mean(axis=1),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the small size (default)")
    parser.add_argument("--size", choices=sorted(SIZES), default="quick")
    args = parser.parse_args(argv)
    size = SIZES["quick" if args.quick else args.size]
    rng = np.random.default_rng(7)
    model = generate(size)
    model = dataclasses.replace(model, policy=Policy(mip_gap=0.01, time_limit_s=600))
    started = time.perf_counter()
    plan = solve_plan(model, shadow_prices=False)
    planner_s = time.perf_counter() - started

    net = tts_network(model, rng)
    ttr = rng.uniform(2, 12, model.n_sites)
    nodes = [Node(f"S{i}", "site", (i,), float(ttr[i])) for i in range(model.n_sites)]
    nodes += [
        Node(f"P{k}", "partner", (2 * k, 2 * k + 1), float(max(ttr[2 * k], ttr[2 * k + 1])))
        for k in range(model.n_sites // 2)
    ]
    started = time.perf_counter()
    results = analyse(net, nodes)
    risk_s = time.perf_counter() - started
    exposed = sum(r.exposed for r in results)
    unbounded = sum(r.unbounded for r in results)

    print(
        f"size: {size.sites} sites x {size.products} products x {size.markets} markets, "
        f"{size.periods} periods; {len(nodes)} nodes ({size.sites} sites, "
        f"{size.sites // 2} partners); planner status {plan.status}"
    )
    print(f"nodes exposed (TTR > TTS): {exposed}, unbounded: {unbounded}")
    rows = [
        ("one full planner solve (MILP, HiGHS)", f"{planner_s:.2f} s", "1.0x"),
        (
            f"all TTS + impacts, {len(nodes)} nodes, one model",
            f"{risk_s:.2f} s",
            f"{risk_s / planner_s:.2f}x",
        ),
        ("per node", f"{1000 * risk_s / len(nodes):.1f} ms", ""),
        ("issue target", "", "<= 10x"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'what':<{width}}  {'time':>10}  {'vs planner':>10}")
    for what, secs, ratio in rows:
        print(f"{what:<{width}}  {secs:>10}  {ratio:>10}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
