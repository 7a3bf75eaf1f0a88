"""Partner registry tables.

Every child row carries ``partner_id`` so an access check is one join-free filter.
"""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cofab.core.i18n import N_
from cofab.core.labels import register_labels
from cofab.db.base import Base, Timestamped


def partner_id_column() -> Mapped[int]:
    """The ``partner_id`` of a row a partner company owns: ``core.access`` scopes every query by
    it, and the row goes when its partner is deleted."""
    return mapped_column(ForeignKey("partners.id", ondelete="CASCADE"), index=True)


class PartnerType(enum.StrEnum):
    CONTRACT_MANUFACTURER = "contract_manufacturer"
    SUPPLIER = "supplier"
    LOGISTICS = "logistics"
    TECHNOLOGY = "technology"


class PartnershipForm(enum.StrEnum):
    VERTICAL = "vertical"
    HORIZONTAL = "horizontal"
    STRATEGIC_ALLIANCE = "strategic_alliance"
    JOINT_VENTURE = "joint_venture"


class PartnerStatus(enum.StrEnum):
    PROSPECT = "prospect"
    QUALIFYING = "qualifying"
    APPROVED = "approved"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    EXITED = "exited"


register_labels(
    {
        # partner types
        PartnerType.CONTRACT_MANUFACTURER: N_("Contract manufacturer"),
        PartnerType.SUPPLIER: N_("Supplier"),
        PartnerType.LOGISTICS: N_("Logistics / distribution"),
        PartnerType.TECHNOLOGY: N_("Technology partner"),
        # partnership forms
        PartnershipForm.VERTICAL: N_("Vertical"),
        PartnershipForm.HORIZONTAL: N_("Horizontal"),
        PartnershipForm.STRATEGIC_ALLIANCE: N_("Strategic alliance"),
        PartnershipForm.JOINT_VENTURE: N_("Joint venture"),
        # lifecycle
        PartnerStatus.PROSPECT: N_("Prospect"),
        PartnerStatus.QUALIFYING: N_("Qualifying"),
        PartnerStatus.APPROVED: N_("Approved"),
        PartnerStatus.ACTIVE: N_("Active"),
        PartnerStatus.SUSPENDED: N_("Suspended"),
        PartnerStatus.EXITED: N_("Exited"),
        # capacity periods
        "day": N_("per day"),
        "week": N_("per week"),
        "month": N_("per month"),
        "quarter": N_("per quarter"),
        "year": N_("per year"),
    }
)


class Partner(Timestamped, Base):
    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    name_ko: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), unique=True)
    types: Mapped[list[str]] = mapped_column(JSON, default=list)
    form: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(
        String(16), default=PartnerStatus.PROSPECT.value, index=True
    )
    country: Mapped[str] = mapped_column(String(2), index=True)
    website: Mapped[str | None] = mapped_column(String(300))
    notes: Mapped[str | None] = mapped_column(Text)

    type_rows: Mapped[list[PartnerTypeLink]] = relationship(
        "PartnerTypeLink", cascade="all, delete-orphan", lazy="selectin"
    )


class PartnerTypeLink(Base):
    """One row per partner type, so filtering by type is an indexed join on every database."""

    __tablename__ = "partner_types"

    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True
    )
    type: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)


class Contact(Timestamped, Base):
    __tablename__ = "partner_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = partner_id_column()
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(50))


class Site(Timestamped, Base):
    __tablename__ = "partner_sites"
    __table_args__ = (UniqueConstraint("partner_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = partner_id_column()
    external_ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(500))
    country: Mapped[str] = mapped_column(String(2), index=True)
    region: Mapped[str | None] = mapped_column(String(100))
    latitude: Mapped[float | None] = mapped_column()
    longitude: Mapped[float | None] = mapped_column()
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")


class Capability(Timestamped, Base):
    __tablename__ = "site_capabilities"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = partner_id_column()
    site_id: Mapped[int] = mapped_column(
        ForeignKey("partner_sites.id", ondelete="CASCADE"), index=True
    )
    external_ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    process: Mapped[str] = mapped_column(String(200), index=True)
    product_families: Mapped[list[str]] = mapped_column(JSON, default=list)
    capacity: Mapped[Decimal | None] = mapped_column(Numeric(18, 3))
    capacity_unit: Mapped[str | None] = mapped_column(String(32))
    capacity_period: Mapped[str] = mapped_column(String(16), default="month")


class Certification(Timestamped, Base):
    __tablename__ = "certifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = partner_id_column()
    site_id: Mapped[int | None] = mapped_column(
        ForeignKey("partner_sites.id", ondelete="CASCADE"), index=True
    )
    standard: Mapped[str] = mapped_column(String(100), index=True)
    number: Mapped[str] = mapped_column(String(100))
    issuer: Mapped[str | None] = mapped_column(String(200))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date, index=True)
