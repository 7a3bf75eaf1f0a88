"""Operations JSON API under /api/v1: parse, call one service function, return.

Posts that carry an external reference (orders, ASNs, receipts, inventory snapshots, progress at
a given time) are idempotent: the first answers 201, a repeat with the same content 200 and
changes nothing, a repeat with different content 409.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Query, Request, Response, UploadFile
from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.core.downloads import tabular_response
from cofab.core.i18n import translate
from cofab.core.pagination import Page, page_of, paginate
from cofab.core.tabular import TableLimits, read_table
from cofab.core.uploads import read_limited
from cofab.core.web import DbSession, api_actor
from cofab.operations import (
    dashboard,
    exporting,
    extensions,
    fulfilment,
    importing,
    inventory,
    orders,
    portal,
    progress,
    schemas,
    shipments,
    tickets,
)
from cofab.operations.models import Order, OrderLine

router = APIRouter(prefix="/api/v1", tags=["operations"])
SessionDep = DbSession
ActorDep = Annotated[Actor, Depends(api_actor)]
PageNo = Annotated[int, Query(ge=1)]
PageSize = Annotated[int, Query(ge=1, le=200)]


def _created(response: Response, created: bool) -> None:
    response.status_code = 201 if created else 200


def _order_read(session: Session, order: Order) -> schemas.OrderRead:
    summary = fulfilment.summarize(session, [order])[order.id]
    return schemas.OrderRead.model_validate(order).model_copy(
        update={"state": summary.state, "total_value": summary.total_value}
    )


def _line_read(
    session: Session, line: OrderLine, status: str | None = None
) -> schemas.OrderLineRead:
    if status is None:
        order = session.get(Order, line.order_id)
        status = order.status if order is not None else ""
    return schemas.OrderLineRead.model_validate(line).model_copy(
        update={
            "received_qty": line.received_total,
            "line_total": fulfilment.line_total(line.promised_qty, line.unit_price),
            "state": fulfilment.state_of_line(line, status),
        }
    )


def _order_detail(session: Session, actor: Actor, order_id: int) -> schemas.OrderDetail:
    detail = orders.order_detail(session, actor=actor, order_id=order_id)
    base = _order_read(session, detail["order"]).model_dump()
    lines = [_line_read(session, line) for line in detail["lines"]]
    return schemas.OrderDetail.model_validate(base | {"lines": lines})


# --- orders -----------------------------------------------------------------------------------


@router.get("/orders", response_model=Page[schemas.OrderRead])
def list_orders(
    session: SessionDep,
    actor: ActorDep,
    partner_id: int | None = None,
    status: str | None = None,
    q: str | None = None,
    page: PageNo = 1,
    size: PageSize = 25,
) -> Any:
    stmt = orders.order_query(actor, partner_id=partner_id, status=status, q=q)
    items, total = paginate(session, stmt, page=page, size=size)
    summaries = fulfilment.summarize(session, items)
    return Page[schemas.OrderRead](
        items=[
            schemas.OrderRead.model_validate(o).model_copy(
                update={
                    "state": summaries[o.id].state,
                    "total_value": summaries[o.id].total_value,
                }
            )
            for o in items
        ],
        total=total,
        page=page,
        size=size,
    )


@router.post("/orders", response_model=schemas.OrderDetail, status_code=201)
def create_order(
    session: SessionDep, actor: ActorDep, body: schemas.OrderCreate, response: Response
) -> Any:
    order, created = orders.create_order(session, actor=actor, data=body)
    _created(response, created)
    action = extensions.order_gate(session, partner_id=order.partner_id)
    if action != "none":  # "warning" or "approval": the caller's system can flag the order
        response.headers["X-Cofab-Scorecard-Action"] = action
    return _order_detail(session, actor, order.id)


@router.get("/orders/{order_id}", response_model=schemas.OrderDetail)
def get_order(session: SessionDep, actor: ActorDep, order_id: int) -> Any:
    return _order_detail(session, actor, order_id)


@router.post("/orders/{order_id}/approve", response_model=schemas.OrderRead)
def approve_order(session: SessionDep, actor: ActorDep, order_id: int) -> Any:
    return _order_read(session, orders.approve_order(session, actor=actor, order_id=order_id))


@router.post("/orders/{order_id}/cancel", response_model=schemas.OrderRead)
def cancel_order(session: SessionDep, actor: ActorDep, order_id: int) -> Any:
    return _order_read(session, orders.cancel_order(session, actor=actor, order_id=order_id))


@router.post("/orders/{order_id}/close", response_model=schemas.OrderRead)
def close_order(session: SessionDep, actor: ActorDep, order_id: int) -> Any:
    """Nothing more is expected on the order (delivered, or short-closed by the owner)."""
    return _order_read(session, orders.close_order(session, actor=actor, order_id=order_id))


@router.get("/order-lines", response_model=Page[schemas.OrderLineRead])
def list_lines(
    session: SessionDep,
    actor: ActorDep,
    partner_id: int | None = None,
    order_id: int | None = None,
    state: Annotated[
        str | None,
        Query(
            description="pending, proposed, accepted, partially_received, received, closed, "
            "rejected or cancelled"
        ),
    ] = None,
    page: PageNo = 1,
    size: PageSize = 25,
) -> Any:
    """Order lines across orders, e.g. every line still partly received."""
    stmt = orders.line_query(actor, partner_id=partner_id, order_id=order_id, state=state)
    total = session.execute(
        select(func.count()).select_from(stmt.order_by(None).subquery())
    ).scalar_one()
    rows = session.execute(stmt.limit(size).offset((page - 1) * size)).all()
    return Page[schemas.OrderLineRead](
        items=[_line_read(session, line, status) for line, status in rows],
        total=int(total),
        page=page,
        size=size,
    )


@router.get("/order-lines/{line_id}", response_model=schemas.OrderLineRead)
def get_line(session: SessionDep, actor: ActorDep, line_id: int) -> Any:
    return _line_read(session, orders.get_line(session, actor=actor, line_id=line_id))


@router.patch("/order-lines/{line_id}", response_model=schemas.OrderLineRead)
def change_line(
    session: SessionDep, actor: ActorDep, line_id: int, body: schemas.LineChange
) -> Any:
    return _line_read(session, orders.change_line(session, actor=actor, line_id=line_id, data=body))


@router.post("/order-lines/{line_id}/ack", response_model=schemas.OrderLineRead)
def acknowledge(session: SessionDep, actor: ActorDep, line_id: int, body: schemas.AckAction) -> Any:
    return _line_read(session, orders.acknowledge(session, actor=actor, line_id=line_id, data=body))


@router.post("/order-lines/{line_id}/proposal", response_model=schemas.OrderLineRead)
def decide_proposal(
    session: SessionDep, actor: ActorDep, line_id: int, body: schemas.ProposalDecision
) -> Any:
    line = orders.decide_proposal(session, actor=actor, line_id=line_id, data=body)
    return _line_read(session, line)


@router.get("/order-lines/{line_id}/history", response_model=schemas.LineHistory)
def line_history(
    session: SessionDep, actor: ActorDep, line_id: int, as_of: datetime | None = None
) -> Any:
    return orders.line_history(session, actor=actor, line_id=line_id, as_of=as_of)


# --- progress ---------------------------------------------------------------------------------


@router.get("/order-lines/{line_id}/progress", response_model=list[schemas.ProgressRead])
def list_progress(session: SessionDep, actor: ActorDep, line_id: int) -> Any:
    return progress.line_progress(session, actor=actor, line_id=line_id)


@router.post(
    "/order-lines/{line_id}/progress", response_model=schemas.ProgressRead, status_code=201
)
def post_progress(
    session: SessionDep,
    actor: ActorDep,
    line_id: int,
    body: schemas.ProgressIn,
    response: Response,
) -> Any:
    event, created = progress.post_progress(session, actor=actor, line_id=line_id, data=body)
    _created(response, created)
    return event


@router.get("/progress/summary", response_model=dict[str, float])
def progress_summary(session: SessionDep, actor: ActorDep, partner_id: int | None = None) -> Any:
    return progress.latest_stage_quantities(session, actor=actor, partner_id=partner_id)


# --- shipments and receipts -------------------------------------------------------------------


def _shipment_detail(session: Any, actor: Actor, shipment_id: int) -> schemas.ShipmentDetail:
    shipment = shipments.get_shipment(session, actor=actor, shipment_id=shipment_id)
    base = schemas.ShipmentRead.model_validate(shipment).model_dump()
    lines = shipments.shipment_lines(session, shipment.id)
    return schemas.ShipmentDetail.model_validate(base | {"lines": lines})


def _partner_listing(
    query: Callable[..., Select[Any]], schema: type[BaseModel]
) -> Callable[..., Page[Any]]:
    """A list endpoint of one kind of partner rows: optionally one partner's, a page at a time."""

    def listing(
        session: SessionDep,
        actor: ActorDep,
        partner_id: int | None = None,
        page: PageNo = 1,
        size: PageSize = 25,
    ) -> Page[Any]:
        return page_of(session, query(actor, partner_id=partner_id), schema, page=page, size=size)

    return listing


