"""Inspection plans: per product × partner (or site), their characteristics and switching state.

The contract drives the plan: the AQL of the partner's quality agreement in force is the default
for every defect class, a stricter (smaller) AQL is allowed and a looser one refused, so an
inspection never accepts more than the partner signed for. The switching state (ISO 2859-1
clause 9) moves with every lot verdict through ``engine.switching.next_state``; each move is kept
as history on the plan.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from cofab.contracts import service as contracts_service
from cofab.contracts.models import Contract
from cofab.core import audit
from cofab.core.access import Actor, scope_to_partner
from cofab.core.errors import FieldProblem
from cofab.core.i18n import N_
from cofab.db.base import utcnow
from cofab.partners.models import Partner, Site
from cofab.quality import schemas
from cofab.quality.engine import sampling, switching
from cofab.quality.models import (
    Characteristic,
    Inspection,
    InspectionPlan,
    Lot,
    PlanStateChange,
)
from cofab.quality.rules import get_scoped, raise_if, record, require_owner_writer

CLASSES = ("critical", "major", "minor")
NOT_IN_SERIES = N_("{value} is not an AQL of the ISO 2859-1 series.")
LOOSER_THAN_AGREEMENT = N_(
    "AQL {value} is looser than the quality agreement's AQL {agreed}; only a stricter (smaller) "
    "AQL may be set."
)
AQL_REQUIRED = N_("Required: no quality agreement in force gives a default AQL.")
LSL_NOT_BELOW_USL = N_("The lower limit must be below the upper limit.")
NOMINAL_OUTSIDE = N_("The nominal value must lie between the limits.")
UNKNOWN_PARTNER = N_("Unknown partner.")
SITE_NOT_OF_PARTNER = N_("This site does not belong to the partner.")
PLAN_EXISTS = N_("An active plan for this product and partner (site) exists already.")


DEFAULT_CPK_TARGET = 1.33  # the usual capability requirement when nobody agreed another


def _agreed_quality(
    session: Session, partner_id: int, key: str, at: datetime | None
) -> list[float]:
    """``terms.quality.<key>`` of every quality agreement of the partner in force at ``at``."""
    windows = contracts_service.active_agreements_for_partner(
        session, partner_id=partner_id, at=at or utcnow(), kinds=["quality_agreement"]
    )
    found: list[float] = []
    for window in windows:
        contract = session.execute(
            select(Contract).where(Contract.id == window.contract_id)
        ).scalar_one_or_none()
        if contract is None:
            continue
        version = contracts_service.governing_version(session, contract)
        value = ((version.terms if version else {}) or {}).get("quality", {}).get(key)
        if value is not None:
            found.append(float(value))
    return found


def agreement_aql(session: Session, *, partner_id: int, at: datetime | None = None) -> float | None:
    """The AQL of the partner's quality agreement in force now, read through contracts.service."""
    found = _agreed_quality(session, partner_id, "aql", at)
    return min(found) if found else None  # two agreements in force: the stricter one binds


def agreement_cpk_target(
    session: Session, *, partner_id: int, at: datetime | None = None
) -> float | None:
    """The Cpk the partner's quality agreement in force asks for (the higher of two)."""
    found = _agreed_quality(session, partner_id, "cpk_target", at)
    return max(found) if found else None


def cpk_target_of(char: Characteristic, agreed: float | None) -> tuple[float, str]:
    """The Cpk target a characteristic is judged by, and where it comes from: its own when the
    plan set one, else the quality agreement's, else 1.33 ("characteristic", "agreement",
    "default")."""
    if char.cpk_target is not None:
        return char.cpk_target, "characteristic"
    if agreed is not None:
        return agreed, "agreement"
    return DEFAULT_CPK_TARGET, "default"


def cpk_target_for(session: Session, char: Characteristic) -> tuple[float, str]:
    """``cpk_target_of`` with the agreement read for the characteristic's partner."""
    if char.cpk_target is not None:
        return char.cpk_target, "characteristic"
    return cpk_target_of(char, agreement_cpk_target(session, partner_id=char.partner_id))


def check_partner_site(
    session: Session, partner_id: int, site_id: int | None, problems: list[FieldProblem]
) -> None:
    partner = session.execute(
        select(Partner.id).where(Partner.id == partner_id)
    ).scalar_one_or_none()
    if partner is None:
        problems.append(FieldProblem("partner_id", UNKNOWN_PARTNER))
        return
    if site_id is not None:
        owner = session.execute(
            select(Site.partner_id).where(Site.id == site_id)
        ).scalar_one_or_none()
        if owner != partner_id:
            problems.append(FieldProblem("site_id", SITE_NOT_OF_PARTNER))


