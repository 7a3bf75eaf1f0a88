"""The carrier scorecard: a logistics partner scored on what a carrier controls (transit-time
adherence, damage, temperature excursions) instead of the manufacturing KPIs of operations'
supplier scorecard, which would score a carrier on defects and fill rates of goods it never made.

The carrier page shows this score on the fly for any window. Stored scorecards (disputable,
with a trend) come from performance: a scorecard template for logistics partners
(``applies_to: logistics``) scores the same figures, read through ``service.carrier_figures``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cofab.core.i18n import N_
from cofab.logistics import service
from cofab.logistics.service import LaneKpi

#: metric: which LaneKpi figure (in %), its weight, where it earns 100 points and where 0
CARRIER_TEMPLATE: dict[str, Any] = {
    "name": "Carrier scorecard",
    "metrics": [
        {"kpi": "adherence_pct", "weight": 50, "full_at": 98.0, "zero_at": 85.0},
        {"kpi": "damage_pct", "weight": 25, "full_at": 0.1, "zero_at": 2.0},
        {"kpi": "excursion_pct", "weight": 25, "full_at": 0.0, "zero_at": 10.0},
    ],
    "bands": [
        {"grade": "A", "min_score": 85},
        {"grade": "B", "min_score": 70},
        {"grade": "C", "min_score": 50},
        {"grade": "D", "min_score": 0},
    ],
}
METRIC_LABELS = {
    "adherence_pct": N_("Transit-time adherence"),
    "damage_pct": N_("Damage rate"),
    "excursion_pct": N_("Shipments with a temperature excursion"),
}


@dataclass(frozen=True)
class MetricScore:
    kpi: str
    value: float | None
    points: float | None
    weight: float


@dataclass(frozen=True)
class CarrierScore:
    score: float | None
    grade: str | None
    metrics: list[MetricScore]


def carrier_values(total: LaneKpi) -> dict[str, float | None]:
    """The carrier's figures in percent (the same figures performance's stored scorecard for
    logistics partners reads through ``service.carrier_figures``)."""
    return service.carrier_percentages(total)


def points(value: float | None, full_at: float, zero_at: float) -> float | None:
    """Linear from ``zero_at`` (0) to ``full_at`` (100), clamped; either direction."""
    if value is None:
        return None
    if full_at == zero_at:
        return 100.0 if value == full_at else 0.0
    raw = (value - zero_at) / (full_at - zero_at) * 100.0
    return round(min(100.0, max(0.0, raw)), 4)


def score_carrier(total: LaneKpi, template: dict[str, Any] = CARRIER_TEMPLATE) -> CarrierScore:
    """Weighted mean of the metrics that have a value; no value at all gives no score."""
    values = carrier_values(total)
    metrics: list[MetricScore] = []
    earned = weights = 0.0
    for metric in template["metrics"]:
        value = values.get(metric["kpi"])
        pts = points(value, float(metric["full_at"]), float(metric["zero_at"]))
        metrics.append(MetricScore(metric["kpi"], value, pts, float(metric["weight"])))
        if pts is not None:
            earned += pts * float(metric["weight"])
            weights += float(metric["weight"])
    if not weights:
        return CarrierScore(None, None, metrics)
    score = round(earned / weights, 2)
    bands = sorted(template["bands"], key=lambda b: -float(b["min_score"]))
    grade = next((b["grade"] for b in bands if score >= float(b["min_score"])), bands[-1]["grade"])
    return CarrierScore(score, str(grade), metrics)
