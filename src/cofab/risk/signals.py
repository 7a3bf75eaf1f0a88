"""Signals that open risks without anyone typing them, each showing where it came from.

A certificate expired or expiring within ``EXPIRY_WARNING_DAYS``, a partner's latest
scorecard graded C or D, a partner's latest Altman Z (due diligence in selection) in the distress
zone, an inspection plan whose acceptance is discontinued, ``NCR_REPEAT`` or more NCRs on one
partner's product within ``NCR_WINDOW_DAYS`` days, and a product family only one active partner
supplies (``single_source``) open one risk each. The signal's key is the risk's reference
(``SIG-CERT-<id>-U<unit>``), so running the check again opens nothing new: it is idempotent and
cheap enough to run from the register page or a schedule. Keys name what persists (the due
diligence item, the plan, the partner and product, the family), so a sliding window does not
reopen a risk already in the register.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.core.i18n import N_
from cofab.core.labels import register_labels
from cofab.partners.models import Certification
from cofab.performance.models import Scorecard
from cofab.quality.models import InspectionPlan, NonConformance
from cofab.risk import register, single_source
from cofab.risk.models import Risk, RiskCategory
from cofab.risk.schemas import RiskCreate
from cofab.selection.models import DueDiligenceItem
from cofab.units import service as units

EXPIRY_WARNING_DAYS = 60
BAD_GRADES = {"C": (3, 3), "D": (4, 4)}  # grade → (likelihood, impact)
NCR_REPEAT = 3
NCR_WINDOW_DAYS = 90

register_labels(
    {
        "risk_source_manual": N_("Manual"),
        "risk_source_certificate": N_("Certificate signal"),
        "risk_source_scorecard": N_("Scorecard signal"),
        "risk_source_altman": N_("Altman Z signal"),
        "risk_source_quality_discontinued": N_("Discontinued acceptance signal"),
        "risk_source_repeated_ncr": N_("Repeated NCR signal"),
        "risk_source_single_source": N_("Single-source signal"),
    }
)


@dataclass(frozen=True)
class _Candidate:
    ref: str
    data: RiskCreate
    source: str
    detail: str


def _certificates(session: Session, today: date) -> list[_Candidate]:
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
                ref=f"SIG-CERT-{cert.id}",
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


def _scorecards(session: Session) -> list[_Candidate]:
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
                ref=f"SIG-SCORE-{card.id}",
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


def _short(text: str) -> str:
    """A stable short key for free text (a product or family name can be 100 characters)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _altman(session: Session) -> list[_Candidate]:
    """The latest Altman result per partner (due diligence may run more than once)."""
    rows = session.execute(
        select(DueDiligenceItem)
        .where(DueDiligenceItem.result.is_not(None))
        .order_by(DueDiligenceItem.partner_id, DueDiligenceItem.updated_at, DueDiligenceItem.id)
    ).scalars()
    latest: dict[int, DueDiligenceItem] = {}
    for item in rows:
        if isinstance(item.result, dict) and "zone" in item.result and "z" in item.result:
            latest[item.partner_id] = item
    found = []
    for partner_id, item in sorted(latest.items()):
        result = item.result or {}
        if result.get("zone") != "distress":
            continue
        model = str(result.get("model", ""))
        z = float(result["z"])
        found.append(
            _Candidate(
                ref=f"SIG-ALTMAN-{item.id}",
                data=RiskCreate(
                    title=f"Altman Z {z:.2f} in the distress zone",
                    category=RiskCategory.FINANCIAL,
                    partner_id=partner_id,
                    event=f"Altman Z ({model}) {z:.4f}: distress zone",
                    likelihood=4,
                    impact=4,
                ),
                source="altman",
                detail=f"{item.name_en} · Z {z:.2f} ({model}) · {item.updated_at.date()}",
            )
        )
    return found


def _discontinued(session: Session) -> list[_Candidate]:
    rows = session.execute(
        select(InspectionPlan)
        .where(InspectionPlan.switching_state == "discontinued", InspectionPlan.is_active)
        .order_by(InspectionPlan.id)
    ).scalars()
    return [
        _Candidate(
            ref=f"SIG-QDISC-{plan.id}",
            data=RiskCreate(
                title=f"Acceptance discontinued: {plan.product}"[:200],
                category=RiskCategory.QUALITY,
                partner_id=plan.partner_id,
                site_id=plan.site_id,
                event=f"inspection plan {plan.id} for {plan.product} is discontinued",
                likelihood=4,
                impact=4,
            ),
            source="quality_discontinued",
            detail=f"inspection plan {plan.id} · {plan.product}",
        )
        for plan in rows
    ]