def _check_aqls(
    values: dict[str, float | None], agreed: float | None, problems: list[FieldProblem]
) -> dict[str, float]:
    chosen: dict[str, float] = {}
    for cls in CLASSES:
        field = f"aql_{cls}"
        value = values.get(cls)
        if value is None:
            if agreed is None:
                problems.append(FieldProblem(field, AQL_REQUIRED))
                continue
            value = agreed
        try:
            sampling.aql_index(value)
        except ValueError:
            problems.append(FieldProblem(field, NOT_IN_SERIES, {"value": value}))
            continue
        if agreed is not None and value > agreed * (1 + 1e-9):
            problems.append(
                FieldProblem(field, LOOSER_THAN_AGREEMENT, {"value": value, "agreed": agreed})
            )
            continue
        chosen[cls] = value
    return chosen


def check_characteristic(
    data: schemas.CharacteristicIn, prefix: str, problems: list[FieldProblem]
) -> None:
    if data.lsl is not None and data.usl is not None and data.lsl >= data.usl:
        problems.append(FieldProblem(f"{prefix}usl", LSL_NOT_BELOW_USL))
    if data.nominal is not None and (
        (data.lsl is not None and data.nominal < data.lsl)
        or (data.usl is not None and data.nominal > data.usl)
    ):
        problems.append(FieldProblem(f"{prefix}nominal", NOMINAL_OUTSIDE))


def plan_query(actor: Actor, *, partner_id: int | None = None) -> Select[Any]:
    stmt = select(InspectionPlan).order_by(InspectionPlan.id.desc())
    if partner_id is not None:
        stmt = stmt.where(InspectionPlan.partner_id == partner_id)
    return scope_to_partner(stmt, actor, InspectionPlan.partner_id)


def get_plan(session: Session, *, actor: Actor, plan_id: int) -> InspectionPlan:
    return get_scoped(session, InspectionPlan, plan_id, actor)


def create_plan(session: Session, *, actor: Actor, data: schemas.PlanCreate) -> InspectionPlan:
    require_owner_writer(actor)
    problems: list[FieldProblem] = []
    check_partner_site(session, data.partner_id, data.site_id, problems)
    agreed = agreement_aql(session, partner_id=data.partner_id) if not problems else None
    aqls = _check_aqls(
        {"critical": data.aql_critical, "major": data.aql_major, "minor": data.aql_minor},
        agreed,
        problems,
    )
    for i, ch in enumerate(data.characteristics):
        check_characteristic(ch, f"characteristics.{i}.", problems)
    if not problems:
        clash = session.execute(
            select(InspectionPlan.id).where(
                InspectionPlan.partner_id == data.partner_id,
                InspectionPlan.product == data.product,
                InspectionPlan.site_id.is_(None)
                if data.site_id is None
                else InspectionPlan.site_id == data.site_id,
                InspectionPlan.is_active.is_(True),
            )
        ).first()
        if clash is not None:
            problems.append(FieldProblem("product", PLAN_EXISTS))
    raise_if(problems)
    plan = InspectionPlan(
        partner_id=data.partner_id,
        site_id=data.site_id,
        product=data.product,
        inspection_level=data.inspection_level,
        aql_critical=aqls["critical"],
        aql_major=aqls["major"],
        aql_minor=aqls["minor"],
        agreement_aql=agreed,
        switching_state="normal",
        owner_approved_reduced=data.owner_approved_reduced,
        steady_production=data.steady_production,
        is_active=True,
    )
    session.add(plan)
    record(session, actor=actor, action="create", entity="quality_plan", row=plan)
    for ch in data.characteristics:
        add_characteristic(session, actor=actor, plan=plan, data=ch, checked=True)
    return plan


def update_plan(
    session: Session, *, actor: Actor, plan_id: int, data: schemas.PlanUpdate
) -> InspectionPlan:
    require_owner_writer(actor)
    plan = get_plan(session, actor=actor, plan_id=plan_id)
    before = audit.snapshot(plan)
    problems: list[FieldProblem] = []
    given = data.model_dump(exclude_unset=True)
    agreed = agreement_aql(session, partner_id=plan.partner_id)
    values = {cls: given.get(f"aql_{cls}", getattr(plan, f"aql_{cls}")) for cls in CLASSES}
    aqls = _check_aqls(values, agreed, problems)
    raise_if(problems)
    for cls in CLASSES:
        setattr(plan, f"aql_{cls}", aqls[cls])
    plan.agreement_aql = agreed
    for key in ("inspection_level", "owner_approved_reduced", "steady_production", "is_active"):
        if key in given and given[key] is not None:
            setattr(plan, key, given[key])
    record(session, actor=actor, action="update", entity="quality_plan", row=plan, before=before)
    return plan


def add_characteristic(
    session: Session,
    *,
    actor: Actor,
    plan: InspectionPlan,
    data: schemas.CharacteristicIn,
    checked: bool = False,
) -> Characteristic:
    require_owner_writer(actor)
    if not checked:
        problems: list[FieldProblem] = []
        check_characteristic(data, "", problems)
        raise_if(problems)
    ch = Characteristic(
        plan_id=plan.id,
        partner_id=plan.partner_id,
        site_id=plan.site_id,
        product=plan.product,
        **data.model_dump(),
    )
    session.add(ch)
    record(session, actor=actor, action="create", entity="quality_characteristic", row=ch)
    return ch


