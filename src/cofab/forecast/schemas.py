"""Forecast API shapes: what partners declare and answer, what the owner types and publishes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from cofab.core.i18n import N_
from cofab.core.validation import register_field_labels

Quantity = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=3)]
PeriodLabel = Annotated[str, Field(min_length=1, max_length=10)]

# Problems name these fields by the labels the pages show (API, pages and CLI alike).
register_field_labels(
    {
        "site_id": N_("Site"),
        "family": N_("Product family"),
        "first_period": N_("First month"),
        "last_period": N_("Last month"),
        "nameplate": N_("Nameplate capacity per month"),
        "ramp_start_share": N_("Share of nameplate in the first month"),
        "ramp_months": N_("Ramp-up months"),
        "shutdowns": N_("Shutdown months"),
        "product": N_("Product"),
        "market": N_("Market"),
        "period": N_("Period"),
        "qty": N_("Quantity"),
        "reason": N_("Reason"),
        "scenario_id": N_("Scenario"),
        "zone": N_("Zone"),
        "release": N_("Release"),
    }
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DeclarationCreate(Strict):
    partner_id: int | None = None  # a partner user declares for its own company
    site_id: int
    family: str = Field(min_length=1, max_length=100)
    first_period: PeriodLabel
    last_period: PeriodLabel
    nameplate: Annotated[Decimal, Field(gt=0, max_digits=18, decimal_places=3)]
    ramp_start_share: Annotated[Decimal, Field(ge=0, le=1, decimal_places=4)] = Decimal(1)
    ramp_months: int = Field(default=0, ge=0, le=120)
    shutdowns: list[PeriodLabel] = Field(default_factory=list, max_length=120)
    note: str | None = Field(default=None, max_length=500)


class DeclarationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    partner_id: int
    site_id: int
    family: str
    first_period: date
    last_period: date
    nameplate: Decimal
    ramp_start_share: Decimal
    ramp_months: int
    shutdowns: list[str]
    note: str | None


class CapacityPoint(BaseModel):
    partner_id: int
    site_id: int
    family: str
    period: str
    capacity: Decimal


class ProductUpsert(Strict):
    code: str = Field(min_length=1, max_length=100)
    family: str = Field(min_length=1, max_length=100)
    unit_price: Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=4)] = Decimal(0)
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")


class ProductRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    family: str
    unit_price: Decimal
    currency: str


class DemandLineIn(Strict):
    product: str = Field(min_length=1, max_length=100)
    market: str = Field(min_length=1, max_length=100)
    period: PeriodLabel
    qty: Quantity


class DemandCreate(Strict):
    name: str = Field(min_length=1, max_length=200)
    lines: list[DemandLineIn] = Field(min_length=1, max_length=100_000)


class DemandRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    version: int
    source: str
    line_count: int
    created_by: str
    created_at: datetime


class DemandLineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    product: str
    market: str
    period: str
    qty: Decimal


class PublishRequest(Strict):
    scenario_id: int
    frozen_periods: int | None = Field(default=None, ge=0, le=52)
    firm_periods: int | None = Field(default=None, ge=0, le=104)


class PublicationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    partner_id: int
    scenario_id: int | None
    release: int
    published_at: datetime
    published_by: str
    frozen_periods: int
    firm_periods: int
    periods: list[str]


class LineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    publication_id: int
    partner_id: int
    product: str
    family: str
    site: str
    period: str
    period_index: int
    zone: str
    planned_qty: Decimal
    status: str
    committed_qty: Decimal | None
    proposed_qty: Decimal | None
    proposed_period: str | None
    reason: str | None
    order_line_id: int | None


class ReservationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    family: str
    period: str
    qty: Decimal


class LineResponse(Strict):
    action: Literal["commit", "counter"]
    qty: Quantity | None = None
    period: PeriodLabel | None = None
    reason: str | None = Field(default=None, max_length=500)


class GapRow(BaseModel):
    partner_id: int
    product: str
    period: str
    planned: Decimal
    committed: Decimal
    gap: Decimal


class WaterfallRow(BaseModel):
    period: str
    release: int
    published_at: datetime
    qty: Decimal


class AccuracyRow(BaseModel):
    partner_id: int
    family: str
    points: int
    forecast: float
    actual: float
    mape: float | None
    wape: float | None
    bias: float | None


class ConversionResult(BaseModel):
    order_ids: list[int]
    lines_linked: int


class ResolveRequest(Strict):
    release: int = Field(ge=1)


class ResolveResult(BaseModel):
    scenario_id: int
    job_id: int
    caps: int


class TargetRow(BaseModel):
    partner_id: int
    family: str
    period: str
    target: Decimal | None  # the contract's target for the period; None without one
    planned: Decimal
    committed: Decimal
    actual: Decimal | None  # None for a period not started yet
    attainment: float | None  # actual / target (1.0 = 100 %)
    cumulative_gap: Decimal | None  # Σ (actual − target) over the started periods so far
    warning: bool  # below target in this period and the one before
