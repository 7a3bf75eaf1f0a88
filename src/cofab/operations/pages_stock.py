"""Inventory, support-ticket and file import/export pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from cofab.core.access import Actor
from cofab.core.downloads import tabular_response
from cofab.core.errors import CofabError
from cofab.core.form_actions import Redo, act, flash, form_action
from cofab.core.forms import FormDep, fields, parse
from cofab.core.pagination import Page, paginate
from cofab.core.tabular import TableLimits, read_table
from cofab.core.uploads import read_limited
from cofab.core.web import DbSession, error_context, page_actor, render
from cofab.operations import exporting, importing, inventory, rules, schemas, tickets
from cofab.operations.web_forms import (
    can_write,
    partner_choices,
    partner_names,
    site_choices,
)

router = APIRouter(include_in_schema=False)
SessionDep = DbSession
ActorDep = Annotated[Actor, Depends(page_actor)]
PAGE_SIZE = 25


# --- inventory --------------------------------------------------------------------------------


def _inventory_ctx(request: Request, session: Session, actor: Actor) -> dict[str, Any]:
    q = request.query_params
    history: list[Any] = []
    if q.get("site_id", "").isdigit():
        history = inventory.history(
            session, actor=actor, site_id=int(q["site_id"]), item=q.get("item") or None
        )
    return {
        "rows": inventory.current_inventory(session, actor=actor),
        "history": history,
        "site_options": site_choices(session, actor),
        "can_post": actor.is_partner or can_write(actor),
        "form": {},
    }


def _create(
    request: Request,
    session: Session,
    form: FormData,
    change: Callable[[dict[str, Any]], Any],
    back: str,
    page: tuple[str, Callable[[], dict[str, Any]]],
) -> Response:
    """The create form above a list: back to the list, or the list again (``page``: its template
    and context) with the problems and what was typed."""
    data = fields(form)
    template, context = page
    return act(
        request,
        session,
        lambda: change(data),
        back=back,
        page=lambda: (template, context() | {"form": data}),
    )


@router.get("/inventory", response_class=HTMLResponse)
def inventory_page(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    ctx = _inventory_ctx(request, session, actor) | flash(request)
    return render(request, "operations/inventory.html", ctx)


@router.post("/inventory", response_class=HTMLResponse)
def inventory_post(
    request: Request, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    def change(data: dict[str, Any]) -> Any:
        return inventory.post_snapshot(
            session, actor=actor, data=parse(schemas.InventorySnapshotIn, data)
        )

    page = ("operations/inventory.html", lambda: _inventory_ctx(request, session, actor))
    return _create(request, session, form, change, "/inventory", page)


# --- support tickets --------------------------------------------------------------------------


def _tickets_ctx(request: Request, session: Session, actor: Actor, page: int = 1) -> dict[str, Any]:
    open_only = request.query_params.get("open") == "1"
    stmt = tickets.ticket_query(actor, open_only=open_only)
    items, total = paginate(session, stmt, page=page, size=PAGE_SIZE)
    return {
        "result": Page[Any](items=items, total=total, page=max(page, 1), size=PAGE_SIZE),
        "partners": partner_names(session, {t.partner_id for t in items}),
        "partner_options": partner_choices(session, actor),
        "can_open": not actor.is_partner and actor.role in rules.RECEIVERS,
        "can_answer": actor.is_partner or can_write(actor),
        "open_only": open_only,
        "form": {},
    }


@router.get("/tickets", response_class=HTMLResponse)
def ticket_list(request: Request, session: SessionDep, actor: ActorDep, page: int = 1) -> Response:
    ctx = _tickets_ctx(request, session, actor, page) | flash(request)
    return render(request, "operations/tickets.html", ctx)


@router.post("/tickets/new", response_class=HTMLResponse)
def ticket_create(
    request: Request, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    def change(data: dict[str, Any]) -> Any:
        return tickets.open_ticket(
            session, actor=actor, data=parse(schemas.SupportTicketCreate, data)
        )

    page = ("operations/tickets.html", lambda: _tickets_ctx(request, session, actor))
    return _create(request, session, form, change, "/tickets", page)


def _ticket_note(
    request: Request, form: FormData, session: Session, actor: Actor, ticket_id: int, resolve: bool
) -> Response:
    """Respond to or resolve a ticket with the note the form carries; back to the ticket list."""
    tickets.get_ticket(session, actor=actor, ticket_id=ticket_id)
    data = fields(form)
    note = parse(schemas.TicketNote, {k: v for k, v in data.items() if k == "note"}).note
    run = tickets.resolve if resolve else tickets.respond
    return form_action(
        request,
        session,
        None,
        lambda _: run(session, actor=actor, ticket_id=ticket_id, note=note),
        Redo(
            "/tickets", lambda: ("operations/tickets.html", _tickets_ctx(request, session, actor))
        ),
    )


@router.post("/tickets/{ticket_id}/respond", response_class=HTMLResponse)
def ticket_respond(
    request: Request, session: SessionDep, actor: ActorDep, form: FormDep, ticket_id: int
) -> Response:
    return _ticket_note(request, form, session, actor, ticket_id, resolve=False)


@router.post("/tickets/{ticket_id}/resolve", response_class=HTMLResponse)
def ticket_resolve(
    request: Request, session: SessionDep, actor: ActorDep, form: FormDep, ticket_id: int
) -> Response:
    return _ticket_note(request, form, session, actor, ticket_id, resolve=True)


# --- files ------------------------------------------------------------------------------------


@router.get("/operations/export")
def export_page(
    session: SessionDep, actor: ActorDep, kind: str = "orders", format: str = "csv"
) -> Response:
    kind = kind if kind in exporting.EXPORT_KINDS else "orders"
    headers, rows = exporting.export_table(session, actor=actor, kind=kind)
    return tabular_response(headers, rows, kind, "xlsx" if format == "xlsx" else "csv")


@router.post("/operations/import", response_class=HTMLResponse)
def import_page(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    file: Annotated[UploadFile, File()],
    kind: Annotated[str, Form()] = "orders",
) -> Response:
    try:
        settings = request.app.state.settings
        content = read_limited(file, settings.max_upload_mb)
        rows = read_table(content, file.filename or "f.csv", TableLimits.of(settings))
        report = importing.import_rows(session, actor=actor, kind=kind, rows=rows)
    except CofabError as exc:
        session.rollback()
        return render(
            request,
            "operations/import_result.html",
            error_context(exc, request.state.locale) | {"kind": kind},
            status_code=exc.status,
        )
    return render(request, "operations/import_result.html", {"report": report, "kind": kind})
