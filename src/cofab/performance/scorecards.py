"""Scorecards: weighted KPIs scored on linear curves, graded in configurable bands, and the
action a grade triggers on new orders (warning, approval needed, blocked).

A KPI without data in the period is left out and the remaining weights are re-normalised; a
partner with no data at all gets no score — never a 0 for an idle month. Besides operations'
KPIs a template may weigh the metrics of ``scorecard_parts`` (quality's inspection PPM, NCR count
and audit score, training's collaboration score, a carrier's logistics figures); a template
scores either manufacturing partners or logistics partners (``applies_to``), never both, so a
carrier is scored on what it moves and a maker on what it makes. Partners may comment on
or dispute a period; the owner resolves the dispute, optionally with an adjusted score.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from cofab.core import audit
from cofab.core.access import SYSTEM_ACTOR, Actor, scope_to_partner
from cofab.core.errors import Conflict, FieldProblem, InvalidTransition, NotFound, ValidationFailed
from cofab.core.i18n import N_
from cofab.partners.models import Partner, PartnerType, PartnerTypeLink
from cofab.performance import drilldown, kpis, rules, schemas, scorecard_parts
from cofab.performance.models import Scorecard, ScorecardComment, ScorecardTemplate

ACTIONS = ("none", "warning", "approval", "block")
STANDARD_BANDS: list[dict[str, Any]] = [
    {"grade": "A", "min_score": 85, "action": "none"},
    {"grade": "B", "min_score": 70, "action": "warning"},
    {"grade": "C", "min_score": 50, "action": "approval"},
    {"grade": "D", "min_score": 0, "action": "block"},
]
DEFAULT_TEMPLATE: dict[str, Any] = {
    "name": "Standard supplier scorecard",
    "period": "quarter",
    "tolerance_days": 2,
    "metrics": [
        {"kpi": "otd_lines", "weight": 35, "full_at": 98, "zero_at": 85},
        {"kpi": "defect_ppm", "weight": 25, "full_at": 500, "zero_at": 5000},
        {"kpi": "fill_rate", "weight": 15, "full_at": 99, "zero_at": 90},
        {"kpi": "response_median_h", "weight": 15, "full_at": 4, "zero_at": 48},
        {"kpi": "cost_index", "weight": 10, "full_at": 100, "zero_at": 110},
    ],
    "bands": STANDARD_BANDS,
    "is_default": True,
}
# The stored scorecard of logistics partners, from the carrier KPIs (the carrier page's anchors).
# Freight cost per unit is left out: its anchors depend on the lanes' currency and goods, so a
# template that weighs it sets them itself.
LOGISTICS_TEMPLATE: dict[str, Any] = {
    "name": "Carrier scorecard",
    "period": "quarter",
    "tolerance_days": 0,
    "applies_to": "logistics",
    "metrics": [
        {"kpi": "adherence_pct", "weight": 50, "full_at": 98, "zero_at": 85},
        {"kpi": "damage_pct", "weight": 25, "full_at": 0.1, "zero_at": 2},
        {"kpi": "excursion_pct", "weight": 25, "full_at": 0, "zero_at": 10},
    ],
    "bands": STANDARD_BANDS,
    "is_default": False,
}
# Makers scored on delivery, quality (inspection PPM, NCRs, the latest audit) and collaboration
# (training and SOP compliance); the demo scores every case's makers with it.
QUALITY_TEMPLATE: dict[str, Any] = {
    "name": "Supplier scorecard with quality",
    "period": "quarter",
    "tolerance_days": 2,
    "metrics": [
        {"kpi": "otd_lines", "weight": 30, "full_at": 98, "zero_at": 85},
        {"kpi": "fill_rate", "weight": 10, "full_at": 99, "zero_at": 90},
        {"kpi": "inspection_ppm", "weight": 20, "full_at": 500, "zero_at": 10000},
        {"kpi": "ncr_count", "weight": 10, "full_at": 0, "zero_at": 5},
        {"kpi": "audit_score", "weight": 20, "full_at": 90, "zero_at": 60},
        {"kpi": "collaboration", "weight": 10, "full_at": 100, "zero_at": 50},
    ],
    "bands": STANDARD_BANDS,
    "is_default": False,
}
METRIC_CODES: tuple[str, ...] = (*kpis.KPI_CODES, *scorecard_parts.PART_CODES)
METRIC_NAMES: dict[str, str] = {**kpis.KPI_NAMES, **scorecard_parts.PART_NAMES}
METRIC_UNITS: dict[str, str] = {**kpis.KPI_UNITS, **scorecard_parts.PART_UNITS}
METRIC_DEFINITIONS: dict[str, str] = {**kpis.DEFINITIONS, **scorecard_parts.PART_DEFINITIONS}


def metric_audiences() -> list[tuple[str, str]]:
    """Every metric code a template may weigh and whom it scores (``any``: both)."""
    parts = [(p.code, p.audience) for p in scorecard_parts.PART_TABLE]
    return [(code, "manufacturing") for code in kpis.KPI_CODES] + parts


# --- periods and scoring (pure) ---------------------------------------------------------------


def period_bounds(period: str, any_day: date) -> tuple[date, date]:
    """The calendar month or quarter that contains ``any_day``."""
    if period == "month":
        start = any_day.replace(day=1)
    else:
        start = date(any_day.year, 3 * ((any_day.month - 1) // 3) + 1, 1)
    end_month = start.month + (0 if period == "month" else 2)
    end = date(start.year, end_month, monthrange(start.year, end_month)[1])
    return start, end


def points(value: float | None, full_at: float, zero_at: float) -> float | None:
    """Linear between ``zero_at`` (0 points) and ``full_at`` (100), clamped; works whichever way
    is better because the slope's sign follows the two anchors."""
    if value is None:
        return None
    if full_at == zero_at:
        return 100.0 if value == full_at else 0.0
    raw = (value - zero_at) / (full_at - zero_at) * 100.0
    return round(min(100.0, max(0.0, raw)), 4)


