"""Logistics tables: the lane master a logistics partner keeps, the lane each shipment travels
on, and the temperature readings a carrier posts per shipment.

Operations owns shipments; the link to a lane lives here (one row per shipment) so operations
never has to know about lanes. Every row carries the carrier's ``partner_id`` so
``core.access`` scopes it with one filter; none of these rows belongs to one business unit of
the owner (a lane serves whichever unit books it), so they are scoped through the partner.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cofab.core.i18n import N_
from cofab.core.labels import register_labels
from cofab.db.base import Base, Timestamped, UTCDateTime, utcnow

QTY = Numeric(18, 3)
MONEY = Numeric(18, 4)
CELSIUS = Numeric(6, 2)


class Mode(enum.StrEnum):
    SEA = "sea"
    AIR = "air"
    ROAD = "road"
    RAIL = "rail"


class OriginKind(enum.StrEnum):
    PARTNER_SITE = "partner_site"
    OWN_SITE = "own_site"


class DestinationKind(enum.StrEnum):
    MARKET = "market"
    OWN_SITE = "own_site"


class RateBasis(enum.StrEnum):
    UNIT = "unit"
    KG = "kg"
    CONTAINER = "container"


register_labels(
    {
        Mode.SEA: N_("Sea"),
        Mode.AIR: N_("Air"),
        Mode.ROAD: N_("Road"),
        Mode.RAIL: N_("Rail"),
        OriginKind.PARTNER_SITE: N_("Partner site"),
        OriginKind.OWN_SITE: N_("Own site"),
    }
)
# shown next to a rate; not registered as labels: "unit" is too common a code to claim
BASIS_LABELS: dict[str, str] = {
    RateBasis.UNIT: N_("per unit"),
    RateBasis.KG: N_("per kg"),
    RateBasis.CONTAINER: N_("per container"),
}
DESTINATION_LABELS: dict[str, str] = {
    DestinationKind.MARKET: N_("Market"),
    DestinationKind.OWN_SITE: N_("Own site"),
}


class Lane(Timestamped, Base):
    """A contracted route of one logistics partner: where from, where to, how, how fast, at
    what rate and how much per period."""

    __tablename__ = "logistics_lanes"
    __table_args__ = (UniqueConstraint("partner_id", "code", name="uq_logistics_lane_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(64))
    origin_kind: Mapped[str] = mapped_column(String(16))
    origin_site_id: Mapped[int | None] = mapped_column(
        ForeignKey("partner_sites.id", ondelete="RESTRICT"), index=True
    )
    origin_code: Mapped[str | None] = mapped_column(String(64))
    destination_kind: Mapped[str] = mapped_column(String(16))
    destination_code: Mapped[str] = mapped_column(String(64), index=True)
    mode: Mapped[str] = mapped_column(String(8), index=True)
    carrier: Mapped[str] = mapped_column(String(200))
    transit_days: Mapped[int] = mapped_column(Integer)
    rate: Mapped[Decimal] = mapped_column(MONEY)
    rate_basis: Mapped[str] = mapped_column(String(12))
    currency: Mapped[str] = mapped_column(String(3))
    capacity: Mapped[Decimal | None] = mapped_column(QTY)
    capacity_period: Mapped[str] = mapped_column(String(16), default="month")
    temp_min: Mapped[Decimal | None] = mapped_column(CELSIUS)
    temp_max: Mapped[Decimal | None] = mapped_column(CELSIUS)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    notes: Mapped[str | None] = mapped_column(Text)


class ShipmentLane(Base):
    """The lane one shipment travels on (at most one), with what the carrier charged for it."""

    __tablename__ = "logistics_shipment_lanes"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    shipment_id: Mapped[int] = mapped_column(
        ForeignKey("ops_shipments.id", ondelete="CASCADE"), unique=True
    )
    lane_id: Mapped[int] = mapped_column(
        ForeignKey("logistics_lanes.id", ondelete="RESTRICT"), index=True
    )
    freight_cost: Mapped[Decimal | None] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3))
    linked_by: Mapped[str] = mapped_column(String(254))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TemperatureReading(Base):
    """One temperature a carrier logged for a shipment in transit."""

    __tablename__ = "logistics_temperature_readings"
    __table_args__ = (Index("ix_logistics_readings_shipment_at", "shipment_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    shipment_id: Mapped[int] = mapped_column(ForeignKey("ops_shipments.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    celsius: Mapped[Decimal] = mapped_column(CELSIUS)
    location: Mapped[str | None] = mapped_column(String(200))
    posted_by: Mapped[str] = mapped_column(String(254))
