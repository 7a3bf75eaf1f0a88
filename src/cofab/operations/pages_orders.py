"""Order, line and shipment pages: place orders, acknowledge lines, decide proposals, post
progress, send ASNs and book receipts. Thin: parse the form, call the service, go back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from cofab.core.access import Actor, scope_to_partner
from cofab.core.form_actions import Redo, act, flash, form_action
from cofab.core.forms import FormDep, fields, parse
from cofab.core.pagination import Page, paginate
from cofab.core.web import DbSession, page_actor, render
from cofab.operations import (
    extensions,
    fulfilment,
    orders,
    progress,
    rules,
    schemas,
    shipments,
)
from cofab.operations.models import (
    STAGES,
    AckStatus,
    Order,
    OrderLine,
    OrderStatus,
    ShipmentLine,
)
from cofab.operations.schemas import INCOTERMS_2020
from cofab.operations.web_forms import (
    can_write,
    form_int,
    line_slots,
    partner_choices,
    partner_names,
    rows_from,
    sites_of_partner,
)

router = APIRouter(include_in_schema=False)
SessionDep = DbSession
ActorDep = Annotated[Actor, Depends(page_actor)]
PAGE_SIZE = 25
LINE_FIELDS = ("product", "product_family", "quantity", "unit_price", "requested_date")


# --- orders -----------------------------------------------------------------------------------


def _orders_ctx(
    request: Request,
    session: Session,
    actor: Actor,
    page: int = 1,
    form: dict[str, Any] | None = None,
) -> dict[str, Any]:
    q = request.query_params
    form = form or {}
    partner_options = partner_choices(session, actor)
    chosen = form_int(form.get("partner_id"))
    if chosen is None and partner_options:
        chosen = partner_options[0].id
    partner_filter = int(q["partner_id"]) if q.get("partner_id", "").isdigit() else None
    stmt = orders.order_query(
        actor, partner_id=partner_filter, status=q.get("status") or None, q=q.get("q") or None
    )
    items, total = paginate(session, stmt, page=page, size=PAGE_SIZE)
    return {
        "result": Page[Any](items=items, total=total, page=max(page, 1), size=PAGE_SIZE),
        "summaries": fulfilment.summarize(session, items),
        "partners": partner_names(session, {o.partner_id for o in items}),
        "partner_options": partner_options,
        "site_options": sites_of_partner(session, actor, chosen),
        "statuses": list(fulfilment.ORDER_STATES),
        "incoterms": INCOTERMS_2020,
        "can_write": can_write(actor),
        "form": form,
        "filters": {k: q.get(k, "") for k in ("partner_id", "status", "q")},
        "blank_lines": range(5),
    }


@router.get("/orders", response_class=HTMLResponse)
def order_list(request: Request, session: SessionDep, actor: ActorDep, page: int = 1) -> Response:
    ctx = _orders_ctx(request, session, actor, page) | flash(request)
    return render(request, "operations/orders.html", ctx)


@router.post("/orders/new", response_class=HTMLResponse)
def order_create(request: Request, session: SessionDep, actor: ActorDep, form: FormDep) -> Response:
    data = fields(form)
    body = {k: v for k, v in data.items() if not k.startswith("line-")}
    body["lines"] = rows_from(data, "line", LINE_FIELDS)

    def create() -> Order:
        order, _created = orders.create_order(
            session, actor=actor, data=parse(schemas.OrderCreate, body)
        )
        return order

    return act(
        request,
        session,
        create,
        back=lambda order: f"/orders/{order.id}",
        page=lambda: (
            "operations/orders.html",
            _orders_ctx(request, session, actor, form=data)
            | {"blank_lines": range(line_slots(data, "line"))},
        ),
    )


@router.get("/orders/site-options", response_class=HTMLResponse)
def order_site_options(
    request: Request, session: SessionDep, actor: ActorDep, partner_id: str = ""
) -> Response:
    """The new-order form's Site list for the chosen partner (htmx swaps it in on change)."""
    sites = sites_of_partner(session, actor, form_int(partner_id))
    return render(request, "operations/_site_options.html", {"site_options": sites, "form": {}})