def score_of(
    values: dict[str, float | None], metrics: list[dict[str, Any]]
) -> tuple[float | None, dict[str, Any]]:
    detail: dict[str, Any] = {}
    total = 0.0
    weights = 0.0
    for metric in metrics:
        code = metric["kpi"]
        value = values.get(code)
        pts = points(value, float(metric["full_at"]), float(metric["zero_at"]))
        detail[code] = {"value": value, "points": pts, "weight": metric["weight"]}
        if pts is not None:
            total += pts * float(metric["weight"])
            weights += float(metric["weight"])
    if weights == 0:
        return None, detail
    return round(total / weights, 2), detail


def grade_of(score: float | None, bands: list[dict[str, Any]]) -> tuple[str | None, str]:
    if score is None or not bands:
        return None, "none"
    ordered = sorted(bands, key=lambda b: -float(b["min_score"]))
    for band in ordered:
        if score >= float(band["min_score"]):
            return str(band["grade"]), str(band.get("action", "none"))
    last = ordered[-1]
    return str(last["grade"]), str(last.get("action", "none"))


# --- templates --------------------------------------------------------------------------------


def _check_template(data: schemas.ScorecardTemplateIn) -> None:
    problems: list[FieldProblem] = []
    for index, metric in enumerate(data.metrics):
        if metric.kpi not in METRIC_CODES:
            problems.append(
                FieldProblem(
                    f"metrics.{index}.kpi",
                    N_("Must be one of: {expected}."),
                    {"expected": ", ".join(METRIC_CODES)},
                )
            )
        elif not scorecard_parts.fits(metric.kpi, data.applies_to, kpis.KPI_CODES):
            problems.append(
                FieldProblem(
                    f"metrics.{index}.kpi",
                    N_("{metric} does not score {audience} partners."),
                    {"metric": metric.kpi, "audience": data.applies_to},
                )
            )
    if data.is_default and data.applies_to != "manufacturing":
        problems.append(
            FieldProblem(
                "is_default", N_("Only a template for manufacturing partners can be the default.")
            )
        )
    grades = [b.grade for b in data.bands]
    if len(set(grades)) != len(grades):
        problems.append(FieldProblem("bands", N_("Each grade may appear only once.")))
    if data.bands and min(b.min_score for b in data.bands) > 0:
        problems.append(FieldProblem("bands", N_("The lowest band must start at 0.")))
    rules.raise_if(problems)


def list_templates(session: Session) -> list[ScorecardTemplate]:
    stmt = select(ScorecardTemplate).order_by(
        ScorecardTemplate.is_default.desc(), ScorecardTemplate.name
    )
    return list(session.execute(stmt).scalars())


def get_template(session: Session, template_id: int) -> ScorecardTemplate:
    template = session.get(ScorecardTemplate, template_id)
    if template is None:
        raise NotFound()
    return template


