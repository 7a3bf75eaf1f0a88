"""Pydantic shapes for lanes, shipment links and temperature readings. Unknown fields are
rejected, not ignored; every field has a label so a problem names it as the form does."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from cofab.core.errors import FieldProblem
from cofab.core.i18n import N_
from cofab.core.validation import register_field_labels
from cofab.logistics.models import DestinationKind, Mode, OriginKind, RateBasis

MAX_RATE = Decimal(10**12)
MAX_CAPACITY = Decimal(10**12)
CAPACITY_PERIODS = ("day", "week", "month", "quarter", "year")

TEMP_ORDER = N_("The lowest temperature must not be above the highest.")
TEMP_PAIR = N_("Give both the lowest and the highest temperature, or neither.")
ORIGIN_SITE_NEEDED = N_("Choose the partner site the lane starts from.")
ORIGIN_CODE_NEEDED = N_("Name the own site the lane starts from.")

register_field_labels(
    {
        "code": N_("Lane code"),
        "origin_kind": N_("Origin type"),
        "origin_site_id": N_("Origin partner site"),
        "origin_site_ref": N_("Origin partner site"),
        "origin_code": N_("Origin own site"),
        "destination_kind": N_("Destination type"),
        "destination_code": N_("Destination (market or own site)"),
        "mode": N_("Transport mode"),
        "carrier": N_("Carrier"),
        "transit_days": N_("Contracted transit days"),
        "rate": N_("Rate"),
        "rate_basis": N_("Rate basis"),
        "temp_min": N_("Lowest temperature (°C)"),
        "temp_max": N_("Highest temperature (°C)"),
        "lane_id": N_("Lane"),
        "lane_code": N_("Lane code"),
        "freight_cost": N_("Freight cost"),
        "measured_at": N_("Measured at (UTC)"),
        "celsius": N_("Temperature (°C)"),
        "location": N_("Location"),
    }
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


Code = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
Currency = Field(pattern=r"^[A-Z]{3}$")


class LaneFields(Strict):
    """What every lane needs, checked together: an origin of the right kind, a sane cold chain."""

    origin_kind: OriginKind
    origin_site_id: int | None = Field(default=None, ge=1)
    origin_code: str | None = Field(default=None, max_length=64)
    destination_kind: DestinationKind
    destination_code: str = Field(min_length=1, max_length=64)
    mode: Mode
    carrier: str = Field(min_length=1, max_length=200)
    transit_days: int = Field(gt=0, le=365)
    rate: Decimal = Field(ge=0, le=MAX_RATE, decimal_places=4)
    rate_basis: RateBasis
    currency: str = Currency
    capacity: Decimal | None = Field(default=None, gt=0, le=MAX_CAPACITY, decimal_places=3)
    capacity_period: str = Field(default="month", pattern=r"^(day|week|month|quarter|year)$")
    temp_min: Decimal | None = Field(default=None, ge=-100, le=100, decimal_places=2)
    temp_max: Decimal | None = Field(default=None, ge=-100, le=100, decimal_places=2)
    active: bool = True
    notes: str | None = Field(default=None, max_length=10_000)


def lane_problems(lane: LaneFields) -> list[FieldProblem]:
    """The rules across fields, each placed on the field a person would correct."""
    problems: list[FieldProblem] = []
    if (lane.temp_min is None) != (lane.temp_max is None):
        field = "temp_max" if lane.temp_max is None else "temp_min"
        problems.append(FieldProblem(field, TEMP_PAIR))
    elif lane.temp_min is not None and lane.temp_max is not None and lane.temp_min > lane.temp_max:
        problems.append(FieldProblem("temp_max", TEMP_ORDER))
    if lane.origin_kind == OriginKind.PARTNER_SITE and lane.origin_site_id is None:
        problems.append(FieldProblem("origin_site_id", ORIGIN_SITE_NEEDED))
    if lane.origin_kind == OriginKind.OWN_SITE and not lane.origin_code:
        problems.append(FieldProblem("origin_code", ORIGIN_CODE_NEEDED))
    return problems


class LaneCreate(LaneFields):
    partner_id: int = Field(ge=1)
    code: str = Code


class LaneUpdate(LaneFields):
    """A lane is replaced whole (the edit form sends every field); partner and code stay."""


class LaneRead(Read):
    id: int
    partner_id: int
    code: str
    origin_kind: str
    origin_site_id: int | None
    origin_code: str | None
    destination_kind: str
    destination_code: str
    mode: str
    carrier: str
    transit_days: int
    rate: Decimal
    rate_basis: str
    currency: str
    capacity: Decimal | None
    capacity_period: str
    temp_min: Decimal | None
    temp_max: Decimal | None
    active: bool
    notes: str | None
    created_at: datetime
    updated_at: datetime


class ShipmentLaneIn(Strict):
    lane_id: int = Field(ge=1)
    freight_cost: Decimal | None = Field(default=None, ge=0, le=MAX_RATE, decimal_places=4)


class ShipmentLaneRead(Read):
    id: int
    partner_id: int
    shipment_id: int
    lane_id: int
    freight_cost: Decimal | None
    currency: str
    linked_by: str
    linked_at: datetime


class ReadingIn(Strict):
    measured_at: AwareDatetime
    celsius: Decimal = Field(ge=-100, le=100, decimal_places=2)
    location: str | None = Field(default=None, max_length=200)


class ReadingRead(Read):
    id: int
    partner_id: int
    shipment_id: int
    at: datetime
    celsius: Decimal
    location: str | None
    posted_by: str


class ImportReport(BaseModel):
    created: int
    updated: int
    unchanged: int
