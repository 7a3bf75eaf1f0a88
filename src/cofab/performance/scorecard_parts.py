"""Scorecard metrics that are not operations KPIs: quality's inspection PPM, NCR count and latest
audit score, training's collaboration (compliance) score, and a carrier's logistics figures.

A template chooses and weights them exactly like a KPI (``{"kpi": "inspection_ppm", ...}``); the
KPI table and its SQL (and the DuckDB cross-check over it) stay as they are, because these
numbers come from other domains through their ``service`` modules, one partner at a time.

Each metric belongs to an audience: manufacturing metrics (every operations KPI and the quality
ones) score makers, logistics metrics score carriers, and ``any`` (audit, collaboration) fits
both. A template declares whom it scores (``applies_to``) and may only hold metrics of that
audience or ``any``: a carrier is not scored on defects of goods it never made.

Rules for "no data" (the metric is left out and the other weights count in full):
- inspection PPM: no incoming inspection finished in the period;
- NCR count: no inspection finished and no NCR raised in the period, and no operations activity
  (a partner that delivered and got no NCR has 0, which is a value);
- audit score: no finished audit ever (the newest one counts, whatever its date);
- collaboration: nothing to comply with (no training, no SOP to acknowledge), judged on the
  period's last day or the evaluation day, whichever is earlier;
- carrier figures: no shipment of the carrier shipped in the period (per figure: none delivered,
  none received, no readings, no freight cost).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.core.i18n import N_
from cofab.logistics import service as logistics_service
from cofab.quality import service as quality_service
from cofab.training import service as training_service

Audience = Literal["manufacturing", "logistics", "any"]
APPLIES_TO: tuple[str, ...] = ("manufacturing", "logistics")


@dataclass(frozen=True)
class PartScope:
    """One partner and period, as a part's source reads it."""

    partner_id: int
    start: date
    end: date
    as_of: date
    active: bool  # the partner has operations KPI activity in the period


Reader = Callable[[Session, Actor, PartScope], dict[str, float | None]]


@dataclass(frozen=True)
class PartDef:
    code: str
    name: str  # English msgid
    unit: str
    definition: str  # English msgid
    lower_is_better: bool
    audience: Audience
    source: str


def _quality(session: Session, actor: Actor, scope: PartScope) -> dict[str, float | None]:
    del actor
    figures = quality_service.figures_for(
        session, partner_id=scope.partner_id, start=scope.start, end=scope.end
    )
    counted = figures.lots_inspected > 0 or figures.ncr_count > 0 or scope.active
    return {
        "inspection_ppm": figures.ppm,
        "ncr_count": float(figures.ncr_count) if counted else None,
        "audit_score": None if figures.audit_score is None else float(figures.audit_score),
    }


def _training(session: Session, actor: Actor, scope: PartScope) -> dict[str, float | None]:
    del actor
    score = training_service.collaboration_score(
        session, scope.partner_id, min(scope.end, scope.as_of)
    )
    return {"collaboration": None if score is None else float(score)}


def _carrier(session: Session, actor: Actor, scope: PartScope) -> dict[str, float | None]:
    return logistics_service.carrier_figures(
        session, actor=actor, partner_id=scope.partner_id, start=scope.start, end=scope.end
    )


SOURCES: dict[str, Reader] = {"quality": _quality, "training": _training, "carrier": _carrier}

PART_TABLE: tuple[PartDef, ...] = (
    PartDef(
        "inspection_ppm",
        N_("Inspection PPM"),
        "ppm",
        N_(
            "Defective units found in incoming inspections finished in the period, per million "
            "sampled units (quality)."
        ),
        True,
        "manufacturing",
        "quality",
    ),
    PartDef(
        "ncr_count",
        N_("NCRs raised"),
        "",
        N_("Non-conformance reports raised against the partner in the period (quality)."),
        True,
        "manufacturing",
        "quality",
    ),
    PartDef(
        "audit_score",
        N_("Latest audit score"),
        "",
        N_("Score of the partner's most recent finished audit, whenever it was held (quality)."),
        False,
        "any",
        "quality",
    ),
    PartDef(
        "collaboration",
        N_("Collaboration (training and SOP compliance)"),
        "%",
        N_(
            "SOP versions acknowledged plus trainings still valid (newest per person and "
            "course), over all SOPs shared for acknowledgement and trainings, in percent, on the "
            "period's last day (training)."
        ),
        False,
        "any",
        "training",
    ),
    PartDef(
        "adherence_pct",
        N_("Transit-time adherence"),
        "%",
        N_(
            "Shipments shipped in the period that arrived within the lane's contracted transit "
            "days, over those that arrived (logistics)."
        ),
        False,
        "logistics",
        "carrier",
    ),
    PartDef(
        "damage_pct",
        N_("Damage rate"),
        "%",
        N_(
            "Rejected over received quantity of the receipts of shipments the carrier moved in "
            "the period (logistics)."
        ),
        True,
        "logistics",
        "carrier",
    ),
    PartDef(
        "excursion_pct",
        N_("Shipments with a temperature excursion"),
        "%",
        N_(
            "Share of the carrier's shipments in the period with at least one reading outside the "
            "lane's temperature range, when readings were posted (logistics)."
        ),
        True,
        "logistics",
        "carrier",
    ),
    PartDef(
        "cost_per_unit",
        N_("Freight cost per unit"),
        "",
        N_(
            "Freight cost divided by the units shipped, over the period's shipments with a known "
            "cost, in the lanes' currency; no value when the lanes charge in several "
            "currencies (logistics)."
        ),
        True,
        "logistics",
        "carrier",
    ),
)

PARTS: dict[str, PartDef] = {part.code: part for part in PART_TABLE}
PART_CODES: tuple[str, ...] = tuple(PARTS)
PART_NAMES: dict[str, str] = {part.code: part.name for part in PART_TABLE}
PART_UNITS: dict[str, str] = {part.code: part.unit for part in PART_TABLE}
PART_DEFINITIONS: dict[str, str] = {part.code: part.definition for part in PART_TABLE}


def fits(code: str, applies_to: str, kpi_codes: Iterable[str]) -> bool:
    """Whether a metric may sit in a template for ``applies_to`` partners."""
    if code in kpi_codes:
        return applies_to == "manufacturing"
    part = PARTS.get(code)
    return part is not None and part.audience in ("any", applies_to)


def part_codes_in(metrics: Iterable[dict[str, object]]) -> list[str]:
    return [str(m["kpi"]) for m in metrics if m.get("kpi") in PARTS]


def values_for(
    session: Session, actor: Actor, scope: PartScope, codes: Iterable[str]
) -> dict[str, float | None]:
    """The wanted parts' values for one partner, each source read once."""
    wanted = [PARTS[code] for code in codes if code in PARTS]
    found: dict[str, float | None] = {}
    for source in dict.fromkeys(part.source for part in wanted):
        found |= SOURCES[source](session, actor, scope)
    return {part.code: found.get(part.code) for part in wanted}
