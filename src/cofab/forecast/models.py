"""Forecast tables: what partners declare they can make, what the owner expects to sell, and
what an approved plan asks of each partner (the published rolling forecast and its responses).

Capacity declarations are the partner's own word (``partner_id``, no unit): a partner keeps them
and every business unit working with it reads them. Demand forecasts and publications are owner
records of one business (``unit_id``); a publication is also about one partner (``partner_id``)
so that partner sees it, and only it, in its portal.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Integer, Numeric, String, text
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.schema import Index, UniqueConstraint

from cofab.core.i18n import N_
from cofab.core.labels import register_labels
from cofab.db.base import Base, Timestamped, UTCDateTime
from cofab.units.models import unit_id_column

QTY = Numeric(18, 3)


class Zone(enum.StrEnum):
    """How firm a forecast line is: frozen lines become orders, firm lines bind capacity,
    flexible lines are an outlook."""

    FROZEN = "frozen"
    FIRM = "firm"
    FLEXIBLE = "flexible"


class LineStatus(enum.StrEnum):
    OPEN = "open"  # published, no answer yet
    COMMITTED = "committed"  # the partner commits to the planned (or accepted) quantity
    COUNTERED = "countered"  # the partner proposes another quantity and/or period
    ACCEPTED = "accepted"  # the owner accepted the counter-proposal


register_labels(
    {
        Zone.FROZEN.value: N_("Frozen"),
        Zone.FIRM.value: N_("Firm"),
        Zone.FLEXIBLE.value: N_("Flexible"),
        LineStatus.OPEN.value: N_("Open"),
        LineStatus.COMMITTED.value: N_("Committed"),
        LineStatus.COUNTERED.value: N_("Counter-proposed"),
        LineStatus.ACCEPTED.value: N_("Counter-proposal accepted"),
    }
)


class CapacityDeclaration(Timestamped, Base):
    """A partner's capacity for one product family at one of its sites over a span of months:
    nameplate per month, reached by a linear ramp, with planned shutdown months at zero."""

    __tablename__ = "fc_capacity_declarations"
    __table_args__ = (Index("ix_fc_capacity_site_family", "site_id", "family"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    site_id: Mapped[int] = mapped_column(ForeignKey("partner_sites.id", ondelete="CASCADE"))
    family: Mapped[str] = mapped_column(String(100))
    first_period: Mapped[date] = mapped_column(Date)  # first day of the first month
    last_period: Mapped[date] = mapped_column(Date)  # first day of the last month
    nameplate: Mapped[Decimal] = mapped_column(QTY)  # units per month at full rate
    ramp_start_share: Mapped[Decimal] = mapped_column(Numeric(6, 4), default=Decimal(1))
    ramp_months: Mapped[int] = mapped_column(Integer, default=0)
    shutdowns: Mapped[list[str]] = mapped_column(JSON, default=list)  # "YYYY-MM" at zero
    note: Mapped[str | None] = mapped_column(String(500))


class DemandForecast(Timestamped, Base):
    """One version of the owner's demand forecast (product × market × period)."""

    __tablename__ = "fc_demand_forecasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = unit_id_column()
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16))  # upload | typed
    line_count: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(254))


class DemandLine(Base):
    __tablename__ = "fc_demand_lines"
    __table_args__ = (UniqueConstraint("forecast_id", "product", "market", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    forecast_id: Mapped[int] = mapped_column(
        ForeignKey("fc_demand_forecasts.id", ondelete="CASCADE"), index=True
    )
    product: Mapped[str] = mapped_column(String(100))
    market: Mapped[str] = mapped_column(String(100))
    period: Mapped[str] = mapped_column(String(10))
    qty: Mapped[Decimal] = mapped_column(QTY)


class ForecastProduct(Timestamped, Base):
    """The products a demand forecast may name, with their family (owner master data)."""

    __tablename__ = "fc_products"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = unit_id_column()
    code: Mapped[str] = mapped_column(String(100), unique=True)
    family: Mapped[str] = mapped_column(String(100))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(18, 4), default=Decimal(0))
    currency: Mapped[str] = mapped_column(String(3), default="USD")


class Publication(Base):
    """What one publication of a plan asks of one partner; publications of the same approval
    share ``release``, and the partner's publications in order are its forecast versions."""

    __tablename__ = "fc_publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = unit_id_column()
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    scenario_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_scenarios.id", ondelete="SET NULL"), index=True
    )
    release: Mapped[int] = mapped_column(Integer, index=True)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_by: Mapped[str] = mapped_column(String(254))
    frozen_periods: Mapped[int] = mapped_column(Integer)
    firm_periods: Mapped[int] = mapped_column(Integer)
    periods: Mapped[list[str]] = mapped_column(JSON)


