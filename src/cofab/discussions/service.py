"""Discussion threads: the subject registry, reading a thread, posting and editing messages.

Subjects. The discussions domain imports no subject's domain: each domain that wants threads on
its objects registers a resolver here (``<domain>/thread_subject.py``, listed in that domain's
``PARTS.hooks``). ``resolve(session, actor, object_id)`` uses that domain's own getter, so it
applies that domain's access rules, and raises ``NotFound`` when the actor may not see the
object. Every read and every post resolves the subject first: a thread is exactly as visible as
its subject, and partner A can never read or post on partner B's objects.

Mentions. A mention is accepted only for someone who may see the subject (their own actor
resolves it, and a unit user must be of the subject's unit); anyone else is refused with a
message on the ``body`` field, and nothing is written. Each accepted mention is handed to the
registered mention listeners (the notifications domain registers one), in the same
transaction, so a failed notification fails the post rather than being lost.

Attachments. A message links vault documents the author may see (the vault decides, through
``vault.service``), or a file uploaded with it into the vault. A reader who may not see an
attached document sees that there is one, never its title.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cofab.accounts import service as accounts_service
from cofab.accounts.models import User
from cofab.config import Settings
from cofab.core import audit
from cofab.core.access import Actor, scope_to_partner
from cofab.core.errors import (
    CofabError,
    FieldProblem,
    Forbidden,
    NotFound,
    ValidationFailed,
)
from cofab.core.i18n import N_
from cofab.core.wiring import ensure_wired
from cofab.db.base import utcnow
from cofab.discussions.mentions import MentionToken, Person, match_token, mention_tokens
from cofab.discussions.models import (
    DiscussionAttachment,
    DiscussionMention,
    DiscussionMessage,
    DiscussionThread,
)
from cofab.units import service as units_service
from cofab.vault import service as vault_service

MAX_BODY = 10_000
MAX_ATTACHMENTS = 10

MSG_EMPTY = N_("Write a message.")
MSG_TOO_LONG = N_("A message has at most {max} characters.")
MSG_UNKNOWN_MENTION = N_("No one called @{name} can be mentioned.")
MSG_AMBIGUOUS_MENTION = N_("@{name} names more than one person; mention them by e-mail.")
MSG_MENTION_NOT_ALLOWED = N_("{name} cannot see {subject} and cannot be mentioned here.")
MSG_DOCUMENT_HIDDEN = N_("Document {id} does not exist or you may not see it.")
MSG_TOO_MANY_DOCUMENTS = N_("A message attaches at most {max} documents.")
MSG_UPLOAD_REFUSED = N_(
    "Only owner staff with vault rights can upload a file; attach a document already "
    "shared with you."
)
MSG_NOT_AUTHOR = N_("Only the author can edit a message.")

SUBJECT_LABELS: dict[str, str] = {
    "order": N_("Order"),
    "ncr": N_("NCR"),
    "contract": N_("Contract"),
    "forecast_line": N_("Forecast line"),
    "risk": N_("Risk"),
    "meeting": N_("Meeting"),
}


# --- the subject registry -------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """What a thread is about, as the subject's own domain tells it.

    ``partner_id`` is the partner whose users may see the thread (``None``: owner staff only).
    """

    partner_id: int | None
    unit_id: int | None
    title: str
    url: str


class SubjectResolver(Protocol):
    def __call__(self, session: Session, actor: Actor, object_id: int) -> Subject: ...


_subjects: dict[str, SubjectResolver] = {}


def register_subject(kind: str, resolve: SubjectResolver) -> None:
    """Called by a subject's domain (``<domain>/thread_subject.py``) when it is wired in."""
    _subjects[kind] = resolve


def subject_kinds() -> list[str]:
    ensure_wired()
    return sorted(_subjects)


def resolve_subject(session: Session, *, actor: Actor, kind: str, object_id: int) -> Subject:
    """The subject as ``actor`` may see it; an unknown kind or a hidden object is ``NotFound``."""
    ensure_wired()
    resolver = _subjects.get(kind)
    if resolver is None:
        raise NotFound()
    return resolver(session, actor, object_id)


