"""What quality offers other domains and its own web layer: the public reads and the facade.

Other domains import only this module (and ``quality.models``): the scorecard and penalty
inputs a partner's quality work gives, and whether a partner's acceptance is discontinued.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from cofab.quality import audits, files, lots, ncrs, plans
from cofab.quality.models import Defect, Inspection, Lot, NonConformance

__all__ = [
    "QualityFigures",
    "SitePpm",
    "audits",
    "figures_for",
    "files",
    "lots",
    "ncrs",
    "plans",
    "site_defect_ppm",
]


@dataclass(frozen=True)
class QualityFigures:
    """One partner's quality in a period, as scorecards and penalties read it."""

    inspected_units: int
    defective_units: int
    ppm: float | None
    lots_inspected: int
    lots_rejected: int
    ncr_count: int
    ncr_cost: Decimal
    audit_score: float | None


@dataclass(frozen=True)
class SitePpm:
    """One site's incoming-inspection defect rate in a period (the planner's per-site yield)."""

    site_id: int
    inspected_units: int
    defective_units: int
    ppm: float | None


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return datetime.combine(start, time.min, tzinfo=UTC), datetime.combine(
        end, time.max, tzinfo=UTC
    )


def _finished_incoming(lo: datetime, hi: datetime) -> tuple[Any, ...]:
    """The inspections the defect PPM counts: incoming (ours, not the partner's outgoing
    results), with a verdict, recorded in the window."""
    return (
        Inspection.kind == "incoming",
        Inspection.status.in_(("accepted", "rejected")),
        Inspection.recorded_at >= lo,
        Inspection.recorded_at <= hi,
    )


def site_defect_ppm(
    session: Session, site_ids: Iterable[int], since: date, until: date
) -> dict[int, SitePpm]:
    """Defective per million sampled units per site, over incoming inspections recorded from
    ``since`` to ``until`` (both days included, UTC), by the site of the inspected lot.

    Every asked site gets an entry: one without inspections has 0 units and ``ppm`` None (the
    caller decides the default). Defects are capped at the sample size, as in ``figures_for``.
    """
    wanted = sorted(set(site_ids))
    found = {s: SitePpm(s, 0, 0, None) for s in wanted}
    if not wanted:
        return found
    window = (*_finished_incoming(*_bounds(since, until)), Lot.site_id.in_(wanted))
    sampled = dict(
        session.execute(
            select(Lot.site_id, func.sum(Inspection.sample_size))
            .join(Lot, Lot.id == Inspection.lot_id)
            .where(*window)
            .group_by(Lot.site_id)
        ).all()
    )
    defective = dict(
        session.execute(
            select(Lot.site_id, func.sum(Defect.quantity))
            .join(Inspection, Inspection.id == Defect.inspection_id)
            .join(Lot, Lot.id == Inspection.lot_id)
            .where(*window)
            .group_by(Lot.site_id)
        ).all()
    )
    for site_id, units in sampled.items():
        if site_id is None:  # not reached: the window asks for these sites only
            continue
        inspected = int(units or 0)
        bad = min(int(defective.get(site_id) or 0), inspected)
        found[site_id] = SitePpm(
            site_id, inspected, bad, (1e6 * bad / inspected) if inspected else None
        )
    return found


def figures_for(session: Session, *, partner_id: int, start: date, end: date) -> QualityFigures:
    """Inspection PPM (defective per million sampled units), NCR count and cost, audit score."""
    lo, hi = _bounds(start, end)
    window = (Inspection.partner_id == partner_id, *_finished_incoming(lo, hi))
    inspected, lots_n, rejected = session.execute(
        select(
            func.coalesce(func.sum(Inspection.sample_size), 0),
            func.count(),
            func.coalesce(func.sum(case((Inspection.status == "rejected", 1), else_=0)), 0),
        ).where(*window)
    ).one()
    defective = session.execute(
        select(func.coalesce(func.sum(Defect.quantity), 0))
        .join(Inspection, Inspection.id == Defect.inspection_id)
        .where(*window)
    ).scalar_one()
    ncr_rows = list(
        session.execute(
            select(NonConformance).where(
                NonConformance.partner_id == partner_id,
                NonConformance.created_at >= lo,
                NonConformance.created_at <= hi,
            )
        ).scalars()
    )
    inspected = int(inspected)
    defective = min(int(defective), inspected)
    return QualityFigures(
        inspected_units=inspected,
        defective_units=defective,
        ppm=(1e6 * defective / inspected) if inspected else None,
        lots_inspected=int(lots_n),
        lots_rejected=int(rejected),
        ncr_count=len(ncr_rows),
        ncr_cost=sum((ncrs.cost_total(n) for n in ncr_rows), Decimal(0)),
        audit_score=audits.latest_score(session, partner_id=partner_id),
    )
