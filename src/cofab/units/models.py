"""Business units, who belongs to them, and which partners each one works with.

A partner company is one row for the whole group; its relationship with each business is a
``PartnerUnit`` row, so a cathode supplier that serves both the battery and the electronics
business is kept once and seen by both, while each business's contracts and orders stay apart.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cofab.db.base import Base, Timestamped, UTCDateTime, utcnow


class BusinessUnit(Timestamped, Base):
    __tablename__ = "business_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_ko: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class UnitMembership(Base):
    __tablename__ = "unit_memberships"
    __table_args__ = (UniqueConstraint("user_id", "unit_id", name="uq_unit_membership"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("business_units.id", ondelete="CASCADE"), index=True
    )


class PartnerUnit(Base):
    __tablename__ = "partner_units"
    __table_args__ = (UniqueConstraint("partner_id", "unit_id", name="uq_partner_unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("business_units.id", ondelete="CASCADE"), index=True
    )
    since: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def unit_id_column() -> Mapped[int | None]:
    """The ``unit_id`` every owner-side record of one business carries.

    Nullable on purpose: rows written before units existed, and rows a group user files at group
    level, belong to no single business and are seen by group users only.
    """
    return mapped_column(ForeignKey("business_units.id", ondelete="RESTRICT"), index=True)