def default_template(session: Session) -> ScorecardTemplate:
    """The default template, created from ``DEFAULT_TEMPLATE`` the first time it is needed."""
    found = (
        session.execute(select(ScorecardTemplate).where(ScorecardTemplate.is_default.is_(True)))
        .scalars()
        .first()
    )
    if found is not None:
        return found
    found = (
        session.execute(
            select(ScorecardTemplate)
            .where(ScorecardTemplate.applies_to == "manufacturing")
            .order_by(ScorecardTemplate.id)
        )
        .scalars()
        .first()
    )
    if found is not None:
        return found
    return save_template(
        session,
        actor=SYSTEM_ACTOR,
        data=schemas.ScorecardTemplateIn.model_validate(DEFAULT_TEMPLATE),
    )


def logistics_template(session: Session) -> ScorecardTemplate:
    """The built-in template for logistics partners (``LOGISTICS_TEMPLATE``)."""
    return builtin_template(session, LOGISTICS_TEMPLATE)


def quality_template(session: Session) -> ScorecardTemplate:
    """The built-in makers' template that weighs quality and collaboration beside delivery."""
    return builtin_template(session, QUALITY_TEMPLATE)


def builtin_template(session: Session, spec: dict[str, Any]) -> ScorecardTemplate:
    """The template named like ``spec`` for its audience, created from it the first time (an
    owner's own template of that name for the other audience is left alone)."""
    audience = spec.get("applies_to", "manufacturing")
    names = [spec["name"], f"{spec['name']} ({audience})"]
    found = (
        session.execute(
            select(ScorecardTemplate)
            .where(ScorecardTemplate.name.in_(names), ScorecardTemplate.applies_to == audience)
            .order_by(ScorecardTemplate.id)
        )
        .scalars()
        .first()
    )
    if found is not None:
        return found
    taken = session.execute(
        select(ScorecardTemplate.id).where(ScorecardTemplate.name == names[0])
    ).first()
    values = spec | {"name": names[1] if taken is not None else names[0]}
    return save_template(
        session, actor=SYSTEM_ACTOR, data=schemas.ScorecardTemplateIn.model_validate(values)
    )


def save_template(
    session: Session,
    *,
    actor: Actor,
    data: schemas.ScorecardTemplateIn,
    template_id: int | None = None,
) -> ScorecardTemplate:
    rules.ensure_owner_writer(actor)
    _check_template(data)
    clash = session.execute(
        select(ScorecardTemplate.id).where(ScorecardTemplate.name == data.name)
    ).scalar_one_or_none()
    if clash is not None and clash != template_id:
        raise Conflict(N_("A scorecard template named {name} already exists."), name=data.name)
    values = data.model_dump(mode="json")
    if data.is_default:
        for other in session.execute(
            select(ScorecardTemplate).where(ScorecardTemplate.is_default.is_(True))
        ).scalars():
            other.is_default = False
    if template_id is None:
        template = ScorecardTemplate(**values)
        session.add(template)
        session.flush()
        before = None
    else:
        template = get_template(session, template_id)
        before = audit.snapshot(template)
        for key, value in values.items():
            setattr(template, key, value)
        session.flush()
    audit.record(
        session,
        actor=actor,
        action="create" if before is None else "update",
        entity="scorecard_template",
        entity_id=template.id,
        before=before,
        after=audit.snapshot(template),
    )
    return template


# --- computing --------------------------------------------------------------------------------


