"""Operations tables: orders and their lines, acknowledgements with a version history, production
progress, shipping notices and receipts, inventory snapshots and support tickets. (The
scorecards and performance reviews built on top of them are the performance domain's.)

Every partner-owned row carries ``partner_id`` so ``core.access`` can scope it with one filter.
Order lines repeat the order's ``site_id`` and ``currency``: KPI queries over a million lines then
group and filter without joining the order headers.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from cofab.db.base import Base, Timestamped, UTCDateTime, utcnow
from cofab.partners.models import partner_id_column
from cofab.units.models import unit_id_column

QTY = Numeric(18, 3)
MONEY = Numeric(18, 4)


class OrderStatus(enum.StrEnum):
    OPEN = "open"
    PENDING_APPROVAL = "pending_approval"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class AckStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    PROPOSED = "proposed"
    CANCELLED = "cancelled"


class Stage(enum.StrEnum):
    MATERIALS_READY = "materials_ready"
    IN_PRODUCTION = "in_production"
    QUALITY_CHECK = "quality_check"
    PACKED = "packed"
    SHIPPED = "shipped"


STAGES: tuple[str, ...] = tuple(s.value for s in Stage)


class Order(Timestamped, Base):
    __tablename__ = "ops_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = unit_id_column()
    partner_id: Mapped[int] = partner_id_column()
    site_id: Mapped[int | None] = mapped_column(
        ForeignKey("partner_sites.id", ondelete="SET NULL"), index=True
    )
    external_ref: Mapped[str] = mapped_column(String(64), unique=True)
    order_date: Mapped[date] = mapped_column(Date, index=True)
    currency: Mapped[str] = mapped_column(String(3))
    incoterm: Mapped[str] = mapped_column(String(3))
    incoterm_place: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default=OrderStatus.OPEN.value, index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(254), default="system")
    approved_by: Mapped[str | None] = mapped_column(String(254))


def _kpi_index(name: str, columns: str) -> Index:
    """A covering index for the period KPIs, its columns named in one string (in index order)."""
    return Index(name, *columns.split())


class OrderLine(Timestamped, Base):
    __tablename__ = "ops_order_lines"
    __table_args__ = (
        UniqueConstraint("order_id", "line_no"),
        Index("ix_ops_order_lines_partner_promised", "partner_id", "promised_date"),
        # Covering indexes for the quarter KPIs (lines due / ordered / completed in a period):
        # the period's entries sit together in the index, so a quarter is read without visiting
        # a million scattered table rows.
        _kpi_index(
            "ix_ops_order_lines_due_kpi",
            "promised_date partner_id ack_status promised_qty completed_on filled_on"
            " last_received_on accepted_total site_id product_family id",
        ),
        _kpi_index(
            "ix_ops_order_lines_ordered_kpi",
            "order_date partner_id ack_status created_at acknowledged_at site_id product_family",
        ),
        _kpi_index(
            "ix_ops_order_lines_completed_kpi",
            "completed_on partner_id ack_status order_date site_id product_family",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = partner_id_column()
    order_id: Mapped[int] = mapped_column(
        ForeignKey("ops_orders.id", ondelete="CASCADE"), index=True
    )
    site_id: Mapped[int | None] = mapped_column(
        ForeignKey("partner_sites.id", ondelete="SET NULL"), index=True
    )
    line_no: Mapped[int] = mapped_column(Integer)
    product: Mapped[str] = mapped_column(String(100), index=True)
    product_family: Mapped[str | None] = mapped_column(String(100), index=True)
    quantity: Mapped[Decimal] = mapped_column(QTY)
    unit_price: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3))
    order_date: Mapped[date] = mapped_column(Date, index=True)
    requested_date: Mapped[date] = mapped_column(Date)
    promised_date: Mapped[date] = mapped_column(Date, index=True)
    promised_qty: Mapped[Decimal] = mapped_column(QTY)
    ack_status: Mapped[str] = mapped_column(String(12), default=AckStatus.PENDING.value, index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reject_reason: Mapped[str | None] = mapped_column(String(500))
    proposed_date: Mapped[date | None] = mapped_column(Date)
    proposed_qty: Mapped[Decimal | None] = mapped_column(QTY)
    proposal_note: Mapped[str | None] = mapped_column(String(500))
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Receipt totals kept by ``line_totals.refresh`` whenever a receipt or the promised quantity
    # changes, so quarter KPIs read one row per line instead of windowing every receipt.
    received_total: Mapped[Decimal] = mapped_column(QTY, default=Decimal(0), server_default="0")
    accepted_total: Mapped[Decimal] = mapped_column(QTY, default=Decimal(0), server_default="0")
    completed_on: Mapped[date | None] = mapped_column(Date)
    filled_on: Mapped[date | None] = mapped_column(Date)
    last_received_on: Mapped[date | None] = mapped_column(Date)


class LineVersion(Base):
    """One row per state of an order line: ``valid_from``/``valid_to`` answer "what was promised
    on day D" with one indexed query instead of replaying the audit log."""

    __tablename__ = "ops_line_versions"
    __table_args__ = (UniqueConstraint("line_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = partner_id_column()
    line_id: Mapped[int] = mapped_column(
        ForeignKey("ops_order_lines.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    change: Mapped[str] = mapped_column(String(24))
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    valid_to: Mapped[datetime | None] = mapped_column(UTCDateTime())
    quantity: Mapped[Decimal] = mapped_column(QTY)
    unit_price: Mapped[Decimal] = mapped_column(MONEY)
    requested_date: Mapped[date] = mapped_column(Date)
    promised_date: Mapped[date] = mapped_column(Date)
    promised_qty: Mapped[Decimal] = mapped_column(QTY)
    ack_status: Mapped[str] = mapped_column(String(12))
    proposed_date: Mapped[date | None] = mapped_column(Date)
    proposed_qty: Mapped[Decimal | None] = mapped_column(QTY)
    note: Mapped[str | None] = mapped_column(String(500))
    changed_by: Mapped[str] = mapped_column(String(254))


class ProgressEvent(Base):
    """Quantity of a line that has reached a stage, as reported at ``at`` (latest report wins)."""

    __tablename__ = "ops_progress"
    __table_args__ = (UniqueConstraint("line_id", "stage", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = partner_id_column()
    line_id: Mapped[int] = mapped_column(
        ForeignKey("ops_order_lines.id", ondelete="CASCADE"), index=True
    )
    stage: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[Decimal] = mapped_column(QTY)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str | None] = mapped_column(String(500))
    posted_by: Mapped[str] = mapped_column(String(254))


class Shipment(Timestamped, Base):
    """An advance shipping notice; ``external_ref`` is the ASN number (unique per partner)."""

    __tablename__ = "ops_shipments"
    __table_args__ = (UniqueConstraint("partner_id", "external_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = partner_id_column()
    external_ref: Mapped[str] = mapped_column(String(64))
    ship_date: Mapped[date] = mapped_column(Date, index=True)
    eta: Mapped[date | None] = mapped_column(Date)
    carrier: Mapped[str | None] = mapped_column(String(100))
    tracking: Mapped[str | None] = mapped_column(String(100))
    created_by: Mapped[str] = mapped_column(String(254))


class ShipmentLine(Base):
    __tablename__ = "ops_shipment_lines"
    __table_args__ = (UniqueConstraint("shipment_id", "line_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = partner_id_column()
    shipment_id: Mapped[int] = mapped_column(
        ForeignKey("ops_shipments.id", ondelete="CASCADE"), index=True
    )
    line_id: Mapped[int] = mapped_column(
        ForeignKey("ops_order_lines.id", ondelete="CASCADE"), index=True
    )
    quantity: Mapped[Decimal] = mapped_column(QTY)


class Receipt(Base):
    """Goods received at the owner against one shipment line; the basis of OTD, PPM and cost."""

    __tablename__ = "ops_receipts"
    __table_args__ = (
        Index("ix_ops_receipts_line_date", "line_id", "received_date"),
        # covering: defect PPM and cost per partner for a period, from the index alone
        _kpi_index(
            "ix_ops_receipts_period_kpi",
            "received_date partner_id currency received_qty rejected_qty landed_unit_cost"
            " contract_unit_price",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = partner_id_column()
    external_ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    shipment_line_id: Mapped[int] = mapped_column(
        ForeignKey("ops_shipment_lines.id", ondelete="CASCADE"), index=True
    )
    line_id: Mapped[int] = mapped_column(ForeignKey("ops_order_lines.id", ondelete="CASCADE"))
    received_date: Mapped[date] = mapped_column(Date, index=True)
    received_qty: Mapped[Decimal] = mapped_column(QTY)
    accepted_qty: Mapped[Decimal] = mapped_column(QTY)
    rejected_qty: Mapped[Decimal] = mapped_column(QTY)
    reject_reason: Mapped[str | None] = mapped_column(String(500))
    landed_unit_cost: Mapped[Decimal | None] = mapped_column(MONEY)
    # the order line's unit price when the goods arrived: what the cost index compares against
    contract_unit_price: Mapped[Decimal | None] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3))
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class InventorySnapshot(Base):
    """Append-only: the newest snapshot per site and item is the current stock, the rest history."""

    __tablename__ = "ops_inventory"
    __table_args__ = (
        UniqueConstraint("site_id", "item", "at"),
        Index("ix_ops_inventory_site_item_at", "site_id", "item", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = partner_id_column()
    site_id: Mapped[int] = mapped_column(ForeignKey("partner_sites.id", ondelete="CASCADE"))
    item: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    on_hand: Mapped[Decimal] = mapped_column(QTY)
    reserved: Mapped[Decimal] = mapped_column(QTY)
    in_transit: Mapped[Decimal] = mapped_column(QTY)
    posted_by: Mapped[str] = mapped_column(String(254))


class SupportTicket(Timestamped, Base):
    __tablename__ = "ops_tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = unit_id_column()
    partner_id: Mapped[int] = partner_id_column()
    site_id: Mapped[int | None] = mapped_column(ForeignKey("partner_sites.id", ondelete="SET NULL"))
    product_family: Mapped[str | None] = mapped_column(String(100))
    external_ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text)
    priority: Mapped[str] = mapped_column(String(10), default="normal")
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    response_note: Mapped[str | None] = mapped_column(Text)
    resolution_note: Mapped[str | None] = mapped_column(Text)
    opened_by: Mapped[str] = mapped_column(String(254))


class ChangeCounter(Base):
    """Bumped in the same transaction as every operations write: live views compare one integer
    per poll instead of re-running their queries."""

    __tablename__ = "ops_change_counters"

    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, default=0)
