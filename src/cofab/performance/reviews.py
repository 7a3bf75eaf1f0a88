"""Performance review meetings: a partner and period, the KPI snapshot frozen at creation (so a
later correction of the data does not rewrite what the meeting saw), decisions and action items
owned by either side. Overdue items are flagged on both sides' dashboards.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from cofab.core import audit
from cofab.core.access import Actor, scope_to_partner
from cofab.core.errors import FieldProblem, Forbidden
from cofab.core.i18n import N_
from cofab.performance import kpis, rules, schemas
from cofab.performance.models import ActionItem, Review

DONE_STATES = ("done", "cancelled")


def review_query(actor: Actor, *, partner_id: int | None = None) -> Select[Review]:
    stmt = scope_to_partner(select(Review), actor, Review.partner_id)
    if partner_id is not None:
        stmt = stmt.where(Review.partner_id == partner_id)
    return stmt.order_by(Review.held_on.desc(), Review.id.desc())


def get_review(session: Session, *, actor: Actor, review_id: int) -> Review:
    review: Review = rules.visible_or_404(actor, session.get(Review, review_id))
    return review


def action_items(session: Session, review_id: int) -> list[ActionItem]:
    stmt = (
        select(ActionItem)
        .where(ActionItem.review_id == review_id)
        .order_by(ActionItem.due_date, ActionItem.id)
    )
    return list(session.execute(stmt).scalars())


def review_detail(session: Session, *, actor: Actor, review_id: int) -> dict[str, Any]:
    review = get_review(session, actor=actor, review_id=review_id)
    return {"review": review, "action_items": action_items(session, review.id)}


def create_review(session: Session, *, actor: Actor, data: schemas.ReviewCreate) -> Review:
    rules.ensure_owner_writer(actor)
    rules.get_partner_checked(session, actor, data.partner_id, "partner_id")
    rules.check_report_dates(
        held_on=data.held_on, period_start=data.period_start, period_end=data.period_end
    )
    if data.period_end < data.period_start:
        rules.raise_if([FieldProblem("period_end", N_("Must not be before the start date."))])
    group = kpis.compute_for_partner(
        session,
        actor=actor,
        partner_id=data.partner_id,
        start=data.period_start,
        end=data.period_end,
        tolerance_days=data.tolerance_days,
    )
    review = Review(
        partner_id=data.partner_id,
        title=data.title,
        held_on=data.held_on,
        period_start=data.period_start,
        period_end=data.period_end,
        tolerance_days=data.tolerance_days,
        kpi_snapshot={
            "values": group.values,
            "counts": group.counts,
            "price_variance": group.price_variance,
            "frozen_at": rules.now_utc().isoformat(),
        },
        decisions=[],
        created_by=actor.email,
    )
    session.add(review)
    session.flush()
    rules.record(session, actor=actor, action="create", entity="review", row=review)
    return review


def add_decision(session: Session, *, actor: Actor, review_id: int, text: str) -> Review:
    review = get_review(session, actor=actor, review_id=review_id)
    rules.ensure_owner_writer(actor)
    before = audit.snapshot(review)
    review.decisions = [*review.decisions, text]
    session.flush()
    rules.record(session, actor=actor, action="update", entity="review", row=review, before=before)
    return review


def add_action_item(
    session: Session, *, actor: Actor, review_id: int, data: schemas.ActionItemIn
) -> ActionItem:
    review = get_review(session, actor=actor, review_id=review_id)
    rules.ensure_owner_writer(actor)
    item = ActionItem(
        partner_id=review.partner_id,
        review_id=review.id,
        title=data.title,
        owner_side=data.owner_side,
        owner_name=data.owner_name,
        due_date=data.due_date,
        status="open",
    )
    session.add(item)
    session.flush()
    rules.record(session, actor=actor, action="create", entity="action_item", row=item)
    return item


def update_action_item(
    session: Session, *, actor: Actor, item_id: int, data: schemas.ActionItemUpdate
) -> ActionItem:
    """Owner writers change anything; partner users report status and notes on their items."""
    item: ActionItem = rules.visible_or_404(actor, session.get(ActionItem, item_id))
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if actor.is_partner:
        if set(changes) - {"status", "note"}:
            raise Forbidden()
    else:
        rules.ensure_owner_writer(actor)
    before = audit.snapshot(item)
    for key, value in changes.items():
        setattr(item, key, value)
    session.flush()
    rules.record(
        session, actor=actor, action="update", entity="action_item", row=item, before=before
    )
    return item


def overdue_items(
    session: Session, *, actor: Actor, today: date | None = None, partner_id: int | None = None
) -> list[ActionItem]:
    today = today or rules.now_utc().date()
    stmt = scope_to_partner(
        select(ActionItem).where(
            ActionItem.due_date < today, ActionItem.status.not_in(DONE_STATES)
        ),
        actor,
        ActionItem.partner_id,
    )
    if partner_id is not None:
        stmt = stmt.where(ActionItem.partner_id == partner_id)
    return list(session.execute(stmt.order_by(ActionItem.due_date, ActionItem.id)).scalars())
