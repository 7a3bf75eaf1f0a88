"""Governance's action items in the notifications inbox: every meeting's action items.

Registered with ``notifications.service`` when imported (a hook named in governance's PARTS).
The list and the done button go through ``governance.service`` with the actor, so a partner user
sees its company's items only and may close its own side's (the same rule as the meeting page).
An item with an owner account is addressed by that account's e-mail, so the daily scan tells
exactly that person. A performance review's items, mirrored into the review's meeting, are left
out: the review keeps them, and performance's own source lists them once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.accounts.models import User
from cofab.core.access import Actor
from cofab.core.i18n import N_
from cofab.governance import service as governance
from cofab.notifications import service as notifications

KIND = "governance.action_item"
TITLE = N_("{meeting}: {title}")
CLOSED = ("done", "cancelled")


def list_items(session: Session, actor: Actor, today: date) -> Iterable[notifications.InboxItem]:
    rows = governance.list_action_items(session, actor, include_mirrored=False)
    owner_ids = {item.owner_user_id for item, _ in rows if item.owner_user_id is not None}
    emails: dict[int, str] = {}
    if owner_ids:
        emails = dict(
            session.execute(select(User.id, User.email).where(User.id.in_(sorted(owner_ids)))).all()
        )
    return [
        notifications.InboxItem(
            kind=KIND,
            id=item.id,
            title_msgid=TITLE,
            title_params={"meeting": meeting.title, "title": item.title},
            owner=emails.get(item.owner_user_id or 0, item.owner_name),
            side="partner" if item.side == "partner" else "owner",
            partner_id=item.partner_id,
            due=item.due_date,
            status=notifications.DONE if item.status in CLOSED else notifications.OPEN,
            url=f"/governance/meetings/{meeting.id}",
        )
        for item, meeting in rows
    ]


def mark_done(session: Session, actor: Actor, item_id: int, today: date) -> None:
    governance.mark_action_item_done(session, actor, item_id)


notifications.register_inbox_source(KIND, list_items, mark_done, label=N_("Meeting action item"))
