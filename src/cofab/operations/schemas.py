"""Pydantic in/out shapes for operations. Unknown fields are rejected; quantities never negative."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

INCOTERMS_2020 = ("EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP", "FAS", "FOB", "CFR", "CIF")
Incoterm = Literal["EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP", "FAS", "FOB", "CFR", "CIF"]
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code")]
Quantity = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=3)]
PositiveQuantity = Annotated[Decimal, Field(gt=0, max_digits=18, decimal_places=3)]
Money = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=4)]
Ref = Annotated[str, Field(min_length=1, max_length=64)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- orders -----------------------------------------------------------------------------------


class OrderLineIn(Strict):
    line_no: int | None = Field(default=None, ge=1, le=9999)
    product: str = Field(min_length=1, max_length=100)
    product_family: str | None = Field(default=None, max_length=100)
    quantity: PositiveQuantity
    unit_price: Money
    requested_date: date


class OrderCreate(Strict):
    partner_id: int
    site_id: int | None = None
    external_ref: Ref
    order_date: date | None = None
    currency: CurrencyCode
    incoterm: Incoterm
    incoterm_place: str | None = Field(default=None, max_length=200)
    notes: str | None = Field(default=None, max_length=5000)
    lines: list[OrderLineIn] = Field(min_length=1, max_length=500)


class LineChange(Strict):
    """An owner's change to a line; it resets the acknowledgement to pending."""

    quantity: PositiveQuantity | None = None
    unit_price: Money | None = None
    requested_date: date | None = None
    note: str | None = Field(default=None, max_length=500)


class AckAction(Strict):
    action: Literal["accept", "reject", "propose"]
    reason: str | None = Field(default=None, max_length=500)
    proposed_date: date | None = None
    proposed_qty: PositiveQuantity | None = None


class ProposalDecision(Strict):
    decision: Literal["accept", "reject"]
    note: str | None = Field(default=None, max_length=500)


class OrderLineRead(Read):
    id: int
    order_id: int
    partner_id: int
    site_id: int | None
    line_no: int
    product: str
    product_family: str | None
    quantity: Decimal
    unit_price: Decimal
    currency: str
    requested_date: date
    promised_date: date
    promised_qty: Decimal
    ack_status: str
    acknowledged_at: datetime | None
    reject_reason: str | None
    proposed_date: date | None
    proposed_qty: Decimal | None
    proposal_note: str | None
    version: int
    received_qty: Decimal = Field(
        default=Decimal(0), description="Received so far, accepted or rejected"
    )
    line_total: Decimal = Field(
        default=Decimal(0), description="Promised quantity × unit price, in the line's currency"
    )
    state: str = Field(
        default="",
        description="Delivery state: partially_received, received, closed, else the answer",
    )


class OrderRead(Read):
    id: int
    partner_id: int
    site_id: int | None
    external_ref: str
    order_date: date
    currency: str
    incoterm: str
    incoterm_place: str | None
    status: str
    notes: str | None
    state: str = Field(
        default="", description="status, or partially_received / received for an open order"
    )
    total_value: Decimal = Field(
        default=Decimal(0), description="Sum of the live lines' totals, in the order's currency"
    )


class OrderDetail(OrderRead):
    lines: list[OrderLineRead]


class LineVersionRead(Read):
    version: int
    change: str
    valid_from: datetime
    valid_to: datetime | None
    quantity: Decimal
    unit_price: Decimal
    requested_date: date
    promised_date: date
    promised_qty: Decimal
    ack_status: str
    proposed_date: date | None
    proposed_qty: Decimal | None
    note: str | None
    changed_by: str


class LineHistory(BaseModel):
    line_id: int
    as_of: datetime | None
    state_as_of: LineVersionRead | None
    versions: list[LineVersionRead]


# --- progress ---------------------------------------------------------------------------------

StageName = Literal["materials_ready", "in_production", "quality_check", "packed", "shipped"]