def characteristics_of(session: Session, plan: InspectionPlan) -> list[Characteristic]:
    return list(
        session.execute(
            select(Characteristic)
            .where(Characteristic.plan_id == plan.id)
            .order_by(Characteristic.id)
        ).scalars()
    )


def history_of(session: Session, plan: InspectionPlan) -> list[PlanStateChange]:
    return list(
        session.execute(
            select(PlanStateChange)
            .where(PlanStateChange.plan_id == plan.id)
            .order_by(PlanStateChange.id)
        ).scalars()
    )


def find_plan(
    session: Session, *, partner_id: int, product: str, site_id: int | None
) -> InspectionPlan | None:
    """The active plan for a receipt: the site's own plan first, else the partner-wide one."""
    base = select(InspectionPlan).where(
        InspectionPlan.partner_id == partner_id,
        InspectionPlan.product == product,
        InspectionPlan.is_active.is_(True),
    )
    if site_id is not None:
        own = session.execute(base.where(InspectionPlan.site_id == site_id)).scalars().first()
        if own is not None:
            return own
    return session.execute(base.where(InspectionPlan.site_id.is_(None))).scalars().first()


def severity_for(plan: InspectionPlan) -> str:
    """The table to sample from: a discontinued plan keeps inspecting at tightened severity."""
    return "tightened" if plan.switching_state == "discontinued" else plan.switching_state


def class_plans(plan: InspectionPlan, lot_size: int) -> dict[str, dict[str, Any]]:
    severity = severity_for(plan)
    out: dict[str, dict[str, Any]] = {}
    for cls in CLASSES:
        aql = float(getattr(plan, f"aql_{cls}"))
        sp = sampling.plan_for(lot_size, aql, plan.inspection_level, severity)
        out[cls] = {
            "aql": aql,
            "code_letter": sp.code_letter,
            "sample_size": sp.sample_size,
            "accept": sp.accept,
            "reject": sp.reject,
            "full_inspection": sp.full_inspection,
        }
    return out


def _verdicts_since_switch(session: Session, plan: InspectionPlan) -> list[bool]:
    """Verdicts of the plan's incoming inspections since its last switch, oldest first."""
    last = session.execute(
        select(PlanStateChange)
        .where(PlanStateChange.plan_id == plan.id)
        .order_by(PlanStateChange.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    stmt = (
        select(Inspection.status)
        .join(Lot, Lot.id == Inspection.lot_id)
        .where(
            Lot.plan_id == plan.id,
            Inspection.kind == "incoming",
            Inspection.status.in_(("accepted", "rejected")),
        )
        .order_by(Inspection.recorded_at, Inspection.id)
    )
    if last is not None:
        stmt = stmt.where(Inspection.recorded_at > last.changed_at)
    return [status == "accepted" for status in session.execute(stmt).scalars()]


def apply_switching(
    session: Session, *, actor: Actor, plan: InspectionPlan, lot: Lot | None
) -> str:
    """Move the plan to the state the switching rules give after a verdict; keep the history."""
    history = _verdicts_since_switch(session, plan)
    new = switching.next_state(
        plan.switching_state,
        history,
        owner_approved_reduced=plan.owner_approved_reduced,
        steady=plan.steady_production,
    )
    if new != plan.switching_state:
        change_state(
            session, actor=actor, plan=plan, to_state=new, lot=lot, reason="switching rule"
        )
    return new


def change_state(
    session: Session,
    *,
    actor: Actor,
    plan: InspectionPlan,
    to_state: str,
    lot: Lot | None,
    reason: str,
) -> None:
    before = audit.snapshot(plan)
    session.add(
        PlanStateChange(
            plan_id=plan.id,
            from_state=plan.switching_state,
            to_state=to_state,
            lot_id=lot.id if lot else None,
            reason=reason[:200],
            changed_at=utcnow(),
        )
    )
    plan.switching_state = to_state
    record(session, actor=actor, action="switch", entity="quality_plan", row=plan, before=before)


def reset_state(
    session: Session, *, actor: Actor, plan_id: int, data: schemas.StateReset
) -> InspectionPlan:
    """The owner's own decision: resume a discontinued plan, or set a state by hand."""
    require_owner_writer(actor)
    plan = get_plan(session, actor=actor, plan_id=plan_id)
    if plan.switching_state != data.state:
        change_state(
            session,
            actor=actor,
            plan=plan,
            to_state=data.state,
            lot=None,
            reason=data.note or "owner decision",
        )
    return plan


def discontinued_partner_ids(session: Session) -> set[int]:
    """Partners with a discontinued plan: the partner page flags them (acceptance stopped)."""
    return set(
        session.execute(
            select(InspectionPlan.partner_id).where(
                InspectionPlan.switching_state == "discontinued",
                InspectionPlan.is_active.is_(True),
            )
        ).scalars()
    )
