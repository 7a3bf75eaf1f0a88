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


# --- KPIs, scorecards, reviews -----------------------------------------------------------------


class KpiGroupRead(BaseModel):
    key: str
    label: str
    values: dict[str, float | None]
    counts: dict[str, int]
    price_variance: dict[str, float]


class KpiReport(BaseModel):
    start: date
    end: date
    group_by: str
    tolerance_days: int
    groups: list[KpiGroupRead]
    definitions: dict[str, str]


class MetricIn(Strict):
    kpi: str = Field(min_length=1, max_length=40)
    weight: float = Field(gt=0, le=1000)
    full_at: float = Field(allow_inf_nan=False)
    zero_at: float = Field(allow_inf_nan=False)


class BandIn(Strict):
    grade: str = Field(min_length=1, max_length=4)
    min_score: float = Field(ge=0, le=100)
    action: Literal["none", "warning", "approval", "block"] = "none"


class ScorecardTemplateIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    period: Literal["month", "quarter"] = "quarter"
    tolerance_days: int = Field(default=0, ge=0, le=60)
    metrics: list[MetricIn] = Field(min_length=1, max_length=20)
    bands: list[BandIn] = Field(min_length=1, max_length=10)
    is_default: bool = False


class ScorecardTemplateRead(Read):
    id: int
    name: str
    period: str
    tolerance_days: int
    metrics: list[dict[str, Any]]
    bands: list[dict[str, Any]]
    is_default: bool


class ScorecardCompute(Strict):
    template_id: int | None = None
    period_start: date
    partner_id: int | None = None


class ScorecardRead(Read):
    id: int
    partner_id: int
    template_id: int
    period_start: date
    period_end: date
    computed_score: Decimal | None
    score: Decimal | None
    grade: str | None
    action: str
    kpis: dict[str, Any]
    dispute_status: str | None
    computed_at: datetime


class ScorecardCommentIn(Strict):
    kind: Literal["comment", "dispute"] = "comment"
    body: str = Field(min_length=1, max_length=5000)


class ScorecardCommentRead(Read):
    id: int
    scorecard_id: int
    kind: str
    body: str
    author: str
    author_side: str
    status: str | None
    resolution: str | None
    resolved_by: str | None
    resolved_at: datetime | None
    created_at: datetime


class DisputeResolution(Strict):
    comment_id: int | None = None
    decision: Literal["upheld", "rejected"]
    note: str = Field(min_length=1, max_length=5000)
    adjusted_score: float | None = Field(default=None, ge=0, le=100)


class ComputeResult(BaseModel):
    computed: int
    period_start: date
    period_end: date


class ReviewCreate(Strict):
    partner_id: int
    title: str = Field(min_length=1, max_length=200)
    held_on: date
    period_start: date
    period_end: date
    tolerance_days: int = Field(default=0, ge=0, le=60)


class ReviewDecisionIn(Strict):
    text: str = Field(min_length=1, max_length=2000)


class ActionItemIn(Strict):
    title: str = Field(min_length=1, max_length=300)
    owner_side: Literal["owner", "partner"]
    owner_name: str | None = Field(default=None, max_length=200)
    due_date: date


class ActionItemUpdate(Strict):
    status: Literal["open", "in_progress", "done", "cancelled"] | None = None
    due_date: date | None = None
    note: str | None = Field(default=None, max_length=5000)
    owner_name: str | None = Field(default=None, max_length=200)


class ActionItemRead(Read):
    id: int
    partner_id: int
    review_id: int
    title: str
    owner_side: str
    owner_name: str | None
    due_date: date
    status: str
    note: str | None


class ReviewRead(Read):
    id: int
    partner_id: int
    title: str
    held_on: date
    period_start: date
    period_end: date
    tolerance_days: int
    kpi_snapshot: dict[str, Any]
    decisions: list[str]


class ReviewDetail(ReviewRead):
    action_items: list[ActionItemRead]


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
