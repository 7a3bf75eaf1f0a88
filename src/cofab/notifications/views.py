"""Inbox items and notifications as the API and the pages show them, in the reader's language."""

from __future__ import annotations

from datetime import date

from cofab.core.i18n import translate
from cofab.notifications import schemas
from cofab.notifications.inbox import InboxItem, can_mark_done
from cofab.notifications.models import CHANNELS, EVENT_KINDS, Notification, NotificationPrefs
from cofab.notifications.rendering import render_text
from cofab.notifications.service import channels_for


def item_read(item: InboxItem, locale: str, today: date) -> schemas.InboxItemRead:
    return schemas.InboxItemRead(
        kind=item.kind,
        id=item.id,
        title=item.title(locale),
        owner=item.owner,
        side=item.side,
        partner_id=item.partner_id,
        due=item.due,
        status=item.status,
        detail=translate(item.detail, locale) if item.detail else "",
        overdue=item.overdue(today),
        url=item.url,
        can_mark_done=item.status == "open" and can_mark_done(item.kind),
    )


def notification_read(note: Notification, locale: str) -> schemas.NotificationRead:
    return schemas.NotificationRead(
        id=note.id,
        kind=note.kind,
        title=render_text(note.msgid, note.params, locale),
        link=note.link,
        created_at=note.created_at,
        read_at=note.read_at,
    )


def prefs_read(prefs: NotificationPrefs) -> schemas.PrefsRead:
    return schemas.PrefsRead(
        channels={kind: channels_for(prefs, kind) for kind in EVENT_KINDS},
        due_days=prefs.due_days,
        daily_digest=prefs.daily_digest,
    )


__all__ = ["CHANNELS", "item_read", "notification_read", "prefs_read"]
