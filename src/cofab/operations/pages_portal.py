"""The partner's start page (``/portal``): what is waiting for them, each with a count and a link.

Owner staff have the dashboard; they are sent there. A partner user reaches this page from
"Dashboard" (``/`` sends partner users here) and from the navigation.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cofab.core.access import Actor
from cofab.core.web import DbSession, page_actor, render
from cofab.operations import portal

router = APIRouter(include_in_schema=False)
ActorDep = Annotated[Actor, Depends(page_actor)]


@router.get("/portal", response_class=HTMLResponse)
def partner_start(request: Request, session: DbSession, actor: ActorDep) -> Response:
    if not actor.is_partner:
        return RedirectResponse("/", status_code=303)
    entries = portal.todo(session, actor=actor)
    return render(
        request,
        "operations/portal.html",
        {
            "entries": entries,
            "titles": portal.titles(),
            "due_days": portal.DUE_WITHIN_DAYS,
            "recent_days": portal.RECENT_DAYS,
            "open_total": sum(
                e.count for e in entries if e.key not in ("answered_proposals", "documents_shared")
            ),
        },
    )