def compute_scorecards(
    session: Session,
    *,
    actor: Actor,
    period_start: date,
    template_id: int | None = None,
    partner_id: int | None = None,
    as_of: date | None = None,
) -> schemas.ComputeResult:
    """Score every partner of the template's audience with activity in the period (or one
    partner) in one KPI pass; metrics from other domains are read per partner."""
    rules.ensure_owner_writer(actor)
    rules.check_report_dates(period_start=period_start, as_of=as_of)
    template = (
        get_template(session, template_id) if template_id is not None else default_template(session)
    )
    start, end = period_bounds(template.period, period_start)
    makers = template.applies_to != "logistics"
    only = [partner_id] if partner_id is not None else None
    groups: dict[int, kpis.KpiGroup] = {}
    if makers:
        query = kpis.KpiQuery(start, end, "partner", template.tolerance_days, only, as_of)
        groups = {int(g.key): g for g in kpis.compute(session, actor=actor, query=query)}
    existing_stmt = select(Scorecard).where(
        Scorecard.template_id == template.id, Scorecard.period_start == start
    )
    if partner_id is not None:
        existing_stmt = existing_stmt.where(Scorecard.partner_id == partner_id)
    existing = {s.partner_id: s for s in session.execute(existing_stmt).scalars()}
    parts = scorecard_parts.part_codes_in(template.metrics)
    audience = _audience(session, actor, template.applies_to, only)
    # partners with KPI activity, or (when the template reads other domains) every partner of the
    # audience, and the cards computed before
    active = set(groups) | audience if parts else set(groups)
    candidates = (active & audience) | set(existing)
    now = rules.now_utc()
    today = as_of or now.date()
    computed = 0
    for pid in sorted(candidates):
        group = groups.get(pid)
        values: dict[str, float | None] = (
            dict(group.values) if group else dict.fromkeys(kpis.KPI_CODES) if makers else {}
        )
        if parts:
            scope = scorecard_parts.PartScope(pid, start, end, today, group is not None)
            found = scorecard_parts.values_for(session, actor, scope, parts)
            if group is None and pid not in existing and all(v is None for v in found.values()):
                continue  # nothing to score: no card, rather than a card without a score
            values |= found
        computed += 1
        score, detail = score_of(values, template.metrics)
        snapshot = {
            "values": values,
            "points": detail,
            "counts": group.counts if group else {},
            "price_variance": group.price_variance if group else {},
            "tolerance_days": template.tolerance_days,
            "as_of": (as_of or now.date()).isoformat(),
        }
        card = existing.get(pid)
        if card is None:
            card = Scorecard(partner_id=pid, template_id=template.id, period_start=start)
            session.add(card)
        card.period_end = end
        card.kpis = snapshot
        card.computed_at = now
        card.computed_score = None if score is None else Decimal(str(score))
        if card.dispute_status == "upheld" and card.score != card.computed_score:
            continue  # an adjusted score from a resolved dispute stands
        card.score = card.computed_score
        card.grade, card.action = grade_of(score, template.bands)
    session.flush()
    if not computed:
        # nothing scored, nothing written: no audit entry (a demo reload or a job for a
        # partner without data would otherwise log empty runs)
        return schemas.ComputeResult(computed=0, period_start=start, period_end=end)
    audit.record(
        session,
        actor=actor,
        action="compute",
        entity="scorecards",
        entity_id=f"{template.id}:{start.isoformat()}",
        partner_id=partner_id,
        after={"partners": computed, "period_end": end.isoformat()},
    )
    return schemas.ComputeResult(computed=computed, period_start=start, period_end=end)


def _audience(session: Session, actor: Actor, applies_to: str, only: list[int] | None) -> set[int]:
    """The partners a template may score that ``actor`` sees: carriers (a ``logistics`` type)
    for a logistics template; for a manufacturing one every partner except those whose only
    type is ``logistics``."""
    logistics = PartnerType.LOGISTICS.value
    stmt = scope_to_partner(select(Partner.id), actor, Partner.id)
    if only is not None:
        stmt = stmt.where(Partner.id.in_(only))
    seen = set(session.execute(stmt).scalars())
    links = select(PartnerTypeLink.partner_id, PartnerTypeLink.type)
    if only is not None:
        links = links.where(PartnerTypeLink.partner_id.in_(only))
    types: dict[int, set[str]] = {}
    for pid, kind in session.execute(links):
        types.setdefault(pid, set()).add(kind)
    if applies_to == "logistics":
        return {pid for pid in seen if logistics in types.get(pid, set())}
    return {pid for pid in seen if types.get(pid, set()) != {logistics}}


def order_gate(session: Session, *, partner_id: int) -> str:
    """The action of the partner's most recent scorecard (default template first)."""
    stmt = (
        select(Scorecard.action)
        .join(ScorecardTemplate, ScorecardTemplate.id == Scorecard.template_id)
        .where(Scorecard.partner_id == partner_id, Scorecard.score.is_not(None))
        .order_by(
            ScorecardTemplate.is_default.desc(),
            Scorecard.period_start.desc(),
            Scorecard.id.desc(),
        )
        .limit(1)
    )
    action = session.execute(stmt).scalar_one_or_none()
    return action or "none"


# --- reading ----------------------------------------------------------------------------------


def scorecard_query(
    actor: Actor, *, partner_id: int | None = None, template_id: int | None = None
) -> Select[Scorecard]:
    stmt = scope_to_partner(select(Scorecard), actor, Scorecard.partner_id)
    if partner_id is not None:
        stmt = stmt.where(Scorecard.partner_id == partner_id)
    if template_id is not None:
        stmt = stmt.where(Scorecard.template_id == template_id)
    return stmt.order_by(Scorecard.period_start.desc(), Scorecard.partner_id)


