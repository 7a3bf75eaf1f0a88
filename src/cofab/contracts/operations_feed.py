"""Receipts and incoming-inspection results from the operations module, as penalty inputs.

Operations books each receipt against an order line, with the quantity accepted and rejected at
incoming inspection. For a contract and a period this reads every receipt from the contract's
partner parties received in the period: the due date is the order line's promised date, the
price the order line's unit price, and the inspection result is accepted + rejected inspected
with the rejected units defective. Open lines not yet received are not in this feed (they are in
the file format, as lines without a received date). Receipts in another currency than the
contract's are listed as not charged rather than mixed into the totals.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from cofab.contracts.models import Contract
from cofab.contracts.penalties import InspectionLine, Period, ReceiptLine
from cofab.contracts.queries import party_partner_ids
from cofab.core.access import Actor
from cofab.core.i18n import N_
from cofab.operations import shipments as operations_shipments
from cofab.operations.models import OrderLine, Receipt

Skipped = list[tuple[str, str, dict[str, Any]]]


def lines_from_operations(
    session: Session, *, actor: Actor, contract: Contract, period: Period, currency: str
) -> tuple[list[ReceiptLine], list[InspectionLine], Skipped]:
    receipts: list[ReceiptLine] = []
    inspections: list[InspectionLine] = []
    skipped: Skipped = []
    for partner_id in party_partner_ids(contract):
        stmt = (
            operations_shipments.receipt_query(actor, partner_id=partner_id)
            .join(OrderLine, OrderLine.id == Receipt.line_id)
            .add_columns(OrderLine)
            .where(Receipt.received_date >= period.start, Receipt.received_date <= period.end)
            .order_by(None)
            .order_by(Receipt.received_date, Receipt.id)
        )
        for row in session.execute(stmt):
            receipt, line = row[0], row[1]
            ref = receipt.external_ref or f"receipt {receipt.id}"
            if receipt.currency != currency:
                skipped.append(
                    (
                        ref,
                        N_("In {currency}, not in the contract's currency {expected}."),
                        {"currency": receipt.currency, "expected": currency},
                    )
                )
                continue
            receipts.append(
                ReceiptLine(
                    ref=ref,
                    due_date=line.promised_date,
                    received_date=receipt.received_date,
                    quantity=receipt.received_qty,
                    unit_price=line.unit_price,
                    item=line.product,
                )
            )
            inspected = int(receipt.accepted_qty + receipt.rejected_qty)
            inspections.append(
                InspectionLine(
                    ref=ref,
                    inspected_on=receipt.received_date,
                    inspected=inspected,
                    defective=min(int(receipt.rejected_qty), inspected),
                    lot=line.product,
                )
            )
    return receipts, inspections, skipped
