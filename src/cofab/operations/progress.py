"""Production progress per order line and stage, posted by partner users or their systems.

Each post says how much of the line has reached a stage at a moment; the newest post per line and
stage is the current state, older ones stay as the timeline. Posting the same (line, stage,
moment) again with the same quantity changes nothing.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from cofab.core.access import Actor, scope_to_partner
from cofab.core.errors import Conflict, FieldProblem, InvalidTransition
from cofab.core.i18n import N_
from cofab.operations import orders, rules, schemas
from cofab.operations.models import (
    STAGES,
    AckStatus,
    Order,
    OrderLine,
    OrderStatus,
    ProgressEvent,
)


def post_progress(
    session: Session, *, actor: Actor, line_id: int, data: schemas.ProgressIn
) -> tuple[ProgressEvent, bool]:
    line = orders.get_line(session, actor=actor, line_id=line_id)
    rules.ensure_partner_side(actor, line.partner_id)
    if line.ack_status in orders.CLOSED_LINE_STATES:
        raise InvalidTransition(
            N_("The line is {status}: progress cannot be posted."), status=line.ack_status
        )
    problems: list[FieldProblem] = []
    rules.not_in_future(data.at, "at", problems)
    limit = Decimal(line.quantity) * 2
    if Decimal(data.quantity) > limit:
        problems.append(
            FieldProblem(
                "quantity",
                N_("{qty} is more than twice the ordered quantity {ordered}."),
                {"qty": data.quantity, "ordered": line.quantity},
            )
        )
    rules.raise_if(problems)
    at = data.at or rules.now_utc()
    existing = session.execute(
        select(ProgressEvent).where(
            ProgressEvent.line_id == line.id,
            ProgressEvent.stage == data.stage,
            ProgressEvent.at == at,
        )
    ).scalar_one_or_none()
    if existing is not None:
        if Decimal(existing.quantity) == Decimal(data.quantity):
            return existing, False
        raise Conflict(
            N_("Progress for this line, stage and time was already posted with {qty}."),
            qty=existing.quantity,
        )
    event = ProgressEvent(
        partner_id=line.partner_id,
        line_id=line.id,
        stage=data.stage,
        quantity=data.quantity,
        at=at,
        note=data.note,
        posted_by=actor.email,
    )
    session.add(event)
    session.flush()
    rules.record(session, actor=actor, action="create", entity="progress", row=event)
    return event, True


def line_progress(session: Session, *, actor: Actor, line_id: int) -> list[ProgressEvent]:
    line = orders.get_line(session, actor=actor, line_id=line_id)
    stmt = (
        select(ProgressEvent)
        .where(ProgressEvent.line_id == line.id)
        .order_by(ProgressEvent.at, ProgressEvent.id)
    )
    return list(session.execute(stmt).scalars())


def latest_stage_quantities(
    session: Session, *, actor: Actor, partner_id: int | None = None
) -> dict[str, float]:
    """Sum over open lines of the newest reported quantity per stage."""
    newest = scope_to_partner(
        select(
            ProgressEvent.line_id,
            ProgressEvent.stage,
            func.max(ProgressEvent.at).label("at"),
        ).group_by(ProgressEvent.line_id, ProgressEvent.stage),
        actor,
        ProgressEvent.partner_id,
    )
    if partner_id is not None:
        newest = newest.where(ProgressEvent.partner_id == partner_id)
    latest = newest.subquery()
    stmt = (
        select(ProgressEvent.stage, func.sum(ProgressEvent.quantity))
        .join(
            latest,
            and_(
                latest.c.line_id == ProgressEvent.line_id,
                latest.c.stage == ProgressEvent.stage,
                latest.c.at == ProgressEvent.at,
            ),
        )
        .join(OrderLine, OrderLine.id == ProgressEvent.line_id)
        .join(Order, Order.id == OrderLine.order_id)
        .where(
            Order.status == OrderStatus.OPEN,
            OrderLine.ack_status.not_in([AckStatus.CANCELLED, AckStatus.REJECTED]),
        )
        .group_by(ProgressEvent.stage)
    )
    found = {stage: float(qty or 0) for stage, qty in session.execute(stmt)}
    return {stage: found.get(stage, 0.0) for stage in STAGES}


def latest_by_line(session: Session, line_ids: list[int]) -> dict[int, dict[str, float]]:
    """Newest quantity per stage for the given lines (callers have checked visibility)."""
    if not line_ids:
        return {}
    latest = (
        select(
            ProgressEvent.line_id,
            ProgressEvent.stage,
            func.max(ProgressEvent.at).label("at"),
        )
        .where(ProgressEvent.line_id.in_(line_ids))
        .group_by(ProgressEvent.line_id, ProgressEvent.stage)
        .subquery()
    )
    stmt = select(ProgressEvent.line_id, ProgressEvent.stage, ProgressEvent.quantity).join(
        latest,
        and_(
            latest.c.line_id == ProgressEvent.line_id,
            latest.c.stage == ProgressEvent.stage,
            latest.c.at == ProgressEvent.at,
        ),
    )
    result: dict[int, dict[str, float]] = {}
    for line_id, stage, qty in session.execute(stmt):
        result.setdefault(line_id, {})[stage] = float(qty)
    return result
