"""Shared plumbing of the operations pages: repeated form rows, choices for selects, and
"do it, then go back — or show the same page again with the reasons"."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core.access import Actor, scope_to_partner
from cofab.core.errors import CofabError
from cofab.core.i18n import N_, translate
from cofab.core.web import error_context, render
from cofab.operations import rules
from cofab.partners.models import Partner, Site

SAVED = N_("Saved.")


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


def act(
    request: Request,
    session: Session,
    action: Callable[[], Any],
    *,
    back: str | Callable[[Any], str],
    page: Callable[[], tuple[str, dict[str, Any]]],
) -> Response:
    """Run a change and redirect (303); on a broken rule roll back and show the page again
    with the reasons and the matching status code."""
    try:
        result = action()
    except CofabError as exc:
        session.rollback()
        template, ctx = page()
        return render(
            request,
            template,
            ctx | error_context(exc, request.state.locale),
            status_code=exc.status,
        )
    target = back(result) if callable(back) else back
    sep = "&" if "?" in target else "?"
    return RedirectResponse(f"{target}{sep}saved=1", status_code=303)


def flash(request: Request) -> dict[str, str]:
    if request.query_params.get("saved"):
        return {"flash": translate(SAVED, request.state.locale)}
    return {}
