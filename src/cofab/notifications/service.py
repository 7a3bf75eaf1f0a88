"""What notifications offers other domains and its own web layer.

Other domains call ``notify`` (a meeting invitation, a decision, a mention) and feed the inbox
with ``register_inbox_source``; they import only this module. A notification is stored once per
user with its title as a msgid and parameters, so the bell, the page and the e-mail each show
it in the reader's language; the user's preferences decide whether it shows in the app, goes
out by e-mail at once, or waits for the daily digest.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from cofab.accounts.models import User
from cofab.core import audit, jobs
from cofab.core.access import Actor, require_roles
from cofab.core.errors import FieldProblem, NotFound, ValidationFailed
from cofab.core.i18n import N_, normalise_locale
from cofab.db.base import utcnow
from cofab.notifications import delivery
from cofab.notifications.delivery import DIGEST_JOB, SCAN_JOB
from cofab.notifications.inbox import (
    DONE,
    OPEN,
    InboxFilter,
    InboxItem,
    can_mark_done,
    inbox_sources,
    list_inbox,
    mark_done,
    register_inbox_source,
)
from cofab.notifications.models import (
    CHANNELS,
    DEFAULT_CHANNELS,
    DEFAULT_DUE_DAYS,
    EVENT_KINDS,
    OTHER,
    Notification,
    NotificationPrefs,
    OutgoingEmail,
)
from cofab.notifications.rendering import render_text

__all__ = [
    "DONE",
    "OPEN",
    "InboxFilter",
    "InboxItem",
    "can_mark_done",
    "channels_for",
    "enqueue_daily",
    "inbox_sources",
    "list_emails",
    "list_inbox",
    "list_notifications",
    "mark_all_read",
    "mark_done",
    "mark_read",
    "notify",
    "prefs_of",
    "register_inbox_source",
    "render_text",
    "retry_email",
    "unread_count",
    "update_prefs",
]

UNKNOWN_KIND = N_("Unknown notification kind {kind}.")
UNKNOWN_CHANNEL = N_("Unknown channel {channel}.")
DUE_DAYS_RANGE = N_("Choose between 0 and 60 days.")


# --- preferences ------------------------------------------------------------------------------


def prefs_of(session: Session, user_id: int) -> NotificationPrefs:
    """The user's row, or the defaults (not stored until the user saves the form)."""
    row = session.get(NotificationPrefs, user_id)
    if row is None:
        row = NotificationPrefs(
            user_id=user_id, channels={}, due_days=DEFAULT_DUE_DAYS, daily_digest=False
        )
    return row


def channels_for(prefs: NotificationPrefs, kind: str) -> list[str]:
    chosen = (prefs.channels or {}).get(kind)
    if chosen is None:
        chosen = DEFAULT_CHANNELS.get(kind, list(CHANNELS))
    return [c for c in CHANNELS if c in chosen]


def update_prefs(
    session: Session,
    *,
    actor: Actor,
    channels: dict[str, list[str]],
    due_days: int,
    daily_digest: bool,
) -> NotificationPrefs:
    """The signed-in user's own choices (any role, a viewer too: it is their own account)."""
    problems: list[FieldProblem] = []
    for kind, chosen in channels.items():
        if kind not in EVENT_KINDS:
            problems.append(FieldProblem("channels", UNKNOWN_KIND, {"kind": kind}))
        for channel in chosen:
            if channel not in CHANNELS:
                problems.append(FieldProblem("channels", UNKNOWN_CHANNEL, {"channel": channel}))
    if not 0 <= due_days <= 60:
        problems.append(FieldProblem("due_days", DUE_DAYS_RANGE))
    if problems:
        raise ValidationFailed(problems=problems)
    row = session.get(NotificationPrefs, actor.user_id)
    before = audit.snapshot(row) if row is not None else None
    if row is None:
        row = NotificationPrefs(user_id=actor.user_id)
        session.add(row)
    row.channels = {kind: sorted(set(chosen)) for kind, chosen in channels.items()}
    row.due_days = due_days
    row.daily_digest = daily_digest
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update",
        entity="notification_prefs",
        entity_id=actor.user_id,
        before=before,
        after=audit.snapshot(row),
    )
    return row


