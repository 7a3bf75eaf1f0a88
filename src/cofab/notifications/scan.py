"""The daily scan: due dates in the inbox turned into "due soon", "overdue" and "assigned"
notifications for the people who must act.

It reads every source as the system (all partners, all units) and decides who is meant by an
item's owner: the user whose e-mail or name it is; for a partner-side item nobody matches, every
active user of that partner. Each notice carries a key made of the item and its due date, so the
scan may run as often as anyone likes and still tells each person once — and again only if the
due date moves.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.accounts.models import User
from cofab.core.access import SYSTEM_ACTOR
from cofab.core.i18n import N_
from cofab.notifications.inbox import InboxFilter, InboxItem, list_inbox
from cofab.notifications.models import ASSIGNMENT, DUE_SOON, OVERDUE
from cofab.notifications.service import notify, prefs_of

ASSIGNED = N_("Assigned to you: {title}")
DUE_IN = N_("Due in {days} days ({due}): {title}")
DUE_TODAY = N_("Due today: {title}")
OVERDUE_SINCE = N_("Overdue since {due}: {title}")


@dataclass
class ScanResult:
    items: int = 0
    notified: int = 0


class Recipients:
    """Owner strings → user ids, from one read of the active users."""

    def __init__(self, session: Session) -> None:
        self.by_name: dict[str, set[int]] = defaultdict(set)
        self.by_partner: dict[int, set[int]] = defaultdict(set)
        self.partner_of: dict[int, int | None] = {}
        rows = session.execute(
            select(User.id, User.email, User.display_name, User.partner_id).where(
                User.is_active.is_(True)
            )
        ).all()
        for user_id, email, name, partner_id in rows:
            self.by_name[email.casefold()].add(user_id)
            self.by_name[name.casefold()].add(user_id)
            self.partner_of[user_id] = partner_id
            if partner_id is not None:
                self.by_partner[partner_id].add(user_id)

    def of(self, item: InboxItem) -> set[int]:
        # an owner-side item (a risk about a partner, say) reaches owner staff only; a
        # partner-side one that company's users or owner staff, never another company's
        allowed = (None,) if item.side == "owner" else (None, item.partner_id)
        named = {
            uid
            for uid in self.by_name.get(item.owner.strip().casefold(), set())
            if self.partner_of.get(uid) in allowed
        }
        if named:
            return named
        if item.side == "partner" and item.partner_id is not None:
            return set(self.by_partner.get(item.partner_id, set()))
        return set()


def run_scan(session: Session, *, today: date | None = None) -> ScanResult:
    day = today or date.today()
    items = list_inbox(session, actor=SYSTEM_ACTOR, flt=InboxFilter(status="open"), today=day)
    recipients = Recipients(session)
    result = ScanResult(items=len(items))
    due_days: dict[int, int] = {}
    for item in items:
        title = {"msgid": item.title_msgid, "params": item.title_params}
        ref = f"{item.kind}:{item.id}"
        for user_id in sorted(recipients.of(item)):
            if user_id not in due_days:
                due_days[user_id] = prefs_of(session, user_id).due_days
            notes: list[tuple[str, str, dict[str, Any], str]] = []
            if item.due is not None and item.due < day:
                notes.append(
                    (OVERDUE, OVERDUE_SINCE, {"due": item.due.isoformat()}, f"overdue:{ref}")
                )
            else:
                notes.append((ASSIGNMENT, ASSIGNED, {}, f"assign:{ref}"))
                if item.due is not None and (item.due - day).days <= due_days[user_id]:
                    left = (item.due - day).days
                    msgid = DUE_TODAY if left == 0 else DUE_IN
                    notes.append(
                        (DUE_SOON, msgid, {"days": left, "due": item.due.isoformat()}, f"due:{ref}")
                    )
            for kind, msgid, params, key in notes:
                made = notify(
                    session,
                    user_id,
                    kind,
                    msgid,
                    params | {"title": title},
                    item.url,
                    dedupe_key=f"{key}:{item.due.isoformat() if item.due else '-'}",
                )
                result.notified += made is not None
    return result
