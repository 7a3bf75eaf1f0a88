"""Threads, their messages, the people a message mentions and the vault documents it attaches.

A thread is one per subject (``subject_kind`` + ``subject_id``). ``partner_id`` is copied from
the subject when the thread opens: the partner whose users may see the thread (``None`` for an
owner-only subject such as a risk), so a partner's list of threads is one scoped query.
``unit_id`` is the subject's business unit, so the unit scope reaches threads, and through the
foreign keys their messages, mentions and attachments.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cofab.db.base import Base, Timestamped, UTCDateTime, utcnow
from cofab.units.models import unit_id_column


class DiscussionThread(Timestamped, Base):
    __tablename__ = "discussion_threads"
    __table_args__ = (UniqueConstraint("subject_kind", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = unit_id_column()
    subject_kind: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(Integer)
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    # the subject's title and page when the thread last heard of it, for the list of threads
    title: Mapped[str] = mapped_column(String(300), default="")
    url: Mapped[str] = mapped_column(String(300), default="")
    last_message_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DiscussionMessage(Base):
    __tablename__ = "discussion_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("discussion_threads.id", ondelete="CASCADE"), index=True
    )
    author_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    author_label: Mapped[str] = mapped_column(String(254))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DiscussionMention(Base):
    __tablename__ = "discussion_mentions"
    __table_args__ = (UniqueConstraint("message_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("discussion_messages.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


class DiscussionAttachment(Base):
    """A link to a vault document; whether a reader may open it is the vault's decision, made
    again on every read (the title is not copied, so a hidden document leaks nothing)."""

    __tablename__ = "discussion_attachments"
    __table_args__ = (UniqueConstraint("message_id", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("discussion_messages.id", ondelete="CASCADE"), index=True
    )
    document_id: Mapped[int] = mapped_column(
        ForeignKey("vault_documents.id", ondelete="CASCADE"), index=True
    )
