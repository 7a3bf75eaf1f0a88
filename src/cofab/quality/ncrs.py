"""Non-conformance reports and the partner's 8D, step by step approved by the owner.

The 8D is the partner's work: it fills each discipline (D0..D8) and submits it; the owner
approves it or returns it with a comment. Containment (D3, with D0..D2) is due within a set
number of hours of opening (default 24), root cause and corrections within two weeks, the
prevention steps within six. Closure needs every step approved and proof of effectiveness: the
same defect code must not have recurred at that partner in the last N inspected lots since the
8D was opened (N configurable per 8D, default 3).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from cofab.core import audit
from cofab.core.access import Actor, ensure_partner_writable, scope_to_partner
from cofab.core.errors import Conflict, FieldProblem, InvalidTransition, NotFound
from cofab.core.i18n import N_
from cofab.core.partner_inputs import partner_inputs_changed
from cofab.db.base import utcnow
from cofab.operations.models import OrderLine
from cofab.quality import lots, plans, schemas
from cofab.quality.models import (
    EIGHTD_STEPS,
    Defect,
    EightD,
    EightDAction,
    EightDStep,
    Inspection,
    Lot,
    NonConformance,
)
from cofab.quality.rules import get_scoped, raise_if, record, require_owner_writer

COST_FIELDS = ("cost_scrap", "cost_rework", "cost_sorting", "cost_freight", "cost_line_stop")
# which keys each discipline's content may carry (D4: 5-Why and the fishbone's six bones)
STEP_KEYS: dict[str, tuple[str, ...]] = {
    "D0": ("symptom", "emergency_response"),
    "D1": ("team", "leader"),
    "D2": ("problem", "what", "where", "when", "how_many"),
    "D3": ("containment", "quantity_contained"),
    "D4": (
        "why1",
        "why2",
        "why3",
        "why4",
        "why5",
        "root_cause",
        "escape_point",
        "man",
        "machine",
        "method",
        "material",
        "measurement",
        "environment",
    ),
    "D5": ("corrective_actions",),
    "D6": ("implementation", "validation"),
    "D7": ("prevention", "standards_updated"),
    "D8": ("recognition", "lessons_learned"),
}
STEP_DUE_DAYS = {"D4": 14, "D5": 14, "D6": 42, "D7": 42}
DEFAULT_CODE = "UNSPECIFIED"

NOT_OF_PARTNER = N_("This record belongs to another partner.")
UNKNOWN_KEY = N_("Unknown entry {key} for step {step}.")
NO_REJECTED_INSPECTION = N_("This lot has no recorded inspection to raise an NCR from.")
EIGHTD_EXISTS = N_("This NCR has an 8D already.")
STEP_CLOSED = N_("Step {step} is approved already.")
STEP_NOT_SUBMITTED = N_("Step {step} has not been submitted.")
RETURN_NEEDS_COMMENT = N_("Say what is missing when returning a step.")
STEPS_OPEN = N_("Closure needs every step approved; still open: {steps}.")
NOT_VERIFIED = N_(
    "Not verified yet: defect {code} needs {needed} inspected lots of this partner without it "
    "since the 8D was opened; so far {clean}."
)
EIGHTD_CLOSED = N_("This 8D is closed.")
UNKNOWN_STEP = N_("Unknown 8D step.")


def ncr_query(
    actor: Actor, *, partner_id: int | None = None, status: str | None = None
) -> Select[Any]:
    stmt = select(NonConformance).order_by(NonConformance.id.desc())
    if partner_id is not None:
        stmt = stmt.where(NonConformance.partner_id == partner_id)
    if status:
        stmt = stmt.where(NonConformance.status == status)
    return scope_to_partner(stmt, actor, NonConformance.partner_id)


def get_ncr(session: Session, *, actor: Actor, ncr_id: int) -> NonConformance:
    return get_scoped(session, NonConformance, ncr_id, actor)


def cost_total(ncr: NonConformance) -> Decimal:
    return sum((Decimal(getattr(ncr, f)) for f in COST_FIELDS), Decimal(0))


def create_ncr(session: Session, *, actor: Actor, data: schemas.NcrCreate) -> NonConformance:
    require_owner_writer(actor)
    problems: list[FieldProblem] = []
    plans.check_partner_site(session, data.partner_id, data.site_id, problems)
    if data.lot_id is not None:
        lot = session.execute(select(Lot).where(Lot.id == data.lot_id)).scalar_one_or_none()
        if lot is None or lot.partner_id != data.partner_id:
            problems.append(FieldProblem("lot_id", NOT_OF_PARTNER))
    if data.order_line_id is not None:
        line_partner = session.execute(
            select(OrderLine.partner_id).where(OrderLine.id == data.order_line_id)
        ).scalar_one_or_none()
        if line_partner != data.partner_id:
            problems.append(FieldProblem("order_line_id", NOT_OF_PARTNER))
    if data.inspection_id is not None:
        found = session.execute(
            select(Inspection.partner_id).where(Inspection.id == data.inspection_id)
        ).scalar_one_or_none()
        if found != data.partner_id:
            problems.append(FieldProblem("inspection_id", NOT_OF_PARTNER))
    raise_if(problems)
    ncr = NonConformance(**data.model_dump(), created_by=actor.email, status="open")
    ncr.description = data.description or None
    ncr.containment = data.containment or None
    session.add(ncr)
    record(session, actor=actor, action="create", entity="quality_ncr", row=ncr)
    partner_inputs_changed(session, ncr.partner_id, [utcnow().date()])  # scorecards' NCR count
    return ncr


def ncr_from_lot(
    session: Session, *, actor: Actor, lot_id: int, data: schemas.NcrFromLot
) -> NonConformance:
    """An NCR for a rejected lot: the most frequent defect code and the defective count."""
    require_owner_writer(actor)
    lot = lots.get_lot(session, actor=actor, lot_id=lot_id)
    inspection = lots.incoming_inspection(session, lot)
    if inspection is None or inspection.status == "pending":
        raise InvalidTransition(NO_REJECTED_INSPECTION)
    defects = lots.defects_of(session, inspection)
    by_code: Counter[str] = Counter()
    order = ("critical", "major", "minor")
    worst = "minor"
    for d in defects:
        by_code[d.defect_code] += d.quantity
        if order.index(d.defect_class) < order.index(worst):
            worst = d.defect_class
    code = data.defect_code or (by_code.most_common(1)[0][0] if by_code else DEFAULT_CODE)
    quantity = data.quantity or max(1, sum(by_code.values()))
    return create_ncr(
        session,
        actor=actor,
        data=schemas.NcrCreate(
            partner_id=lot.partner_id,
            site_id=lot.site_id,
            product=lot.product,
            lot_id=lot.id,
            inspection_id=inspection.id,
            order_line_id=lot.order_line_id,
            defect_code=code,
            quantity=quantity,
            severity=data.severity or worst,  # type: ignore[arg-type]
            description=data.description,
            containment=data.containment,
            **{f: getattr(data, f) for f in (*COST_FIELDS, "currency")},
        ),
    )


def update_ncr(
    session: Session, *, actor: Actor, ncr_id: int, data: schemas.NcrUpdate
) -> NonConformance:
    require_owner_writer(actor)
    ncr = get_ncr(session, actor=actor, ncr_id=ncr_id)
    if ncr.status == "closed":
        raise InvalidTransition(EIGHTD_CLOSED)
    before = audit.snapshot(ncr)
    for key, value in data.model_dump(exclude_unset=True).items():
        if value is not None:
            setattr(ncr, key, value)
    record(session, actor=actor, action="update", entity="quality_ncr", row=ncr, before=before)
    return ncr


# --- 8D ---------------------------------------------------------------------------------------


def eightd_query(actor: Actor, *, partner_id: int | None = None) -> Select[Any]:
    stmt = select(EightD).order_by(EightD.id.desc())
    if partner_id is not None:
        stmt = stmt.where(EightD.partner_id == partner_id)
    return scope_to_partner(stmt, actor, EightD.partner_id)


def get_eightd(session: Session, *, actor: Actor, eightd_id: int) -> EightD:
    return get_scoped(session, EightD, eightd_id, actor)


def eightd_of_ncr(session: Session, ncr: NonConformance) -> EightD | None:
    return session.execute(select(EightD).where(EightD.ncr_id == ncr.id)).scalar_one_or_none()


def steps_of(session: Session, eightd: EightD) -> list[EightDStep]:
    rows = session.execute(select(EightDStep).where(EightDStep.eightd_id == eightd.id)).scalars()
    return sorted(rows, key=lambda s: EIGHTD_STEPS.index(s.step))


def actions_of(session: Session, eightd: EightD) -> list[EightDAction]:
    return list(
        session.execute(
            select(EightDAction)
            .where(EightDAction.eightd_id == eightd.id)
            .order_by(EightDAction.due_on, EightDAction.id)
        ).scalars()
    )


def open_eightd(
    session: Session, *, actor: Actor, ncr_id: int, data: schemas.EightDCreate
) -> EightD:
    require_owner_writer(actor)
    ncr = get_ncr(session, actor=actor, ncr_id=ncr_id)
    if eightd_of_ncr(session, ncr) is not None:
        raise Conflict(EIGHTD_EXISTS)
    now = utcnow()
    containment_due = now + timedelta(hours=data.containment_hours)
    eightd = EightD(
        partner_id=ncr.partner_id,
        ncr_id=ncr.id,
        status="open",
        containment_due_at=containment_due,
        verify_lots=data.verify_lots,
    )
    session.add(eightd)
    record(session, actor=actor, action="create", entity="quality_8d", row=eightd)
    for step in EIGHTD_STEPS:
        days = STEP_DUE_DAYS.get(step)
        due: datetime | None = now + timedelta(days=days) if days else containment_due
        if step == "D8":
            due = None  # closure: due when verification allows
        session.add(EightDStep(eightd_id=eightd.id, step=step, content={}, due_at=due))
    return eightd


def _partner_work(session: Session, actor: Actor, eightd_id: int, *, still_open: bool) -> EightD:
    """The 8D for work the partner does (its own company's; owner writers may type it on its
    behalf), refused once closed when ``still_open``."""
    eightd = get_eightd(session, actor=actor, eightd_id=eightd_id)
    ensure_partner_writable(actor, eightd.partner_id)
    if not actor.is_partner:
        require_owner_writer(actor)
    if still_open and eightd.status == "closed":
        raise InvalidTransition(EIGHTD_CLOSED)
    return eightd


def _step(session: Session, eightd: EightD, step: str) -> EightDStep:
    if step not in EIGHTD_STEPS:
        raise NotFound(UNKNOWN_STEP)
    row = session.execute(
        select(EightDStep).where(EightDStep.eightd_id == eightd.id, EightDStep.step == step)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(UNKNOWN_STEP)
    return row


def write_step(
    session: Session, *, actor: Actor, eightd_id: int, step: str, data: schemas.EightDStepIn
) -> EightDStep:
    """The partner fills a discipline (the owner may type it on the partner's behalf)."""
    eightd = _partner_work(session, actor, eightd_id, still_open=True)
    row = _step(session, eightd, step)
    if row.status == "approved":
        raise InvalidTransition(STEP_CLOSED, step=step)
    allowed = STEP_KEYS[step]
    problems = [
        FieldProblem(f"content.{key}", UNKNOWN_KEY, {"key": key, "step": step})
        for key in data.content
        if key not in allowed
    ]
    raise_if(problems)
    before = {"step": row.step, "status": row.status, "content": dict(row.content or {})}
    row.content = {k: v for k, v in data.content.items() if v.strip()}
    if data.submit:
        row.status = "submitted"
        row.submitted_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="submit" if data.submit else "update",
        entity="quality_8d_step",
        entity_id=f"{eightd.id}:{step}",
        partner_id=eightd.partner_id,
        before=before,
        after={"step": row.step, "status": row.status, "content": row.content},
    )
    return row


