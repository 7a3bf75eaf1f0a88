"""Notifications per user, each user's preferences, and the e-mail outbox.

A notification keeps its title as an English msgid with parameters, never as text: it is shown
in the language of whoever reads it, which may change after it was written. ``dedupe_key`` lets
the daily scan run any number of times a day without telling anyone twice. An e-mail is a row of
its own (the outbox) so that its state — queued, sent, failed with the server's words — stays
visible after the job that carried it has finished, and a failed one can be sent again.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from cofab.core.i18n import N_
from cofab.core.labels import register_labels
from cofab.db.base import Base, UTCDateTime, utcnow

# Event kinds: what a user chooses channels for.
ASSIGNMENT, DUE_SOON, OVERDUE, MEETING, DECISION, MENTION, OTHER = (
    "assignment",
    "due_soon",
    "overdue",
    "meeting_invitation",
    "decision",
    "mention",
    "other",
)
EVENT_KINDS: tuple[str, ...] = (ASSIGNMENT, DUE_SOON, OVERDUE, MEETING, DECISION, MENTION, OTHER)
CHANNELS: tuple[str, ...] = ("in_app", "email")
# Both channels for every kind unless the user chooses otherwise.
DEFAULT_CHANNELS: dict[str, list[str]] = {kind: list(CHANNELS) for kind in EVENT_KINDS}
DEFAULT_DUE_DAYS = 3

MAIL_QUEUED, MAIL_SENT, MAIL_FAILED = "queued", "sent", "failed"
MAIL_STATES: tuple[str, ...] = (MAIL_QUEUED, MAIL_SENT, MAIL_FAILED)

register_labels(
    {
        "notify_assignment": N_("New assignment"),
        "notify_due_soon": N_("Due soon"),
        "notify_overdue": N_("Overdue"),
        "notify_meeting_invitation": N_("Meeting invitation"),
        "notify_decision": N_("Decision"),
        "notify_mention": N_("Mention"),
        "notify_other": N_("Other"),
        "notify_in_app": N_("In the app"),
        "notify_email": N_("E-mail"),
        "mail_queued": N_("Queued"),
        "mail_sent": N_("Sent"),
        "mail_failed": N_("Failed"),
    }
)


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("user_id", "dedupe_key", name="uq_notifications_user_dedupe"),
        Index("ix_notifications_user_unread", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    msgid: Mapped[str] = mapped_column(String(500))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    link: Mapped[str] = mapped_column(String(500), default="")
    # False when the user turned the in-app channel off for this kind: kept for e-mail/digest
    # and for the dedupe key, never counted by the bell.
    shown: Mapped[bool] = mapped_column(Boolean, default=True)
    dedupe_key: Mapped[str | None] = mapped_column(String(200))
    # wanted by e-mail but waiting for the daily digest (cleared when the digest is queued)
    digest_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class NotificationPrefs(Base):
    __tablename__ = "notification_prefs"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    # {event kind: ["in_app", "email"]}; a kind missing here takes DEFAULT_CHANNELS
    channels: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    due_days: Mapped[int] = mapped_column(Integer, default=DEFAULT_DUE_DAYS)
    daily_digest: Mapped[bool] = mapped_column(Boolean, default=False)
    last_digest_on: Mapped[date | None] = mapped_column(Date)


class OutgoingEmail(Base):
    __tablename__ = "notification_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    to_addr: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(5))
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    is_digest: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default=MAIL_QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(1000))
    job_id: Mapped[int | None] = mapped_column(Integer)
    # when the queued retry will be tried (None: at once, or nothing pending)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DailySchedule(Base):
    """When the daily scan and digest run: one row (id 1), a local time in a time zone.

    ``last_run_on`` is the local day of the last run: the daily job claims a day by moving it
    forward in one guarded UPDATE, so two workers (or a job re-queued after a crash) never run
    the same day twice."""

    __tablename__ = "notification_schedule"

    id: Mapped[int] = mapped_column(primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    local_time: Mapped[str] = mapped_column(String(5), default="06:00")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    last_run_on: Mapped[date | None] = mapped_column(Date)
    next_job_id: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
