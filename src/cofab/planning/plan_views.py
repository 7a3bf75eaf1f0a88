"""A plan document turned into what the page draws: flow bands, heatmap cells, sorted rows.

Geometry is computed here, on the server, so the page needs no chart library for the flow
diagram and tests can check the drawing's numbers. Nothing here re-does planning maths: it only
sums and scales what ``plan_document`` already reported.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

PALETTE = (
    "#0b5cad",
    "#2e8540",
    "#c05600",
    "#6f42c1",
    "#0f7c8c",
    "#b3261e",
    "#7a5200",
    "#4a5d73",
    "#d63384",
    "#198754",
)
COST_ORDER = ("production", "scrap", "transport", "fixed", "capex", "unmet_penalty")
#: the currency of a document that names none (the input schema documents this default)
DEFAULT_CURRENCY = "USD"
PRICE_TOL = 1e-6


@dataclass(frozen=True)
class Node:
    label: str
    value: float
    x: float
    y: float
    height: float
    color: str


@dataclass(frozen=True)
class Band:
    source: str
    target: str
    value: float
    path: str
    color: str


@dataclass(frozen=True)
class FlowDiagram:
    width: int
    height: int
    node_width: int
    sites: list[Node]
    markets: list[Node]
    bands: list[Band]
    total: float


def flow_diagram(plan: dict[str, Any], *, width: int = 760) -> FlowDiagram | None:
    """Sankey-like site → market bands, thickness proportional to units shipped (all periods)."""
    volume: dict[tuple[str, str], float] = defaultdict(float)
    for flow in plan.get("flows") or []:
        qty = float(flow.get("qty") or 0.0)
        if qty > 0:
            volume[(flow["site"], flow["market"])] += qty
    if not volume:
        return None
    by_site: dict[str, float] = defaultdict(float)
    by_market: dict[str, float] = defaultdict(float)
    for (site, market), qty in volume.items():
        by_site[site] += qty
        by_market[market] += qty
    sites = sorted(by_site, key=lambda s: -by_site[s])
    markets = sorted(by_market, key=lambda m: -by_market[m])
    total = sum(by_site.values())
    gap, node_width, top = 12.0, 14, 10.0
    rows = max(len(sites), len(markets))
    height = int(max(200, 44 * rows + 2 * top))
    scale = (height - 2 * top - gap * (rows - 1)) / total
    left, right = 200.0, width - 200.0 - node_width
    colors = {site: PALETTE[i % len(PALETTE)] for i, site in enumerate(sites)}

    def column(labels: list[str], values: dict[str, float], x: float, color: bool) -> list[Node]:
        used = sum(values[label] * scale for label in labels) + gap * (len(labels) - 1)
        y = top + (height - 2 * top - used) / 2
        nodes = []
        for label in labels:
            h = max(1.5, values[label] * scale)
            nodes.append(Node(label, values[label], x, y, h, colors[label] if color else "#4a5d73"))
            y += h + gap
        return nodes

    site_nodes = column(sites, by_site, left, True)
    market_nodes = column(markets, by_market, right, False)
    site_y = {n.label: n.y for n in site_nodes}
    market_y = {n.label: n.y for n in market_nodes}
    x0, x1 = left + node_width, right
    middle = (x0 + x1) / 2
    bands = []
    for site in sites:
        for market in markets:
            qty = volume.get((site, market), 0.0)
            if qty <= 0:
                continue
            h = max(0.75, qty * scale)
            y0, y1 = site_y[site], market_y[market]
            site_y[site] += qty * scale
            market_y[market] += qty * scale
            path = (
                f"M{x0:.1f},{y0:.1f} C{middle:.1f},{y0:.1f} {middle:.1f},{y1:.1f} "
                f"{x1:.1f},{y1:.1f} L{x1:.1f},{y1 + h:.1f} C{middle:.1f},{y1 + h:.1f} "
                f"{middle:.1f},{y0 + h:.1f} {x0:.1f},{y0 + h:.1f} Z"
            )
            bands.append(Band(site, market, qty, path, colors[site]))
    return FlowDiagram(width, height, node_width, site_nodes, market_nodes, bands, total)


def _mix(a: str, b: str, t: float) -> str:
    ra, ga, ba = (int(a[i : i + 2], 16) for i in (1, 3, 5))
    rb, gb, bb = (int(b[i : i + 2], 16) for i in (1, 3, 5))
    r, g, b_ = (round(x + (y - x) * t) for x, y in ((ra, rb), (ga, gb), (ba, bb)))
    return f"#{r:02x}{g:02x}{b_:02x}"


def heat_color(utilisation: float | None) -> tuple[str, str]:
    """(background, text) for a utilisation: pale to blue up to 90 %, red when full."""
    if utilisation is None or not math.isfinite(utilisation):
        return "#f3f4f6", "#6b7280"
    u = max(0.0, utilisation)
    if u >= 0.999:
        return "#b3261e", "#ffffff"
    if u <= 0.9:
        background = _mix("#eef5fc", "#0b5cad", u / 0.9)
    else:
        background = _mix("#0b5cad", "#c05600", (u - 0.9) / 0.1)
    return background, "#ffffff" if u > 0.5 else "#1f2937"


@dataclass(frozen=True)
class HeatCell:
    period: str
    utilisation: float | None
    used: float
    capacity: float
    background: str
    color: str


def heatmap(plan: dict[str, Any]) -> tuple[list[str], list[tuple[str, list[HeatCell]]]]:
    """Engaged site × period utilisation (the plan lists engaged sites only)."""
    periods: list[str] = []
    cells: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for row in plan.get("utilisation") or []:
        if row["period"] not in periods:
            periods.append(row["period"])
        cells[row["site"]][row["period"]] = row
    out = []
    for site, per_period in cells.items():
        line = []
        for period in periods:
            row = per_period.get(period, {})
            value = row.get("utilisation")
            background, color = heat_color(value)
            line.append(
                HeatCell(
                    period,
                    value,
                    float(row.get("used") or 0.0),
                    float(row.get("capacity") or 0.0),
                    background,
                    color,
                )
            )
        out.append((site, line))
    return periods, out


def cost_rows(plan: dict[str, Any]) -> list[tuple[str, float, float]]:
    """(component, amount, share of total) for the non-zero cost components, in a fixed order."""
    cost = plan.get("cost") or {}
    total = float(cost.get("total") or 0.0)
    keys = [k for k in COST_ORDER if k in cost] + sorted(
        k for k in cost if k not in COST_ORDER and k != "total"
    )
    rows = []
    for key in keys:
        value = float(cost.get(key) or 0.0)
        if abs(value) > 1e-9:
            rows.append((key, value, value / total if total > 0 else 0.0))
    return rows


def shadow_price_rows(plan: dict[str, Any], limit: int = 20) -> list[dict[str, Any]]:
    """Capacity that is worth something, most valuable first."""
    rows = [r for r in plan.get("shadow_prices") or [] if abs(float(r["value"])) > PRICE_TOL]
    rows.sort(key=lambda r: -float(r["value"]))
    return rows[:limit]


def unmet_rows(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in plan.get("unmet") or [] if float(r.get("qty") or 0.0) > PRICE_TOL]


def currency_of(document: dict[str, Any] | None) -> str:
    """The ISO 4217 code every cost of a scenario is in: costs are never shown without it."""
    code = (document or {}).get("currency")
    return code if isinstance(code, str) and code else DEFAULT_CURRENCY