# --- sending ----------------------------------------------------------------------------------


def notify(
    session: Session,
    user_id: int,
    kind: str,
    msgid: str,
    params: dict[str, Any] | None = None,
    link: str = "",
    *,
    dedupe_key: str | None = None,
) -> Notification | None:
    """Tell one user something, through the channels they chose for ``kind``.

    ``msgid`` is an English message marked with ``N_`` and ``params`` its JSON-able values (a
    value may be ``{"msgid": …, "params": …}`` to be translated too); ``link`` a path in the app.
    With ``dedupe_key`` the same key never notifies the same user twice. Runs in the caller's
    transaction: nothing is sent if it rolls back (the e-mail job only exists once committed).
    Returns None when nothing was stored (a duplicate, or every channel turned off)."""
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        return None
    if kind not in EVENT_KINDS:
        kind = OTHER
    if dedupe_key is not None:
        seen = session.execute(
            select(Notification.id).where(
                Notification.user_id == user_id, Notification.dedupe_key == dedupe_key
            )
        ).first()
        if seen is not None:
            return None
    prefs = prefs_of(session, user_id)
    channels = channels_for(prefs, kind)
    if not channels:
        return None
    wants_mail = "email" in channels and delivery.mail_enabled()
    note = Notification(
        user_id=user_id,
        kind=kind,
        msgid=msgid,
        params=params or {},
        link=link[:500],
        shown="in_app" in channels,
        dedupe_key=dedupe_key,
        digest_pending=wants_mail and prefs.daily_digest,
    )
    session.add(note)
    session.flush()
    if wants_mail and not prefs.daily_digest:
        locale = normalise_locale(user.locale)
        delivery.queue_email(
            session,
            user=user,
            subject=render_text(msgid, note.params, locale),
            body=delivery.single_body(render_text(msgid, note.params, locale), note.link, locale),
            locale=locale,
        )
    return note


# --- reading ----------------------------------------------------------------------------------


def unread_count(session: Session, *, actor: Actor) -> int:
    """One indexed count: what the bell shows on every page."""
    return int(
        session.execute(
            select(func.count())
            .select_from(Notification)
            .where(
                Notification.user_id == actor.user_id,
                Notification.shown.is_(True),
                Notification.read_at.is_(None),
            )
        ).scalar_one()
    )


def list_notifications(
    session: Session, *, actor: Actor, unread_only: bool = False, limit: int = 100
) -> list[Notification]:
    stmt = (
        select(Notification)
        .where(Notification.user_id == actor.user_id, Notification.shown.is_(True))
        .order_by(Notification.id.desc())
        .limit(max(1, min(limit, 500)))
    )
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return list(session.execute(stmt).scalars())


def mark_read(session: Session, *, actor: Actor, notification_id: int) -> Notification:
    """Only one's own: another user's notification is not found."""
    note = session.get(Notification, notification_id)
    if note is None or note.user_id != actor.user_id:
        raise NotFound()
    if note.read_at is None:
        note.read_at = utcnow()
        session.flush()
    return note


def mark_all_read(session: Session, *, actor: Actor) -> int:
    result = session.execute(
        update(Notification)
        .where(Notification.user_id == actor.user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# --- the outbox (admins) ----------------------------------------------------------------------

MAIL_ADMINS = frozenset({"admin"})


def list_emails(session: Session, *, actor: Actor, limit: int = 50) -> list[OutgoingEmail]:
    require_roles(actor, MAIL_ADMINS)
    return list(
        session.execute(
            select(OutgoingEmail).order_by(OutgoingEmail.id.desc()).limit(limit)
        ).scalars()
    )


def enqueue_daily(session: Session, *, actor: Actor) -> list[int]:
    """The daily scan and digest as jobs now (admins); cron runs ``cofab notify scan``."""
    require_roles(actor, MAIL_ADMINS)
    return [
        jobs.enqueue(session, actor=actor, kind=kind, payload={}).id
        for kind in (SCAN_JOB, DIGEST_JOB)
    ]


def retry_email(session: Session, *, actor: Actor, email_id: int) -> OutgoingEmail:
    require_roles(actor, MAIL_ADMINS)
    return delivery.requeue(session, actor=actor, email_id=email_id)
