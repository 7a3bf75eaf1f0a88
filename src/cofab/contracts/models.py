"""Contract tables.

A contract is a header (kind, parties, status, the dates that are queried) plus numbered versions
whose structured terms are validated JSON. Columns repeat what lists and access checks filter on
(status, kind, dates), so those queries stay indexed; everything else lives in the terms.

Every child row carries the lead partner's ``partner_id`` so exports and the isolation sweep can
find it with one filter; who may see a contract is decided by ``contract_parties``.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cofab.core.i18n import N_
from cofab.core.labels import register_labels
from cofab.db.base import Base, Timestamped, UTCDateTime, utcnow
from cofab.units.models import unit_id_column


class ContractKind(enum.StrEnum):
    CM_AGREEMENT = "cm_agreement"
    SUPPLY = "supply_agreement"
    QUALITY = "quality_agreement"
    NDA = "nda"
    JV_ALLIANCE = "jv_alliance"
    TECHNOLOGY = "technology_collaboration"
    LOGISTICS = "logistics_agreement"


class ContractStatus(enum.StrEnum):
    """Stored states. ``expired`` is never stored: it follows from the end date at read time."""

    DRAFT = "draft"
    INTERNAL_REVIEW = "internal_review"
    PARTNER_REVIEW = "partner_review"
    APPROVED = "approved"
    ACTIVE = "active"
    EXPIRED = "expired"
    TERMINATED = "terminated"
    SUPERSEDED = "superseded"  # versions only: replaced by a later amendment


register_labels(
    {
        "cm_agreement": N_("Contract-manufacturing agreement"),
        "supply_agreement": N_("Supply agreement"),
        "quality_agreement": N_("Quality agreement"),
        "nda": N_("Non-disclosure agreement"),
        "jv_alliance": N_("Joint venture / strategic alliance"),
        "technology_collaboration": N_("Technology collaboration"),
        "logistics_agreement": N_("Logistics agreement"),
        "draft": N_("Draft"),
        "internal_review": N_("Internal review"),
        "partner_review": N_("Partner review"),
        "expired": N_("Expired"),
        "terminated": N_("Terminated"),
        "superseded": N_("Superseded"),
        "owner": N_("Our company"),
        "ip_each_party_keeps": N_("Each party keeps its own"),
        "ip_owner": N_("Our company"),
        "ip_partner": N_("The partner"),
        "ip_joint": N_("Jointly owned"),
        "ip_grant_back": N_("Partner owns, licence back to us"),
        "party_owner": N_("Our company"),
        "party_partner": N_("The partner"),
        "party_shared": N_("Shared"),
        "party_third_party": N_("A third party"),
        "per_unit": N_("Per defective unit"),
        "per_ppm": N_("Per PPM over target"),
        "arbitration": N_("Arbitration"),
        "courts": N_("Courts"),
    }
)


class Contract(Timestamped, Base):
    __tablename__ = "contracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = unit_id_column()
    external_ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default=ContractStatus.DRAFT.value, index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    effective_from: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    effective_to: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    renews_automatically: Mapped[bool] = mapped_column(Boolean, default=False)
    renewal_period_months: Mapped[int] = mapped_column(Integer, default=12)
    renewal_notice_days: Mapped[int] = mapped_column(Integer, default=90)
    non_renewal_notice_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    terminated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    termination_reason: Mapped[str | None] = mapped_column(Text)
    next_review_date: Mapped[date | None] = mapped_column(Date, index=True)
    review_interval_months: Mapped[int | None] = mapped_column(Integer)
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    notes: Mapped[str | None] = mapped_column(Text)
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    parties: Mapped[list[ContractParty]] = relationship(
        "ContractParty",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="ContractParty.position",
    )


class ContractParty(Base):
    """One row per partner company that signs the contract (the owner is always a party)."""

    __tablename__ = "contract_parties"
    __table_args__ = (UniqueConstraint("contract_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(
        ForeignKey("contracts.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ContractVersion(Timestamped, Base):
    """Version 1 is the original; every amendment is a new version with its own review."""

    __tablename__ = "contract_versions"
    __table_args__ = (UniqueConstraint("contract_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(
        ForeignKey("contracts.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default=ContractStatus.DRAFT.value, index=True)
    effective_from: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    effective_to: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    terms: Mapped[dict[str, Any]] = mapped_column(JSON)
    clauses: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    summary: Mapped[str | None] = mapped_column(Text)
    review_round: Mapped[int] = mapped_column(Integer, default=0)
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )


class ContractEvent(Base):
    """Who moved which version where, and when — the page-side history of approvals."""

    __tablename__ = "contract_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(
        ForeignKey("contracts.id", ondelete="CASCADE"), index=True
    )
    version_id: Mapped[int | None] = mapped_column(
        ForeignKey("contract_versions.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    approving_partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    review_round: Mapped[int] = mapped_column(Integer, default=0)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(254))
    # a partner's approval recorded by an owner user (signed on paper, by e-mail): the
    # partner-side person who approved; None when the partner's own user approved in the portal
    on_behalf_of: Mapped[str | None] = mapped_column(String(200))
    comment: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class ContractComment(Base):
    """Discussion on a version. Partners see the comments made during partner review only."""

    __tablename__ = "contract_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(
        ForeignKey("contracts.id", ondelete="CASCADE"), index=True
    )
    version_id: Mapped[int | None] = mapped_column(
        ForeignKey("contract_versions.id", ondelete="CASCADE")
    )
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_label: Mapped[str] = mapped_column(String(254))
    author_partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    body: Mapped[str] = mapped_column(Text)
    # Written by owner staff while the version was not in partner review: never shown to partners.
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RaciAssignment(Base):
    """One cell of a contract's RACI matrix: activity × party → letters (e.g. "AR")."""

    __tablename__ = "contract_raci"
    __table_args__ = (UniqueConstraint("contract_id", "activity", "party"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(
        ForeignKey("contracts.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    activity: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer, default=0)
    party: Mapped[str] = mapped_column(String(16))
    roles: Mapped[str] = mapped_column(String(4))


class Clause(Timestamped, Base):
    """A reusable clause text in both languages; versions keep a copy, so editing the library
    never changes what was already agreed."""

    __tablename__ = "contract_clauses"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    category: Mapped[str] = mapped_column(String(32), index=True)
    title_en: Mapped[str] = mapped_column(String(300))
    title_ko: Mapped[str] = mapped_column(String(300))
    text_en: Mapped[str] = mapped_column(Text)
    text_ko: Mapped[str] = mapped_column(Text)
