"""Who may do what in quality, and the one way a quality record is fetched for an actor.

Owner quality staff (admin, manager, quality) plan, inspect, raise NCRs and audit; a partner user
reads its own company's records and writes only its own outgoing inspections and 8D content.
Every fetch goes through ``scope_to_partner``, so another partner's record is a 404.
"""

from __future__ import annotations

from typing import TypeVar, Unpack

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core import audit
from cofab.core.access import Actor, require_roles, scope_to_partner
from cofab.core.errors import FieldProblem, NotFound, ValidationFailed

QUALITY_WRITERS = frozenset({"admin", "manager", "quality"})

ModelT = TypeVar("ModelT")


def require_owner_writer(actor: Actor) -> None:
    """Owner quality staff only; a partner user or a viewer is refused."""
    require_roles(actor, QUALITY_WRITERS)


def get_scoped(session: Session, model: type[ModelT], row_id: int, actor: Actor) -> ModelT:
    """The row if the actor may see it (partner users: their own; units: the session's scope)."""
    stmt = scope_to_partner(
        select(model).where(model.id == row_id),  # type: ignore[attr-defined]
        actor,
        model.partner_id,  # type: ignore[attr-defined]
    )
    row = session.execute(stmt).scalar_one_or_none()
    if row is None:
        raise NotFound()
    return row


def raise_if(problems: list[FieldProblem]) -> None:
    if problems:
        raise ValidationFailed(problems=problems)


def record(session: Session, **entry: Unpack[audit.RowEntry]) -> None:
    """One audit entry for a quality row, after the row is flushed (so it has its id)."""
    session.flush()
    audit.record_row(session, **entry)
