"""Performance tables: scorecard templates, scorecards and their comments, performance reviews and
their action items.

The tables were created with operations' (migration 0003_operations) and keep their ``perf_``
names; only the module that declares them moved when performance became a domain of its own.
Every partner-owned row carries ``partner_id`` so ``core.access`` can scope it with one filter.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from cofab.db.base import Base, Timestamped, UTCDateTime, utcnow
from cofab.units.models import unit_id_column


class ScorecardTemplate(Timestamped, Base):
    """Weighted KPIs with linear scoring curves, grade bands and the action each grade triggers.
    Owner configuration, not partner data."""

    __tablename__ = "perf_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    period: Mapped[str] = mapped_column(String(10), default="quarter")
    tolerance_days: Mapped[int] = mapped_column(Integer, default=0)
    metrics: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    bands: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    # whom it scores: "manufacturing" (makers: operations KPIs, quality) or "logistics"
    # (carriers: transit adherence, damage, excursions, cost per unit); migration 0030
    applies_to: Mapped[str] = mapped_column(
        String(20), default="manufacturing", server_default="manufacturing"
    )


class Scorecard(Timestamped, Base):
    __tablename__ = "perf_scorecards"
    __table_args__ = (UniqueConstraint("partner_id", "template_id", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = unit_id_column()
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    template_id: Mapped[int] = mapped_column(
        ForeignKey("perf_templates.id", ondelete="CASCADE"), index=True
    )
    period_start: Mapped[date] = mapped_column(Date, index=True)
    period_end: Mapped[date] = mapped_column(Date)
    computed_score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    grade: Mapped[str | None] = mapped_column(String(4))
    action: Mapped[str] = mapped_column(String(12), default="none")
    kpis: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    dispute_status: Mapped[str | None] = mapped_column(String(10))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ScorecardComment(Base):
    __tablename__ = "perf_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    scorecard_id: Mapped[int] = mapped_column(
        ForeignKey("perf_scorecards.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))
    body: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(254))
    author_side: Mapped[str] = mapped_column(String(10))
    status: Mapped[str | None] = mapped_column(String(10))
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_by: Mapped[str | None] = mapped_column(String(254))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Review(Timestamped, Base):
    """A performance review meeting; ``kpi_snapshot`` is frozen when the review is created."""

    __tablename__ = "perf_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = unit_id_column()
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    tolerance_days: Mapped[int] = mapped_column(Integer, default=0)
    kpi_snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    decisions: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by: Mapped[str] = mapped_column(String(254))


class ActionItem(Timestamped, Base):
    __tablename__ = "perf_action_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    review_id: Mapped[int] = mapped_column(
        ForeignKey("perf_reviews.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    owner_side: Mapped[str] = mapped_column(String(10))
    owner_name: Mapped[str | None] = mapped_column(String(200))
    due_date: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(12), default="open")
    note: Mapped[str | None] = mapped_column(Text)