def _order_ctx(session: Session, actor: Actor, order_id: int) -> dict[str, Any]:
    detail = orders.order_detail(session, actor=actor, order_id=order_id)
    order: Order = detail["order"]
    lines: list[OrderLine] = detail["lines"]
    ids = [line.id for line in lines]
    received = {line.id: float(line.received_total) for line in lines}  # kept by line_totals
    shipped = {
        lid: float(q)
        for lid, q in session.execute(
            select(ShipmentLine.line_id, func.sum(ShipmentLine.quantity))
            .where(ShipmentLine.line_id.in_(ids))
            .group_by(ShipmentLine.line_id)
        )
    }
    partner_side = actor.is_partner or can_write(actor)
    gate = None if actor.is_partner else extensions.order_gate(session, partner_id=order.partner_id)
    return {
        "scorecard_action": gate,
        "order": order,
        "summary": fulfilment.summarize(session, [order])[order.id],
        "line_states": {line.id: fulfilment.state_of_line(line, order.status) for line in lines},
        "line_totals": {
            line.id: fulfilment.line_total(line.promised_qty, line.unit_price) for line in lines
        },
        "lines": lines,
        "partner": partner_names(session, {order.partner_id}).get(order.partner_id),
        "stage_qty": progress.latest_by_line(session, ids),
        "received": received,
        "shipped": shipped,
        "stages": STAGES,
        "is_open": order.status == OrderStatus.OPEN,
        "can_ack": actor.is_partner or actor.role == "admin",
        "can_post": partner_side,
        "can_decide": can_write(actor),
        "closed_states": {AckStatus.CANCELLED.value, AckStatus.REJECTED.value},
    }


@router.get("/orders/{order_id}", response_class=HTMLResponse)
def order_page(request: Request, session: SessionDep, actor: ActorDep, order_id: int) -> Response:
    ctx = _order_ctx(session, actor, order_id) | flash(request)
    return render(request, "operations/order.html", ctx)


def _order_redo(session: Session, actor: Actor, order_id: int) -> Redo:
    """A change on the order page returns there (or shows it again with the reasons)."""
    orders.get_order(session, actor=actor, order_id=order_id)
    return Redo(
        f"/orders/{order_id}",
        lambda: ("operations/order.html", _order_ctx(session, actor, order_id)),
    )


def _line_redo(session: Session, actor: Actor, line_id: int) -> Redo:
    """A line is changed on its order's page."""
    line = orders.get_line(session, actor=actor, line_id=line_id)
    return _order_redo(session, actor, line.order_id)


def _order_button(
    request: Request, session: Session, actor: Actor, order_id: int, change: Callable[..., Any]
) -> Response:
    """A button of the order page (no fields): ``change`` the order, then back to its page."""
    return form_action(
        request,
        session,
        None,
        lambda _: change(session, actor=actor, order_id=order_id),
        _order_redo(session, actor, order_id),
    )


def _line_form(
    request: Request,
    session: Session,
    actor: Actor,
    form: FormData,
    line_id: int,
    change: Callable[..., Any],
    schema: type[BaseModel],
) -> Response:
    """A line's form on its order's page: the fields read as ``schema`` and handed to ``change``."""
    return form_action(
        request,
        session,
        form,
        lambda data: change(session, actor=actor, line_id=line_id, data=parse(schema, data)),
        _line_redo(session, actor, line_id),
    )


@router.post("/orders/{order_id}/approve", response_class=HTMLResponse)
def order_approve(
    request: Request, session: SessionDep, actor: ActorDep, order_id: int
) -> Response:
    return _order_button(request, session, actor, order_id, orders.approve_order)


@router.post("/orders/{order_id}/close", response_class=HTMLResponse)
def order_close(request: Request, session: SessionDep, actor: ActorDep, order_id: int) -> Response:
    return _order_button(request, session, actor, order_id, orders.close_order)


@router.post("/orders/{order_id}/cancel", response_class=HTMLResponse)
def order_cancel(request: Request, session: SessionDep, actor: ActorDep, order_id: int) -> Response:
    return _order_button(request, session, actor, order_id, orders.cancel_order)


# --- lines ------------------------------------------------------------------------------------


@router.post("/order-lines/{line_id}/ack", response_class=HTMLResponse)
def line_ack(
    request: Request, session: SessionDep, actor: ActorDep, form: FormDep, line_id: int
) -> Response:
    return _line_form(request, session, actor, form, line_id, orders.acknowledge, schemas.AckAction)


@router.post("/order-lines/{line_id}/proposal", response_class=HTMLResponse)
def line_proposal(
    request: Request, session: SessionDep, actor: ActorDep, form: FormDep, line_id: int
) -> Response:
    return _line_form(
        request, session, actor, form, line_id, orders.decide_proposal, schemas.ProposalDecision
    )


@router.post("/order-lines/{line_id}/progress", response_class=HTMLResponse)
def line_progress(
    request: Request, session: SessionDep, actor: ActorDep, form: FormDep, line_id: int
) -> Response:
    return _line_form(
        request, session, actor, form, line_id, progress.post_progress, schemas.ProgressIn
    )


