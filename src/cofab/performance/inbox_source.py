"""Performance reviews' action items in the notifications inbox.

Registered with ``notifications.service`` when imported (a hook named in performance's PARTS).
Items are listed through ``performance.service``'s scoped review query (a partner user sees its
company's reviews only) and closed through ``update_action_item`` (the same rule as the review
page: a partner reports status on its own company's items). Governance mirrors each review item
into the review's meeting but keeps the review's item as the one record, so this source lists
it and governance's source leaves the mirrors out.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.core.i18n import N_
from cofab.notifications import service as notifications
from cofab.performance import service as performance
from cofab.performance.models import ActionItem, Review

KIND = "performance.action_item"
TITLE = N_("Review {review}: {title}")


def list_items(session: Session, actor: Actor, today: date) -> Iterable[notifications.InboxItem]:
    reviews = performance.review_query(actor).subquery()
    rows = session.execute(
        select(ActionItem, Review)
        .join(Review, Review.id == ActionItem.review_id)
        .where(Review.id.in_(select(reviews.c.id)))
    ).all()
    return [
        notifications.InboxItem(
            kind=KIND,
            id=item.id,
            title_msgid=TITLE,
            title_params={"review": review.title, "title": item.title},
            owner=item.owner_name or "",
            side="partner" if item.owner_side == "partner" else "owner",
            partner_id=item.partner_id,
            due=item.due_date,
            status=notifications.DONE
            if item.status in performance.DONE_STATES
            else notifications.OPEN,
            url=f"/reviews/{review.id}",
        )
        for item, review in rows
    ]


def mark_done(session: Session, actor: Actor, item_id: int, today: date) -> None:
    performance.update_action_item(
        session, actor=actor, item_id=item_id, data=performance.ActionItemUpdate(status="done")
    )


notifications.register_inbox_source(KIND, list_items, mark_done, label=N_("Review action item"))