def review_step(
    session: Session, *, actor: Actor, eightd_id: int, step: str, data: schemas.StepReview
) -> EightDStep:
    require_owner_writer(actor)
    eightd = get_eightd(session, actor=actor, eightd_id=eightd_id)
    if eightd.status == "closed":
        raise InvalidTransition(EIGHTD_CLOSED)
    row = _step(session, eightd, step)
    if row.status != "submitted":
        raise InvalidTransition(STEP_NOT_SUBMITTED, step=step)
    if data.decision == "return" and not data.comment.strip():
        raise_if([FieldProblem("comment", RETURN_NEEDS_COMMENT)])
    before = {"step": row.step, "status": row.status}
    row.status = "approved" if data.decision == "approve" else "returned"
    row.owner_comment = data.comment or None
    row.approved_at = utcnow() if data.decision == "approve" else None
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="approve" if data.decision == "approve" else "reject",
        entity="quality_8d_step",
        entity_id=f"{eightd.id}:{step}",
        partner_id=eightd.partner_id,
        before=before,
        after={"step": row.step, "status": row.status, "comment": row.owner_comment},
    )
    return row


def add_action(
    session: Session, *, actor: Actor, eightd_id: int, data: schemas.ActionIn
) -> EightDAction:
    eightd = _partner_work(session, actor, eightd_id, still_open=True)
    action = EightDAction(eightd_id=eightd.id, **data.model_dump())
    session.add(action)
    record(
        session,
        actor=actor,
        action="create",
        entity="quality_8d_action",
        row=action,
        partner_id=eightd.partner_id,
    )
    return action


