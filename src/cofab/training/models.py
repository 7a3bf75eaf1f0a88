"""Training of partner staff and acknowledgement of the SOPs shared with them.

A training record is the partner's (``partner_id``): who, which course, when, valid until when,
optionally the certificate as a vault document. An SOP requirement names a vault document and
the partner that must confirm having read it; an acknowledgement confirms one *version* of it,
so a new version in the vault leaves the requirement pending again without anything being
rewritten here (the current version is read from the vault when the status is asked for).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cofab.core.i18n import N_
from cofab.core.labels import register_labels
from cofab.db.base import Base, Timestamped, UTCDateTime, utcnow


class CourseKind(enum.StrEnum):
    SECURITY = "security"  # domain text §5.2: security rules
    PROCESS_SOP = "process_sop"  # §5.1: standard work instructions
    OTHER = "other"


register_labels(
    {
        "course_security": N_("Security training (§5.2)"),
        "course_process_sop": N_("Process / SOP training (§5.1)"),
        "course_other": N_("Other training"),
        "validity_valid": N_("Valid"),
        "validity_expiring": N_("Expiring soon"),
        "validity_expired": N_("Expired"),
        "sop_pending": N_("Acknowledgement pending"),
        "sop_acknowledged": N_("Acknowledged"),
    }
)


class TrainingRecord(Timestamped, Base):
    __tablename__ = "training_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    person_name: Mapped[str] = mapped_column(String(200))
    person_email: Mapped[str | None] = mapped_column(String(254))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("partner_contacts.id", ondelete="SET NULL")
    )
    course_kind: Mapped[str] = mapped_column(String(16), index=True)
    course_title: Mapped[str] = mapped_column(String(300))
    completed_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date, index=True)
    certificate_document_id: Mapped[int | None] = mapped_column(
        ForeignKey("vault_documents.id", ondelete="SET NULL")
    )
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_label: Mapped[str] = mapped_column(String(254), default="")


class SopRequirement(Timestamped, Base):
    """The partner must confirm the current version of this vault document."""

    __tablename__ = "training_sop_requirements"
    __table_args__ = (UniqueConstraint("document_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("vault_documents.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_label: Mapped[str] = mapped_column(String(254), default="")

    acknowledgements: Mapped[list[SopAcknowledgement]] = relationship(
        back_populates="requirement",
        cascade="all, delete-orphan",
        order_by="SopAcknowledgement.id",
    )


class SopAcknowledgement(Base):
    """One partner user's "I have read version N"."""

    __tablename__ = "training_sop_acks"
    __table_args__ = (UniqueConstraint("requirement_id", "version_number", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    requirement_id: Mapped[int] = mapped_column(
        ForeignKey("training_sop_requirements.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    version_number: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    user_label: Mapped[str] = mapped_column(String(254))
    acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    requirement: Mapped[SopRequirement] = relationship(back_populates="acknowledgements")