list_shipments = router.get(
    "/shipments", response_model=Page[schemas.ShipmentRead], name="list_shipments"
)(_partner_listing(shipments.shipment_query, schemas.ShipmentRead))


@router.post("/shipments", response_model=schemas.ShipmentDetail, status_code=201)
def post_shipment(
    session: SessionDep, actor: ActorDep, body: schemas.ShipmentCreate, response: Response
) -> Any:
    shipment, outcome = shipments.post_shipment(session, actor=actor, data=body)
    _created(response, outcome == "created")
    return _shipment_detail(session, actor, shipment.id)


@router.get("/shipments/{shipment_id}", response_model=schemas.ShipmentDetail)
def get_shipment(session: SessionDep, actor: ActorDep, shipment_id: int) -> Any:
    return _shipment_detail(session, actor, shipment_id)


@router.post(
    "/shipments/{shipment_id}/receipts", response_model=list[schemas.ReceiptRead], status_code=201
)
def post_receipts(
    session: SessionDep,
    actor: ActorDep,
    shipment_id: int,
    body: schemas.ReceiptCreate,
    response: Response,
) -> Any:
    result = shipments.post_receipts(session, actor=actor, shipment_id=shipment_id, data=body)
    _created(response, any(created for _r, created in result))
    return [receipt for receipt, _created_flag in result]