def complete_action(
    session: Session, *, actor: Actor, eightd_id: int, action_id: int, data: schemas.ActionDone
) -> EightDAction:
    eightd = _partner_work(session, actor, eightd_id, still_open=False)
    action = session.execute(
        select(EightDAction).where(
            EightDAction.id == action_id, EightDAction.eightd_id == eightd.id
        )
    ).scalar_one_or_none()
    if action is None:
        raise NotFound()
    before = audit.snapshot(action)
    action.done_on = data.done_on
    record(
        session,
        actor=actor,
        action="complete",
        entity="quality_8d_action",
        row=action,
        before=before,
        partner_id=eightd.partner_id,
    )
    return action


def verification(session: Session, eightd: EightD) -> dict[str, Any]:
    """Inspected lots of the partner since the 8D opened, counted after the last recurrence."""
    ncr = session.execute(
        select(NonConformance).where(NonConformance.id == eightd.ncr_id)
    ).scalar_one()
    inspections = list(
        session.execute(
            select(Inspection.id)
            .where(
                Inspection.partner_id == eightd.partner_id,
                Inspection.kind == "incoming",
                Inspection.status.in_(("accepted", "rejected")),
                Inspection.recorded_at > eightd.created_at,
            )
            .order_by(Inspection.recorded_at, Inspection.id)
        ).scalars()
    )
    recurred = set(
        session.execute(
            select(Defect.inspection_id).where(
                Defect.inspection_id.in_(inspections),
                Defect.defect_code == ncr.defect_code,
                Defect.quantity > 0,
            )
        ).scalars()
    )
    clean = 0
    for inspection_id in inspections:
        clean = 0 if inspection_id in recurred else clean + 1
    return {
        "code": ncr.defect_code,
        "needed": eightd.verify_lots,
        "clean": clean,
        "lots_since": len(inspections),
        "recurrences": len(recurred),
        "passed": clean >= eightd.verify_lots,
    }


