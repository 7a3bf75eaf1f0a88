"""What operations offers other domains: hooks into its writes and pages, its shared checks, and
orders placed from a plan.

Quality opens an inspection lot for each receipt without operations knowing quality: it
registers a listener here when it is wired in, and ``shipments.apply_receipts`` calls every
listener in the same transaction as the receipt (a listener that refuses fails the booking).
Performance registers its order gate, its scorecard refresh, its review items and its commands
through the registries of ``extensions`` (re-exported here), and follows operations' write rules
(``rules``: who writes, reporting-date bounds, audit plus the live-view counter in one step).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.core.wiring import ensure_wired
from cofab.operations.extensions import (
    GATE_ACTIONS,
    TodoEntry,
    register_cli_extension,
    register_kpi_input_listener,
    register_order_gate,
    register_outcome_owner,
    register_overdue_source,
    register_todo_source,
)
from cofab.operations.rules import (
    EARLIEST_REPORT_DATE,
    LATEST_REPORT_DATE,
    OPS_WRITERS,
    RECEIVERS,
    check_report_dates,
    ensure_owner_writer,
    get_partner_checked,
    now_utc,
    raise_if,
    record,
    visible_or_404,
)

__all__ = [
    "EARLIEST_REPORT_DATE",
    "GATE_ACTIONS",
    "LATEST_REPORT_DATE",
    "OPS_WRITERS",
    "RECEIVERS",
    "BookedReceipt",
    "PlannedOrderLine",
    "ReceiptListener",
    "TodoEntry",
    "check_report_dates",
    "create_planned_order",
    "ensure_owner_writer",
    "get_partner_checked",
    "now_utc",
    "raise_if",
    "receipt_booked",
    "record",
    "register_cli_extension",
    "register_kpi_input_listener",
    "register_order_gate",
    "register_outcome_owner",
    "register_overdue_source",
    "register_receipt_listener",
    "register_todo_source",
    "set_receipt_outcome",
    "visible_or_404",
]


@dataclass(frozen=True)
class BookedReceipt:
    """One newly booked receipt: what was received, from whom, against which order line."""

    receipt_id: int
    partner_id: int
    site_id: int | None
    order_line_id: int
    product: str
    received_qty: Decimal
    received_date: date
    external_ref: str | None


class ReceiptListener(Protocol):
    def __call__(self, session: Session, *, actor: Actor, receipt: BookedReceipt) -> None: ...


_listeners: list[ReceiptListener] = []


def register_receipt_listener(listener: ReceiptListener) -> None:
    """Called by a domain that acts on receipts (quality) when it is wired in."""
    if listener not in _listeners:
        _listeners.append(listener)


def receipt_booked(session: Session, *, actor: Actor, receipt: BookedReceipt) -> None:
    ensure_wired()
    for listener in _listeners:
        listener(session, actor=actor, receipt=receipt)


def set_receipt_outcome(
    session: Session, *, actor: Actor, receipt_id: int, rejected_qty: Decimal, reason: str | None
) -> bool:
    """The inspection decided how much of a receipt is good (quality's verdict and disposition):
    rejected is ``rejected_qty`` (clamped to 0…received), accepted the rest. Line totals and KPI
    inputs (defect PPM, fill rate) follow in the same transaction; True when anything changed."""
    from cofab.core import audit
    from cofab.operations import extensions, line_totals
    from cofab.operations.models import OrderLine, Receipt

    receipt = session.get(Receipt, receipt_id)
    if receipt is None:
        return False
    received = Decimal(receipt.received_qty)
    rejected = min(max(Decimal(rejected_qty), Decimal(0)), received)
    reject_reason = (reason or receipt.reject_reason) if rejected > 0 else None
    if Decimal(receipt.rejected_qty) == rejected and receipt.reject_reason == reject_reason:
        return False
    before = audit.snapshot(receipt)
    receipt.rejected_qty = rejected
    receipt.accepted_qty = received - rejected
    receipt.reject_reason = reject_reason
    record(session, actor=actor, action="update", entity="receipt", row=receipt, before=before)
    line_totals.refresh(session, [receipt.line_id])
    line = session.get(OrderLine, receipt.line_id)
    promised = line.promised_date if line is not None else None
    extensions.kpi_inputs_changed(session, receipt.partner_id, (receipt.received_date, promised))
    return True


@dataclass(frozen=True)
class PlannedOrderLine:
    """One line of an order placed from a plan (the forecast domain's frozen zone)."""

    product: str
    product_family: str | None
    quantity: Decimal
    unit_price: Decimal
    requested_date: date


def create_planned_order(
    session: Session,
    *,
    actor: Actor,
    partner_id: int,
    external_ref: str,
    currency: str,
    lines: list[PlannedOrderLine],
) -> tuple[int, list[int]]:
    """An order from a plan, with every check, gate and acknowledgement an order has; returns
    the order id and its line ids in the order given (the same reference again returns the
    existing order, as ``create_order`` does)."""
    from cofab.operations import orders, schemas

    order, _created = orders.create_order(
        session,
        actor=actor,
        data=schemas.OrderCreate(
            partner_id=partner_id,
            external_ref=external_ref,
            currency=currency,
            incoterm="FCA",
            lines=[
                schemas.OrderLineIn(
                    line_no=index + 1,
                    product=line.product,
                    product_family=line.product_family,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    requested_date=line.requested_date,
                )
                for index, line in enumerate(lines)
            ],
        ),
    )
    return order.id, [line.id for line in orders.lines_of(session, order.id)]
