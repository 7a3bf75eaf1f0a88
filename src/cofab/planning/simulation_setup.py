"""Turn an input document plus a plan document into the arrays the disruption Monte Carlo uses,
and its result back into a JSON-able summary."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cofab.core.i18n import N_
from cofab.planning.engine.disruption import SimulationNetwork, SimulationResult
from cofab.planning.planning_input import PlanningInput
from cofab.planning.problems import Problem, json_path

if TYPE_CHECKING:
    pass


PLAN_NOT_SOLVED = N_("The plan has status '{status}'; only a solved plan can be simulated")
PLAN_UNKNOWN_ID = N_("The plan does not match the input: unknown {kind} '{id}'")
PLAN_NOT_A_PLAN = N_("Not a plan document (expected 'flows' and 'engaged_sites')")


def _index(ids: tuple[str, ...]) -> dict[str, int]:
    return {value: i for i, value in enumerate(ids)}


def build_network(inp: PlanningInput, plan: Any) -> SimulationNetwork | list[Problem]:
    import numpy as np

    if not isinstance(plan, dict) or not isinstance(plan.get("flows"), list):
        return [Problem("$", PLAN_NOT_A_PLAN)]
    status = plan.get("status")
    if status not in ("optimal", "feasible"):
        return [Problem("$.status", PLAN_NOT_SOLVED, {"status": status})]
    model = inp.model
    lookups = {
        "site": _index(inp.site_ids),
        "market": _index(inp.market_ids),
        "product": _index(inp.product_ids),
        "period": _index(inp.period_ids),
    }
    problems: list[Problem] = []
    columns: dict[str, list[int]] = {kind: [] for kind in lookups}
    qty: list[float] = []
    for row_index, row in enumerate(plan["flows"]):
        ok = isinstance(row, dict)
        for kind, lookup in lookups.items():
            value = row.get(kind) if isinstance(row, dict) else None
            if value not in lookup:
                problems.append(
                    Problem(
                        json_path(["flows", row_index, kind]),
                        PLAN_UNKNOWN_ID,
                        {"kind": kind, "id": value},
                    )
                )
                ok = False
        if ok:
            for kind, lookup in lookups.items():
                columns[kind].append(lookup[row[kind]])
            qty.append(float(row.get("qty") or 0.0))
    engaged = np.zeros(model.n_sites, dtype=bool)
    for position, site in enumerate(plan.get("engaged_sites") or []):
        if site in lookups["site"]:
            engaged[lookups["site"][site]] = True
        else:
            problems.append(
                Problem(
                    json_path(["engaged_sites", position]),
                    PLAN_UNKNOWN_ID,
                    {"kind": "site", "id": site},
                )
            )
    if problems:
        return problems

    site = np.array(columns["site"], dtype=np.int64)
    market = np.array(columns["market"], dtype=np.int64)
    family = model.product_family[np.array(columns["product"], dtype=np.int64)]
    period = np.array(columns["period"], dtype=np.int64)
    amount = np.array(qty)
    n_f = model.n_families
    pool_of = model.pool_of_site_family()
    pool = pool_of[site, family]
    group_key = model.demand_market * n_f + model.product_family[model.demand_product]
    group_key = np.unique(np.concatenate([group_key, market * n_f + family]))
    group = np.searchsorted(group_key, market * n_f + family)
    n_groups = int(group_key.shape[0])
    shipments = np.zeros((model.n_periods, model.n_pools, n_groups))
    np.add.at(shipments, (period, pool, group), amount)

    group_market = group_key // n_f
    group_family = group_key % n_f
    lane = np.isfinite(model.lane_cost)
    pool_site = model.pool_site
    can_serve = (
        model.pool_families[:, group_family]
        & lane[pool_site][:, group_market]
        & engaged[pool_site][:, None]
    )
    online = np.arange(model.n_periods)[None, :] >= model.site_available_from[pool_site][:, None]
    capacity = model.pool_capacity * online * engaged[pool_site][:, None]
    total_demand = float(model.demand_qty.sum())
    return SimulationNetwork(
        n_sites=model.n_sites,
        pool_site=pool_site,
        pool_capacity=capacity,
        pool_scrap_factor=1.0 / (1.0 - model.site_defect_rate[pool_site]),
        shipments=shipments,
        can_serve=can_serve,
        group_lost_cost=inp.market_lost_cost[group_market],
        total_demand=total_demand,
        planned_unmet=max(0.0, total_demand - float(amount.sum())),
    )


def simulation_document(inp: PlanningInput, result: SimulationResult) -> dict[str, Any]:
    import numpy as np

    summary = result.summary()
    order = np.argsort(-result.site_criticality, kind="stable")
    return {
        "scenarios": result.scenarios,
        "seed": result.seed,
        "fill_rate": {
            "mean": round(summary["fill_rate_mean"], 6),
            "p5": round(summary["fill_rate_p5"], 6),
            "p50": round(summary["fill_rate_p50"], 6),
            "baseline": round(summary["baseline_fill_rate"], 6),
        },
        "expected_lost_units": round(summary["expected_lost_units"], 4),
        "expected_lost_cost": round(summary["expected_lost_cost"], 4),
        "var95_lost_units": round(summary["var95_lost_units"], 4),
        "cvar95_lost_units": round(summary["cvar95_lost_units"], 4),
        "site_criticality": [
            {"site": inp.site_ids[s], "fill_rate_drop": round(float(result.site_criticality[s]), 6)}
            for s in order.tolist()
        ],
    }
