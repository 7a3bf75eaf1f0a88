"""Governance tables: committees, members, meetings, agenda, decisions and action items.

A committee and its meetings belong to one partnership (``partner_id``) and to one business of
the owner (``unit_id``); the rows under a meeting copy ``partner_id`` so that ``core.access``
scopes each of them without a join, and the unit scope reaches them through ``meeting_id``.
Column names are chosen so the unit scope's foreign-key walk (alphabetical) meets the meeting
or committee first: ``vault_document_id``, ``owner_user_id`` never decide whose a row is.

A performance review is one kind of meeting: ``review_id`` links the mirrored review (copied by
migration 0018 and, for reviews created later, by ``review_mirror``), and
``source_action_item_id`` the review's action item a mirrored item came from.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cofab.core.i18n import N_
from cofab.core.labels import register_labels
from cofab.db.base import Base, Timestamped, UTCDateTime
from cofab.governance import scheduling_models  # noqa: F401  (working hours, holidays)
from cofab.units.models import unit_id_column


class CommitteeKind(enum.StrEnum):
    STEERING = "steering"
    OPERATING = "operating"
    JV_BOARD = "jv_board"
    QUALITY_COUNCIL = "quality_council"
    TECHNICAL = "technical"


class Cadence(enum.StrEnum):
    NONE = "none"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    SEMIANNUAL = "semiannual"
    ANNUAL = "annual"


class MemberRole(enum.StrEnum):
    CHAIR = "chair"
    CO_CHAIR = "co_chair"
    SECRETARY = "secretary"
    MEMBER = "member"
    OBSERVER = "observer"


class Side(enum.StrEnum):
    OWNER = "owner"
    PARTNER = "partner"


class MeetingKind(enum.StrEnum):
    COMMITTEE = "committee"
    STEERING = "steering"
    OPERATING = "operating"
    JV_BOARD = "jv_board"
    QUALITY_COUNCIL = "quality_council"
    PERFORMANCE_REVIEW = "performance_review"
    AD_HOC = "ad_hoc"


class MeetingStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"


class Attendance(enum.StrEnum):
    INVITED = "invited"
    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"


class DecisionKind(enum.StrEnum):
    DECISION = "decision"
    BOARD_RESOLUTION = "board_resolution"


class ItemStatus(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


register_labels(
    {
        "gov_steering": N_("Steering committee"),
        "gov_operating": N_("Operating committee"),
        "gov_jv_board": N_("JV board"),
        "gov_quality_council": N_("Quality council"),
        "gov_technical": N_("Technical committee"),
        "gov_committee": N_("Committee meeting"),
        "gov_performance_review": N_("Performance review"),
        "gov_ad_hoc": N_("Ad-hoc meeting"),
        "gov_none": N_("No fixed cadence"),
        "gov_weekly": N_("Weekly"),
        "gov_monthly": N_("Monthly"),
        "gov_quarterly": N_("Quarterly"),
        "gov_semiannual": N_("Every six months"),
        "gov_annual": N_("Annual"),
        "gov_chair": N_("Chair"),
        "gov_co_chair": N_("Co-chair"),
        "gov_secretary": N_("Secretary"),
        "gov_member": N_("Member"),
        "gov_observer": N_("Observer"),
        "gov_owner": N_("Our side"),
        "gov_partner": N_("Partner side"),
        "gov_scheduled": N_("Scheduled"),
        "gov_held": N_("Held"),
        "gov_cancelled": N_("Cancelled"),
        "gov_invited": N_("Invited"),
        "gov_present": N_("Present"),
        "gov_absent": N_("Absent"),
        "gov_excused": N_("Excused"),
        "gov_decision": N_("Decision"),
        "gov_board_resolution": N_("Board resolution"),
        "gov_open": N_("Open"),
        "gov_in_progress": N_("In progress"),
        "gov_done": N_("Done"),
    }
)


class Committee(Timestamped, Base):
    __tablename__ = "gov_committees"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = unit_id_column()
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(24))
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(20), default="")
    charter: Mapped[str] = mapped_column(Text, default="")
    cadence: Mapped[str] = mapped_column(String(16), default=Cadence.NONE)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(254), default="")

    members: Mapped[list[CommitteeMember]] = relationship(
        back_populates="committee",
        cascade="all, delete-orphan",
        order_by="CommitteeMember.id",
        lazy="raise",
    )


class CommitteeMember(Base):
    """Someone on the committee: an owner user, a partner user, or a partner contact (who may
    have no login); ``name`` is kept so the roll reads the same after the account is gone."""

    __tablename__ = "gov_committee_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(
        ForeignKey("gov_committees.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    side: Mapped[str] = mapped_column(String(10))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("partner_contacts.id", ondelete="SET NULL")
    )
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), default="")
    role: Mapped[str] = mapped_column(String(16), default=MemberRole.MEMBER)

    committee: Mapped[Committee] = relationship(back_populates="members")


class Meeting(Timestamped, Base):
    __tablename__ = "gov_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = unit_id_column()
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    committee_id: Mapped[int | None] = mapped_column(
        ForeignKey("gov_committees.id", ondelete="CASCADE"), index=True
    )
    review_id: Mapped[int | None] = mapped_column(
        ForeignKey("perf_reviews.id", ondelete="SET NULL"), unique=True
    )
    kind: Mapped[str] = mapped_column(String(24))
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    location: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(12), default=MeetingStatus.SCHEDULED)
    minutes_ko: Mapped[str] = mapped_column(Text, default="")
    minutes_en: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(254), default="")


class AgendaItem(Base):
    __tablename__ = "gov_agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("gov_meetings.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(300))
    owner_name: Mapped[str] = mapped_column(String(200), default="")
    owner_side: Mapped[str] = mapped_column(String(10), default=Side.OWNER)
    minutes: Mapped[int] = mapped_column(Integer, default=15)
    vault_document_id: Mapped[int | None] = mapped_column(
        ForeignKey("vault_documents.id", ondelete="SET NULL")
    )


class AttendanceRow(Base):
    __tablename__ = "gov_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "name", name="uq_gov_attendance_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("gov_meetings.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    side: Mapped[str] = mapped_column(String(10))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10), default=Attendance.INVITED)


class Decision(Timestamped, Base):
    """A numbered decision: numbers run per committee (across its meetings), or per meeting
    when the meeting belongs to no committee."""

    __tablename__ = "gov_decisions"
    __table_args__ = (UniqueConstraint("meeting_id", "number", name="uq_gov_decisions_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("gov_meetings.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20), default=DecisionKind.DECISION)
    text: Mapped[str] = mapped_column(Text)
    owner_name: Mapped[str] = mapped_column(String(200), default="")
    # optional: the owner's account (ours or the partner's); the name stays what is shown
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    effective_on: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(254), default="")


class ActionItem(Timestamped, Base):
    __tablename__ = "gov_action_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("gov_meetings.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("gov_decisions.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(String(300))
    side: Mapped[str] = mapped_column(String(10))
    owner_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    owner_name: Mapped[str] = mapped_column(String(200), default="")
    due_date: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(12), default=ItemStatus.OPEN)
    note: Mapped[str] = mapped_column(Text, default="")
    done_by: Mapped[str | None] = mapped_column(String(254))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    source_action_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("perf_action_items.id", ondelete="SET NULL"), unique=True
    )
