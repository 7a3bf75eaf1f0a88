"""Lots and inspections: a receipt opens a lot and its inspection task, the inspector records the
defects, the verdict follows Ac/Re and a rejected lot gets a disposition.

Sampling is per defect class: each class has its own AQL and so its own single sampling plan
(code letter, n, Ac, Re). The inspector draws the largest of the class samples; a class whose
defect count reaches its Re rejects the lot. Partners post their own outgoing (final)
inspections for their own lots; those are kept beside the incoming ones and never decide the
owner's verdict.
"""

from __future__ import annotations

import math
from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from cofab.core import audit
from cofab.core.access import SYSTEM_ACTOR, Actor, ensure_partner_writable, scope_to_partner
from cofab.core.errors import FieldProblem, InvalidTransition
from cofab.core.i18n import N_
from cofab.core.partner_inputs import partner_inputs_changed
from cofab.db.base import utcnow
from cofab.logistics import service as logistics_service
from cofab.operations.models import Receipt, Shipment, ShipmentLine
from cofab.operations.service import (
    BookedReceipt,
    register_outcome_owner,
    register_receipt_listener,
    set_receipt_outcome,
)
from cofab.quality import plans, schemas
from cofab.quality.models import Characteristic, Defect, Inspection, InspectionPlan, Lot
from cofab.quality.rules import get_scoped, raise_if, record, require_owner_writer

NO_PLAN = N_("No active inspection plan for this product and partner.")
NOT_OF_PLAN = N_("This characteristic is not part of the lot's inspection plan.")
CLASS_OR_CHARACTERISTIC = N_("Give a characteristic or a defect class.")
CODE_OR_CHARACTERISTIC = N_("Give a characteristic or a defect code.")
MORE_THAN_SAMPLE = N_("More defective units ({quantity}) than the sample ({sample_size}).")
ALREADY_RECORDED = N_("This inspection has already been recorded.")
ONLY_REJECTED = N_("Only a rejected lot gets a disposition.")
LOT_EXISTS = N_("A lot with this number exists already for this partner.")
REF_ON_OTHER_LOT = N_("This reference is already used for another lot.")
MORE_THAN_LOT = N_("More than the lot size ({lot_size}).")
# dispositions after which the whole lot counts as good (concession) or as bad (returned, scrap);
# a sort or rework rejects only what it found bad
_ALL_GOOD = ("use_as_is",)
_ALL_BAD = ("return", "scrap")


def lot_query(
    actor: Actor, *, partner_id: int | None = None, status: str | None = None
) -> Select[Any]:
    stmt = select(Lot).order_by(Lot.id.desc())
    if partner_id is not None:
        stmt = stmt.where(Lot.partner_id == partner_id)
    if status:
        stmt = stmt.where(Lot.status == status)
    return scope_to_partner(stmt, actor, Lot.partner_id)


def get_lot(session: Session, *, actor: Actor, lot_id: int) -> Lot:
    return get_scoped(session, Lot, lot_id, actor)


def get_inspection(session: Session, *, actor: Actor, inspection_id: int) -> Inspection:
    return get_scoped(session, Inspection, inspection_id, actor)


def inspections_of(session: Session, lot: Lot) -> list[Inspection]:
    return list(
        session.execute(
            select(Inspection).where(Inspection.lot_id == lot.id).order_by(Inspection.id)
        ).scalars()
    )


def defects_of(session: Session, inspection: Inspection) -> list[Defect]:
    return list(
        session.execute(
            select(Defect).where(Defect.inspection_id == inspection.id).order_by(Defect.id)
        ).scalars()
    )


def _open_lot(
    session: Session,
    *,
    actor: Actor,
    plan: InspectionPlan,
    lot: Lot,
) -> Inspection:
    """Save the lot and its pending incoming inspection sized for the plan's switching state."""
    session.add(lot)
    record(session, actor=actor, action="create", entity="quality_lot", row=lot)
    per_class = plans.class_plans(plan, lot.lot_size)
    inspection = Inspection(
        partner_id=lot.partner_id,
        lot_id=lot.id,
        kind="incoming",
        severity=plans.severity_for(plan),
        inspection_level=plan.inspection_level,
        sample_size=max(p["sample_size"] for p in per_class.values()),
        class_plans=per_class,
        status="pending",
    )
    session.add(inspection)
    record(session, actor=actor, action="create", entity="quality_inspection", row=inspection)
    return inspection


