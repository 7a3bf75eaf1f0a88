"""JSON shapes of the inbox and notifications API."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from cofab.core.i18n import N_
from cofab.core.validation import register_field_labels

register_field_labels({"local_time": N_("Daily run time"), "enabled": N_("Daily run on")})


class InboxItemRead(BaseModel):
    kind: str
    id: int
    title: str
    owner: str
    side: str
    partner_id: int | None
    due: date | None
    status: str
    detail: str
    overdue: bool
    url: str
    can_mark_done: bool


class InboxPage(BaseModel):
    items: list[InboxItemRead]
    total: int


class NotificationRead(BaseModel):
    id: int
    kind: str
    title: str
    link: str
    created_at: datetime
    read_at: datetime | None


class UnreadCount(BaseModel):
    unread: int


class PrefsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channels: dict[str, list[str]] = Field(default_factory=dict)
    due_days: int = 3
    daily_digest: bool = False


class PrefsRead(BaseModel):
    channels: dict[str, list[str]]
    due_days: int
    daily_digest: bool


class EmailRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    to_addr: str
    locale: str
    subject: str
    is_digest: bool
    status: str
    attempts: int
    last_error: str | None
    job_id: int | None
    next_attempt_at: datetime | None
    created_at: datetime
    sent_at: datetime | None


class NotificationScheduleIn(BaseModel):
    """What ``cofab notify schedule --at --tz --on/--off`` sets; a field left out stays.
    (Named for the app: isolation sample bodies are keyed by the body model's class name.)"""

    model_config = ConfigDict(extra="forbid")

    local_time: str | None = Field(default=None, max_length=5, examples=["06:30"])
    timezone: str | None = Field(default=None, max_length=64, examples=["Asia/Seoul"])
    enabled: bool | None = None


class NotificationScheduleRead(BaseModel):
    enabled: bool
    local_time: str
    timezone: str
    last_run_on: date | None
    next_run_at: datetime | None
    next_job_id: int | None
