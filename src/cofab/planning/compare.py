"""Side-by-side figures of several plan documents (what ``cofab plan compare`` shows)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class PlanFigures:
    name: str
    status: str
    total_cost: float | None
    cost: dict[str, float]
    engaged_sites: int
    unmet_units: float
    #: Herfindahl-Hirschman index of shipped volume by site, 0 (spread) … 10,000 (one site)
    hhi_sites: float | None
    largest_site_share: float | None
    largest_region: str | None
    largest_region_share: float | None
    fill_rate_p5: float | None
    fill_rate_mean: float | None
    cvar95_lost_units: float | None


def _shares(volumes: dict[str, float]) -> dict[str, float]:
    total = sum(volumes.values())
    if total <= 0:
        return {}
    return {key: value / total for key, value in volumes.items()}


def plan_figures(name: str, plan: dict[str, Any]) -> PlanFigures:
    by_site: dict[str, float] = {}
    for flow in plan.get("flows", []):
        by_site[flow["site"]] = by_site.get(flow["site"], 0.0) + float(flow.get("qty") or 0.0)
    region_of = {row["id"]: row.get("region") for row in plan.get("sites", [])}
    by_region: dict[str, float] = {}
    for site, volume in by_site.items():
        region = str(region_of.get(site) or "?")
        by_region[region] = by_region.get(region, 0.0) + volume
    site_shares = _shares(by_site)
    region_shares = _shares(by_region)
    top_region = max(region_shares, key=lambda r: region_shares[r]) if region_shares else None
    simulation = plan.get("simulation") or {}
    fill = simulation.get("fill_rate") or {}
    cost = {k: float(v) for k, v in (plan.get("cost") or {}).items() if v is not None}
    return PlanFigures(
        name=name,
        status=str(plan.get("status", "?")),
        total_cost=cost.get("total"),
        cost=cost,
        engaged_sites=len(plan.get("engaged_sites", [])),
        unmet_units=sum(float(row.get("qty") or 0.0) for row in plan.get("unmet", [])),
        hhi_sites=sum(share**2 for share in site_shares.values()) * 10_000 if site_shares else None,
        largest_site_share=max(site_shares.values()) if site_shares else None,
        largest_region=top_region,
        largest_region_share=region_shares[top_region] if top_region else None,
        fill_rate_p5=fill.get("p5"),
        fill_rate_mean=fill.get("mean"),
        cvar95_lost_units=simulation.get("cvar95_lost_units"),
    )