def on_receipt(session: Session, *, actor: Actor, receipt: BookedReceipt) -> None:
    """Operations booked a receipt: open a lot and its inspection if the product has a plan."""
    plan = plans.find_plan(
        session, partner_id=receipt.partner_id, product=receipt.product, site_id=receipt.site_id
    )
    if plan is None:
        return  # not an inspected product
    lot = Lot(
        partner_id=receipt.partner_id,
        site_id=receipt.site_id,
        plan_id=plan.id,
        product=receipt.product,
        lot_no=receipt.external_ref or f"R{receipt.receipt_id}",
        lot_size=max(1, math.ceil(receipt.received_qty)),
        receipt_id=receipt.receipt_id,
        order_line_id=receipt.order_line_id,
        status="pending",
        external_ref=receipt.external_ref,
    )
    _open_lot(session, actor=actor, plan=plan, lot=lot)


register_receipt_listener(on_receipt)


def receipt_split_decided(session: Session, *, receipt_id: int) -> bool:
    """A lot of this receipt has an outcome, so quality set its accepted/rejected split
    (``sync_receipt``); the original receipt sent again is still the same receipt."""
    decided = select(Lot.id).where(Lot.receipt_id == receipt_id, Lot.rejected_qty.is_not(None))
    return session.execute(decided.limit(1)).first() is not None


register_outcome_owner(receipt_split_decided)


def create_lot(session: Session, *, actor: Actor, data: schemas.LotCreate) -> Inspection:
    """A lot booked by hand (no receipt): needs the product's plan, like a receipt's lot."""
    require_owner_writer(actor)
    problems: list[FieldProblem] = []
    plans.check_partner_site(session, data.partner_id, data.site_id, problems)
    raise_if(problems)
    plan = plans.find_plan(
        session, partner_id=data.partner_id, product=data.product, site_id=data.site_id
    )
    if plan is None:
        problems.append(FieldProblem("product", NO_PLAN))
    clash = session.execute(
        select(Lot.id).where(Lot.partner_id == data.partner_id, Lot.lot_no == data.lot_no)
    ).first()
    if clash is not None:
        problems.append(FieldProblem("lot_no", LOT_EXISTS))
    raise_if(problems)
    assert plan is not None
    lot = Lot(
        partner_id=data.partner_id,
        site_id=data.site_id,
        plan_id=plan.id,
        product=data.product,
        lot_no=data.lot_no,
        lot_size=data.lot_size,
        status="pending",
        external_ref=data.external_ref,
    )
    return _open_lot(session, actor=actor, plan=plan, lot=lot)


def check_defects(
    session: Session,
    lot: Lot,
    defects: list[schemas.DefectIn],
    sample_size: int,
    problems: list[FieldProblem],
) -> list[Defect]:
    known: dict[int, Characteristic] = {}
    if lot.plan_id is not None:
        known = {
            ch.id: ch
            for ch in session.execute(
                select(Characteristic).where(Characteristic.plan_id == lot.plan_id)
            ).scalars()
        }
    rows: list[Defect] = []
    for i, item in enumerate(defects):
        prefix = f"defects.{i}."
        ch = None
        if item.characteristic_id is not None:
            ch = known.get(item.characteristic_id)
            if ch is None:
                problems.append(FieldProblem(prefix + "characteristic_id", NOT_OF_PLAN))
                continue
        cls = item.defect_class or (ch.defect_class if ch else None)
        code = item.defect_code or (ch.name_en[:40] if ch else None)
        if cls is None:
            problems.append(FieldProblem(prefix + "defect_class", CLASS_OR_CHARACTERISTIC))
        if code is None:
            problems.append(FieldProblem(prefix + "defect_code", CODE_OR_CHARACTERISTIC))
        if item.quantity > sample_size:
            problems.append(
                FieldProblem(
                    prefix + "quantity",
                    MORE_THAN_SAMPLE,
                    {"quantity": item.quantity, "sample_size": sample_size},
                )
            )
        if cls is None or code is None or item.quantity > sample_size:
            continue
        rows.append(
            Defect(
                characteristic_id=ch.id if ch else None,
                defect_class=cls,
                defect_code=code,
                quantity=item.quantity,
            )
        )
    return rows


