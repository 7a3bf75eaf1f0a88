"""Offtake: what each parent committed to take off the JV per period and product family, set
against what it took. The owner's actual is its receipts of the JV company's order lines
(operations, read only); a partner parent's is what it reported."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cofab.core import audit
from cofab.core.access import Actor
from cofab.operations.models import OrderLine, Receipt
from cofab.ventures import schemas
from cofab.ventures.jv import ensure_writer, get_venture, log_change, parent_of
from cofab.ventures.models import Offtake, Venture
from cofab.ventures.periods import period_bounds


def add_offtake(
    session: Session, *, actor: Actor, venture_id: int, data: schemas.OfftakeIn
) -> Offtake:
    venture = get_venture(session, actor=actor, venture_id=venture_id)
    ensure_writer(actor)
    parent_of(venture, data.parent_id)
    existing = session.execute(
        select(Offtake).where(
            Offtake.parent_id == data.parent_id,
            Offtake.period == data.period,
            Offtake.product_family == data.product_family,
        )
    ).scalar_one_or_none()
    before = audit.snapshot(existing) if existing is not None else None
    row = existing or Offtake(venture_id=venture.id)
    for key, value in data.model_dump().items():
        setattr(row, key, value)
    session.add(row)
    session.flush()
    log_change(
        session,
        actor,
        action="update" if before else "create",
        entity="venture_offtake",
        entity_id=row.id,
        venture=venture,
        before=before,
        after=audit.snapshot(row),
    )
    return row


def received_from_jv(
    session: Session, jv_partner_id: int, product_family: str, period: str
) -> Decimal:
    """What the owner received from the JV's orders of a product family in a period
    (operations' receipts, read only)."""
    start, end = period_bounds(period)
    total = session.execute(
        select(func.coalesce(func.sum(Receipt.received_qty), 0))
        .join(OrderLine, OrderLine.id == Receipt.line_id)
        .where(
            Receipt.partner_id == jv_partner_id,
            OrderLine.product_family == product_family,
            Receipt.received_date >= start,
            Receipt.received_date <= end,
        )
    ).scalar_one()
    return Decimal(total)


def offtake_rows(session: Session, venture: Venture) -> list[tuple[Offtake, Decimal | None, str]]:
    """Each commitment with its actual and where the actual came from: the owner's from its
    receipts, another parent's as it reported it."""
    owner_parents = {p.id for p in venture.parents if p.partner_id is None}
    stmt = (
        select(Offtake)
        .where(Offtake.venture_id == venture.id)
        .order_by(Offtake.period, Offtake.product_family, Offtake.parent_id)
    )
    rows: list[tuple[Offtake, Decimal | None, str]] = []
    for row in session.execute(stmt).scalars():
        if row.parent_id in owner_parents:
            actual = received_from_jv(session, venture.partner_id, row.product_family, row.period)
            rows.append((row, actual, "receipts"))
        elif row.reported_actual is not None:
            rows.append((row, row.reported_actual, "reported"))
        else:
            rows.append((row, None, "none"))
    return rows
