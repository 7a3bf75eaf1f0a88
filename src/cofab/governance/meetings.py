"""Meetings: when (UTC, with the time zone it was planned in), what (agenda with owners, time
boxes and vault documents), who came, and the minutes in Korean and English.

A meeting is never planned in the past: the start is refused by field, nothing written. Rows
copied from performance reviews (kind ``performance_review``) carry their review's date as is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core import audit
from cofab.core.access import Actor, scope_to_partner
from cofab.core.errors import FieldProblem
from cofab.core.i18n import N_
from cofab.governance import committees, guards, notices, schemas
from cofab.governance.cadence import series_starts, to_utc, zone_or_none
from cofab.governance.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    AttendanceRow,
    Committee,
    Decision,
    Meeting,
    MeetingKind,
)
from cofab.partners.models import Partner
from cofab.vault.models import VaultDocument

NO_SUCH_PARTNER = N_("No partner with id {id}.")
PARTNER_OR_COMMITTEE = N_("Choose the partner or the committee the meeting belongs to.")
OTHER_PARTNER = N_("The committee belongs to another partner.")
NO_SUCH_DOCUMENT = N_("No vault document with id {id}.")
ABSENT = ("absent", "excused")
MEETING_KIND_OF = {
    "steering": MeetingKind.STEERING,
    "operating": MeetingKind.OPERATING,
    "jv_board": MeetingKind.JV_BOARD,
    "quality_council": MeetingKind.QUALITY_COUNCIL,
}


@dataclass(frozen=True)
class MeetingFilter:
    partner_id: int | None = None
    committee_id: int | None = None
    kind: str | None = None
    upcoming_only: bool = False


def list_meetings(session: Session, *, actor: Actor, flt: MeetingFilter) -> list[Meeting]:
    stmt = scope_to_partner(select(Meeting), actor, Meeting.partner_id)
    if flt.partner_id is not None:
        stmt = stmt.where(Meeting.partner_id == flt.partner_id)
    if flt.committee_id is not None:
        stmt = stmt.where(Meeting.committee_id == flt.committee_id)
    if flt.kind:
        stmt = stmt.where(Meeting.kind == flt.kind)
    if flt.upcoming_only:
        stmt = stmt.where(Meeting.starts_at >= guards.now_utc(), Meeting.status == "scheduled")
        return list(session.execute(stmt.order_by(Meeting.starts_at, Meeting.id)).scalars())
    return list(session.execute(stmt.order_by(Meeting.starts_at.desc(), Meeting.id)).scalars())


def get_meeting(session: Session, *, actor: Actor, meeting_id: int) -> Meeting:
    return guards.visible_or_404(actor, session.get(Meeting, meeting_id))


def _children(session: Session, model: Any, meeting_id: int, *order: Any) -> list[Any]:
    stmt = select(model).where(model.meeting_id == meeting_id).order_by(*order, model.id)
    return list(session.execute(stmt).scalars())


def meeting_detail(session: Session, *, actor: Actor, meeting_id: int) -> dict[str, Any]:
    meeting = get_meeting(session, actor=actor, meeting_id=meeting_id)
    zone = zone_or_none(meeting.timezone)
    local = meeting.starts_at.astimezone(zone) if zone else meeting.starts_at
    return {
        "meeting": meeting,
        "start_local": local.strftime("%Y-%m-%d %H:%M %Z"),
        "agenda": _children(session, AgendaItem, meeting.id, AgendaItem.position),
        "attendance": _children(session, AttendanceRow, meeting.id, AttendanceRow.side),
        "decisions": _children(session, Decision, meeting.id, Decision.number),
        "action_items": _children(session, ActionItem, meeting.id, ActionItem.due_date),
    }


def _check_document(session: Session, document_id: int | None, field: str) -> list[FieldProblem]:
    if document_id is None:
        return []
    if session.execute(select(VaultDocument.id).where(VaultDocument.id == document_id)).first():
        return []
    return [FieldProblem(field, NO_SUCH_DOCUMENT, {"id": document_id})]


def new_meeting(
    session: Session,
    *,
    actor: Actor,
    committee: Committee | None,
    partner_id: int,
    kind: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    timezone: str,
    location: str = "",
    agenda: list[schemas.AgendaIn] | None = None,
) -> Meeting:
    """Write one checked meeting with the committee's members invited (no checks here)."""
    meeting = Meeting(
        partner_id=partner_id,
        committee_id=committee.id if committee else None,
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        timezone=timezone,
        location=location,
        status="scheduled",
        minutes_ko="",
        minutes_en="",
        created_by=actor.email,
    )
    session.add(meeting)
    session.flush()
    for position, item in enumerate(agenda or [], start=1):
        session.add(
            AgendaItem(
                meeting_id=meeting.id, partner_id=partner_id, position=position, **item.model_dump()
            )
        )
    for member in committee.members if committee else []:
        session.add(
            AttendanceRow(
                meeting_id=meeting.id,
                partner_id=partner_id,
                name=member.name,
                side=member.side,
                user_id=member.user_id,
                status=Attendance.INVITED,
            )
        )
    session.flush()
    snap = audit.snapshot(meeting) | {
        "agenda": [i.model_dump() for i in agenda or []],
    }
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="meeting",
        entity_id=meeting.id,
        partner_id=partner_id,
        after=snap,
    )
    notices.meeting_changed(session, actor=actor, meeting=meeting, change=notices.SCHEDULED)
    return meeting


