"""What quality offers other domains and its own web layer: the public reads and the facade.

Other domains import only this module (and ``quality.models``): the scorecard and penalty
inputs a partner's quality work gives, and whether a partner's acceptance is discontinued.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from cofab.quality import audits, files, lots, ncrs, plans
from cofab.quality.models import Defect, Inspection, NonConformance

__all__ = ["QualityFigures", "audits", "figures_for", "files", "lots", "ncrs", "plans"]


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


def figures_for(session: Session, *, partner_id: int, start: date, end: date) -> QualityFigures:
    """Inspection PPM (defective per million sampled units), NCR count and cost, audit score."""
    lo = datetime.combine(start, time.min, tzinfo=UTC)
    hi = datetime.combine(end, time.max, tzinfo=UTC)
    window = (
        Inspection.partner_id == partner_id,
        Inspection.kind == "incoming",
        Inspection.status.in_(("accepted", "rejected")),
        Inspection.recorded_at >= lo,
        Inspection.recorded_at <= hi,
    )
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
