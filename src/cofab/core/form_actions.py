"""A posted form that changes one record: run the change, then go back — or show the same page
again with the reasons.

Every detail page with buttons (an order, a line, a ticket, a scorecard, a review) answered a
post the same way, each with its own copy of the plumbing: read the fields, run the change,
redirect with ``saved=1`` on success, and on a broken rule roll back and render the page again
with the problems and the error's status code. Only two things differ per page — where to go
back to and how to draw the page again — so a page names those (``Redo``) and this module does
the rest, for every domain alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from cofab.core.errors import CofabError
from cofab.core.forms import fields
from cofab.core.i18n import N_, translate
from cofab.core.web import error_context, render

SAVED = N_("Saved.")

# The page drawn again after a refused change: a template and its context.
PageAgain = Callable[[], tuple[str, dict[str, Any]]]


@dataclass(frozen=True)
class Redo:
    """Where a change on one page returns to, and how that page is drawn again on a refusal."""

    back: str
    page: PageAgain


def act(
    request: Request,
    session: Session,
    action: Callable[[], Any],
    *,
    back: str | Callable[[Any], str],
    page: PageAgain,
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


def form_action(
    request: Request,
    session: Session,
    form: FormData | None,
    run: Callable[[dict[str, Any]], Any],
    redo: Redo,
) -> Response:
    """``run`` the change with the form's fields (none for a bare button), then back to
    ``redo.back`` — or its page again with the reasons."""
    data = fields(form) if form is not None else {}
    return act(request, session, lambda: run(data), back=redo.back, page=redo.page)


def flash(request: Request) -> dict[str, str]:
    """The "Saved." line for the page a successful change redirected to."""
    if request.query_params.get("saved"):
        return {"flash": translate(SAVED, request.state.locale)}
    return {}
