"""A meeting's invitation as an iCalendar file: the meeting record mapped onto ``ical``'s plain
``Invitation`` (organiser, every invited person with an e-mail, each in their own time zone).

The organiser is the committee's chair when the chair has an e-mail, otherwise whoever asks for
the file; attendees are the meeting's attendance list, with the e-mail and time zone of their
account, or the e-mail of the committee member of that name (a partner contact without a login
is invited in the meeting's zone). Someone with no e-mail cannot be invited and is left out.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.accounts.models import User
from cofab.core.access import Actor
from cofab.governance.cadence import zone_or_none
from cofab.governance.ical import Attendee, Invitation, Method, invitation_ics, meeting_uid
from cofab.governance.meetings import meeting_detail
from cofab.governance.models import CommitteeMember


def _zone(name: str | None, fallback: str) -> str:
    return name if name and zone_or_none(name) is not None else fallback


def meeting_invitation(
    session: Session, *, actor: Actor, meeting_id: int, host: str = "cofab.local"
) -> tuple[str, bytes]:
    """(file name, .ics bytes) for the meeting, if the actor may see it (404 otherwise)."""
    detail = meeting_detail(session, actor=actor, meeting_id=meeting_id)
    meeting = detail["meeting"]
    members: list[CommitteeMember] = []
    if meeting.committee_id is not None:
        members = list(
            session.execute(
                select(CommitteeMember).where(CommitteeMember.committee_id == meeting.committee_id)
            ).scalars()
        )
    member_email = {m.name: m.email for m in members if m.email}
    user_ids = {a.user_id for a in detail["attendance"] if a.user_id is not None}
    users = (
        {u.id: u for u in session.execute(select(User).where(User.id.in_(user_ids))).scalars()}
        if user_ids
        else {}
    )
    attendees: list[Attendee] = []
    for row in detail["attendance"]:
        user = users.get(row.user_id) if row.user_id is not None else None
        email = user.email if user is not None else member_email.get(row.name, "")
        if not email or row.status in ("absent", "excused"):
            continue
        zone = _zone(user.timezone if user is not None else None, meeting.timezone)
        attendees.append(Attendee(name=row.name, email=email, zone=zone))
    chair = next((m for m in members if m.role == "chair" and m.email), None)
    organiser_name = chair.name if chair else actor.display_name
    organiser_email = chair.email if chair else actor.email
    agenda = "\n".join(f"{a.position}. {a.title} ({a.minutes} min)" for a in detail["agenda"])
    changes = int(meeting.updated_at.timestamp() - meeting.created_at.timestamp())
    invitation = Invitation(
        uid=meeting_uid(meeting.id, host),
        title=meeting.title,
        start=meeting.starts_at,
        end=meeting.ends_at,
        organiser_name=organiser_name,
        organiser_email=organiser_email,
        organiser_zone=_zone(meeting.timezone, "UTC"),
        attendees=attendees,
        description=agenda,
        location=meeting.location,
        url=f"/governance/meetings/{meeting.id}",
        sequence=max(changes, 0),
    )
    method: Method = "CANCEL" if meeting.status == "cancelled" else "REQUEST"
    return f"meeting-{meeting.id}.ics", invitation_ics(invitation, method=method)
