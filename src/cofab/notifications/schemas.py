"""JSON shapes of the inbox and notifications API."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


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
