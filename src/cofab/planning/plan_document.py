"""The plan as a JSON document (what ``cofab plan solve --out`` writes and the API returns)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from cofab.core.i18n import N_, translate
from cofab.planning.engine.solve import QTY_TOL, PlanResult
from cofab.planning.planning_input import PlanningInput

if TYPE_CHECKING:
    pass


PLAN_FORMAT = "cofab-plan/1"

UNCOVERED = N_(
    "Product '{product}' in market '{market}', period '{period}': {short} of {demand} units "
    "cannot be covered"
)
FAMILY_SHORT = N_("Family '{family}', period '{period}': capacity short by {short} units")
POLICY_CONFLICT = N_(
    "The policy rules cannot all be met at the same time (check min_sources, "
    "max_share_per_site and max_share_per_region)"
)


def _round(value: float, digits: int = 6) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


def _qty(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def infeasibility_messages(doc: dict[str, Any], locale: str = "en") -> list[str]:
    """Readable lines for the ``infeasibility`` part of a plan document."""
    part = doc.get("infeasibility") or {}
    lines = [
        translate(
            UNCOVERED,
            locale,
            product=item["product"],
            market=item["market"],
            period=item["period"],
            short=_qty(item["qty"]),
            demand=_qty(item["demand"]),
        )
        for item in part.get("uncovered", [])
    ]
    lines += [
        translate(
            FAMILY_SHORT,
            locale,
            family=item["family"],
            period=item["period"],
            short=_qty(item["qty"]),
        )
        for item in part.get("capacity_short", [])
    ]
    if part.get("policy_conflict"):
        lines.append(translate(POLICY_CONFLICT, locale))
    return lines


def plan_document(inp: PlanningInput, result: PlanResult) -> dict[str, Any]:
    import numpy as np

    model = inp.model
    flows = result.flows
    sites, markets, products, periods = (
        inp.site_ids,
        inp.market_ids,
        inp.product_ids,
        inp.period_ids,
    )
    shipped = result.shipped()
    flow_rows = [
        {
            "site": sites[s],
            "market": markets[m],
            "product": products[p],
            "period": periods[t],
            "qty": _round(q),
            "produced": _round(q * f),
            "lead_time_days": _round(inp.lead_time_days[s, m]),
        }
        for s, m, p, t, q, f in zip(
            flows.site[shipped].tolist(),
            flows.market[shipped].tolist(),
            flows.product[shipped].tolist(),
            flows.period[shipped].tolist(),
            result.flow_qty[shipped].tolist(),
            flows.scrap_factor[shipped].tolist(),
            strict=True,
        )
    ]
    used, available = result.site_utilisation(model)
    utilisation = [
        {
            "site": sites[s],
            "period": periods[t],
            "used": _round(used[s, t]),
            "capacity": _round(available[s, t]),
            "utilisation": _round(used[s, t] / available[s, t]) if available[s, t] > 0 else None,
        }
        for s in np.flatnonzero(result.engaged).tolist()
        for t in range(model.n_periods)
    ]
    pool_rows = []
    price_rows = []
    for k in range(model.n_pools):
        site = int(model.pool_site[k])
        if not result.engaged[site]:
            continue
        for t in range(model.n_periods):
            cap = float(result.pool_available[k, t])
            pool_rows.append(
                {
                    "site": sites[site],
                    "family": inp.pool_family[k],
                    "period": periods[t],
                    "used": _round(result.pool_used[k, t]),
                    "capacity": _round(cap),
                    "utilisation": _round(result.pool_used[k, t] / cap) if cap > 0 else None,
                }
            )
            price = result.shadow_price[k, t]
            if math.isfinite(price):
                price_rows.append(
                    {
                        "site": sites[site],
                        "family": inp.pool_family[k],
                        "period": periods[t],
                        "value": _round(price),
                    }
                )
    unmet = [
        {
            "market": markets[int(model.demand_market[d])],
            "product": products[int(model.demand_product[d])],
            "period": periods[int(model.demand_period[d])],
            "qty": _round(q),
        }
        for d, q in zip(result.unmet_demand.tolist(), result.unmet_qty.tolist(), strict=True)
    ]
    site_volume = np.bincount(flows.site, weights=result.flow_qty, minlength=model.n_sites)
    site_rows = [
        {
            "id": sites[s],
            "kind": inp.site_kind[s],
            "region": inp.region_ids[int(model.site_region[s])],
            "engaged": bool(result.engaged[s]),
            "shipped": _round(float(site_volume[s])),
        }
        for s in range(model.n_sites)
    ]
    doc: dict[str, Any] = {
        "format": PLAN_FORMAT,
        "name": inp.name,
        "status": result.status,
        "solver_status": result.solver_status,
        "strategy": result.strategy,
        "objective": _round(result.objective),
        "mip_gap": _round(result.mip_gap),
        "cost": {key: _round(value) for key, value in result.cost.items()},
        "engaged_sites": [sites[s] for s in np.flatnonzero(result.engaged).tolist()],
        "sites": site_rows,
        "flows": flow_rows,
        "utilisation": utilisation,
        "pool_utilisation": pool_rows,
        "unmet": unmet,
        "shadow_prices": price_rows,
        "infeasibility": None,
        "size": result.size,
        "timings": {key: _round(value, 4) for key, value in result.timings.items()},
    }
    if result.infeasibility is not None:
        info = result.infeasibility
        uncovered = [
            {
                "market": markets[int(model.demand_market[d])],
                "product": products[int(model.demand_product[d])],
                "period": periods[int(model.demand_period[d])],
                "qty": _round(q),
                "demand": _round(float(model.demand_qty[d])),
            }
            for d, q in zip(
                info.uncovered_demand.tolist(), info.uncovered_qty.tolist(), strict=True
            )
            if q > QTY_TOL
        ]
        short = [
            {"family": inp.family_ids[f], "period": periods[t], "qty": _round(q)}
            for f, t, q in zip(
                info.short_family.tolist(),
                info.short_period.tolist(),
                info.short_qty.tolist(),
                strict=True,
            )
        ]
        doc["infeasibility"] = {
            "uncovered": uncovered,
            "capacity_short": short,
            "policy_conflict": info.policy_conflict,
        }
        doc["infeasibility"]["messages"] = infeasibility_messages(doc)
    return doc