def create_meeting(
    session: Session, *, actor: Actor, data: schemas.MeetingCreate, now: datetime | None = None
) -> Meeting:
    """``now`` is the clock the start is checked against (a data load's own "today")."""
    guards.ensure_writer(actor)
    problems: list[FieldProblem] = []
    committee: Committee | None = None
    partner_id = data.partner_id
    if data.committee_id is not None:
        committee = committees.get_committee(session, actor=actor, committee_id=data.committee_id)
        if partner_id is not None and partner_id != committee.partner_id:
            problems.append(FieldProblem("committee_id", OTHER_PARTNER))
        partner_id = committee.partner_id
    if partner_id is None:
        problems.append(FieldProblem("partner_id", PARTNER_OR_COMMITTEE))
    elif session.get(Partner, partner_id) is None:
        problems.append(FieldProblem("partner_id", NO_SUCH_PARTNER, {"id": partner_id}))
    zone = zone_or_none(data.timezone)
    if zone is None:
        problems.append(FieldProblem("timezone", guards.UNKNOWN_ZONE, {"zone": data.timezone}))
    else:
        past = guards.past_problem("starts_at", to_utc(data.starts_at, zone), now)
        problems.extend([past] if past else [])
    for index, item in enumerate(data.agenda):
        problems += _check_document(
            session, item.vault_document_id, f"agenda.{index}.vault_document_id"
        )
    guards.raise_if(problems)
    assert zone is not None and partner_id is not None
    start = to_utc(data.starts_at, zone)
    return new_meeting(
        session,
        actor=actor,
        committee=committee,
        partner_id=partner_id,
        kind=data.kind,
        title=data.title,
        starts_at=start,
        ends_at=start + timedelta(minutes=data.duration_minutes),
        timezone=data.timezone,
        location=data.location,
        agenda=data.agenda,
    )


def update_meeting(
    session: Session, *, actor: Actor, meeting_id: int, data: schemas.MeetingUpdate
) -> Meeting:
    """Minutes, status, place and time; a new start is checked like a new meeting's."""
    meeting = get_meeting(session, actor=actor, meeting_id=meeting_id)
    guards.ensure_writer(actor)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    name = changes.get("timezone", meeting.timezone)
    zone = zone_or_none(name)
    if zone is None:
        guards.raise_if([FieldProblem("timezone", guards.UNKNOWN_ZONE, {"zone": name})])
    assert zone is not None
    duration = meeting.ends_at - meeting.starts_at
    if "duration_minutes" in changes:
        duration = timedelta(minutes=changes.pop("duration_minutes"))
    if "starts_at" in changes:
        start = to_utc(changes["starts_at"], zone)
        past = guards.past_problem("starts_at", start)
        guards.raise_if([past] if past else [])
        changes["starts_at"] = start

    def keep_duration() -> None:
        meeting.ends_at = meeting.starts_at + duration

    before = guards.change_row(
        session, actor=actor, entity="meeting", row=meeting, changes=changes, then=keep_duration
    )
    _tell_about_change(session, actor, meeting, before)
    return meeting


def _tell_about_change(
    session: Session, actor: Actor, meeting: Meeting, before: dict[str, Any]
) -> None:
    """A cancellation or a new start reaches the meeting's people; other edits do not."""
    if meeting.status == "cancelled" and before.get("status") != "cancelled":
        notices.meeting_changed(session, actor=actor, meeting=meeting, change=notices.CANCELLED)
    elif meeting.status == "scheduled" and audit.snapshot(meeting)["starts_at"] != before.get(
        "starts_at"
    ):
        notices.meeting_changed(session, actor=actor, meeting=meeting, change=notices.MOVED)


