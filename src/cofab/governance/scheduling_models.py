"""Scheduling tables: working hours per user, site and partner contact, holidays per country.

Kept beside (not inside) ``users`` and ``partner_sites``: their time zones already live there,
and the hours are governance's concern, keyed by the owner row's id. A contact has no login and
no zone of its own, so its row carries the zone too. Holidays are one table per country, seeded
from the ``holidays`` package and then edited by hand (a company shutdown, a moved holiday).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cofab.db.base import Base, Timestamped

MONDAY_TO_FRIDAY = 0b0011111  # bit n = weekday n (Monday = 0), as ``date.weekday()``


class _Hours:
    """Local wall-clock working hours in minutes after midnight; ``holiday_country`` names the
    calendar whose holidays are this person's days off (defaults to the zone's country)."""

    start_minute: Mapped[int] = mapped_column(Integer, default=9 * 60)
    end_minute: Mapped[int] = mapped_column(Integer, default=18 * 60)
    weekday_mask: Mapped[int] = mapped_column(Integer, default=MONDAY_TO_FRIDAY)
    holiday_country: Mapped[str | None] = mapped_column(String(2))


class UserWorkingHours(_Hours, Timestamped, Base):
    __tablename__ = "gov_user_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)


class SiteWorkingHours(_Hours, Timestamped, Base):
    __tablename__ = "gov_site_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    site_id: Mapped[int] = mapped_column(
        ForeignKey("partner_sites.id", ondelete="CASCADE"), unique=True
    )


class ContactWorkingHours(_Hours, Timestamped, Base):
    __tablename__ = "gov_contact_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("partner_contacts.id", ondelete="CASCADE"), unique=True
    )
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")


class Holiday(Timestamped, Base):
    """A day off for everyone whose holiday calendar is ``country``."""

    __tablename__ = "gov_holidays"
    __table_args__ = (UniqueConstraint("country", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    country: Mapped[str] = mapped_column(String(2), index=True)
    day: Mapped[date] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(16), default="manual")  # manual | published