class ForecastLine(Base):
    """One line of a publication. A plan writes 100,000s of them at once, so the table carries
    only what its readers need: no foreign key on ``publication_id``/``partner_id`` (each checked
    row locked its parent row and cost more than writing the row; a publication and its lines
    are written together by :func:`publication.publish`, and deleting a publication — also by a
    partner's cascade — deletes its lines through the trigger of migration 0034), one index
    that finds a partner's lines and, with the partner, one publication's lines, and the
    one-order-line-per-forecast-line rule only where a line became an order."""

    __tablename__ = "fc_lines"
    __table_args__ = (
        # PostgreSQL: a block-range index (a few pages per partner and publication once a
        # publication's lines are written in partner order; a btree entry per line cost more
        # than the line); elsewhere a btree
        Index(
            "ix_fc_lines_partner_pub",
            "partner_id",
            "publication_id",
            postgresql_using="brin",
            postgresql_with={"pages_per_range": 16},
        ),
        Index(
            "uq_fc_lines_order_line",
            "order_line_id",
            unique=True,
            postgresql_where=text("order_line_id IS NOT NULL"),
            sqlite_where=text("order_line_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(Integer)  # fc_publications.id (see above)
    partner_id: Mapped[int] = mapped_column(Integer)  # the publication's partner
    #: the publication's release, kept on the line so accuracy finds each period's latest
    #: forecast from the lines alone (no join of millions of lines to their publications)
    release: Mapped[int] = mapped_column(Integer)
    product: Mapped[str] = mapped_column(String(100))
    family: Mapped[str] = mapped_column(String(100))
    site: Mapped[str] = mapped_column(String(200))  # the plan's site id
    period: Mapped[str] = mapped_column(String(10))
    period_index: Mapped[int] = mapped_column(Integer)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)  # exclusive
    zone: Mapped[str] = mapped_column(String(10))
    planned_qty: Mapped[Decimal] = mapped_column(QTY)
    status: Mapped[str] = mapped_column(String(12), default=LineStatus.OPEN.value)
    committed_qty: Mapped[Decimal | None] = mapped_column(QTY)
    proposed_qty: Mapped[Decimal | None] = mapped_column(QTY)
    proposed_period: Mapped[str | None] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(String(500))
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: the order line this line became (ops_order_lines.id; no foreign key since 0036: only
    #: conversion sets it, to an order line of the same partner, and a partner's deletion takes
    #: its order lines and its publications' lines together)
    order_line_id: Mapped[int | None] = mapped_column(Integer)


class LinePeriod(Base):
    """How many lines a publication has in a period, kept by statement-level triggers on
    fc_lines on PostgreSQL (migration 0040) whatever writes the lines; accuracy finds each
    partner's latest release per period here instead of reading every line. Empty on SQLite,
    where accuracy reads the lines."""

    __tablename__ = "fc_line_periods"

    publication_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    period_end: Mapped[date] = mapped_column(Date, primary_key=True)
    partner_id: Mapped[int] = mapped_column(Integer)
    release: Mapped[int] = mapped_column(Integer)
    lines: Mapped[int] = mapped_column(Integer)


class CapacityReservation(Base):
    """Capacity reserved per family and period by a publication; written with its lines and,
    like them, without foreign keys (migration 0034's trigger deletes them with the
    publication)."""

    __tablename__ = "fc_reservations"

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(Integer, index=True)  # fc_publications.id
    partner_id: Mapped[int] = mapped_column(Integer)  # the publication's partner
    family: Mapped[str] = mapped_column(String(100))
    period: Mapped[str] = mapped_column(String(10))
    qty: Mapped[Decimal] = mapped_column(QTY)
