"""Signals that open risks without anyone typing them, each showing where it came from.

A certificate expired or expiring within ``EXPIRY_WARNING_DAYS``, and a partner's latest
scorecard graded C or D, open one risk each. The signal's key is the risk's reference
(``SIG-CERT-<id>-U<unit>``), so running the check again opens nothing new: it is idempotent and
cheap enough to run from the register page or a schedule. Altman Z is not read here: selection
keeps its financial figures inside its own modules and exposes none through its service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.core.i18n import N_
from cofab.core.labels import register_labels
from cofab.operations.models import Scorecard
from cofab.partners.models import Certification
from cofab.risk import register
from cofab.risk.models import Risk, RiskCategory
from cofab.risk.schemas import RiskCreate

EXPIRY_WARNING_DAYS = 60
BAD_GRADES = {"C": (3, 3), "D": (4, 4)}  # grade → (likelihood, impact)

register_labels(
    {
        "risk_source_manual": N_("Manual"),
        "risk_source_certificate": N_("Certificate signal"),
        "risk_source_scorecard": N_("Scorecard signal"),
    }
)


@dataclass(frozen=True)
class _Candidate:
    ref: str
    data: RiskCreate
    source: str
    detail: str


def _certificates(session: Session, today: date, unit: str) -> list[_Candidate]:
    horizon = today + timedelta(days=EXPIRY_WARNING_DAYS)
    rows = session.execute(
        select(Certification).where(Certification.valid_to <= horizon).order_by(Certification.id)
    ).scalars()
    found = []
    for cert in rows:
        expired = cert.valid_to < today
        title = f"{cert.standard} {'expired' if expired else 'expiring'} ({cert.number})"
        found.append(
            _Candidate(
                ref=f"SIG-CERT-{cert.id}-{unit}",
                data=RiskCreate(
                    title=title[:200],
                    category=RiskCategory.REGULATORY,
                    partner_id=cert.partner_id,
                    site_id=cert.site_id,
                    event=f"{cert.standard} {cert.number} valid to {cert.valid_to.isoformat()}",
                    likelihood=4 if expired else 3,
                    impact=3,
                ),
                source="certificate",
                detail=f"{cert.standard} · {cert.number} · {cert.valid_to.isoformat()}",
            )
        )
    return found


def _scorecards(session: Session, unit: str) -> list[_Candidate]:
    latest = (
        select(Scorecard.partner_id, func.max(Scorecard.period_start).label("start"))
        .group_by(Scorecard.partner_id)
        .subquery()
    )
    rows = session.execute(
        select(Scorecard)
        .join(
            latest,
            (Scorecard.partner_id == latest.c.partner_id)
            & (Scorecard.period_start == latest.c.start),
        )
        .where(Scorecard.grade.in_(list(BAD_GRADES)))
        .order_by(Scorecard.id)
    ).scalars()
    found = []
    for card in rows:
        grade = card.grade or ""
        likelihood, impact = BAD_GRADES[grade]
        found.append(
            _Candidate(
                ref=f"SIG-SCORE-{card.id}-{unit}",
                data=RiskCreate(
                    title=f"Scorecard grade {grade} ({card.period_start.isoformat()})",
                    category=RiskCategory.SUPPLY,
                    partner_id=card.partner_id,
                    event=f"grade {grade}, score {card.score}",
                    likelihood=likelihood,
                    impact=impact,
                ),
                source="scorecard",
                detail=f"{grade} · {card.period_start.isoformat()}–{card.period_end.isoformat()}",
            )
        )
    return found


def raise_signals(session: Session, *, actor: Actor, today: date | None = None) -> list[Risk]:
    """Open a risk for every signal that has none yet; returns the risks opened now."""
    register.ensure_writer(actor)
    day = today or date.today()
    unit = f"U{actor.current_unit_id or 0}"
    candidates = _certificates(session, day, unit) + _scorecards(session, unit)
    if not candidates:
        return []
    known = set(
        session.execute(
            select(Risk.external_ref).where(Risk.external_ref.in_([c.ref for c in candidates]))
        ).scalars()
    )
    opened = []
    for c in candidates:
        if c.ref in known:
            continue
        data = c.data.model_copy(update={"external_ref": c.ref})
        opened.append(
            register.create_risk(
                session, actor=actor, data=data, source=c.source, source_detail=c.detail
            )
        )
    return opened
