"""Inbox and notification pages: the inbox with its filters and done buttons, the bell (a small
fragment fetched by htmx after the page has loaded, so no page pays for it), the notifications
list with the outbox for admins, and the preferences form."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from cofab.core.access import Actor, require_roles, viewer_may_call
from cofab.core.errors import CofabError
from cofab.core.forms import FormDep, fields
from cofab.core.i18n import N_, translate
from cofab.core.web import DbSession, error_context, page_actor, render
from cofab.notifications import schedule, service, views
from cofab.notifications.models import CHANNELS, EVENT_KINDS

router = APIRouter(include_in_schema=False)
ActorDep = Annotated[Actor, Depends(page_actor)]
PREFS_SAVED = N_("Your notification settings are saved.")


SCHEDULE_ZONES = ("Asia/Seoul", "Europe/Berlin", "Asia/Shanghai", "UTC")


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _inbox_page(
    request: Request,
    session: DbSession,
    actor: Actor,
    *,
    error: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    query = request.query_params
    status = query.get("status", "open")
    flt = service.InboxFilter(
        kind=query.get("kind") or None,
        side=query.get("side") if query.get("side") in ("owner", "partner") else None,
        status=status if status in ("open", "done") else None,
        overdue_only=query.get("overdue") == "1",
        due_before=_date(query.get("due_before")),
        owners=(actor.email, actor.display_name) if query.get("mine") == "1" else (),
    )
    today = date.today()
    locale = request.state.locale
    items = service.list_inbox(session, actor=actor, flt=flt, today=today)
    context = {
        "items": [views.item_read(i, locale, today) for i in items],
        "sources": {k: s.label for k, s in service.inbox_sources().items()},
        "flt": flt,
        "status": status,
        "mine": query.get("mine") == "1",
        "query": query,
        "can_act": actor.role != "viewer",
        **(error or {}),
    }
    return render(request, "notifications/inbox.html", context, status_code=status_code)


@router.get("/inbox", response_class=HTMLResponse)
def inbox(request: Request, session: DbSession, actor: ActorDep) -> HTMLResponse:
    return _inbox_page(request, session, actor)


@router.post("/inbox/{kind}/{item_id}/done", response_model=None)
def inbox_done(
    request: Request, session: DbSession, actor: ActorDep, kind: str, item_id: int
) -> Response:
    try:
        service.mark_done(session, actor=actor, kind=kind, item_id=item_id)
    except CofabError as exc:
        if exc.status == 404:
            raise
        session.rollback()
        context = error_context(exc, request.state.locale)
        return _inbox_page(request, session, actor, error=context, status_code=exc.status)
    back = request.headers.get("referer", "")
    return RedirectResponse(back if "/inbox" in back else "/inbox", status_code=303)


@router.get("/notifications/bell", response_class=HTMLResponse)
def bell(request: Request, session: DbSession, actor: ActorDep) -> HTMLResponse:
    count = service.unread_count(session, actor=actor)
    return render(request, "notifications/bell.html", {"unread": count})


def _notifications_page(
    request: Request,
    session: Session,
    actor: Actor,
    refused: tuple[dict[str, Any], dict[str, Any], int] | None = None,
) -> HTMLResponse:
    """The list (and for admins the outbox and the daily schedule's form); ``refused`` = what
    was typed in the schedule form, its messages and the status."""
    typed, error, status_code = refused or ({}, {}, 200)
    rows = service.list_notifications(session, actor=actor)
    admin = actor.role == "admin"
    context = {
        "notes": [views.notification_read(n, request.state.locale) for n in rows],
        "emails": service.list_emails(session, actor=actor) if admin else [],
        "is_admin": admin,
        "schedule": schedule.view(session) if admin else None,
        "schedule_form": typed,
        "zones": SCHEDULE_ZONES,
        **error,
    }
    return render(request, "notifications/notifications.html", context, status_code=status_code)


@router.get("/notifications", response_class=HTMLResponse)
def notifications(request: Request, session: DbSession, actor: ActorDep) -> HTMLResponse:
    return _notifications_page(request, session, actor)


@router.post("/notifications/schedule", response_model=None)
def set_schedule(request: Request, session: DbSession, actor: ActorDep, form: FormDep) -> Response:
    """The admin's form for ``PUT /api/v1/notifications/schedule``: time, zone, on/off; a bad
    time or zone shows the page again with the field named and what was typed."""
    require_roles(actor, schedule.SCHEDULERS)
    typed = fields(form)
    try:
        schedule.set_schedule(
            session,
            actor=actor,
            local_time=typed.get("local_time", ""),
            timezone=typed.get("timezone", ""),
            enabled=typed.get("enabled") == "1",
        )
    except CofabError as exc:
        session.rollback()
        context = error_context(exc, request.state.locale)
        return _notifications_page(request, session, actor, (typed, context, exc.status))
    return RedirectResponse("/notifications#schedule", status_code=303)


@router.post("/notifications/read-all", response_model=None)
@viewer_may_call
def read_all(session: DbSession, actor: ActorDep) -> Response:
    service.mark_all_read(session, actor=actor)
    return RedirectResponse("/notifications", status_code=303)


@router.post("/notifications/{notification_id}/read", response_model=None)
@viewer_may_call
def read_one(session: DbSession, actor: ActorDep, notification_id: int) -> Response:
    note = service.mark_read(session, actor=actor, notification_id=notification_id)
    return RedirectResponse(note.link or "/notifications", status_code=303)


@router.post("/notifications/daily", response_model=None)
def run_daily(session: DbSession, actor: ActorDep) -> Response:
    service.enqueue_daily(session, actor=actor)
    return RedirectResponse("/notifications#outbox", status_code=303)


@router.post("/notifications/emails/{email_id}/retry", response_model=None)
def retry_email(session: DbSession, actor: ActorDep, email_id: int) -> Response:
    service.retry_email(session, actor=actor, email_id=email_id)
    return RedirectResponse("/notifications#outbox", status_code=303)


def _prefs_page(
    request: Request,
    prefs: Any,
    *,
    error: dict[str, Any] | None = None,
    flash: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = {
        "prefs": prefs,
        "kinds": EVENT_KINDS,
        "channels": CHANNELS,
        "flash": flash,
        **(error or {}),
    }
    return render(request, "notifications/prefs.html", context, status_code=status_code)


@router.get("/notifications/prefs", response_class=HTMLResponse)
def prefs_page(request: Request, session: DbSession, actor: ActorDep) -> HTMLResponse:
    return _prefs_page(request, views.prefs_read(service.prefs_of(session, actor.user_id)))


@router.post("/notifications/prefs", response_model=None)
@viewer_may_call
def save_prefs(request: Request, session: DbSession, actor: ActorDep, form: FormDep) -> Response:
    data = fields(form, lists=("channel",))
    chosen: dict[str, list[str]] = {kind: [] for kind in EVENT_KINDS}
    for value in data.get("channel", []):
        kind, _, channel = str(value).partition(":")
        chosen.setdefault(kind, []).append(channel)
    raw_days = str(data.get("due_days", "3")).strip()
    try:
        prefs = service.update_prefs(
            session,
            actor=actor,
            channels=chosen,
            due_days=int(raw_days) if raw_days.lstrip("-").isdigit() else -1,
            daily_digest=data.get("daily_digest") == "1",
        )
    except CofabError as exc:
        session.rollback()
        context = error_context(exc, request.state.locale)
        current = views.prefs_read(service.prefs_of(session, actor.user_id))
        return _prefs_page(request, current, error=context, status_code=exc.status)
    flash = translate(PREFS_SAVED, request.state.locale)
    return _prefs_page(request, views.prefs_read(prefs), flash=flash)
