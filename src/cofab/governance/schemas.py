"""Request and response shapes of committees, meetings, decisions and action items.

A meeting's start may be sent with an offset (taken as that instant) or without one (read as a
wall-clock time in the meeting's ``timezone``, the way people say "10:00 in Seoul").
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from cofab.governance.models import (
    Attendance,
    Cadence,
    CommitteeKind,
    DecisionKind,
    ItemStatus,
    MeetingKind,
    MeetingStatus,
    MemberRole,
    Side,
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class MemberIn(Strict):
    side: Side
    user_id: int | None = None
    contact_id: int | None = None
    name: str | None = Field(default=None, min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    role: MemberRole = MemberRole.MEMBER


class CommitteeCreate(Strict):
    partner_id: int
    kind: CommitteeKind
    name: str = Field(min_length=1, max_length=200)
    code: str = Field(default="", max_length=20)
    charter: str = Field(default="", max_length=20000)
    cadence: Cadence = Cadence.NONE
    timezone: str = Field(default="UTC", min_length=1, max_length=64)
    duration_minutes: int = Field(default=60, ge=5, le=720)
    members: list[MemberIn] = Field(default_factory=list, max_length=60)


class CommitteeUpdate(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    code: str | None = Field(default=None, max_length=20)
    charter: str | None = Field(default=None, max_length=20000)
    cadence: Cadence | None = None
    timezone: str | None = Field(default=None, min_length=1, max_length=64)
    duration_minutes: int | None = Field(default=None, ge=5, le=720)
    active: bool | None = None


class SeriesIn(Strict):
    """The next ``count`` meetings of the committee's cadence, the first at ``first_start``."""

    first_start: datetime
    count: int = Field(default=4, ge=1, le=24)
    location: str = Field(default="", max_length=200)


class AgendaIn(Strict):
    title: str = Field(min_length=1, max_length=300)
    owner_name: str = Field(default="", max_length=200)
    owner_side: Side = Side.OWNER
    minutes: int = Field(default=15, ge=1, le=480)
    vault_document_id: int | None = None


class AgendaChange(Strict):
    title: str | None = Field(default=None, min_length=1, max_length=300)
    owner_name: str | None = Field(default=None, max_length=200)
    owner_side: Side | None = None
    minutes: int | None = Field(default=None, ge=1, le=480)
    vault_document_id: int | None = None
    position: int | None = Field(default=None, ge=1, le=60)


class MeetingCreate(Strict):
    partner_id: int | None = None
    committee_id: int | None = None
    kind: MeetingKind = MeetingKind.COMMITTEE
    title: str = Field(min_length=1, max_length=200)
    starts_at: datetime
    timezone: str = Field(default="UTC", min_length=1, max_length=64)
    duration_minutes: int = Field(default=60, ge=5, le=720)
    location: str = Field(default="", max_length=200)
    agenda: list[AgendaIn] = Field(default_factory=list, max_length=60)


class MeetingUpdate(Strict):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    starts_at: datetime | None = None
    timezone: str | None = Field(default=None, min_length=1, max_length=64)
    duration_minutes: int | None = Field(default=None, ge=5, le=720)
    location: str | None = Field(default=None, max_length=200)
    status: MeetingStatus | None = None
    minutes_ko: str | None = Field(default=None, max_length=100000)
    minutes_en: str | None = Field(default=None, max_length=100000)


class AttendanceIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    side: Side
    user_id: int | None = None
    status: Attendance = Attendance.PRESENT


class DecisionIn(Strict):
    text: str = Field(min_length=1, max_length=5000)
    kind: DecisionKind = DecisionKind.DECISION
    owner_name: str = Field(default="", max_length=200)
    owner_user_id: int | None = None
    effective_on: date | None = None


class DecisionChange(Strict):
    """A decision corrected after the meeting (the audit keeps the text before and after)."""

    text: str | None = Field(default=None, min_length=1, max_length=5000)
    kind: DecisionKind | None = None
    owner_name: str | None = Field(default=None, max_length=200)
    owner_user_id: int | None = None
    effective_on: date | None = None


class ActionItemCreate(Strict):
    title: str = Field(min_length=1, max_length=300)
    side: Side
    owner_user_id: int | None = None
    owner_name: str = Field(default="", max_length=200)
    due_date: date
    decision_id: int | None = None


class ActionItemChange(Strict):
    title: str | None = Field(default=None, min_length=1, max_length=300)
    status: ItemStatus | None = None
    note: str | None = Field(default=None, max_length=5000)
    due_date: date | None = None
    owner_name: str | None = Field(default=None, max_length=200)
    owner_user_id: int | None = None


class MemberRead(Read):
    id: int
    side: str
    user_id: int | None
    contact_id: int | None
    name: str
    email: str
    role: str


class CommitteeRead(Read):
    id: int
    unit_id: int | None
    partner_id: int
    kind: str
    name: str
    code: str
    charter: str
    cadence: str
    timezone: str
    duration_minutes: int
    active: bool


class CommitteeDetail(CommitteeRead):
    members: list[MemberRead]


class AgendaRead(Read):
    id: int
    position: int
    title: str
    owner_name: str
    owner_side: str
    minutes: int
    vault_document_id: int | None


class AttendanceRead(Read):
    id: int
    name: str
    side: str
    user_id: int | None
    status: str


class MeetingDecisionRead(Read):
    id: int
    meeting_id: int
    partner_id: int
    number: int
    kind: str
    text: str
    owner_name: str
    owner_user_id: int | None
    effective_on: date | None


class MeetingActionRead(Read):
    id: int
    meeting_id: int
    partner_id: int
    decision_id: int | None
    title: str
    side: str
    owner_user_id: int | None
    owner_name: str
    due_date: date
    status: str
    note: str
    done_by: str | None
    done_at: datetime | None
    source_action_item_id: int | None


class MeetingRead(Read):
    id: int
    unit_id: int | None
    partner_id: int
    committee_id: int | None
    review_id: int | None
    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    location: str
    status: str


class MeetingDetail(MeetingRead):
    start_local: str
    minutes_ko: str
    minutes_en: str
    agenda: list[AgendaRead]
    attendance: list[AttendanceRead]
    decisions: list[MeetingDecisionRead]
    action_items: list[MeetingActionRead]


ExportFormat = Literal["csv", "xlsx"]
