"""Operations pages: the live dashboard (and its polling fragment) plus the routers of the other
operations page modules, which app.py includes through ``routers``.

The live panel polls ``/operations/live?v=<version>`` every few seconds; while the change
counter has not moved the answer is ``204 No Content``, which htmx leaves alone, so an idle
dashboard costs one indexed lookup per poll and the panel redraws only after someone posted.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.core.dashboard import register_dashboard_widget
from cofab.core.web import DbSession, page_actor, render
from cofab.operations import (
    change_feed,
    dashboard,
    extensions,
    labels,
    pages_orders,
    pages_portal,
    pages_stock,
)
from cofab.operations.models import STAGES

router = APIRouter(include_in_schema=False)
SessionDep = DbSession
ActorDep = Annotated[Actor, Depends(page_actor)]
POLL_SECONDS = 3


def _panel(session: Session, actor: Actor) -> dict[str, Any]:
    view = dashboard.live_view(session, actor=actor)
    top = max(view["stages"].values(), default=0.0) or 1.0
    return view | {"stage_names": STAGES, "stage_top": top, "poll_seconds": POLL_SECONDS}


@router.get("/operations", response_class=HTMLResponse)
def operations_dashboard(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    return render(request, "operations/dashboard.html", _panel(session, actor))


@router.get("/operations/live", response_class=HTMLResponse)
def live_panel(request: Request, session: SessionDep, actor: ActorDep, v: int = -1) -> Response:
    if change_feed.current_version(session, actor=actor) == v:
        return Response(status_code=204)
    return render(request, "operations/live_panel.html", _panel(session, actor))


def overdue_widget(session: Session, actor: Actor) -> tuple[str, dict[str, Any]] | None:
    """Owner dashboard card: overdue review action items and lines at risk."""
    items = extensions.overdue_items(session, actor=actor)
    at_risk = dashboard.at_risk(session, actor=actor)
    if not items and not at_risk:
        return None
    return "operations/widget.html", {
        "ops_overdue": items[:8],
        "ops_overdue_total": len(items),
        "ops_at_risk": dashboard.at_risk_count(at_risk),
    }


register_dashboard_widget(overdue_widget)
labels.register()

routers: list[APIRouter] = [
    router,
    pages_orders.router,
    pages_stock.router,
    pages_portal.router,
]
