"""Request and response shapes of the discussions API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from cofab.core.i18n import N_
from cofab.core.validation import register_field_labels


class MessageCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(min_length=1, max_length=10_000)
    document_ids: list[int] = Field(default_factory=list, max_length=10)


class MessageUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(min_length=1, max_length=10_000)


class MentionRead(BaseModel):
    user_id: int
    display_name: str


class AttachmentRead(BaseModel):
    document_id: int
    visible: bool
    title: str | None  # only for a reader who may see the document
    url: str | None


class MessageRead(BaseModel):
    id: int
    thread_id: int
    author_user_id: int | None
    author: str
    body: str
    created_at: datetime
    edited_at: datetime | None
    mentions: list[MentionRead]
    attachments: list[AttachmentRead]


class SubjectRead(BaseModel):
    kind: str
    id: int
    title: str
    url: str


class ThreadRead(BaseModel):
    subject: SubjectRead
    thread_id: int | None
    messages: list[MessageRead]


class ThreadSummary(BaseModel):
    thread_id: int
    subject: SubjectRead
    messages: int
    mentioned: bool
    last_message_at: datetime | None


register_field_labels({"document_ids": N_("Attachments")})