def verdict(class_plans: dict[str, dict[str, Any]], defects: list[Defect]) -> str:
    """Rejected when any class's defective count reaches its Re; else accepted (ISO 2859-1)."""
    counts: dict[str, int] = defaultdict(int)
    for d in defects:
        counts[d.defect_class] += d.quantity
    for cls, plan in class_plans.items():
        if counts.get(cls, 0) >= int(plan["reject"]):
            return "rejected"
    return "accepted"


def record_inspection(
    session: Session, *, actor: Actor, inspection_id: int, data: schemas.InspectionResult
) -> Inspection:
    """The inspector's result of a pending incoming inspection; the lot gets its verdict."""
    require_owner_writer(actor)
    inspection = get_inspection(session, actor=actor, inspection_id=inspection_id)
    if inspection.status != "pending" or inspection.kind != "incoming":
        raise InvalidTransition(ALREADY_RECORDED)
    lot = get_lot(session, actor=actor, lot_id=inspection.lot_id)
    problems: list[FieldProblem] = []
    rows = check_defects(session, lot, data.defects, inspection.sample_size, problems)
    raise_if(problems)
    before = audit.snapshot(inspection)
    for row in rows:
        row.inspection_id = inspection.id
        session.add(row)
    inspection.status = verdict(inspection.class_plans, rows)
    inspection.inspected_qty = inspection.sample_size
    inspection.recorded_by = actor.email
    inspection.recorded_at = utcnow()
    inspection.note = data.note or None
    record(
        session,
        actor=actor,
        action="record",
        entity="quality_inspection",
        row=inspection,
        before=before,
    )
    lot_before = audit.snapshot(lot)
    lot.status = inspection.status
    lot.rejected_qty = lot.lot_size if lot.status == "rejected" else 0
    record(session, actor=actor, action="verdict", entity="quality_lot", row=lot, before=lot_before)
    sync_receipt(session, actor=actor, lot=lot)
    if lot.plan_id is not None:
        plan = plans.get_plan(session, actor=actor, plan_id=lot.plan_id)
        plans.apply_switching(session, actor=actor, plan=plan, lot=lot)
    partner_inputs_changed(session, lot.partner_id, [utcnow().date()])  # scorecards' PPM
    return inspection


def post_outgoing(
    session: Session, *, actor: Actor, lot_id: int, data: schemas.OutgoingInspectionIn
) -> Inspection:
    """A partner's own final inspection of its lot (the owner may record one on its behalf)."""
    lot = get_lot(session, actor=actor, lot_id=lot_id)
    ensure_partner_writable(actor, lot.partner_id)
    if not actor.is_partner:
        require_owner_writer(actor)
    if data.external_ref:
        stored = outgoing_by_ref(session, lot.partner_id, data.external_ref)
        if stored is not None:
            if stored.lot_id != lot.id:
                raise_if([FieldProblem("external_ref", REF_ON_OTHER_LOT)])
            return stored
    problems: list[FieldProblem] = []
    rows = check_defects(session, lot, data.defects, data.sample_size, problems)
    raise_if(problems)
    per_class: dict[str, dict[str, Any]] = {}
    if lot.plan_id is not None:
        plan = plans.get_plan(session, actor=actor, plan_id=lot.plan_id)
        per_class = plans.class_plans(plan, lot.lot_size)
    inspection = Inspection(
        partner_id=lot.partner_id,
        lot_id=lot.id,
        kind="outgoing",
        severity="normal",
        sample_size=data.sample_size,
        class_plans=per_class,
        status=verdict(per_class, rows) if per_class else "accepted",
        inspected_qty=data.sample_size,
        recorded_by=actor.email,
        recorded_at=utcnow(),
        note=data.note or None,
        external_ref=data.external_ref,
    )
    session.add(inspection)
    session.flush()
    for row in rows:
        row.inspection_id = inspection.id
        session.add(row)
    record(session, actor=actor, action="create", entity="quality_inspection", row=inspection)
    return inspection


