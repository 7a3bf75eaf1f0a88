"""Performance reviews mirrored as meetings of kind ``performance_review``, as they are written.

Migration 0018 copied the reviews that existed; this hook keeps copying: whenever a flush writes
a review (``perf_reviews``) or one of its action items (``perf_action_items``), the same
transaction writes or updates the mirror — the meeting (``review_id``), its numbered decisions
(one per entry of the review's ``decisions`` list, in order) and its action items
(``source_action_item_id``; side, owner, due date, status and note follow the review's item).

It listens to SQLAlchemy's ``after_flush`` and recognises the performance domain's rows by their
table names, so it needs nothing from that domain's modules (which are moving from operations to
performance) and that domain needs nothing from governance. The rows are written with Core
statements on the flush's own connection: the ORM may not flush again inside a flush. The review's
own audit entry records the change; the mirror is derived data.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, event, func, insert, select, update
from sqlalchemy.orm import Session, UOWTransaction

from cofab.governance.models import ActionItem, Decision, Meeting

REVIEWS = "perf_reviews"
REVIEW_ITEMS = "perf_action_items"


def _rows_of(objects: Any, table: str) -> list[Any]:
    return [o for o in objects if getattr(type(o), "__tablename__", None) == table]


def review_start(held_on: date) -> datetime:
    """A review keeps a date, not a time: 00:00 UTC that day, the meeting's zone being UTC."""
    return datetime.combine(held_on, time(0, 0), tzinfo=UTC)


def _meeting_id(conn: Connection, review_id: int) -> int | None:
    found = conn.execute(select(Meeting.id).where(Meeting.review_id == review_id)).scalar()
    return int(found) if found is not None else None


def _add_meeting(conn: Connection, review: Any) -> int:
    start = review_start(review.held_on)
    now = datetime.now(UTC)
    result = conn.execute(
        insert(Meeting).values(
            unit_id=review.unit_id,
            partner_id=review.partner_id,
            review_id=review.id,
            kind="performance_review",
            title=review.title,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            timezone="UTC",
            location="",
            status="held" if review.held_on <= now.date() else "scheduled",
            minutes_ko="",
            minutes_en="",
            created_by=review.created_by or "",
            created_at=now,
            updated_at=now,
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _sync_decisions(conn: Connection, review: Any, meeting_id: int) -> None:
    """Each entry of the review's list that the meeting lacks becomes the next decision."""
    texts = set(
        conn.execute(select(Decision.text).where(Decision.meeting_id == meeting_id)).scalars()
    )
    last = conn.execute(
        select(func.max(Decision.number)).where(Decision.meeting_id == meeting_id)
    ).scalar()
    number = int(last or 0)
    now = datetime.now(UTC)
    for text in review.decisions or []:
        if str(text) in texts:
            continue
        number += 1
        texts.add(str(text))
        conn.execute(
            insert(Decision).values(
                meeting_id=meeting_id,
                partner_id=review.partner_id,
                number=number,
                kind="decision",
                text=str(text),
                owner_name="",
                effective_on=review.held_on,
                created_by=review.created_by or "",
                created_at=now,
                updated_at=now,
            )
        )


def _item_values(item: Any) -> dict[str, Any]:
    done = item.status == "done"
    return {
        "title": item.title,
        "side": item.owner_side,
        "owner_name": item.owner_name or "",
        "due_date": item.due_date,
        "status": item.status,
        "note": item.note or "",
        "done_at": datetime.now(UTC) if done else None,
    }


def _sync_item(conn: Connection, item: Any) -> None:
    existing = conn.execute(
        select(ActionItem.id, ActionItem.status, ActionItem.done_at).where(
            ActionItem.source_action_item_id == item.id
        )
    ).first()
    values = _item_values(item)
    now = datetime.now(UTC)
    if existing is not None:
        if existing.status == values["status"]:
            values["done_at"] = existing.done_at  # unchanged status keeps its stamp
        conn.execute(
            update(ActionItem).where(ActionItem.id == existing.id).values(**values, updated_at=now)
        )
        return
    meeting_id = _meeting_id(conn, item.review_id)
    if meeting_id is None:
        return  # a review written before this hook existed and not migrated: nothing to attach to
    conn.execute(
        insert(ActionItem).values(
            meeting_id=meeting_id,
            partner_id=item.partner_id,
            source_action_item_id=item.id,
            created_at=now,
            updated_at=now,
            **values,
        )
    )


@event.listens_for(Session, "after_flush")
def mirror_reviews(session: Session, _flush: UOWTransaction) -> None:
    new_reviews = _rows_of(session.new, REVIEWS)
    changed_reviews = [r for r in _rows_of(session.dirty, REVIEWS) if session.is_modified(r)]
    items = _rows_of(session.new, REVIEW_ITEMS) + [
        i for i in _rows_of(session.dirty, REVIEW_ITEMS) if session.is_modified(i)
    ]
    if not (new_reviews or changed_reviews or items):
        return
    conn = session.connection()
    for review in new_reviews:
        meeting_id = _meeting_id(conn, review.id) or _add_meeting(conn, review)
        _sync_decisions(conn, review, meeting_id)
    for review in changed_reviews:
        mirror = _meeting_id(conn, review.id)
        if mirror is not None:
            conn.execute(
                update(Meeting)
                .where(Meeting.id == mirror)
                .values(title=review.title, updated_at=datetime.now(UTC))
            )
            _sync_decisions(conn, review, mirror)
    for item in items:
        _sync_item(conn, item)
