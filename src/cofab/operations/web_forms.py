"""Shared plumbing of the operations pages: repeated form rows and choices for selects. (Posting
a change and going back — or showing the page again with the reasons — is
``core.form_actions``, shared with every domain's pages.)"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core.access import Actor, scope_to_partner
from cofab.operations import rules
from cofab.partners.models import Partner, Site


def rows_from(data: dict[str, Any], prefix: str, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """``line-0-product``, ``line-0-quantity``, … → one dict per row that has any value."""
    pattern = re.compile(rf"^{re.escape(prefix)}-(\d+)-(\w+)$")
    grouped: dict[int, dict[str, Any]] = {}
    for key, value in data.items():
        match = pattern.match(key)
        if match and match.group(2) in fields and value not in (None, ""):
            grouped.setdefault(int(match.group(1)), {})[match.group(2)] = value
    return [grouped[i] for i in sorted(grouped)]


def line_slots(data: dict[str, Any], prefix: str, minimum: int = 5) -> int:
    """How many line rows a re-shown form needs so that no row the user added is lost."""
    pattern = re.compile(rf"^{re.escape(prefix)}-(\d+)-\w+$")
    indexes = [int(m.group(1)) for key in data if (m := pattern.match(key))]
    return max(minimum, max(indexes, default=-1) + 1)


def partner_choices(session: Session, actor: Actor) -> list[Partner]:
    stmt = scope_to_partner(select(Partner), actor, Partner.id).order_by(Partner.name_en)
    return list(session.execute(stmt).scalars())


def site_choices(session: Session, actor: Actor) -> list[tuple[Site, Partner]]:
    stmt = scope_to_partner(
        select(Site, Partner).join(Partner, Partner.id == Site.partner_id),
        actor,
        Site.partner_id,
    ).order_by(Partner.name_en, Site.name)
    return [(s, p) for s, p in session.execute(stmt)]


def sites_of_partner(session: Session, actor: Actor, partner_id: int | None) -> list[Site]:
    """The sites an order to ``partner_id`` may name (none for an unknown or hidden partner)."""
    if partner_id is None:
        return []
    stmt = scope_to_partner(
        select(Site).where(Site.partner_id == partner_id), actor, Site.partner_id
    ).order_by(Site.name)
    return list(session.execute(stmt).scalars())


def form_int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 19 else None


def partner_names(session: Session, ids: set[int]) -> dict[int, Partner]:
    if not ids:
        return {}
    return {p.id: p for p in session.execute(select(Partner).where(Partner.id.in_(ids))).scalars()}


def can_write(actor: Actor) -> bool:
    return not actor.is_partner and actor.role in rules.OPS_WRITERS
