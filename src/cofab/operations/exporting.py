"""Operations data as CSV/XLSX tables. The columns are the importer's, so an exported file can be
edited and imported back; a few read-only columns (status, promise, delivery state, line total)
ride along and are ignored on import. Partners and sites without an external reference are
written as ``#<id>`` (see ``refs``), which the importer reads back.

Each kind is one spec: the query its rows come from, the partner column that scopes it, and one
cell per column, named as the importer names it (``COLUMNS`` + ``EXPORT_ONLY``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from sqlalchemy import Row, Select, select
from sqlalchemy.orm import InstrumentedAttribute, Session

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

MAX_EXPORT_ROWS = 200_000

Cell = Callable[[Row[*tuple[Any, ...]]], Any]


@dataclass(frozen=True)
class _Kind:
    """Where a kind's rows come from, the column that scopes them to a partner, and its cells."""

    query: Select[*tuple[Any, ...]]
    partner_column: InstrumentedAttribute[int]
    cells: Mapping[str, Cell]


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _get(path: str) -> Cell:
    """The cell at ``path`` of a result row ("Order.currency": the Order entity's currency)."""
    getter = attrgetter(path)
    return lambda row: getter(row)


def _date(path: str) -> Cell:
    """A date or time cell, written in ISO form."""
    getter = attrgetter(path)
    return lambda row: _iso(getter(row))


def _site_ref_or_none(row: Row[*tuple[Any, ...]]) -> str | None:
    return refs.ref_of(row.site_ref, row.site_id) if row.site_id is not None else None


KINDS: dict[str, _Kind] = {
    "orders": _Kind(
        select(
            OrderLine,
            Order,
            Partner.external_ref.label("partner_ref"),
            Site.external_ref.label("site_ref"),
            Site.id.label("site_id"),
        )
        .join(Order, Order.id == OrderLine.order_id)
        .join(Partner, Partner.id == Order.partner_id)
        .outerjoin(Site, Site.id == Order.site_id)
        .order_by(Order.order_date, Order.external_ref, OrderLine.line_no),
        OrderLine.partner_id,
        {
            "order_ref": _get("Order.external_ref"),
            "partner_ref": lambda row: refs.ref_of(row.partner_ref, row.Order.partner_id),
            "site_ref": _site_ref_or_none,
            "order_date": _date("Order.order_date"),
            "currency": _get("Order.currency"),
            "incoterm": _get("Order.incoterm"),
            "incoterm_place": _get("Order.incoterm_place"),
            "line_no": _get("OrderLine.line_no"),
            "product": _get("OrderLine.product"),
            "product_family": _get("OrderLine.product_family"),
            "quantity": _get("OrderLine.quantity"),
            "unit_price": _get("OrderLine.unit_price"),
            "requested_date": _date("OrderLine.requested_date"),
            "promised_date": _date("OrderLine.promised_date"),
            "promised_qty": _get("OrderLine.promised_qty"),
            "ack_status": _get("OrderLine.ack_status"),
            "order_status": _get("Order.status"),
            "line_state": lambda row: fulfilment.state_of_line(row.OrderLine, row.Order.status),
            "line_total": lambda row: fulfilment.line_total(
                row.OrderLine.promised_qty, row.OrderLine.unit_price
            ),
        },
    ),
    "progress": _Kind(
        select(
            ProgressEvent,
            Order.external_ref.label("order_ref"),
            OrderLine.line_no.label("line_no"),
        )
        .join(OrderLine, OrderLine.id == ProgressEvent.line_id)
        .join(Order, Order.id == OrderLine.order_id)
        .order_by(ProgressEvent.at, ProgressEvent.id),
        ProgressEvent.partner_id,
        {
            "order_ref": _get("order_ref"),
            "line_no": _get("line_no"),
            "stage": _get("ProgressEvent.stage"),
            "quantity": _get("ProgressEvent.quantity"),
            "at": _date("ProgressEvent.at"),
            "note": _get("ProgressEvent.note"),
            "posted_by": _get("ProgressEvent.posted_by"),
        },
    ),
    "shipments": _Kind(
        select(
            Shipment,
            ShipmentLine,
            Order.external_ref.label("order_ref"),
            OrderLine.line_no.label("line_no"),
        )
        .join(ShipmentLine, ShipmentLine.shipment_id == Shipment.id)
        .join(OrderLine, OrderLine.id == ShipmentLine.line_id)
        .join(Order, Order.id == OrderLine.order_id)
        .order_by(Shipment.ship_date, Shipment.external_ref, ShipmentLine.id),
        Shipment.partner_id,
        {
            "asn_ref": _get("Shipment.external_ref"),
            "ship_date": _date("Shipment.ship_date"),
            "eta": _date("Shipment.eta"),
            "carrier": _get("Shipment.carrier"),
            "tracking": _get("Shipment.tracking"),
            "order_ref": _get("order_ref"),
            "line_no": _get("line_no"),
            "quantity": _get("ShipmentLine.quantity"),
        },
    ),
    "receipts": _Kind(
        select(
            Receipt,
            Shipment.external_ref.label("asn_ref"),
            Order.external_ref.label("order_ref"),
            OrderLine.line_no.label("line_no"),
        )
        .join(ShipmentLine, ShipmentLine.id == Receipt.shipment_line_id)
        .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
        .join(OrderLine, OrderLine.id == Receipt.line_id)
        .join(Order, Order.id == OrderLine.order_id)
        .order_by(Receipt.received_date, Receipt.id),
        Receipt.partner_id,
        {
            "receipt_ref": _get("Receipt.external_ref"),
            "asn_ref": _get("asn_ref"),
            "order_ref": _get("order_ref"),
            "line_no": _get("line_no"),
            "received_date": _date("Receipt.received_date"),
            "accepted_qty": _get("Receipt.accepted_qty"),
            "rejected_qty": _get("Receipt.rejected_qty"),
            "reject_reason": _get("Receipt.reject_reason"),
            "landed_unit_cost": _get("Receipt.landed_unit_cost"),
            "currency": _get("Receipt.currency"),
            "received_qty": _get("Receipt.received_qty"),
        },
    ),
    "inventory": _Kind(
        select(
            InventorySnapshot,
            Site.external_ref.label("site_ref"),
            Site.name.label("site_name"),
            Site.id.label("site_id"),
        )
        .join(Site, Site.id == InventorySnapshot.site_id)
        .order_by(Site.name, InventorySnapshot.item, InventorySnapshot.at),
        InventorySnapshot.partner_id,
        {
            "site_ref": lambda row: refs.ref_of(row.site_ref, row.site_id),
            "item": _get("InventorySnapshot.item"),
            "at": _date("InventorySnapshot.at"),
            "on_hand": _get("InventorySnapshot.on_hand"),
            "reserved": _get("InventorySnapshot.reserved"),
            "in_transit": _get("InventorySnapshot.in_transit"),
            "site_name": _get("site_name"),
        },
    ),
}
EXPORT_KINDS = tuple(KINDS)


def export_table(
    session: Session, *, actor: Actor, kind: str, partner_id: int | None = None
) -> tuple[list[str], list[list[Any]]]:
    spec = KINDS[kind]
    headers = COLUMNS[kind] + EXPORT_ONLY[kind]
    cells = [spec.cells[name] for name in headers]
    stmt = scope_to_partner(spec.query, actor, spec.partner_column)
    if partner_id is not None:
        stmt = stmt.where(spec.partner_column == partner_id)
    rows = [[cell(row) for cell in cells] for row in session.execute(stmt.limit(MAX_EXPORT_ROWS))]
    return headers, rows