@router.get("/order-lines/{line_id}/history", response_class=HTMLResponse)
def line_history(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    line_id: int,
    as_of: str | None = None,
) -> Response:
    moment = None
    if as_of:
        try:
            moment = datetime.fromisoformat(as_of)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=rules.now_utc().tzinfo)
        except ValueError:
            moment = None
    history = orders.line_history(session, actor=actor, line_id=line_id, as_of=moment)
    line = orders.get_line(session, actor=actor, line_id=line_id)
    order = orders.get_order(session, actor=actor, order_id=line.order_id)
    return render(
        request,
        "operations/line_history.html",
        history
        | {
            "line": line,
            "order": order,
            "events": progress.line_progress(session, actor=actor, line_id=line_id),
            "as_of_text": as_of or "",
        },
    )


# --- shipments and receipts -------------------------------------------------------------------


def _open_lines(session: Session, actor: Actor) -> list[tuple[OrderLine, str]]:
    stmt = scope_to_partner(
        select(OrderLine, Order.external_ref)
        .join(Order, Order.id == OrderLine.order_id)
        .where(
            Order.status == OrderStatus.OPEN,
            OrderLine.ack_status.not_in([AckStatus.CANCELLED, AckStatus.REJECTED]),
        )
        .order_by(OrderLine.promised_date, Order.external_ref, OrderLine.line_no)
        .limit(300),
        actor,
        OrderLine.partner_id,
    )
    return [(line, ref) for line, ref in session.execute(stmt)]


def _shipments_ctx(session: Session, actor: Actor, page: int = 1) -> dict[str, Any]:
    items, total = paginate(session, shipments.shipment_query(actor), page=page, size=PAGE_SIZE)
    return {
        "result": Page[Any](items=items, total=total, page=max(page, 1), size=PAGE_SIZE),
        "partners": partner_names(session, {s.partner_id for s in items}),
        "open_lines": _open_lines(session, actor),
        "can_ship": actor.is_partner or can_write(actor),
        "form": {},
        "blank_lines": range(5),
    }


@router.get("/shipments", response_class=HTMLResponse)
def shipment_list(
    request: Request, session: SessionDep, actor: ActorDep, page: int = 1
) -> Response:
    ctx = _shipments_ctx(session, actor, page) | flash(request)
    return render(request, "operations/shipments.html", ctx)


@router.post("/shipments/new", response_class=HTMLResponse)
def shipment_create(
    request: Request, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    data = fields(form)
    body = {k: v for k, v in data.items() if not k.startswith("line-")}
    body["lines"] = rows_from(data, "line", ("line_id", "quantity"))

    def create() -> Any:
        shipment, _outcome = shipments.post_shipment(
            session, actor=actor, data=parse(schemas.ShipmentCreate, body)
        )
        return shipment

    return act(
        request,
        session,
        create,
        back=lambda shipment: f"/shipments/{shipment.id}",
        page=lambda: ("operations/shipments.html", _shipments_ctx(session, actor) | {"form": data}),
    )


def _shipment_ctx(session: Session, actor: Actor, shipment_id: int) -> dict[str, Any]:
    detail = shipments.shipment_detail(session, actor=actor, shipment_id=shipment_id)
    return detail | {
        "partner": partner_names(session, {detail["shipment"].partner_id}).get(
            detail["shipment"].partner_id
        ),
        "can_receive": not actor.is_partner and actor.role in rules.RECEIVERS,
        "today": rules.now_utc().date(),
    }


@router.get("/shipments/{shipment_id}", response_class=HTMLResponse)
def shipment_page(
    request: Request, session: SessionDep, actor: ActorDep, shipment_id: int
) -> Response:
    ctx = _shipment_ctx(session, actor, shipment_id) | flash(request)
    return render(request, "operations/shipment.html", ctx)


@router.post("/shipments/{shipment_id}/receipts", response_class=HTMLResponse)
def receipt_create(
    request: Request, session: SessionDep, actor: ActorDep, form: FormDep, shipment_id: int
) -> Response:
    shipments.get_shipment(session, actor=actor, shipment_id=shipment_id)
    rules.ensure_owner_writer(actor, rules.RECEIVERS)
    data = fields(form)
    lines = rows_from(
        data,
        "line",
        (
            "shipment_line_id",
            "accepted_qty",
            "rejected_qty",
            "reject_reason",
            "landed_unit_cost",
            "currency",
        ),
    )
    body = {
        "received_date": data.get("received_date"),
        "lines": [ln for ln in lines if ln.keys() - {"shipment_line_id", "currency"}],
    }
    return act(
        request,
        session,
        lambda: shipments.post_receipts(
            session,
            actor=actor,
            shipment_id=shipment_id,
            data=parse(schemas.ReceiptCreate, body),
        ),
        back=f"/shipments/{shipment_id}",
        page=lambda: ("operations/shipment.html", _shipment_ctx(session, actor, shipment_id)),
    )
