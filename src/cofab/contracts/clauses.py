"""The clause library: reusable clause texts in Korean and English.

Library clauses belong to the owner company (no partner owns them), so only owner staff read
the library; partners read the copies inside the versions they were sent.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cofab.contracts import schemas
from cofab.contracts.models import Clause
from cofab.core import audit
from cofab.core.access import REGISTRY_WRITERS, Actor
from cofab.core.errors import Conflict, Forbidden, NotFound
from cofab.core.i18n import N_
from cofab.core.search_text import LIKE_ESCAPE, contains_pattern


def _require_owner(actor: Actor) -> None:
    if actor.is_partner:
        raise Forbidden()


def list_clauses(
    session: Session, *, actor: Actor, category: str | None = None, q: str | None = None
) -> list[Clause]:
    _require_owner(actor)
    stmt = select(Clause).order_by(Clause.category, Clause.code)
    if category:
        stmt = stmt.where(Clause.category == category)
    if q:
        like = contains_pattern(q, lower=True)
        stmt = stmt.where(
            func.lower(Clause.code).like(like, escape=LIKE_ESCAPE)
            | func.lower(Clause.title_en).like(like, escape=LIKE_ESCAPE)
            | func.lower(Clause.title_ko).like(like, escape=LIKE_ESCAPE)
        )
    return list(session.execute(stmt).scalars())


def get_clause(session: Session, *, actor: Actor, clause_id: int) -> Clause:
    _require_owner(actor)
    clause = session.get(Clause, clause_id)
    if clause is None:
        raise NotFound()
    return clause


def create_clause(session: Session, *, actor: Actor, data: schemas.ClauseCreate) -> Clause:
    _require_owner(actor)
    if actor.role not in REGISTRY_WRITERS:
        raise Forbidden()
    if session.execute(select(Clause.id).where(Clause.code == data.code)).first():
        raise Conflict(N_("A clause with code {code} already exists."), code=data.code)
    clause = Clause(**data.model_dump())
    session.add(clause)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="contract_clause",
        entity_id=clause.id,
        after=audit.snapshot(clause),
    )
    return clause


def update_clause(
    session: Session, *, actor: Actor, clause_id: int, data: schemas.ClauseUpdate
) -> Clause:
    clause = get_clause(session, actor=actor, clause_id=clause_id)
    if actor.role not in REGISTRY_WRITERS:
        raise Forbidden()
    before = audit.snapshot(clause)
    for key, value in data.model_dump(exclude_unset=True).items():
        if value is not None:
            setattr(clause, key, value)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update",
        entity="contract_clause",
        entity_id=clause.id,
        before=before,
        after=audit.snapshot(clause),
    )
    return clause
