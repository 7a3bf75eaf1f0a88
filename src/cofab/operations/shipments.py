"""Advance shipping notices from partners and receipts booked at the owner.

An ASN is identified by its number per partner: posting the same ASN again changes nothing,
posting a different one under the same number is refused (or, from an import, replaces it while
nothing has been received yet). A receipt can never exceed what was shipped, never be dated in
the future, and is booked in the order's currency.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from cofab.core import audit
from cofab.core.access import Actor, scope_to_partner
from cofab.core.errors import Conflict, FieldProblem
from cofab.core.i18n import N_
from cofab.operations import extensions, line_totals, rules, schemas
from cofab.operations.models import (
    AckStatus,
    Order,
    OrderLine,
    OrderStatus,
    Receipt,
    Shipment,
    ShipmentLine,
)
from cofab.operations.service import BookedReceipt, receipt_booked

# --- reading ----------------------------------------------------------------------------------


def shipment_query(actor: Actor, *, partner_id: int | None = None) -> Select[Shipment]:
    stmt = scope_to_partner(select(Shipment), actor, Shipment.partner_id)
    if partner_id is not None:
        stmt = stmt.where(Shipment.partner_id == partner_id)
    return stmt.order_by(Shipment.ship_date.desc(), Shipment.id.desc())


def get_shipment(session: Session, *, actor: Actor, shipment_id: int) -> Shipment:
    shipment: Shipment = rules.visible_or_404(actor, session.get(Shipment, shipment_id))
    return shipment


def shipment_lines(session: Session, shipment_id: int) -> list[ShipmentLine]:
    stmt = (
        select(ShipmentLine)
        .where(ShipmentLine.shipment_id == shipment_id)
        .order_by(ShipmentLine.id)
    )
    return list(session.execute(stmt).scalars())


def received_per_shipment_line(session: Session, ids: list[int]) -> dict[int, Decimal]:
    if not ids:
        return {}
    stmt = (
        select(Receipt.shipment_line_id, func.sum(Receipt.received_qty))
        .where(Receipt.shipment_line_id.in_(ids))
        .group_by(Receipt.shipment_line_id)
    )
    return {sid: Decimal(str(qty or 0)) for sid, qty in session.execute(stmt)}


def shipment_detail(session: Session, *, actor: Actor, shipment_id: int) -> dict[str, Any]:
    shipment = get_shipment(session, actor=actor, shipment_id=shipment_id)
    lines = shipment_lines(session, shipment.id)
    order_lines = {
        ol.id: ol
        for ol in session.execute(
            select(OrderLine).where(OrderLine.id.in_([sl.line_id for sl in lines]))
        ).scalars()
    }
    orders_by_id = {
        o.id: o
        for o in session.execute(
            select(Order).where(Order.id.in_({ol.order_id for ol in order_lines.values()}))
        ).scalars()
    }
    receipts = list(
        session.execute(
            select(Receipt)
            .where(Receipt.shipment_line_id.in_([sl.id for sl in lines]))
            .order_by(Receipt.received_date, Receipt.id)
        ).scalars()
    )
    return {
        "shipment": shipment,
        "lines": lines,
        "order_lines": order_lines,
        "orders": orders_by_id,
        "received": received_per_shipment_line(session, [sl.id for sl in lines]),
        "receipts": receipts,
    }


def receipt_query(actor: Actor, *, partner_id: int | None = None) -> Select[Receipt]:
    stmt = scope_to_partner(select(Receipt), actor, Receipt.partner_id)
    if partner_id is not None:
        stmt = stmt.where(Receipt.partner_id == partner_id)
    return stmt.order_by(Receipt.received_date.desc(), Receipt.id.desc())


# --- ASNs -------------------------------------------------------------------------------------


def resolve_lines(
    session: Session, actor: Actor, data: schemas.ShipmentCreate, problems: list[FieldProblem]
) -> tuple[int | None, dict[int, OrderLine]]:
    """Check every line: known, visible, one partner, orderable; collect all problems."""
    partner_id: int | None = None
    found: dict[int, OrderLine] = {}
    for index, item in enumerate(data.lines):
        field = f"lines.{index}.line_id"
        line = session.get(OrderLine, item.line_id)
        if line is None or (actor.is_partner and line.partner_id != actor.partner_id):
            problems.append(
                FieldProblem(field, N_("Unknown order line {id}."), {"id": item.line_id})
            )
            continue
        if item.line_id in found:
            problems.append(
                FieldProblem(field, N_("Line {id} appears twice."), {"id": item.line_id})
            )
            continue
        if partner_id is None:
            partner_id = line.partner_id
        elif line.partner_id != partner_id:
            problems.append(
                FieldProblem(field, N_("All lines of one shipment must belong to one partner."))
            )
            continue
        order = session.get(Order, line.order_id)
        if line.ack_status in (AckStatus.CANCELLED, AckStatus.REJECTED) or (
            order is not None and order.status != OrderStatus.OPEN
        ):
            problems.append(
                FieldProblem(field, N_("Line {id} is not open for shipping."), {"id": item.line_id})
            )
            continue
        found[item.line_id] = line
    return partner_id, found


def same_shipment(
    shipment: Shipment, lines: list[ShipmentLine], data: schemas.ShipmentCreate
) -> bool:
    header = (shipment.ship_date, shipment.eta, shipment.carrier, shipment.tracking)
    if header != (data.ship_date, data.eta, data.carrier, data.tracking):
        return False
    mine = {(sl.line_id, Decimal(sl.quantity)) for sl in lines}
    return mine == {(item.line_id, Decimal(item.quantity)) for item in data.lines}


def post_shipment(
    session: Session,
    *,
    actor: Actor,
    data: schemas.ShipmentCreate,
    replace: bool = False,
) -> tuple[Shipment, str]:
    """Returns the ASN and "created", "updated" or "unchanged"."""
    problems: list[FieldProblem] = []
    if data.eta is not None and data.eta < data.ship_date:
        problems.append(FieldProblem("eta", N_("Must not be before the ship date.")))
    partner_id, _lines = resolve_lines(session, actor, data, problems)
    rules.raise_if(problems)
    assert partner_id is not None
    rules.ensure_partner_side(actor, partner_id)
    existing = session.execute(
        select(Shipment).where(
            Shipment.partner_id == partner_id, Shipment.external_ref == data.external_ref
        )
    ).scalar_one_or_none()
    if existing is not None:
        current = shipment_lines(session, existing.id)
        if same_shipment(existing, current, data):
            return existing, "unchanged"
        if not replace:
            raise Conflict(
                N_("ASN {ref} already exists with different content."), ref=data.external_ref
            )
        if received_per_shipment_line(session, [sl.id for sl in current]):
            raise Conflict(
                N_("ASN {ref} has receipts booked against it and cannot change."),
                ref=data.external_ref,
            )
        before = audit.snapshot(existing) | {
            "lines": [[sl.line_id, str(sl.quantity)] for sl in current]
        }
        for sl in current:
            session.delete(sl)
        session.flush()
        existing.ship_date = data.ship_date
        existing.eta = data.eta
        existing.carrier = data.carrier
        existing.tracking = data.tracking
        _add_lines(session, existing, data)
        rules.record(
            session,
            actor=actor,
            action="update",
            entity="shipment",
            row=existing,
            before=before,
            extra={"lines": [[i.line_id, str(i.quantity)] for i in data.lines]},
        )
        return existing, "updated"
    shipment = Shipment(
        partner_id=partner_id,
        external_ref=data.external_ref,
        ship_date=data.ship_date,
        eta=data.eta,
        carrier=data.carrier,
        tracking=data.tracking,
        created_by=actor.email,
    )
    session.add(shipment)
    session.flush()
    _add_lines(session, shipment, data)
    rules.record(
        session,
        actor=actor,
        action="create",
        entity="shipment",
        row=shipment,
        extra={"lines": [[i.line_id, str(i.quantity)] for i in data.lines]},
    )
    return shipment, "created"


def _add_lines(session: Session, shipment: Shipment, data: schemas.ShipmentCreate) -> None:
    for item in data.lines:
        session.add(
            ShipmentLine(
                partner_id=shipment.partner_id,
                shipment_id=shipment.id,
                line_id=item.line_id,
                quantity=item.quantity,
            )
        )
    session.flush()


# --- receipts ---------------------------------------------------------------------------------


@dataclass
class ReceiptPlan:
    shipment_line: ShipmentLine
    order_line: OrderLine
    item: schemas.ReceiptLineIn
    received_date: date
    existing: Receipt | None


def _same_receipt(
    session: Session, receipt: Receipt, item: schemas.ReceiptLineIn, received_date: date
) -> bool:
    """A receipt sent again is the same one when nothing typed at the dock differs; once an
    inspection has decided the accepted/rejected split, only the received total is compared."""
    cost = None if receipt.landed_unit_cost is None else Decimal(receipt.landed_unit_cost)
    wanted = None if item.landed_unit_cost is None else Decimal(item.landed_unit_cost)
    accepted, rejected = Decimal(item.accepted_qty), Decimal(item.rejected_qty)
    same_split = (
        Decimal(receipt.accepted_qty) == accepted and Decimal(receipt.rejected_qty) == rejected
    )
    return (
        receipt.shipment_line_id == item.shipment_line_id
        and receipt.received_date == received_date
        and Decimal(receipt.received_qty) == accepted + rejected
        and cost == wanted
        and receipt.currency == item.currency
        and (same_split or extensions.outcome_decided_elsewhere(session, receipt_id=receipt.id))
    )


def check_receipts(
    session: Session,
    *,
    shipment: Shipment,
    received_date: date,
    items: list[tuple[str, schemas.ReceiptLineIn]],
    problems: list[FieldProblem],
    date_field: str = "received_date",
    pending: dict[int, Decimal] | None = None,
) -> list[ReceiptPlan]:
    """Validate receipt rows against one shipment; ``prefix`` of each item names its row.
    ``pending`` carries quantities planned earlier in the same file or request."""
    pending = pending if pending is not None else {}
    lines = {sl.id: sl for sl in shipment_lines(session, shipment.id)}
    done = received_per_shipment_line(session, list(lines))
    plans: list[ReceiptPlan] = []
    if received_date > rules.today_anywhere():
        problems.append(FieldProblem(date_field, N_("Must not be in the future.")))
    if received_date < shipment.ship_date:
        problems.append(
            FieldProblem(
                date_field,
                N_("Must not be before the ship date {date}."),
                {"date": shipment.ship_date.isoformat()},
            )
        )
    for prefix, item in items:
        sl = lines.get(item.shipment_line_id)
        if sl is None:
            problems.append(
                FieldProblem(
                    _field(prefix, "shipment_line_id"),
                    N_("Unknown shipment line {id}."),
                    {"id": item.shipment_line_id},
                )
            )
            continue
        order_line = session.get(OrderLine, sl.line_id)
        assert order_line is not None
        existing = None
        if item.external_ref:
            existing = session.execute(
                select(Receipt).where(Receipt.external_ref == item.external_ref)
            ).scalar_one_or_none()
            if existing is not None:
                if existing.partner_id != shipment.partner_id or not _same_receipt(
                    session, existing, item, received_date
                ):
                    problems.append(
                        FieldProblem(
                            _field(prefix, "external_ref"),
                            N_("Receipt {ref} already exists with different content."),
                            {"ref": item.external_ref},
                        )
                    )
                    continue
                plans.append(ReceiptPlan(sl, order_line, item, received_date, existing))
                continue
        received = Decimal(item.accepted_qty) + Decimal(item.rejected_qty)
        row_ok = True
        if received <= 0:
            problems.append(
                FieldProblem(
                    _field(prefix, "accepted_qty"),
                    N_("Accepted plus rejected quantity must be greater than 0."),
                )
            )
            row_ok = False
        if Decimal(item.rejected_qty) > 0 and not item.reject_reason:
            problems.append(
                FieldProblem(
                    _field(prefix, "reject_reason"), N_("Give a reason for the rejected quantity.")
                )
            )
            row_ok = False
        if item.currency != order_line.currency:
            problems.append(
                FieldProblem(
                    _field(prefix, "currency"),
                    N_("Currency {got} does not match the order's currency {expected}."),
                    {"got": item.currency, "expected": order_line.currency},
                )
            )
            row_ok = False
        already = done.get(sl.id, Decimal(0)) + pending.get(sl.id, Decimal(0))
        if already + received > Decimal(sl.quantity):
            problems.append(
                FieldProblem(
                    _field(prefix, "accepted_qty"),
                    N_(
                        "Receiving {qty} would exceed the shipped quantity {shipped} "
                        "({done} already received)."
                    ),
                    {"qty": received, "shipped": sl.quantity, "done": already},
                )
            )
            row_ok = False
        if row_ok:
            pending[sl.id] = pending.get(sl.id, Decimal(0)) + received
            plans.append(ReceiptPlan(sl, order_line, item, received_date, None))
    return plans


def _field(prefix: str, name: str) -> str:
    return f"{prefix}{name}" if prefix.endswith(": ") else f"{prefix}.{name}"


def _booked(receipt: Receipt, line: OrderLine) -> BookedReceipt:
    return BookedReceipt(
        receipt_id=receipt.id,
        partner_id=receipt.partner_id,
        site_id=line.site_id,
        order_line_id=line.id,
        product=line.product,
        received_qty=Decimal(receipt.received_qty),
        received_date=receipt.received_date,
        external_ref=receipt.external_ref,
    )


def apply_receipts(
    session: Session, *, actor: Actor, plans: list[ReceiptPlan]
) -> list[tuple[Receipt, bool]]:
    """Write the planned receipts; rows already booked under their reference stay as they are."""
    outcomes: list[tuple[Receipt, bool]] = []
    for plan in plans:
        if plan.existing is not None:
            outcomes.append((plan.existing, False))
            continue
        item = plan.item
        receipt = Receipt(
            partner_id=plan.shipment_line.partner_id,
            external_ref=item.external_ref,
            shipment_line_id=plan.shipment_line.id,
            line_id=plan.order_line.id,
            received_date=plan.received_date,
            received_qty=Decimal(item.accepted_qty) + Decimal(item.rejected_qty),
            accepted_qty=item.accepted_qty,
            rejected_qty=item.rejected_qty,
            reject_reason=item.reject_reason,
            landed_unit_cost=item.landed_unit_cost,
            contract_unit_price=plan.order_line.unit_price,
            currency=item.currency,
            created_by=actor.email,
        )
        session.add(receipt)
        session.flush()
        if receipt.external_ref is None:
            receipt.external_ref = f"R{receipt.id}"  # so an export can be imported back
        rules.record(session, actor=actor, action="create", entity="receipt", row=receipt)
        receipt_booked(session, actor=actor, receipt=_booked(receipt, plan.order_line))
        outcomes.append((receipt, True))
    line_totals.refresh(session, {r.line_id for r, created in outcomes if created})
    for plan in plans:
        if plan.existing is None:  # on-time delivery counts by due date, quality by receipt date
            line = plan.order_line
            extensions.kpi_inputs_changed(
                session, line.partner_id, (plan.received_date, line.promised_date)
            )
    return outcomes


def post_receipts(
    session: Session, *, actor: Actor, shipment_id: int, data: schemas.ReceiptCreate
) -> list[tuple[Receipt, bool]]:
    shipment = get_shipment(session, actor=actor, shipment_id=shipment_id)
    rules.ensure_owner_writer(actor, rules.RECEIVERS)
    problems: list[FieldProblem] = []
    plans = check_receipts(
        session,
        shipment=shipment,
        received_date=data.received_date,
        items=[(f"lines.{i}", item) for i, item in enumerate(data.lines)],
        problems=problems,
    )
    rules.raise_if(problems)
    return apply_receipts(session, actor=actor, plans=plans)