def outgoing_by_ref(session: Session, partner_id: int, external_ref: str) -> Inspection | None:
    return (
        session.execute(
            select(Inspection).where(
                Inspection.partner_id == partner_id,
                Inspection.kind == "outgoing",
                Inspection.external_ref == external_ref,
            )
        )
        .scalars()
        .first()
    )


def set_disposition(
    session: Session, *, actor: Actor, lot_id: int, data: schemas.DispositionIn
) -> Lot:
    require_owner_writer(actor)
    lot = get_lot(session, actor=actor, lot_id=lot_id)
    if lot.status != "rejected":
        raise InvalidTransition(ONLY_REJECTED)
    if data.rejected_qty is not None and data.rejected_qty > lot.lot_size:
        raise_if([FieldProblem("rejected_qty", MORE_THAN_LOT, {"lot_size": lot.lot_size})])
    before = audit.snapshot(lot)
    lot.disposition = data.disposition
    lot.disposition_note = data.note or None
    lot.rejected_qty = disposed_rejected(data.disposition, data.rejected_qty, lot.lot_size)
    record(session, actor=actor, action="dispose", entity="quality_lot", row=lot, before=before)
    sync_receipt(session, actor=actor, lot=lot)
    return lot


def disposed_rejected(disposition: str, found_bad: int | None, lot_size: int) -> int:
    """Units of a rejected lot that stay rejected after its disposition."""
    if disposition in _ALL_GOOD:
        return 0
    if disposition in _ALL_BAD or found_bad is None:
        return lot_size
    return found_bad


def sync_receipt(session: Session, *, actor: Actor, lot: Lot) -> None:
    """The receipt behind the lot takes the lot's outcome as its accepted/rejected quantities,
    so the defect-PPM KPI counts what inspection decided, not what was typed at the dock."""
    if lot.receipt_id is None or lot.rejected_qty is None:
        return
    outcome = lot.disposition or lot.status
    changed = set_receipt_outcome(
        session,
        actor=actor,
        receipt_id=lot.receipt_id,
        rejected_qty=Decimal(lot.rejected_qty),
        reason=f"QC lot {lot.lot_no}: {outcome}",  # stored text, like a typed reason
    )
    if changed:  # the maker's KPIs heard it from operations; the carrier's damage rate moves too
        carrier_inputs_changed(session, receipt_id=lot.receipt_id)


def carrier_inputs_changed(session: Session, *, receipt_id: int) -> None:
    """A receipt's rejected units count in the damage rate of the carrier whose lane moved its
    shipment (by ship day): tell that carrier's scorecards, as logistics does when the receipt
    is booked. Operations tells only the maker's when quality changes the figures later."""
    shipped = session.execute(
        select(ShipmentLine.shipment_id, Shipment.ship_date)
        .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
        .join(Receipt, Receipt.shipment_line_id == ShipmentLine.id)
        .where(Receipt.id == receipt_id)
    ).first()
    if shipped is None:
        return
    link = logistics_service.shipment_lane(
        session, actor=SYSTEM_ACTOR, shipment_id=shipped.shipment_id
    )
    if link is not None:
        partner_inputs_changed(session, link.partner_id, [shipped.ship_date])


def incoming_inspection(session: Session, lot: Lot) -> Inspection | None:
    return (
        session.execute(
            select(Inspection)
            .where(Inspection.lot_id == lot.id, Inspection.kind == "incoming")
            .order_by(Inspection.id)
        )
        .scalars()
        .first()
    )
