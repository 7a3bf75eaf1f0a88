"""Shared plumbing of the performance pages: partner choices and names, who may write. (Posting a
change and going back is ``core.form_actions``.)"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core.access import Actor, scope_to_partner
from cofab.partners.models import Partner
from cofab.performance import rules


def partner_choices(session: Session, actor: Actor) -> list[Partner]:
    stmt = scope_to_partner(select(Partner), actor, Partner.id).order_by(Partner.name_en)
    return list(session.execute(stmt).scalars())


def partner_names(session: Session, ids: set[int]) -> dict[int, Partner]:
    if not ids:
        return {}
    return {p.id: p for p in session.execute(select(Partner).where(Partner.id.in_(ids))).scalars()}


def form_int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 19 else None


def can_write(actor: Actor) -> bool:
    return not actor.is_partner and actor.role in rules.OPS_WRITERS