# --- the mention listeners (notifications) --------------------------------------------------


@dataclass(frozen=True)
class Mentioned:
    """One person mentioned in one message, for a listener that tells them."""

    user_id: int
    message_id: int
    thread_id: int
    subject_kind: str
    subject_id: int
    subject_title: str
    url: str
    partner_id: int | None
    author_label: str
    excerpt: str


MentionListener = Callable[[Session, Mentioned], None]
_mention_listeners: list[MentionListener] = []


def register_mention_listener(listener: MentionListener) -> None:
    """Called by a domain that tells people they were mentioned (notifications)."""
    if listener not in _mention_listeners:
        _mention_listeners.append(listener)


def unregister_mention_listener(listener: MentionListener) -> None:
    if listener in _mention_listeners:
        _mention_listeners.remove(listener)


def _tell_mentioned(session: Session, mentioned: list[Mentioned]) -> None:
    ensure_wired()
    for listener in list(_mention_listeners):
        for one in mentioned:
            listener(session, one)


# --- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttachmentView:
    document_id: int
    title: str | None  # None: the reader may not see the document

    @property
    def visible(self) -> bool:
        return self.title is not None


@dataclass(frozen=True)
class MessageView:
    message: DiscussionMessage
    mentions: list[tuple[int, str]]  # (user id, display name)
    attachments: list[AttachmentView]


@dataclass(frozen=True)
class ThreadView:
    kind: str
    object_id: int
    subject: Subject
    thread: DiscussionThread | None
    messages: list[MessageView] = field(default_factory=list)


def _thread_of(session: Session, kind: str, object_id: int) -> DiscussionThread | None:
    return session.execute(
        select(DiscussionThread).where(
            DiscussionThread.subject_kind == kind, DiscussionThread.subject_id == object_id
        )
    ).scalar_one_or_none()


def message_views(
    session: Session, actor: Actor, messages: Sequence[DiscussionMessage]
) -> list[MessageView]:
    ids = [m.id for m in messages]
    if not ids:
        return []
    mentions: dict[int, list[tuple[int, str]]] = {}
    rows = session.execute(
        select(DiscussionMention.message_id, User.id, User.display_name)
        .join(User, User.id == DiscussionMention.user_id)
        .where(DiscussionMention.message_id.in_(ids))
        .order_by(DiscussionMention.id)
    ).all()
    for message_id, user_id, name in rows:
        mentions.setdefault(message_id, []).append((user_id, name))
    links = session.execute(
        select(DiscussionAttachment.message_id, DiscussionAttachment.document_id)
        .where(DiscussionAttachment.message_id.in_(ids))
        .order_by(DiscussionAttachment.id)
    ).all()
    titles = vault_service.visible_document_titles(
        session, actor=actor, document_ids=[d for _, d in links]
    )
    attachments: dict[int, list[AttachmentView]] = {}
    for message_id, document_id in links:
        view = AttachmentView(document_id, titles.get(document_id))
        attachments.setdefault(message_id, []).append(view)
    return [MessageView(m, mentions.get(m.id, []), attachments.get(m.id, [])) for m in messages]


def read_thread(session: Session, *, actor: Actor, kind: str, object_id: int) -> ThreadView:
    """The subject's thread as ``actor`` sees it (no thread yet: an empty one)."""
    subject = resolve_subject(session, actor=actor, kind=kind, object_id=object_id)
    thread = _thread_of(session, kind, object_id)
    if thread is None:
        return ThreadView(kind, object_id, subject, None)
    messages = list(
        session.execute(
            select(DiscussionMessage)
            .where(DiscussionMessage.thread_id == thread.id)
            .order_by(DiscussionMessage.created_at, DiscussionMessage.id)
        ).scalars()
    )
    return ThreadView(kind, object_id, subject, thread, message_views(session, actor, messages))


@dataclass(frozen=True)
class ThreadRow:
    thread: DiscussionThread
    subject: Subject
    messages: int
    mentioned: bool


