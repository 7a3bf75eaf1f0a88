"""The register's rules: who may read and write, scores, reviews, status history, the heat map.

Partner users see none of it: every read answers 404, as if the register did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from cofab.contracts.models import Contract
from cofab.core import audit
from cofab.core.access import Actor, ensure_owner_staff
from cofab.core.errors import FieldProblem, NotFound, ValidationFailed
from cofab.core.i18n import N_
from cofab.logistics.models import Lane
from cofab.partners.models import Partner, Site
from cofab.risk.models import Risk, RiskMitigation, RiskStatus, RiskStatusChange
from cofab.risk.schemas import MitigationIn, MitigationUpdate, RiskCreate, RiskUpdate

WRITERS = frozenset({"admin", "manager", "quality"})
RISK_INVALID = N_("The risk has {count} problem(s); nothing was saved.")
NO_SUCH_PARTNER = N_("No partner with id {id}.")
NO_SUCH_SITE = N_("No site with id {id}.")
SITE_OF_OTHER_PARTNER = N_("The site belongs to another partner.")
NO_SUCH_CONTRACT = N_("No contract with id {id}.")
NO_SUCH_LANE = N_("No lane with id {id}.")
REF_TAKEN = N_("Another risk already has the reference {ref}.")

# Anchors of the two scales, shown beside the numbers (ko in risk.po).
LIKELIHOOD_ANCHORS: dict[int, str] = {
    1: N_("Rare: less than once in 10 years"),
    2: N_("Unlikely: once in 5–10 years"),
    3: N_("Possible: once in 2–5 years"),
    4: N_("Likely: about once a year"),
    5: N_("Almost certain: several times a year"),
}
IMPACT_ANCHORS: dict[int, str] = {
    1: N_("Negligible: no customer effect"),
    2: N_("Minor: days of delay, absorbed by stock"),
    3: N_("Moderate: weeks of delay or a missed delivery"),
    4: N_("Major: a lost month of supply or a customer claim"),
    5: N_("Severe: a line stop or a lost customer"),
}


def ensure_reader(actor: Actor) -> None:
    ensure_owner_staff(actor)


def ensure_writer(actor: Actor) -> None:
    ensure_owner_staff(actor, WRITERS)


@dataclass(frozen=True)
class RiskFilter:
    partner_id: int | None = None
    category: str | None = None
    owner: str | None = None
    status: str | None = None
    overdue_only: bool = False


def risk_query(actor: Actor, flt: RiskFilter) -> Select[Any]:
    ensure_reader(actor)
    stmt = select(Risk).order_by(Risk.id)
    if flt.partner_id is not None:
        stmt = stmt.where(Risk.partner_id == flt.partner_id)
    if flt.category:
        stmt = stmt.where(Risk.category == flt.category)
    if flt.owner:
        stmt = stmt.where(Risk.owner == flt.owner)
    if flt.status:
        stmt = stmt.where(Risk.status == flt.status)
    return stmt


def list_risks(
    session: Session, *, actor: Actor, flt: RiskFilter, today: date | None = None
) -> list[Risk]:
    risks: list[Risk] = list(session.execute(risk_query(actor, flt)).scalars())
    if flt.overdue_only:
        day = today or date.today()
        risks = [r for r in risks if r.review_overdue(day)]
    return risks


def get_risk(session: Session, *, actor: Actor, risk_id: int) -> Risk:
    ensure_reader(actor)
    risk = session.execute(
        select(Risk)
        .where(Risk.id == risk_id)
        .options(selectinload(Risk.mitigations), selectinload(Risk.history))
    ).scalar_one_or_none()
    if risk is None:
        raise NotFound()
    return risk


def _check_links(session: Session, values: dict[str, Any], current: Risk | None) -> None:
    """Linked partner, site, contract and lane exist (and are visible to this unit); nothing is
    written otherwise."""
    problems: list[FieldProblem] = []
    partner_id = values.get("partner_id", current.partner_id if current else None)
    if (
        "partner_id" in values
        and partner_id is not None
        and session.execute(select(Partner.id).where(Partner.id == partner_id)).first() is None
    ):
        problems.append(FieldProblem("partner_id", NO_SUCH_PARTNER, {"id": partner_id}))
    site_id = values.get("site_id")
    if site_id is not None:
        site = session.execute(select(Site).where(Site.id == site_id)).scalar_one_or_none()
        if site is None:
            problems.append(FieldProblem("site_id", NO_SUCH_SITE, {"id": site_id}))
        elif partner_id is not None and site.partner_id != partner_id:
            problems.append(FieldProblem("site_id", SITE_OF_OTHER_PARTNER))
    contract_id = values.get("contract_id")
    if contract_id is not None:
        found = session.execute(select(Contract.id).where(Contract.id == contract_id)).first()
        if found is None:
            problems.append(FieldProblem("contract_id", NO_SUCH_CONTRACT, {"id": contract_id}))
    lane_id = values.get("lane_id")
    lane = select(Lane.id).where(Lane.id == lane_id)
    if lane_id is not None and session.execute(lane).first() is None:
        problems.append(FieldProblem("lane_id", NO_SUCH_LANE, {"id": lane_id}))
    if problems:
        raise ValidationFailed(RISK_INVALID, problems=problems, count=len(problems))


def _next_ref(session: Session) -> str:
    last = session.execute(select(Risk.id).order_by(Risk.id.desc()).limit(1)).scalar()
    number = (last or 0) + 1
    while True:
        ref = f"RSK-{number:05d}"
        if session.execute(select(Risk.id).where(Risk.external_ref == ref)).first() is None:
            return ref
        number += 1


def _history(risk: Risk, actor: Actor | None, to_status: str, note: str = "") -> None:
    risk.history.append(
        RiskStatusChange(
            from_status=risk.status if risk.id else None,
            to_status=to_status,
            note=note,
            actor_label=actor.email if actor else "system",
        )
    )


def create_risk(
    session: Session,
    *,
    actor: Actor,
    data: RiskCreate,
    source: str = "manual",
    source_detail: str = "",
) -> Risk:
    ensure_writer(actor)
    values = data.model_dump(exclude={"mitigations"})
    _check_links(session, values, None)
    ref = values.pop("external_ref") or _next_ref(session)
    if session.execute(select(Risk.id).where(Risk.external_ref == ref)).first() is not None:
        problem = FieldProblem("external_ref", REF_TAKEN, {"ref": ref})
        raise ValidationFailed(RISK_INVALID, problems=[problem], count=1)
    risk = Risk(
        external_ref=ref,
        status=RiskStatus.OPEN,
        source=source,
        source_detail=source_detail,
        **values,
    )
    for m in data.mitigations:
        risk.mitigations.append(RiskMitigation(**m.model_dump()))
    risk.history.append(
        RiskStatusChange(
            from_status=None, to_status=RiskStatus.OPEN, actor_label=actor.email, note=source
        )
    )
    session.add(risk)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="risk",
        entity_id=risk.id,
        after=_snapshot(risk),
    )
    return risk


def _snapshot(risk: Risk) -> dict[str, Any]:
    snap = audit.snapshot(risk)
    snap["mitigations"] = [audit.snapshot(m) for m in risk.mitigations]
    return snap


def update_risk(session: Session, *, actor: Actor, risk_id: int, data: RiskUpdate) -> Risk:
    ensure_writer(actor)
    risk = get_risk(session, actor=actor, risk_id=risk_id)
    values = data.model_dump(exclude_unset=True)
    _check_links(session, values, risk)
    before = _snapshot(risk)
    for name, value in values.items():
        setattr(risk, name, value)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update",
        entity="risk",
        entity_id=risk.id,
        before=before,
        after=_snapshot(risk),
    )
    return risk


def change_status(
    session: Session, *, actor: Actor, risk_id: int, status: str, note: str = ""
) -> Risk:
    ensure_writer(actor)
    risk = get_risk(session, actor=actor, risk_id=risk_id)
    if risk.status == status:
        return risk
    before = audit.snapshot(risk)
    _history(risk, actor, status, note)
    risk.status = status
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="status",
        entity="risk",
        entity_id=risk.id,
        before=before,
        after=audit.snapshot(risk),
    )
    return risk


def mark_reviewed(session: Session, *, actor: Actor, risk_id: int, on: date | None = None) -> Risk:
    ensure_writer(actor)
    risk = get_risk(session, actor=actor, risk_id=risk_id)
    before = audit.snapshot(risk)
    risk.last_reviewed_on = on or date.today()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="reviewed",
        entity="risk",
        entity_id=risk.id,
        before=before,
        after=audit.snapshot(risk),
    )
    return risk


def delete_risk(session: Session, *, actor: Actor, risk_id: int) -> None:
    ensure_writer(actor)
    risk = get_risk(session, actor=actor, risk_id=risk_id)
    before = _snapshot(risk)
    session.delete(risk)
    session.flush()
    audit.record(
        session, actor=actor, action="delete", entity="risk", entity_id=risk_id, before=before
    )


def add_mitigation(
    session: Session, *, actor: Actor, risk_id: int, data: MitigationIn
) -> RiskMitigation:
    ensure_writer(actor)
    risk = get_risk(session, actor=actor, risk_id=risk_id)
    mitigation = RiskMitigation(**data.model_dump())
    risk.mitigations.append(mitigation)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="risk_mitigation",
        entity_id=mitigation.id,
        after=audit.snapshot(mitigation),
    )
    return mitigation


def update_mitigation(
    session: Session, *, actor: Actor, mitigation_id: int, data: MitigationUpdate
) -> RiskMitigation:
    ensure_writer(actor)
    mitigation = session.execute(
        select(RiskMitigation).where(RiskMitigation.id == mitigation_id)
    ).scalar_one_or_none()
    if mitigation is None:
        raise NotFound()
    get_risk(session, actor=actor, risk_id=mitigation.risk_id)  # the risk's unit scope
    before = audit.snapshot(mitigation)
    for name, value in data.model_dump(exclude_unset=True).items():
        setattr(mitigation, name, value)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update",
        entity="risk_mitigation",
        entity_id=mitigation.id,
        before=before,
        after=audit.snapshot(mitigation),
    )
    return mitigation


def heat_map(risks: list[Risk], *, residual: bool = False) -> list[list[int]]:
    """5×5 counts: row = likelihood 5 (top) … 1, column = impact 1 … 5; closed risks left out.
    A risk without a residual assessment sits at its inherent cell on the residual map."""
    grid = [[0] * 5 for _ in range(5)]
    for risk in risks:
        if risk.status == RiskStatus.CLOSED:
            continue
        lik, imp = risk.likelihood, risk.impact
        if residual and risk.residual_likelihood and risk.residual_impact:
            lik, imp = risk.residual_likelihood, risk.residual_impact
        grid[5 - lik][imp - 1] += 1
    return grid
