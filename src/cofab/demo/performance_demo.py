"""Performance demo data that needs the other domains loaded first: each case's makers get the
"Supplier scorecard with quality" for the last and the current quarter — delivery from
operations, inspection PPM, NCRs and the latest audit from quality, and the training/SOP
compliance ("collaboration") from training. Carriers are left to the logistics demo's carrier
scorecard (a makers' template never scores a logistics-only partner).

Runs last in ``demo/loader.py`` (after quality and training). Loading twice changes nothing: a
partner's quarter that already has its card is left as it is.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from cofab.core.access import SYSTEM_ACTOR
from cofab.performance import service as performance_service
from cofab.performance.models import Scorecard


def load(session: Session, case_name: str, refs: dict[str, int], today: date) -> None:
    """Score only this case's own partners: another case's partners belong to another unit."""
    del case_name
    template = performance_service.quality_template(session)
    this_quarter, _ = performance_service.period_bounds(template.period, today)
    last_quarter, _ = performance_service.period_bounds(
        template.period, this_quarter - timedelta(days=1)
    )
    for start in (last_quarter, this_quarter):
        for partner_id in sorted(set(refs.values())):
            if _scored(session, partner_id, template.id, start):
                continue
            performance_service.compute_scorecards(
                session,
                actor=SYSTEM_ACTOR,
                period_start=start,
                template_id=template.id,
                partner_id=partner_id,
            )


def _scored(session: Session, partner_id: int, template_id: int, start: date) -> bool:
    stmt = performance_service.scorecard_query(
        SYSTEM_ACTOR, partner_id=partner_id, template_id=template_id
    ).where(Scorecard.period_start == start)
    return session.execute(stmt.limit(1)).first() is not None