def my_threads(session: Session, *, actor: Actor, limit: int = 100) -> list[ThreadRow]:
    """Threads ``actor`` wrote in or was mentioned in, latest first, each still visible to them
    (the subject is resolved again: a contract withdrawn from a partner drops out)."""
    wrote = select(DiscussionMessage.thread_id).where(
        DiscussionMessage.author_user_id == actor.user_id
    )
    named = (
        select(DiscussionMessage.thread_id)
        .join(DiscussionMention, DiscussionMention.message_id == DiscussionMessage.id)
        .where(DiscussionMention.user_id == actor.user_id)
    )
    stmt = scope_to_partner(
        select(DiscussionThread).where(
            or_(DiscussionThread.id.in_(wrote), DiscussionThread.id.in_(named))
        ),
        actor,
        DiscussionThread.partner_id,
    ).order_by(DiscussionThread.last_message_at.desc(), DiscussionThread.id.desc())
    threads = list(session.execute(stmt.limit(limit)).scalars())
    if not threads:
        return []
    ids = [t.id for t in threads]
    counts = dict(
        session.execute(
            select(DiscussionMessage.thread_id, func.count())
            .where(DiscussionMessage.thread_id.in_(ids))
            .group_by(DiscussionMessage.thread_id)
        ).all()
    )
    mentioned_in = set(session.execute(named.where(DiscussionMessage.thread_id.in_(ids))).scalars())
    rows: list[ThreadRow] = []
    for thread in threads:
        try:
            subject = resolve_subject(
                session, actor=actor, kind=thread.subject_kind, object_id=thread.subject_id
            )
        except (NotFound, Forbidden):
            continue
        rows.append(ThreadRow(thread, subject, counts.get(thread.id, 0), thread.id in mentioned_in))
    return rows


# --- writing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    """A file posted with a message, to become a new vault document."""

    filename: str
    content: bytes
    content_type: str | None
    classification: str = "internal"


def _clean_body(body: str) -> str:
    text = (body or "").strip()
    if not text:
        raise ValidationFailed(problems=[FieldProblem("body", MSG_EMPTY)])
    if len(text) > MAX_BODY:
        raise ValidationFailed(problems=[FieldProblem("body", MSG_TOO_LONG, {"max": MAX_BODY})])
    return text


def _people(session: Session, actor: Actor, tokens: list[MentionToken]) -> list[Person]:
    """Who a mention may name. A partner user's mentions reach only their own company and the
    owner's staff: another partner's people are unknown to them, so a refusal never confirms
    that an address exists elsewhere."""
    stmt = select(User).where(User.is_active.is_(True))
    if actor.is_partner:
        stmt = stmt.where(or_(User.partner_id == actor.partner_id, User.partner_id.is_(None)))
    if all(t.kind == "email" for t in tokens):
        stmt = stmt.where(func.lower(User.email).in_([t.text.casefold() for t in tokens]))
    return [Person(u.id, u.email, u.display_name) for u in session.execute(stmt).scalars()]


def may_see(session: Session, *, user: User, kind: str, object_id: int, subject: Subject) -> bool:
    """Would ``user`` see this subject? Their own actor resolves it (the subject's domain
    decides), and a user of some units only must be of the subject's unit."""
    if not user.is_active:
        return False
    other = accounts_service.actor_for(user)
    try:
        resolve_subject(session, actor=other, kind=kind, object_id=object_id)
    except (NotFound, Forbidden):
        return False
    if other.is_partner or user.all_units:
        return True
    return subject.unit_id is not None and subject.unit_id in units_service.units_of_user(
        session, user.id
    )


