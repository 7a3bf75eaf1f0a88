"""A per-partner version counter bumped by every operations write, in the same transaction.

Live views poll with the version they last saw; an unchanged version answers 204/304 without
running a single dashboard query, so many open dashboards cost almost nothing.
"""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cofab.core.access import Actor, scope_to_partner
from cofab.operations.models import ChangeCounter


def bump(session: Session, partner_id: int) -> None:
    """Increment the partner's counter; the row lock also orders concurrent writers."""
    result = session.execute(
        update(ChangeCounter)
        .where(ChangeCounter.partner_id == partner_id)
        .values(version=ChangeCounter.version + 1)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0):
        return
    try:
        with session.begin_nested():
            session.add(ChangeCounter(partner_id=partner_id, version=1))
    except IntegrityError:
        session.execute(
            update(ChangeCounter)
            .where(ChangeCounter.partner_id == partner_id)
            .values(version=ChangeCounter.version + 1)
            .execution_options(synchronize_session=False)
        )


def current_version(session: Session, *, actor: Actor, partner_id: int | None = None) -> int:
    """Sum of the visible partners' counters: it grows whenever any of them changes."""
    stmt = scope_to_partner(
        select(func.coalesce(func.sum(ChangeCounter.version), 0)), actor, ChangeCounter.partner_id
    )
    if partner_id is not None:
        stmt = stmt.where(ChangeCounter.partner_id == partner_id)
    return int(session.execute(stmt).scalar_one())