list_receipts = router.get(
    "/receipts", response_model=Page[schemas.ReceiptRead], name="list_receipts"
)(_partner_listing(shipments.receipt_query, schemas.ReceiptRead))


# --- inventory --------------------------------------------------------------------------------


@router.get("/inventory", response_model=list[schemas.InventoryCover])
def current_inventory(session: SessionDep, actor: ActorDep, partner_id: int | None = None) -> Any:
    rows = inventory.current_inventory(session, actor=actor, partner_id=partner_id)
    return [
        schemas.InventoryCover.model_validate(
            schemas.InventoryRead.model_validate(r["snapshot"]).model_dump()
            | {"daily_demand": r["daily_demand"], "cover_days": r["cover_days"]}
        )
        for r in rows
    ]


@router.post("/inventory", response_model=schemas.InventoryRead, status_code=201)
def post_inventory(
    session: SessionDep, actor: ActorDep, body: schemas.InventorySnapshotIn, response: Response
) -> Any:
    snap, created = inventory.post_snapshot(session, actor=actor, data=body)
    _created(response, created)
    return snap


@router.get("/sites/{site_id}/inventory", response_model=list[schemas.InventoryRead])
def inventory_history(
    session: SessionDep, actor: ActorDep, site_id: int, item: str | None = None
) -> Any:
    return inventory.history(session, actor=actor, site_id=site_id, item=item)


# --- support tickets --------------------------------------------------------------------------


@router.get("/tickets", response_model=Page[schemas.TicketRead])
def list_tickets(
    session: SessionDep,
    actor: ActorDep,
    partner_id: int | None = None,
    open_only: bool = False,
    page: PageNo = 1,
    size: PageSize = 25,
) -> Any:
    stmt = tickets.ticket_query(actor, partner_id=partner_id, open_only=open_only)
    return page_of(session, stmt, schemas.TicketRead, page=page, size=size)