def _repeated_ncrs(session: Session, today: date) -> list[_Candidate]:
    since = datetime.combine(today - timedelta(days=NCR_WINDOW_DAYS), time.min, tzinfo=UTC)
    rows = session.execute(
        select(NonConformance.partner_id, NonConformance.product, func.count())
        .where(NonConformance.created_at >= since)
        .group_by(NonConformance.partner_id, NonConformance.product)
        .having(func.count() >= NCR_REPEAT)
        .order_by(NonConformance.partner_id, NonConformance.product)
    ).all()
    return [
        _Candidate(
            ref=f"SIG-NCR-{partner_id}-{_short(product)}",
            data=RiskCreate(
                title=f"{count} NCRs on {product} in {NCR_WINDOW_DAYS} days"[:200],
                category=RiskCategory.QUALITY,
                partner_id=partner_id,
                event=f"{count} non-conformances on {product} since {since.date().isoformat()}",
                likelihood=4 if count >= 2 * NCR_REPEAT else 3,
                impact=3,
            ),
            source="repeated_ncr",
            detail=f"{product} · {count} NCRs · {NCR_WINDOW_DAYS} days",
        )
        for partner_id, product, count in rows
    ]


def _single_sources(session: Session, actor: Actor, today: date) -> list[_Candidate]:
    found = []
    for item in single_source.single_sources(session, actor=actor, today=today):
        alternates = len(item.alternates)
        found.append(
            _Candidate(
                ref=f"SIG-SOLE-{_short(item.family)}",
                data=RiskCreate(
                    title=f"Single source: {item.family} ({item.partner_name})"[:200],
                    category=RiskCategory.SUPPLY,
                    partner_id=item.partner_id,
                    product_family=item.family[:80],
                    event=f"only {item.partner_name} supplies {item.family}",
                    # no qualified alternative at all is worse than an unused one
                    likelihood=3,
                    impact=5 if alternates == 0 else 4,
                ),
                source="single_source",
                detail=f"{item.family} · {', '.join(item.evidence)} · {alternates} alternate(s)",
            )
        )
    return found


def raise_signals(session: Session, *, actor: Actor, today: date | None = None) -> list[Risk]:
    """Open a risk for every signal that has none yet; returns the risks opened now."""
    register.ensure_writer(actor)
    day = today or date.today()
    found = (
        _certificates(session, day)
        + _scorecards(session)
        + _altman(session)
        + _discontinued(session)
        + _repeated_ncrs(session, day)
        + _single_sources(session, actor, day)
    )
    candidates = [
        (f"{c.ref}-U{unit or 0}", unit, c)
        for c in found
        for unit in _units_for(session, actor, c.data.partner_id)
    ]
    if not candidates:
        return []
    known = set(
        session.execute(
            select(Risk.external_ref).where(Risk.external_ref.in_([r for r, _u, _c in candidates]))
        ).scalars()
    )
    opened = []
    for ref, unit, c in candidates:
        if ref in known:
            continue
        data = c.data.model_copy(update={"external_ref": ref})
        with units.working_in(session, unit):
            opened.append(
                register.create_risk(
                    session, actor=actor, data=data, source=c.source, source_detail=c.detail
                )
            )
    return opened


def _units_for(session: Session, actor: Actor, partner_id: int | None) -> list[int | None]:
    """The units a signal about a partner is filed under: each unit the partner works with that
    the actor sees (a group admin's click must not file the battery unit's JV under the
    electronics unit, which would also link the JV to electronics); the actor's current unit
    for a partner no visible unit works with yet."""
    if partner_id is None:
        return [actor.current_unit_id]
    linked = [u.id for u in units.units_of_partner(session, partner_id)]
    if actor.unit_ids is not None:
        linked = [u for u in linked if u in actor.unit_ids]
    return list(linked) or [actor.current_unit_id]
