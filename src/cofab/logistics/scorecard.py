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
from cofab.performance import service as performance_service

#: the stored carrier scorecard's template (performance's built-in one for logistics partners), so
#: the page's score for any window and the stored quarterly card agree
CARRIER_TEMPLATE: dict[str, Any] = performance_service.LOGISTICS_TEMPLATE
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


def score_carrier(total: LaneKpi, template: dict[str, Any] = CARRIER_TEMPLATE) -> CarrierScore:
    """Weighted mean of the metrics that have a value; no value at all gives no score (the same
    points and grades as every stored scorecard)."""
    values = carrier_values(total)
    score, detail = performance_service.score_of(values, template["metrics"])
    grade, _action = performance_service.grade_of(score, template["bands"])
    metrics = [
        MetricScore(m["kpi"], values.get(m["kpi"]), detail[m["kpi"]]["points"], float(m["weight"]))
        for m in template["metrics"]
    ]
    return CarrierScore(score, grade, metrics)