def generate_series(
    session: Session,
    *,
    actor: Actor,
    committee_id: int,
    data: schemas.SeriesIn,
    now: datetime | None = None,
) -> list[Meeting]:
    """The next meetings of the committee's cadence at the same local time, each with the
    members invited; a first start in the past refuses the whole series (nothing written)."""
    committee = committees.get_committee(session, actor=actor, committee_id=committee_id)
    guards.ensure_writer(actor)
    zone = zone_or_none(committee.timezone)
    if zone is None:
        problem = FieldProblem("timezone", guards.UNKNOWN_ZONE, {"zone": committee.timezone})
        guards.raise_if([problem])
    assert zone is not None
    first = data.first_start
    first_local = first.astimezone(zone).replace(tzinfo=None) if first.tzinfo else first
    utc_starts = [
        to_utc(s, zone) for s in series_starts(first_local, committee.cadence, data.count)
    ]
    past = guards.past_problem("first_start", utc_starts[0], now)
    guards.raise_if([past] if past else [])
    kind = MEETING_KIND_OF.get(committee.kind, MeetingKind.COMMITTEE)
    return [
        new_meeting(
            session,
            actor=actor,
            committee=committee,
            partner_id=committee.partner_id,
            kind=kind,
            title=f"{committee.name} · {start.astimezone(zone):%Y-%m-%d}",
            starts_at=start,
            ends_at=start + timedelta(minutes=committee.duration_minutes),
            timezone=committee.timezone,
            location=data.location,
        )
        for start in utc_starts
    ]


def add_agenda_item(
    session: Session, *, actor: Actor, meeting_id: int, data: schemas.AgendaIn
) -> AgendaItem:
    meeting = get_meeting(session, actor=actor, meeting_id=meeting_id)
    guards.ensure_writer(actor)
    guards.raise_if(_check_document(session, data.vault_document_id, "vault_document_id"))
    last = session.execute(
        select(AgendaItem.position)
        .where(AgendaItem.meeting_id == meeting.id)
        .order_by(AgendaItem.position.desc())
        .limit(1)
    ).scalar()
    item = AgendaItem(
        meeting_id=meeting.id,
        partner_id=meeting.partner_id,
        position=(last or 0) + 1,
        **data.model_dump(),
    )
    session.add(item)
    session.flush()
    guards.record(session, actor=actor, action="create", entity="agenda_item", row=item)
    return item


def update_agenda_item(
    session: Session, *, actor: Actor, agenda_id: int, data: schemas.AgendaChange
) -> AgendaItem:
    """Correct an agenda item; a new position moves it and renumbers the others 1…n."""
    item = guards.visible_or_404(actor, session.get(AgendaItem, agenda_id))
    guards.ensure_writer(actor)
    changes = data.model_dump(exclude_unset=True)
    changes = {k: v for k, v in changes.items() if v is not None or k == "vault_document_id"}
    guards.raise_if(_check_document(session, changes.get("vault_document_id"), "vault_document_id"))
    position = changes.pop("position", None)

    def reorder() -> None:
        if position is None or position == item.position:
            return
        siblings = [
            a
            for a in _children(session, AgendaItem, item.meeting_id, AgendaItem.position)
            if a.id != item.id
        ]
        siblings.insert(min(position, len(siblings) + 1) - 1, item)
        for offset, row in enumerate(siblings, start=1):
            row.position = offset

    guards.change_row(
        session, actor=actor, entity="agenda_item", row=item, changes=changes, then=reorder
    )
    return item


def set_attendance(
    session: Session, *, actor: Actor, meeting_id: int, data: schemas.AttendanceIn
) -> AttendanceRow:
    """One person's attendance, by name: added when new, its status changed otherwise."""
    meeting = get_meeting(session, actor=actor, meeting_id=meeting_id)
    guards.ensure_writer(actor)
    row = session.execute(
        select(AttendanceRow).where(
            AttendanceRow.meeting_id == meeting.id, AttendanceRow.name == data.name
        )
    ).scalar_one_or_none()
    before = audit.snapshot(row) if row else None
    if row is None:
        row = AttendanceRow(meeting_id=meeting.id, partner_id=meeting.partner_id, name=data.name)
        session.add(row)
    newly_invited = row.user_id != data.user_id or before is None
    row.side, row.user_id, row.status = data.side, data.user_id, data.status
    session.flush()
    action = "update" if before else "create"
    guards.record(session, actor=actor, action=action, entity="attendance", row=row, before=before)
    upcoming = meeting.status == "scheduled" and meeting.starts_at >= guards.now_utc()
    if newly_invited and row.user_id is not None and upcoming and row.status not in ABSENT:
        notices.meeting_changed(
            session, actor=actor, meeting=meeting, change=notices.SCHEDULED, only={row.user_id}
        )
    return row