def close_eightd(session: Session, *, actor: Actor, eightd_id: int) -> EightD:
    """Closure: D0..D7 approved, D8 submitted or approved, and verification passed."""
    require_owner_writer(actor)
    eightd = get_eightd(session, actor=actor, eightd_id=eightd_id)
    if eightd.status == "closed":
        raise InvalidTransition(EIGHTD_CLOSED)
    steps = steps_of(session, eightd)
    still_open = [
        s.step
        for s in steps
        if s.status != "approved" and not (s.step == "D8" and s.status == "submitted")
    ]
    if still_open:
        raise InvalidTransition(STEPS_OPEN, steps=", ".join(still_open))
    check = verification(session, eightd)
    if not check["passed"]:
        raise InvalidTransition(
            NOT_VERIFIED, code=check["code"], needed=check["needed"], clean=check["clean"]
        )
    before = audit.snapshot(eightd)
    now = utcnow()
    for s in steps:
        if s.step == "D8" and s.status == "submitted":
            s.status = "approved"
            s.approved_at = now
    eightd.status = "closed"
    eightd.closed_at = now
    record(session, actor=actor, action="close", entity="quality_8d", row=eightd, before=before)
    ncr = get_ncr(session, actor=actor, ncr_id=eightd.ncr_id)
    ncr_before = audit.snapshot(ncr)
    ncr.status = "closed"
    record(session, actor=actor, action="close", entity="quality_ncr", row=ncr, before=ncr_before)
    return eightd


def overdue_steps(session: Session, actor: Actor, now: datetime | None = None) -> list[Any]:
    """(8D, step) pairs past due and not approved, for the dashboards of both sides."""
    now = now or utcnow()
    stmt = (
        select(EightD, EightDStep)
        .join(EightDStep, EightDStep.eightd_id == EightD.id)
        .where(
            EightD.status != "closed",
            EightDStep.status != "approved",
            EightDStep.due_at.is_not(None),
            EightDStep.due_at < now,
        )
        .order_by(EightDStep.due_at)
    )
    return list(session.execute(scope_to_partner(stmt, actor, EightD.partner_id)).all())
