"""Shared plumbing of the performance pages: partner choices and names, and "do it, then go back
— or show the same page again with the reasons"."""

from __future__ import annotations

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
from cofab.partners.models import Partner
from cofab.performance import rules

SAVED = N_("Saved.")


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
