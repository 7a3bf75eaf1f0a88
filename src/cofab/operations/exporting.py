"""Operations data as CSV/XLSX tables. The columns are the importer's, so an exported file can be
edited and imported back; a few read-only columns (status, promise, delivery state, line total)
ride along and are ignored on import. Partners and sites without an external reference are
written as ``#<id>`` (see ``refs``), which the importer reads back."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core.access import Actor, scope_to_partner
from cofab.operations import fulfilment, refs
from cofab.operations.importing import COLUMNS, EXPORT_ONLY
from cofab.operations.models import (
    InventorySnapshot,
    Order,
    OrderLine,
    ProgressEvent,
    Receipt,
    Shipment,
    ShipmentLine,
)
from cofab.partners.models import Partner, Site

EXPORT_KINDS = ("orders", "progress", "shipments", "receipts", "inventory")
MAX_EXPORT_ROWS = 200_000


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def export_table(
    session: Session, *, actor: Actor, kind: str, partner_id: int | None = None
) -> tuple[list[str], list[list[Any]]]:
    headers = COLUMNS[kind] + EXPORT_ONLY[kind]
    rows: list[list[Any]] = []
    if kind == "orders":
        stmt = (
            select(OrderLine, Order, Partner.external_ref, Site.external_ref, Site.id)
            .join(Order, Order.id == OrderLine.order_id)
            .join(Partner, Partner.id == Order.partner_id)
            .outerjoin(Site, Site.id == Order.site_id)
            .order_by(Order.order_date, Order.external_ref, OrderLine.line_no)
        )
        stmt = scope_to_partner(stmt, actor, OrderLine.partner_id)
        if partner_id is not None:
            stmt = stmt.where(OrderLine.partner_id == partner_id)
        for line, order, partner_ref, site_ref, site_id in session.execute(
            stmt.limit(MAX_EXPORT_ROWS)
        ):
            rows.append(
                [
                    order.external_ref,
                    refs.ref_of(partner_ref, order.partner_id),
                    refs.ref_of(site_ref, site_id) if site_id is not None else None,
                    _iso(order.order_date),
                    order.currency,
                    order.incoterm,
                    order.incoterm_place,
                    line.line_no,
                    line.product,
                    line.product_family,
                    line.quantity,
                    line.unit_price,
                    _iso(line.requested_date),
                    _iso(line.promised_date),
                    line.promised_qty,
                    line.ack_status,
                    order.status,
                    fulfilment.state_of_line(line, order.status),
                    fulfilment.line_total(line.promised_qty, line.unit_price),
                ]
            )
    elif kind == "progress":
        stmt_p = (
            select(ProgressEvent, Order.external_ref, OrderLine.line_no)
            .join(OrderLine, OrderLine.id == ProgressEvent.line_id)
            .join(Order, Order.id == OrderLine.order_id)
            .order_by(ProgressEvent.at, ProgressEvent.id)
        )
        stmt_p = scope_to_partner(stmt_p, actor, ProgressEvent.partner_id)
        if partner_id is not None:
            stmt_p = stmt_p.where(ProgressEvent.partner_id == partner_id)
        for event, ref, line_no in session.execute(stmt_p.limit(MAX_EXPORT_ROWS)):
            rows.append(
                [
                    ref,
                    line_no,
                    event.stage,
                    event.quantity,
                    _iso(event.at),
                    event.note,
                    event.posted_by,
                ]
            )
    elif kind == "shipments":
        stmt_s = (
            select(Shipment, ShipmentLine, Order.external_ref, OrderLine.line_no)
            .join(ShipmentLine, ShipmentLine.shipment_id == Shipment.id)
            .join(OrderLine, OrderLine.id == ShipmentLine.line_id)
            .join(Order, Order.id == OrderLine.order_id)
            .order_by(Shipment.ship_date, Shipment.external_ref, ShipmentLine.id)
        )
        stmt_s = scope_to_partner(stmt_s, actor, Shipment.partner_id)
        if partner_id is not None:
            stmt_s = stmt_s.where(Shipment.partner_id == partner_id)
        for shipment, sl, ref, line_no in session.execute(stmt_s.limit(MAX_EXPORT_ROWS)):
            rows.append(
                [
                    shipment.external_ref,
                    _iso(shipment.ship_date),
                    _iso(shipment.eta),
                    shipment.carrier,
                    shipment.tracking,
                    ref,
                    line_no,
                    sl.quantity,
                ]
            )
    elif kind == "receipts":
        stmt_r = (
            select(Receipt, Shipment.external_ref, Order.external_ref, OrderLine.line_no)
            .join(ShipmentLine, ShipmentLine.id == Receipt.shipment_line_id)
            .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
            .join(OrderLine, OrderLine.id == Receipt.line_id)
            .join(Order, Order.id == OrderLine.order_id)
            .order_by(Receipt.received_date, Receipt.id)
        )
        stmt_r = scope_to_partner(stmt_r, actor, Receipt.partner_id)
        if partner_id is not None:
            stmt_r = stmt_r.where(Receipt.partner_id == partner_id)
        for receipt, asn, ref, line_no in session.execute(stmt_r.limit(MAX_EXPORT_ROWS)):
            rows.append(
                [
                    receipt.external_ref,
                    asn,
                    ref,
                    line_no,
                    _iso(receipt.received_date),
                    receipt.accepted_qty,
                    receipt.rejected_qty,
                    receipt.reject_reason,
                    receipt.landed_unit_cost,
                    receipt.currency,
                    receipt.received_qty,
                ]
            )
    else:
        stmt_i = (
            select(InventorySnapshot, Site.external_ref, Site.name, Site.id)
            .join(Site, Site.id == InventorySnapshot.site_id)
            .order_by(Site.name, InventorySnapshot.item, InventorySnapshot.at)
        )
        stmt_i = scope_to_partner(stmt_i, actor, InventorySnapshot.partner_id)
        if partner_id is not None:
            stmt_i = stmt_i.where(InventorySnapshot.partner_id == partner_id)
        for snap, site_ref, site_name, site_id in session.execute(stmt_i.limit(MAX_EXPORT_ROWS)):
            rows.append(
                [
                    refs.ref_of(site_ref, site_id),
                    snap.item,
                    _iso(snap.at),
                    snap.on_hand,
                    snap.reserved,
                    snap.in_transit,
                    site_name,
                ]
            )
    return headers, rows