class ProgressIn(Strict):
    stage: StageName
    quantity: Quantity
    at: datetime | None = None
    note: str | None = Field(default=None, max_length=500)


class ProgressRead(Read):
    id: int
    line_id: int
    stage: str
    quantity: Decimal
    at: datetime
    note: str | None
    posted_by: str


# --- shipments and receipts -------------------------------------------------------------------


class ShipmentLineIn(Strict):
    line_id: int
    quantity: PositiveQuantity


class ShipmentCreate(Strict):
    external_ref: Ref
    ship_date: date
    eta: date | None = None
    carrier: str | None = Field(default=None, max_length=100)
    tracking: str | None = Field(default=None, max_length=100)
    lines: list[ShipmentLineIn] = Field(min_length=1, max_length=500)


class ShipmentLineRead(Read):
    id: int
    line_id: int
    quantity: Decimal


class ShipmentRead(Read):
    id: int
    partner_id: int
    external_ref: str
    ship_date: date
    eta: date | None
    carrier: str | None
    tracking: str | None


class ShipmentDetail(ShipmentRead):
    lines: list[ShipmentLineRead]


class ReceiptLineIn(Strict):
    shipment_line_id: int
    external_ref: str | None = Field(default=None, max_length=64)
    accepted_qty: Quantity
    rejected_qty: Quantity = Decimal(0)
    reject_reason: str | None = Field(default=None, max_length=500)
    landed_unit_cost: Money | None = None
    currency: CurrencyCode


class ReceiptCreate(Strict):
    received_date: date
    lines: list[ReceiptLineIn] = Field(min_length=1, max_length=500)


class ReceiptRead(Read):
    id: int
    partner_id: int
    external_ref: str | None
    shipment_line_id: int
    line_id: int
    received_date: date
    received_qty: Decimal
    accepted_qty: Decimal
    rejected_qty: Decimal
    reject_reason: str | None
    landed_unit_cost: Decimal | None
    currency: str


class PostResult(BaseModel):
    """Idempotent posts say whether they created something or found it already there."""

    created: bool
    id: int


# --- inventory --------------------------------------------------------------------------------


class InventorySnapshotIn(Strict):
    site_id: int
    item: str = Field(min_length=1, max_length=100)
    at: datetime | None = None
    on_hand: Quantity
    reserved: Quantity = Decimal(0)
    in_transit: Quantity = Decimal(0)


class InventoryRead(Read):
    id: int
    partner_id: int
    site_id: int
    item: str
    at: datetime
    on_hand: Decimal
    reserved: Decimal
    in_transit: Decimal


class InventoryCover(InventoryRead):
    daily_demand: float | None
    cover_days: float | None


# --- support tickets --------------------------------------------------------------------------


class SupportTicketCreate(Strict):
    partner_id: int
    subject: str = Field(min_length=1, max_length=300)
    body: str | None = Field(default=None, max_length=10_000)
    priority: Literal["low", "normal", "high", "urgent"] = "normal"
    site_id: int | None = None
    product_family: str | None = Field(default=None, max_length=100)
    external_ref: str | None = Field(default=None, max_length=64)


class TicketNote(Strict):
    note: str | None = Field(default=None, max_length=10_000)


class TicketRead(Read):
    id: int
    partner_id: int
    site_id: int | None
    product_family: str | None
    external_ref: str | None
    subject: str
    body: str | None
    priority: str
    opened_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    response_note: str | None
    resolution_note: str | None


class ImportReport(BaseModel):
    kind: str
    created: int
    updated: int
    unchanged: int


class LiveSummary(BaseModel):
    version: int
    at_risk: list[dict[str, Any]]
    stages: dict[str, float]
    inventory: list[dict[str, Any]]
    overdue_actions: int


# --- partner start page -----------------------------------------------------------------------


class PortalEntry(BaseModel):
    key: str = Field(
        description="awaiting_answer, shipments_due, tickets_waiting, action_items, "
        "answered_proposals or documents_shared"
    )
    title: str
    count: int
    link: str = Field(description="The page that lists these items")