def _mentioned_users(
    session: Session, *, actor: Actor, body: str, kind: str, object_id: int, subject: Subject
) -> list[User]:
    tokens = mention_tokens(body)
    if not tokens:
        return []
    people = _people(session, actor, tokens)
    problems: list[FieldProblem] = []
    chosen: dict[int, User] = {}
    for token in tokens:
        matches = match_token(token, people)
        if not matches:
            if token.strict:
                problems.append(FieldProblem("body", MSG_UNKNOWN_MENTION, {"name": token.text}))
            continue
        if len(matches) > 1:
            problems.append(FieldProblem("body", MSG_AMBIGUOUS_MENTION, {"name": token.text}))
            continue
        user = session.get(User, matches[0].user_id)
        assert user is not None
        if not may_see(session, user=user, kind=kind, object_id=object_id, subject=subject):
            if actor.is_partner:  # the owner's staff and units are not the partner's to map
                problems.append(FieldProblem("body", MSG_UNKNOWN_MENTION, {"name": token.text}))
                continue
            problems.append(
                FieldProblem(
                    "body",
                    MSG_MENTION_NOT_ALLOWED,
                    {"name": user.display_name, "subject": subject.title},
                )
            )
            continue
        chosen[user.id] = user
    if problems:
        raise ValidationFailed(problems=problems)
    return list(chosen.values())


def _documents(
    session: Session,
    *,
    actor: Actor,
    document_ids: Sequence[int],
    upload: Upload | None,
    settings: Settings | None,
) -> list[int]:
    wanted = list(dict.fromkeys(int(d) for d in document_ids))
    if len(wanted) + (1 if upload else 0) > MAX_ATTACHMENTS:
        raise ValidationFailed(
            problems=[
                FieldProblem("document_ids", MSG_TOO_MANY_DOCUMENTS, {"max": MAX_ATTACHMENTS})
            ]
        )
    visible = vault_service.visible_document_ids(session, actor=actor, document_ids=wanted)
    hidden = [d for d in wanted if d not in visible]
    if hidden:
        raise ValidationFailed(
            problems=[FieldProblem("document_ids", MSG_DOCUMENT_HIDDEN, {"id": d}) for d in hidden]
        )
    if upload is not None:
        if settings is None or actor.is_partner:
            raise ValidationFailed(problems=[FieldProblem("file", MSG_UPLOAD_REFUSED)])
        try:
            document = vault_service.upload_document(
                session,
                actor=actor,
                settings=settings,
                title=upload.filename,
                classification=upload.classification,
                filename=upload.filename,
                content=upload.content,
                content_type=upload.content_type,
            )
        except Forbidden as error:
            raise ValidationFailed(problems=[FieldProblem("file", MSG_UPLOAD_REFUSED)]) from error
        except ValidationFailed:
            raise
        except CofabError as error:
            raise ValidationFailed(
                problems=[FieldProblem("file", error.message, error.params)]
            ) from error
        wanted.append(document.id)
    return wanted


def _events(
    message: DiscussionMessage,
    thread: DiscussionThread,
    subject: Subject,
    users: list[User],
    *,
    skip: int,
) -> list[Mentioned]:
    """One event per mentioned person (never the author, who knows)."""
    text = message.body
    excerpt = text if len(text) <= 200 else text[:199] + "…"
    return [
        Mentioned(
            user_id=user.id,
            message_id=message.id,
            thread_id=thread.id,
            subject_kind=thread.subject_kind,
            subject_id=thread.subject_id,
            subject_title=subject.title,
            url=subject.url,
            partner_id=thread.partner_id,
            author_label=message.author_label,
            excerpt=excerpt,
        )
        for user in users
        if user.id != skip
    ]


def _open_thread(
    session: Session, *, actor: Actor, kind: str, object_id: int, subject: Subject
) -> DiscussionThread:
    thread = _thread_of(session, kind, object_id)
    if thread is None:
        thread = DiscussionThread(
            subject_kind=kind,
            subject_id=object_id,
            partner_id=subject.partner_id,
            unit_id=subject.unit_id,
            title=subject.title[:300],
            url=subject.url[:300],
        )
        try:
            with session.begin_nested():  # two first messages at once: one thread wins
                session.add(thread)
                session.flush()
        except IntegrityError:
            existing = _thread_of(session, kind, object_id)
            if existing is None:
                raise
            return existing
        audit.record(
            session,
            actor=actor,
            action="create",
            entity="discussion_thread",
            entity_id=thread.id,
            partner_id=thread.partner_id,
            after=audit.snapshot(thread),
        )
    else:
        thread.title = subject.title[:300]
        thread.url = subject.url[:300]
    return thread


