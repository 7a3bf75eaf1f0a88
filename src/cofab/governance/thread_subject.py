"""Meetings as discussion subjects: a thread on a meeting is as visible as the meeting (the
partner's people see their own partnership's meetings)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.discussions import service as discussions_service
from cofab.governance import meetings


def meeting_subject(session: Session, actor: Actor, object_id: int) -> discussions_service.Subject:
    meeting = meetings.get_meeting(session, actor=actor, meeting_id=object_id)
    return discussions_service.Subject(
        partner_id=meeting.partner_id,
        unit_id=meeting.unit_id,
        title=f"{meeting.title} · {meeting.starts_at:%Y-%m-%d}",
        url=f"/governance/meetings/{meeting.id}",
    )


discussions_service.register_subject("meeting", meeting_subject)
