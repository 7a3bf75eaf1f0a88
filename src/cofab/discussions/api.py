"""Discussions JSON API under /api/v1/discussions: parse, call the service, return.

A subject the caller may not see answers 404 (problem+json) before any input is read; a mention
of someone who may not see the subject, or an attachment the author may not see, answers 422
naming the field."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from cofab.core.web import ApiActor, DbSession
from cofab.discussions import schemas, service
from cofab.discussions.models import DiscussionMessage

router = APIRouter(prefix="/api/v1/discussions", tags=["discussions"])


def message_read(view: service.MessageView) -> schemas.MessageRead:
    message = view.message
    return schemas.MessageRead(
        id=message.id,
        thread_id=message.thread_id,
        author_user_id=message.author_user_id,
        author=message.author_label,
        body=message.body,
        created_at=message.created_at,
        edited_at=message.edited_at,
        mentions=[schemas.MentionRead(user_id=u, display_name=n) for u, n in view.mentions],
        attachments=[
            schemas.AttachmentRead(
                document_id=a.document_id,
                visible=a.visible,
                title=a.title,
                url=f"/vault/documents/{a.document_id}" if a.visible else None,
            )
            for a in view.attachments
        ],
    )


def subject_read(kind: str, object_id: int, subject: service.Subject) -> schemas.SubjectRead:
    return schemas.SubjectRead(kind=kind, id=object_id, title=subject.title, url=subject.url)


@router.get("", response_model=list[schemas.ThreadSummary])
def my_threads(session: DbSession, actor: ApiActor) -> Any:
    """Threads I wrote in or was mentioned in, latest first."""
    return [
        schemas.ThreadSummary(
            thread_id=row.thread.id,
            subject=subject_read(row.thread.subject_kind, row.thread.subject_id, row.subject),
            messages=row.messages,
            mentioned=row.mentioned,
            last_message_at=row.thread.last_message_at,
        )
        for row in service.my_threads(session, actor=actor)
    ]


@router.get("/{kind}/{object_id}/messages", response_model=schemas.ThreadRead)
def read_thread(session: DbSession, actor: ApiActor, kind: str, object_id: int) -> Any:
    view = service.read_thread(session, actor=actor, kind=kind, object_id=object_id)
    return schemas.ThreadRead(
        subject=subject_read(kind, object_id, view.subject),
        thread_id=view.thread.id if view.thread else None,
        messages=[message_read(m) for m in view.messages],
    )


def _one(session: DbSession, actor: ApiActor, message: DiscussionMessage) -> schemas.MessageRead:
    return message_read(service.message_views(session, actor, [message])[0])


@router.post("/{kind}/{object_id}/messages", response_model=schemas.MessageRead, status_code=201)
def post_message(
    session: DbSession, actor: ApiActor, kind: str, object_id: int, body: schemas.MessageCreate
) -> Any:
    message = service.post_message(
        session,
        actor=actor,
        kind=kind,
        object_id=object_id,
        body=body.body,
        document_ids=body.document_ids,
    )
    return _one(session, actor, message)


@router.patch("/messages/{message_id}", response_model=schemas.MessageRead)
def edit_message(
    session: DbSession, actor: ApiActor, message_id: int, body: schemas.MessageUpdate
) -> Any:
    message, _thread = service.edit_message(
        session, actor=actor, message_id=message_id, body=body.body
    )
    return _one(session, actor, message)