def get_scorecard(session: Session, *, actor: Actor, scorecard_id: int) -> Scorecard:
    card: Scorecard = rules.visible_or_404(actor, session.get(Scorecard, scorecard_id))
    return card


def evaluated_on(card: Scorecard) -> date | None:
    """The day the card's open lines were judged on, so a drill-down matches its score."""
    raw = (card.kpis or {}).get("as_of")
    return date.fromisoformat(raw) if raw else None


def drill(session: Session, *, actor: Actor, card: Scorecard, kpi: str) -> drilldown.Drill:
    """The lines behind one KPI of a card, judged as the card was (its tolerance and day)."""
    return drilldown.drill(
        session,
        actor=actor,
        partner_id=card.partner_id,
        start=card.period_start,
        end=card.period_end,
        tolerance_days=int(card.kpis.get("tolerance_days", 0)),
        kpi=kpi,
        as_of=evaluated_on(card),
    )


def trend(session: Session, *, actor: Actor, card: Scorecard, periods: int = 8) -> list[Scorecard]:
    stmt = (
        scorecard_query(actor, partner_id=card.partner_id, template_id=card.template_id)
        .where(Scorecard.period_start <= card.period_start)
        .limit(periods)
    )
    return list(reversed(list(session.execute(stmt).scalars())))


def comments(session: Session, *, actor: Actor, scorecard_id: int) -> list[ScorecardComment]:
    card = get_scorecard(session, actor=actor, scorecard_id=scorecard_id)
    stmt = (
        select(ScorecardComment)
        .where(ScorecardComment.scorecard_id == card.id)
        .order_by(ScorecardComment.created_at, ScorecardComment.id)
    )
    return list(session.execute(stmt).scalars())


# --- comments and disputes --------------------------------------------------------------------


def add_comment(
    session: Session, *, actor: Actor, scorecard_id: int, data: schemas.ScorecardCommentIn
) -> ScorecardComment:
    card = get_scorecard(session, actor=actor, scorecard_id=scorecard_id)
    if not actor.is_partner:
        rules.ensure_owner_writer(actor, rules.RECEIVERS)
    if data.kind == "dispute":
        if not actor.is_partner:
            raise ValidationFailed(
                problems=[FieldProblem("kind", N_("Only the partner can dispute its scorecard."))]
            )
        if card.dispute_status == "open":
            raise Conflict(N_("This period already has an open dispute."))
    comment = ScorecardComment(
        partner_id=card.partner_id,
        scorecard_id=card.id,
        kind=data.kind,
        body=data.body,
        author=actor.email,
        author_side="partner" if actor.is_partner else "owner",
        status="open" if data.kind == "dispute" else None,
        created_at=rules.now_utc(),
    )
    session.add(comment)
    if data.kind == "dispute":
        card.dispute_status = "open"
    session.flush()
    rules.record(session, actor=actor, action="create", entity="scorecard_comment", row=comment)
    return comment


def resolve_dispute(
    session: Session, *, actor: Actor, scorecard_id: int, data: schemas.DisputeResolution
) -> Scorecard:
    card = get_scorecard(session, actor=actor, scorecard_id=scorecard_id)
    rules.ensure_owner_writer(actor)
    if card.dispute_status != "open":
        raise InvalidTransition(N_("This scorecard has no open dispute."))
    stmt = select(ScorecardComment).where(
        ScorecardComment.scorecard_id == card.id,
        ScorecardComment.kind == "dispute",
        ScorecardComment.status == "open",
    )
    if data.comment_id is not None:
        stmt = stmt.where(ScorecardComment.id == data.comment_id)
    dispute = session.execute(stmt).scalars().first()
    if dispute is None:
        raise NotFound()
    before = audit.snapshot(card)
    dispute.status = data.decision
    dispute.resolution = data.note
    dispute.resolved_by = actor.email
    dispute.resolved_at = rules.now_utc()
    card.dispute_status = data.decision
    if data.decision == "upheld" and data.adjusted_score is not None:
        template = get_template(session, card.template_id)
        card.score = Decimal(str(round(data.adjusted_score, 2)))
        card.grade, card.action = grade_of(float(card.score), template.bands)
    session.flush()
    rules.record(
        session,
        actor=actor,
        action="resolve",
        entity="scorecard",
        row=card,
        before=before,
        extra={"resolution": data.note},
    )
    return card
