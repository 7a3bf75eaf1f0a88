"""A receipt of goods that travelled on a carrier's lane moves the carrier's figures (arrival
day for transit adherence, rejected units for damage): the carrier's stored scorecards hear of
it through ``core.partner_inputs``, as the maker's hear of it through operations' KPI hook."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.core.partner_inputs import partner_inputs_changed
from cofab.logistics.models import ShipmentLane
from cofab.operations.models import Receipt, Shipment, ShipmentLine
from cofab.operations.service import BookedReceipt, register_receipt_listener


def carrier_receipt(session: Session, *, actor: Actor, receipt: BookedReceipt) -> None:
    del actor
    carried = session.execute(
        select(ShipmentLane.partner_id, Shipment.ship_date)
        .join(Shipment, Shipment.id == ShipmentLane.shipment_id)
        .join(ShipmentLine, ShipmentLine.shipment_id == Shipment.id)
        .join(Receipt, Receipt.shipment_line_id == ShipmentLine.id)
        .where(Receipt.id == receipt.receipt_id)
    ).first()
    if carried is not None:
        partner_inputs_changed(session, carried.partner_id, [carried.ship_date])


register_receipt_listener(carrier_receipt)
