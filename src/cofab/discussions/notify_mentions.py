"""Mentions told through the notifications domain: each person mentioned in a message gets a
notification on the channels they chose for mentions (in the app, by e-mail), in their own
language, linking to the thread (which checks again that they may see it)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from cofab.core.i18n import N_
from cofab.discussions import service
from cofab.notifications import service as notifications_service

MSG_MENTIONED = N_("{author} mentioned you on {kind} {subject}: {excerpt}")


def tell(session: Session, event: service.Mentioned) -> None:
    label = service.SUBJECT_LABELS.get(event.subject_kind, event.subject_kind)
    notifications_service.notify(
        session,
        event.user_id,
        "mention",
        MSG_MENTIONED,
        {
            "author": event.author_label,
            "kind": {"msgid": label, "params": {}},
            "subject": event.subject_title,
            "excerpt": event.excerpt,
        },
        link=f"/discussions/{event.subject_kind}/{event.subject_id}#message-{event.message_id}",
        dedupe_key=f"discussion-mention:{event.message_id}:{event.user_id}",
    )


service.register_mention_listener(tell)
