"""Who hears about a meeting, a decision or an action item, through ``notifications.notify``.

A meeting's people are its attendance rows and its committee's members that have an account,
on both sides; a partner user is told only about its own company's meetings (a member row of
another company would be a data error, never a reason to leak). Whoever made the change is not
told about it. Times are written in each reader's own time zone (their account's), and the text
is a msgid with parameters, so the bell and the e-mail show it in the reader's language.

Each notice carries a key (meeting + change + start, decision id, item + owner + due date): a
repeated call, a demo reload or the daily scan never tells the same person twice.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.accounts.models import User
from cofab.core.access import Actor
from cofab.core.i18n import N_
from cofab.governance.cadence import zone_or_none
from cofab.governance.models import (
    ActionItem,
    AttendanceRow,
    CommitteeMember,
    Decision,
    Meeting,
)
from cofab.notifications import service as notifications

SCHEDULED, MOVED, CANCELLED = "scheduled", "moved", "cancelled"
MEETING_TEXT = {
    SCHEDULED: N_("Meeting invitation: {title} on {start}"),
    MOVED: N_("Meeting moved: {title} now on {start}"),
    CANCELLED: N_("Meeting cancelled: {title} (was {start})"),
}
DECISION_TEXT = N_("Decision {number} of {meeting}: {text}")
ASSIGNED_TEXT = N_("Assigned to you: {title}")
ITEM_TITLE = N_("{meeting}: {title}")
# the inbox source's kind: the daily scan's "assigned" key for the same item matches ours
ITEM_KIND = "governance.action_item"


def _meeting_link(meeting: Meeting) -> str:
    return f"/governance/meetings/{meeting.id}"


def _readers(session: Session, user_ids: set[int], partner_id: int) -> list[User]:
    """Active accounts among ``user_ids`` that may see a record of ``partner_id``."""
    if not user_ids:
        return []
    rows = session.execute(
        select(User).where(User.id.in_(sorted(user_ids)), User.is_active.is_(True))
    ).scalars()
    return [u for u in rows if u.partner_id in (None, partner_id)]


def meeting_people(session: Session, meeting: Meeting) -> set[int]:
    ids = set(
        session.execute(
            select(AttendanceRow.user_id).where(
                AttendanceRow.meeting_id == meeting.id,
                AttendanceRow.user_id.is_not(None),
                AttendanceRow.status.not_in(("absent", "excused")),
            )
        ).scalars()
    )
    if meeting.committee_id is not None:
        ids |= set(
            session.execute(
                select(CommitteeMember.user_id).where(
                    CommitteeMember.committee_id == meeting.committee_id,
                    CommitteeMember.user_id.is_not(None),
                )
            ).scalars()
        )
    return {i for i in ids if i is not None}


def _local_start(meeting: Meeting, user: User) -> str:
    zone = zone_or_none(user.timezone or "") or zone_or_none(meeting.timezone) or ZoneInfo("UTC")
    local = meeting.starts_at.astimezone(zone)
    return f"{local:%Y-%m-%d %H:%M} ({zone.key})"


def meeting_changed(
    session: Session,
    *,
    actor: Actor | None,
    meeting: Meeting,
    change: str,
    only: set[int] | None = None,
) -> int:
    """Tell the meeting's people (or ``only`` those) that it was scheduled, moved or cancelled;
    returns how many were told. A meeting that has already started (a past meeting recorded
    afterwards, a demo's history) tells nobody."""
    if meeting.starts_at < datetime.now(UTC):
        return 0
    people = meeting_people(session, meeting) if only is None else set(only)
    if actor is not None and actor.user_id is not None:
        people.discard(actor.user_id)
    told = 0
    stamp = meeting.starts_at.strftime("%Y%m%dT%H%M")
    for user in _readers(session, people, meeting.partner_id):
        made = notifications.notify(
            session,
            user.id,
            "meeting_invitation",
            MEETING_TEXT[change],
            {"title": meeting.title, "start": _local_start(meeting, user)},
            _meeting_link(meeting),
            dedupe_key=f"meeting:{meeting.id}:{change}:{stamp}",
        )
        told += made is not None
    return told


def decision_made(
    session: Session, *, actor: Actor | None, decision: Decision, only: set[int] | None = None
) -> int:
    """The meeting's people and the decision's owner account hear about a new decision (or
    ``only`` those: a new owner named later)."""
    meeting = session.get(Meeting, decision.meeting_id)
    if meeting is None:
        return 0
    people = meeting_people(session, meeting) if only is None else set(only)
    if only is None and decision.owner_user_id is not None:
        people.add(decision.owner_user_id)
    if actor is not None and actor.user_id is not None:
        people.discard(actor.user_id)
    told = 0
    text = decision.text if len(decision.text) <= 200 else decision.text[:199] + "…"
    for user in _readers(session, people, decision.partner_id):
        made = notifications.notify(
            session,
            user.id,
            "decision",
            DECISION_TEXT,
            {"number": decision.number, "meeting": meeting.title, "text": text},
            _meeting_link(meeting),
            dedupe_key=f"decision:{decision.id}",
        )
        told += made is not None
    return told


def item_assigned(session: Session, *, actor: Actor | None, item: ActionItem) -> int:
    """A new (or newly assigned) action item: its owner account, or — for a partner-side item
    with no account named — every active user of that partner."""
    meeting = session.get(Meeting, item.meeting_id)
    if meeting is None:
        return 0
    if item.owner_user_id is not None:
        people = {item.owner_user_id}
    elif item.side == "partner":
        people = set(
            session.execute(
                select(User.id).where(User.partner_id == item.partner_id, User.is_active.is_(True))
            ).scalars()
        )
    else:
        return 0
    if actor is not None and actor.user_id is not None:
        people.discard(actor.user_id)
    told = 0
    title = {"msgid": ITEM_TITLE, "params": {"meeting": meeting.title, "title": item.title}}
    for user in _readers(session, people, item.partner_id):
        made = notifications.notify(
            session,
            user.id,
            "assignment",
            ASSIGNED_TEXT,
            {"title": title},
            _meeting_link(meeting),
            dedupe_key=f"assign:{ITEM_KIND}:{item.id}:{item.due_date.isoformat()}",
        )
        told += made is not None
    return told