def post_message(
    session: Session,
    *,
    actor: Actor,
    kind: str,
    object_id: int,
    body: str,
    document_ids: Sequence[int] = (),
    upload: Upload | None = None,
    settings: Settings | None = None,
) -> DiscussionMessage:
    """Add a message to the subject's thread (opened on the first message)."""
    subject = resolve_subject(session, actor=actor, kind=kind, object_id=object_id)
    text = _clean_body(body)
    users = _mentioned_users(
        session, actor=actor, body=text, kind=kind, object_id=object_id, subject=subject
    )
    documents = _documents(
        session, actor=actor, document_ids=document_ids, upload=upload, settings=settings
    )
    thread = _open_thread(session, actor=actor, kind=kind, object_id=object_id, subject=subject)
    now = utcnow()
    message = DiscussionMessage(
        thread_id=thread.id,
        author_user_id=actor.user_id or None,
        author_label=actor.display_name or actor.email,
        body=text,
        created_at=now,
    )
    session.add(message)
    session.flush()
    for user in users:
        session.add(DiscussionMention(message_id=message.id, user_id=user.id))
    for document_id in documents:
        session.add(DiscussionAttachment(message_id=message.id, document_id=document_id))
    thread.last_message_at = now
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="comment",
        entity="discussion_message",
        entity_id=message.id,
        partner_id=thread.partner_id,
        after={
            "thread_id": thread.id,
            "subject": f"{kind}:{object_id}",
            "body": text,
            "mentions": [u.id for u in users],
            "documents": documents,
        },
    )
    _tell_mentioned(session, _events(message, thread, subject, users, skip=actor.user_id))
    return message


def thread_of_message(session: Session, *, actor: Actor, message_id: int) -> DiscussionThread:
    """The thread a message belongs to, when ``actor`` may see its subject."""
    message = session.get(DiscussionMessage, message_id)
    thread = session.get(DiscussionThread, message.thread_id) if message else None
    if thread is None:
        raise NotFound()
    resolve_subject(session, actor=actor, kind=thread.subject_kind, object_id=thread.subject_id)
    return thread


def edit_message(
    session: Session, *, actor: Actor, message_id: int, body: str
) -> tuple[DiscussionMessage, DiscussionThread]:
    """The author corrects a message; its mentions stay those first sent (no one is told twice),
    and a new mention is refused like on a post."""
    thread = thread_of_message(session, actor=actor, message_id=message_id)
    message = session.get(DiscussionMessage, message_id)
    assert message is not None
    subject = resolve_subject(
        session, actor=actor, kind=thread.subject_kind, object_id=thread.subject_id
    )
    if message.author_user_id != actor.user_id:
        raise Forbidden(MSG_NOT_AUTHOR)
    text = _clean_body(body)
    users = _mentioned_users(
        session,
        actor=actor,
        body=text,
        kind=thread.subject_kind,
        object_id=thread.subject_id,
        subject=subject,
    )
    before = {"body": message.body}
    known = set(
        session.execute(
            select(DiscussionMention.user_id).where(DiscussionMention.message_id == message.id)
        ).scalars()
    )
    for user in users:
        if user.id not in known:
            session.add(DiscussionMention(message_id=message.id, user_id=user.id))
    message.body = text
    message.edited_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update",
        entity="discussion_message",
        entity_id=message.id,
        partner_id=thread.partner_id,
        before=before,
        after={"body": text, "mentions": sorted(known | {u.id for u in users})},
    )
    new = [u for u in users if u.id not in known]
    _tell_mentioned(session, _events(message, thread, subject, new, skip=actor.user_id))
    return message, thread


def attachable_documents(
    session: Session, *, actor: Actor, limit: int = 50
) -> list[tuple[int, str]]:
    """The vault documents ``actor`` may attach (latest first), for the panel's picker."""
    return vault_service.recent_visible_documents(session, actor=actor, limit=limit)
