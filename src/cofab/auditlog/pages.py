"""Audit log browser for admins, with a chain check button."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from cofab.auditlog import service
from cofab.auditlog.action_labels import AUDIT_ACTIONS, action_msgid
from cofab.core.access import Actor
from cofab.core.downloads import tabular_response
from cofab.core.i18n import translate
from cofab.core.pagination import Page, paginate
from cofab.core.web import DbSession, page_actor, render

router = APIRouter(include_in_schema=False)
SessionDep = DbSession
ActorDep = Annotated[Actor, Depends(page_actor)]


def _filters(request: Request) -> service.AuditFilters:
    q = request.query_params

    def as_date(value: str | None) -> date | None:
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            return None

    pid = q.get("partner_id") or ""
    return service.AuditFilters(
        actor=q.get("actor") or None,
        action=q.get("action") or None,
        entity=q.get("entity") or None,
        partner_id=int(pid) if pid.isdigit() else None,
        since=as_date(q.get("since")),
        until=as_date(q.get("until")),
    )


@router.get("/audit", response_class=HTMLResponse)
def audit_log(
    request: Request, session: SessionDep, actor: ActorDep, page: int = 1, verify: int = 0
) -> Response:
    filters = _filters(request)
    state = request.app.state
    service.seal_before_reading(session, state.settings.data_dir, actor=actor)
    items, total = paginate(session, service.audit_query(actor, filters), page=page, size=50)
    report = service.verify(state.engine, state.settings.data_dir, actor=actor) if verify else None
    query = urlencode(
        [(k, v) for k, v in request.query_params.multi_items() if k not in ("page", "verify") and v]
    )
    locale = getattr(request.state, "locale", "en")

    def action_label(code: str) -> str:
        return translate(action_msgid(code), locale)

    return render(
        request,
        "audit.html",
        {
            "result": Page[Any](items=items, total=total, page=max(page, 1), size=50),
            "filters": filters,
            "query": query,
            "report": report,
            "report_message": report.message(locale) if report else None,
            "action_label": action_label,
            "action_choices": sorted(AUDIT_ACTIONS, key=action_label),
        },
    )


@router.get("/audit/export")
def audit_export(
    request: Request, session: SessionDep, actor: ActorDep, format: str = "csv"
) -> Response:
    stmt = service.audit_query(actor, _filters(request)).limit(100_000)
    rows = [
        [e.id, e.at, e.actor_label, e.action, e.entity, e.entity_id, e.partner_id, e.hash]
        for e in session.execute(stmt).scalars()
    ]
    headers = ["id", "at", "actor", "action", "entity", "entity_id", "partner_id", "hash"]
    return tabular_response(headers, rows, "audit", "xlsx" if format == "xlsx" else "csv")
