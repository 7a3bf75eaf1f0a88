"""Operations' receipts as the contracts domain's penalty feed (a hook, so contracts never
reads operations' tables): registered with ``contracts.service`` when the app is wired
(``cofab.domains.HOOK_MODULES``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from cofab.contracts.service import DeliveredLot, register_receipt_feed
from cofab.core.access import Actor
from cofab.operations import shipments
from cofab.operations.models import OrderLine, Receipt


def delivered_lots(
    session: Session, *, actor: Actor, partner_id: int, start: date, end: date
) -> list[DeliveredLot]:
    """The partner's receipts in ``[start, end]`` the actor may see, oldest first."""
    stmt = (
        shipments.receipt_query(actor, partner_id=partner_id)
        .join(OrderLine, OrderLine.id == Receipt.line_id)
        .add_columns(OrderLine)
        .where(Receipt.received_date >= start, Receipt.received_date <= end)
        .order_by(None)
        .order_by(Receipt.received_date, Receipt.id)
    )
    lots = []
    for row in session.execute(stmt):
        receipt, line = row[0], row[1]
        lots.append(
            DeliveredLot(
                ref=receipt.external_ref or f"receipt {receipt.id}",
                due_date=line.promised_date,
                received_date=receipt.received_date,
                quantity=receipt.received_qty,
                unit_price=line.unit_price,
                currency=receipt.currency,
                item=line.product,
                accepted=receipt.accepted_qty,
                rejected=receipt.rejected_qty,
            )
        )
    return lots


register_receipt_feed(delivered_lots)