@router.post("/tickets", response_model=schemas.TicketRead, status_code=201)
def open_ticket(
    session: SessionDep, actor: ActorDep, body: schemas.SupportTicketCreate, response: Response
) -> Any:
    ticket, created = tickets.open_ticket(session, actor=actor, data=body)
    _created(response, created)
    return ticket


@router.get("/tickets/{ticket_id}", response_model=schemas.TicketRead)
def get_ticket(session: SessionDep, actor: ActorDep, ticket_id: int) -> Any:
    return tickets.get_ticket(session, actor=actor, ticket_id=ticket_id)


@router.post("/tickets/{ticket_id}/respond", response_model=schemas.TicketRead)
def respond_ticket(
    session: SessionDep, actor: ActorDep, ticket_id: int, body: schemas.TicketNote
) -> Any:
    return tickets.respond(session, actor=actor, ticket_id=ticket_id, note=body.note)


@router.post("/tickets/{ticket_id}/resolve", response_model=schemas.TicketRead)
def resolve_ticket(
    session: SessionDep, actor: ActorDep, ticket_id: int, body: schemas.TicketNote
) -> Any:
    return tickets.resolve(session, actor=actor, ticket_id=ticket_id, note=body.note)


@router.get("/portal", response_model=list[schemas.PortalEntry])
def partner_todo(request: Request, session: SessionDep, actor: ActorDep) -> Any:
    """A partner user's to-do counts (the start page's cards); owner staff get 403."""
    locale = request.state.locale
    return [
        schemas.PortalEntry(
            key=e.key,
            title=translate(
                portal.titles()[e.key],
                locale,
                days=portal.DUE_WITHIN_DAYS if e.key == "shipments_due" else portal.RECENT_DAYS,
            ),
            count=e.count,
            link=e.link,
        )
        for e in portal.todo(session, actor=actor)
    ]


# --- live view, import, export ----------------------------------------------------------------


@router.get("/operations/live", response_model=schemas.LiveSummary)
def live(request: Request, session: SessionDep, actor: ActorDep, response: Response) -> Any:
    """Conditional GET: send ``If-None-Match`` with the last ETag; unchanged data answers 304."""
    from cofab.operations import change_feed

    version = change_feed.current_version(session, actor=actor)
    etag = f'"ops-{actor.partner_id or 0}-{version}"'
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers={"ETag": etag})
    view = dashboard.live_view(session, actor=actor)
    response.headers["ETag"] = etag
    return schemas.LiveSummary(
        version=version,
        at_risk=[
            {
                "line_id": r["line"].id,
                "order_ref": r["order_ref"],
                "line_no": r["line"].line_no,
                "product": r["line"].product,
                "partner": r["partner_en"],
                "promised_date": r["line"].promised_date.isoformat(),
                "reason": r["reason"],
                "received": r["received"],
                "shipped": r["shipped"],
            }
            for r in view["at_risk"]
        ],
        stages=view["stages"],
        inventory=[
            {
                "site": r["site_name"],
                "item": r["snapshot"].item,
                "on_hand": float(r["snapshot"].on_hand),
                "cover_days": r["cover_days"],
            }
            for r in view["inventory"]
        ],
        overdue_actions=len(view["overdue"]),
    )


@router.get("/operations/export")
def export(
    session: SessionDep,
    actor: ActorDep,
    kind: Literal["orders", "progress", "shipments", "receipts", "inventory"] = "orders",
    format: Literal["csv", "xlsx"] = "csv",
    partner_id: int | None = None,
) -> Response:
    headers, rows = exporting.export_table(session, actor=actor, kind=kind, partner_id=partner_id)
    return tabular_response(headers, rows, kind, format)


@router.post("/operations/import", response_model=schemas.ImportReport)
def import_file(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    file: Annotated[UploadFile, File()],
    kind: Literal["orders", "progress", "shipments", "receipts", "inventory"] = "orders",
) -> Any:
    content = read_limited(file, request.app.state.settings.max_upload_mb)
    rows = read_table(
        content, file.filename or "upload.csv", TableLimits.of(request.app.state.settings)
    )
    return importing.import_rows(session, actor=actor, kind=kind, rows=rows)


routers: list[APIRouter] = [router]
