"""Logistics pages: the lane list, a lane's page and form, a shipment's lane and readings, and a
carrier's KPIs. Thin routes: parse a form, call the service, render."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from cofab.core.access import REGISTRY_WRITERS, Actor
from cofab.core.downloads import tabular_response
from cofab.core.errors import CofabError
from cofab.core.forms import FormDep, fields, parse
from cofab.core.i18n import N_, translate
from cofab.core.pagination import Page, paginate
from cofab.core.tabular import TableLimits, read_table
from cofab.core.uploads import read_limited
from cofab.core.web import DbSession, PageActor, error_context, render
from cofab.logistics import lane_files, schemas, scorecard, service
from cofab.logistics.models import (
    BASIS_LABELS,
    DESTINATION_LABELS,
    DestinationKind,
    Mode,
    OriginKind,
    RateBasis,
)

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25
CHOICES: dict[str, Any] = {
    "modes": [m.value for m in Mode],
    "origin_kinds": [k.value for k in OriginKind],
    "destination_kinds": [k.value for k in DestinationKind],
    "bases": [b.value for b in RateBasis],
    "periods": list(schemas.CAPACITY_PERIODS),
    "basis_labels": BASIS_LABELS,
    "destination_labels": DESTINATION_LABELS,
}


def _can_write(actor: Actor) -> bool:
    return actor.is_partner or actor.role in REGISTRY_WRITERS


def _form_ctx(session: Session, actor: Actor) -> dict[str, Any]:
    return CHOICES | {
        "partners": service.logistics_partners(session, actor=actor),
        "sites": service.visible_sites(session, actor=actor),
    }


@router.get("/logistics/lanes", response_class=HTMLResponse)
def lane_list(
    request: Request,
    session: DbSession,
    actor: PageActor,
    page: int = 1,
    mode: str = "",
    partner_id: int | None = None,
) -> Response:
    filters = service.LaneFilters(partner_id=partner_id, mode=mode or None)
    items, total = paginate(session, service.lane_query(actor, filters), page=page, size=PAGE_SIZE)
    partners = {p.id: p for p in service.logistics_partners(session, actor=actor)}
    return render(
        request,
        "logistics/lanes.html",
        CHOICES
        | {
            "result": Page[Any](items=items, total=total, page=max(page, 1), size=PAGE_SIZE),
            "filters": filters,
            "partners": partners,
            "query": f"mode={mode}" + (f"&partner_id={partner_id}" if partner_id else ""),
            "can_write": _can_write(actor),
        },
    )


@router.get("/logistics/lanes/export")
def lane_export(
    session: DbSession, actor: PageActor, format: str = "csv", partner_id: int | None = None
) -> Response:
    headers, rows = lane_files.export_rows(
        session, actor=actor, filters=service.LaneFilters(partner_id=partner_id)
    )
    return tabular_response(headers, rows, "lanes", "xlsx" if format == "xlsx" else "csv")


@router.post("/logistics/lanes/import", response_class=HTMLResponse)
def lane_import(
    request: Request, session: DbSession, actor: PageActor, file: Annotated[UploadFile, File()]
) -> Response:
    try:
        settings = request.app.state.settings
        content = read_limited(file, settings.max_upload_mb)
        rows = read_table(content, file.filename or "upload.csv", TableLimits.of(settings))
        report = lane_files.import_rows(session, actor=actor, rows=rows)
    except CofabError as exc:
        session.rollback()
        return render(
            request,
            "logistics/import_result.html",
            error_context(exc, request.state.locale),
            status_code=exc.status,
        )
    return render(request, "logistics/import_result.html", {"report": report})


@router.get("/logistics/lanes/new", response_class=HTMLResponse)
def lane_new(request: Request, session: DbSession, actor: PageActor) -> Response:
    form: dict[str, Any] = {"partner_id": actor.partner_id} if actor.is_partner else {}
    return render(
        request,
        "logistics/lane_form.html",
        _form_ctx(session, actor) | {"lane": None, "form": form},
    )


@router.post("/logistics/lanes/new", response_class=HTMLResponse)
def lane_create(request: Request, session: DbSession, actor: PageActor, form: FormDep) -> Response:
    data = fields(form)
    data.setdefault("active", "false")  # an unticked box is not sent at all
    if actor.is_partner:
        data["partner_id"] = str(actor.partner_id)
    try:
        lane = service.create_lane(session, actor=actor, data=parse(schemas.LaneCreate, data))
    except CofabError as exc:
        return _lane_form_again(request, session, actor, exc, None, data)
    return RedirectResponse(f"/logistics/lanes/{lane.id}?saved=1", status_code=303)


@router.get("/logistics/lanes/{lane_id}", response_class=HTMLResponse)
def lane_detail(
    request: Request, session: DbSession, actor: PageActor, lane_id: int, saved: int = 0
) -> Response:
    lane = service.get_lane(session, actor=actor, lane_id=lane_id)
    ctx: dict[str, Any] = CHOICES | {
        "lane": lane,
        "shipments": service.lane_shipments(session, actor=actor, lane_id=lane_id),
        "can_write": _can_write(actor),
    }
    if saved:
        ctx["flash"] = translate(N_("Saved."), request.state.locale)
    return render(request, "logistics/lane_detail.html", ctx)


@router.get("/logistics/lanes/{lane_id}/edit", response_class=HTMLResponse)
def lane_edit(request: Request, session: DbSession, actor: PageActor, lane_id: int) -> Response:
    lane = service.get_lane(session, actor=actor, lane_id=lane_id)
    form = schemas.LaneRead.model_validate(lane).model_dump()
    return render(
        request,
        "logistics/lane_form.html",
        _form_ctx(session, actor) | {"lane": lane, "form": form},
    )


@router.post("/logistics/lanes/{lane_id}/edit", response_class=HTMLResponse)
def lane_update(
    request: Request, session: DbSession, actor: PageActor, form: FormDep, lane_id: int
) -> Response:
    lane = service.get_lane(session, actor=actor, lane_id=lane_id)
    data = fields(form)
    data.setdefault("active", "false")
    data.pop("partner_id", None)
    data.pop("code", None)
    try:
        service.update_lane(
            session, actor=actor, lane_id=lane_id, data=parse(schemas.LaneUpdate, data)
        )
    except CofabError as exc:
        kept = data | {"partner_id": lane.partner_id, "code": lane.code}
        return _lane_form_again(request, session, actor, exc, lane, kept)
    return RedirectResponse(f"/logistics/lanes/{lane_id}?saved=1", status_code=303)


def _lane_form_again(
    request: Request,
    session: Session,
    actor: Actor,
    exc: CofabError,
    lane: Any,
    form: dict[str, Any],
) -> Response:
    """The lane form once more with what was typed and the reasons it was refused."""
    session.rollback()
    return render(
        request,
        "logistics/lane_form.html",
        _form_ctx(session, actor)
        | {"lane": lane, "form": form}
        | error_context(exc, request.state.locale),
        status_code=exc.status,
    )


@router.post("/logistics/lanes/{lane_id}/delete", response_class=HTMLResponse)
def lane_delete(request: Request, session: DbSession, actor: PageActor, lane_id: int) -> Response:
    try:
        service.delete_lane(session, actor=actor, lane_id=lane_id)
    except CofabError as exc:
        if exc.status == 404:
            raise
        session.rollback()
        lane = service.get_lane(session, actor=actor, lane_id=lane_id)
        ctx = CHOICES | {
            "lane": lane,
            "shipments": service.lane_shipments(session, actor=actor, lane_id=lane_id),
            "can_write": _can_write(actor),
        }
        return render(
            request,
            "logistics/lane_detail.html",
            ctx | error_context(exc, request.state.locale),
            status_code=exc.status,
        )
    return RedirectResponse("/logistics/lanes", status_code=303)


# --- a shipment's lane and readings -----------------------------------------------------------


def _shipment_ctx(session: Session, actor: Actor, shipment_id: int) -> dict[str, Any]:
    """The shipping partner sees that its shipment is on a lane; only the lane's carrier and
    owner staff see the lane itself and its readings."""
    link = service.shipment_lane(session, actor=actor, shipment_id=shipment_id)
    carrier_side = link is not None and (
        not actor.is_partner or link.partner_id == actor.partner_id
    )
    lane = None
    readings: list[Any] = []
    if link is not None and carrier_side:
        lane = service.get_lane(session, actor=actor, lane_id=link.lane_id)
        for reading in service.readings(session, actor=actor, shipment_id=shipment_id):
            readings.append((reading, service.is_excursion(lane, reading.celsius)))
    lanes: list[Any] = []
    if actor.role in REGISTRY_WRITERS:
        active = service.lane_query(actor, service.LaneFilters(active=True))
        lanes = list(session.execute(active).scalars())
    return {
        "shipment_id": shipment_id,
        "link": link if carrier_side else None,
        "linked": link is not None,
        "lane": lane,
        "readings": readings,
        "lanes": lanes,
        "can_link": actor.role in REGISTRY_WRITERS,
        "can_post": carrier_side and (actor.is_partner or actor.role in REGISTRY_WRITERS),
        "form": {},
    }


@router.get("/logistics/shipments/{shipment_id}", response_class=HTMLResponse)
def shipment_page(
    request: Request, session: DbSession, actor: PageActor, shipment_id: int, saved: int = 0
) -> Response:
    ctx = _shipment_ctx(session, actor, shipment_id)
    if saved:
        ctx["flash"] = translate(N_("Saved."), request.state.locale)
    return render(request, "logistics/shipment.html", ctx)


@router.post("/logistics/shipments/{shipment_id}/lane", response_class=HTMLResponse)
def shipment_link(
    request: Request, session: DbSession, actor: PageActor, form: FormDep, shipment_id: int
) -> Response:
    write, schema = service.link_shipment, schemas.ShipmentLaneIn
    return _shipment_form(request, session, actor, form, shipment_id, write, schema)


@router.post("/logistics/shipments/{shipment_id}/readings", response_class=HTMLResponse)
def shipment_reading(
    request: Request, session: DbSession, actor: PageActor, form: FormDep, shipment_id: int
) -> Response:
    write, schema = service.add_reading, schemas.ReadingIn
    return _shipment_form(request, session, actor, form, shipment_id, write, schema)


def _shipment_form(
    request: Request,
    session: Session,
    actor: Actor,
    form: FormData,
    shipment_id: int,
    write: Callable[..., object],
    schema: type[BaseModel],
) -> Response:
    """A change posted on a shipment's page: back to it, or the page again with what was typed
    and the reasons. Not allowed or not visible stays the plain 403/404 page (not the shipment's
    page with a message), unlike ``core.form_actions``."""
    data = fields(form)
    try:
        write(session, actor=actor, shipment_id=shipment_id, data=parse(schema, data))
    except CofabError as exc:
        if exc.status in (403, 404):
            raise
        session.rollback()
        ctx = _shipment_ctx(session, actor, shipment_id) | {"form": data}
        return render(
            request,
            "logistics/shipment.html",
            ctx | error_context(exc, request.state.locale),
            status_code=exc.status,
        )
    return RedirectResponse(f"/logistics/shipments/{shipment_id}?saved=1", status_code=303)


# --- carrier KPIs -----------------------------------------------------------------------------


@router.get("/logistics/carriers/{partner_id}", response_class=HTMLResponse)
def carrier_page(
    request: Request,
    session: DbSession,
    actor: PageActor,
    partner_id: int,
    start: date | None = None,
    end: date | None = None,
) -> Response:
    end = end or date.today()
    start = start or end - timedelta(days=365)
    lanes = service.carrier_kpis(session, actor=actor, partner_id=partner_id, start=start, end=end)
    total = service.carrier_total(lanes)
    return render(
        request,
        "logistics/carrier.html",
        {
            "partner_id": partner_id,
            "start": start,
            "end": end,
            "lanes": lanes,
            "total": total,
            "card": scorecard.score_carrier(total),
            "metric_labels": scorecard.METRIC_LABELS,
        },
    )
