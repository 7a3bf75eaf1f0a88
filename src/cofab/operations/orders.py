"""Orders to partners and the per-line acknowledgement state machine, every change versioned.

A line moves: pending → accepted | rejected | proposed (partner); proposed → accepted (owner
takes the proposal: promise becomes the proposed date/quantity) or back to where it was (owner
declines). An owner's change to a line resets it to pending. Each move closes the current
``LineVersion`` and opens the next, so the promise on any past day is one indexed lookup.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from cofab.core import audit
from cofab.core.access import Actor, scope_to_partner
from cofab.core.errors import Conflict, FieldProblem, InvalidTransition
from cofab.core.i18n import N_
from cofab.core.search_text import LIKE_ESCAPE, contains_pattern
from cofab.operations import extensions, fulfilment, line_totals, rules, schemas
from cofab.operations.models import (
    AckStatus,
    LineVersion,
    Order,
    OrderLine,
    OrderStatus,
)
from cofab.partners.models import PartnerStatus

CLOSED_LINE_STATES = frozenset({AckStatus.REJECTED.value, AckStatus.CANCELLED.value})


# --- reading ----------------------------------------------------------------------------------


def order_query(
    actor: Actor,
    *,
    partner_id: int | None = None,
    status: str | None = None,
    q: str | None = None,
) -> Select[Order]:
    """``status`` is a stored status or a delivery state (``fulfilment.ORDER_STATES``)."""
    stmt = scope_to_partner(select(Order), actor, Order.partner_id)
    if partner_id is not None:
        stmt = stmt.where(Order.partner_id == partner_id)
    if status:
        stmt = stmt.where(fulfilment.order_state_condition(status))
    if q:
        stmt = stmt.where(Order.external_ref.ilike(contains_pattern(q), escape=LIKE_ESCAPE))
    return stmt.order_by(Order.order_date.desc(), Order.id.desc())


def line_query(
    actor: Actor,
    *,
    partner_id: int | None = None,
    order_id: int | None = None,
    state: str | None = None,
) -> Select[OrderLine, str]:
    """Order lines with their order's status; ``state`` is a delivery state or an answer
    (``fulfilment.LINE_STATES``)."""
    stmt = scope_to_partner(
        select(OrderLine, Order.status).join(Order, Order.id == OrderLine.order_id),
        actor,
        OrderLine.partner_id,
    )
    if partner_id is not None:
        stmt = stmt.where(OrderLine.partner_id == partner_id)
    if order_id is not None:
        stmt = stmt.where(OrderLine.order_id == order_id)
    if state:
        stmt = stmt.where(fulfilment.line_state_condition(state))
    return stmt.order_by(OrderLine.promised_date, OrderLine.order_id, OrderLine.line_no)


def get_order(session: Session, *, actor: Actor, order_id: int) -> Order:
    order: Order = rules.visible_or_404(actor, session.get(Order, order_id))
    return order


def lines_of(session: Session, order_id: int) -> list[OrderLine]:
    stmt = select(OrderLine).where(OrderLine.order_id == order_id).order_by(OrderLine.line_no)
    return list(session.execute(stmt).scalars())


def get_line(session: Session, *, actor: Actor, line_id: int) -> OrderLine:
    line: OrderLine = rules.visible_or_404(actor, session.get(OrderLine, line_id))
    return line


def order_detail(session: Session, *, actor: Actor, order_id: int) -> dict[str, Any]:
    order = get_order(session, actor=actor, order_id=order_id)
    return {"order": order, "lines": lines_of(session, order.id)}


def _kpis_moved(session: Session, line: OrderLine, *earlier: date) -> None:
    """The line's answer, promise or existence feeds the delivery and acknowledgement KPIs of
    the periods holding its order date and its promised date (before and after a change)."""
    extensions.kpi_inputs_changed(
        session, line.partner_id, (line.order_date, line.promised_date, *earlier)
    )


# --- versions ---------------------------------------------------------------------------------


def _open_version(
    session: Session, line: OrderLine, change: str, actor: Actor, note: str | None
) -> None:
    """Close the line's current version and start the next one at the same instant."""
    now = rules.now_utc()
    current = session.execute(
        select(LineVersion).where(LineVersion.line_id == line.id, LineVersion.valid_to.is_(None))
    ).scalar_one_or_none()
    if current is not None:
        current.valid_to = now
    session.add(
        LineVersion(
            partner_id=line.partner_id,
            line_id=line.id,
            version=line.version,
            change=change,
            valid_from=now,
            quantity=line.quantity,
            unit_price=line.unit_price,
            requested_date=line.requested_date,
            promised_date=line.promised_date,
            promised_qty=line.promised_qty,
            ack_status=line.ack_status,
            proposed_date=line.proposed_date,
            proposed_qty=line.proposed_qty,
            note=note,
            changed_by=actor.email,
        )
    )
    session.flush()


def line_history(
    session: Session, *, actor: Actor, line_id: int, as_of: datetime | None = None
) -> dict[str, Any]:
    line = get_line(session, actor=actor, line_id=line_id)
    versions = list(
        session.execute(
            select(LineVersion).where(LineVersion.line_id == line.id).order_by(LineVersion.version)
        ).scalars()
    )
    state = version_as_of(session, line_id=line.id, at=as_of) if as_of is not None else None
    return {"line_id": line.id, "as_of": as_of, "state_as_of": state, "versions": versions}


def version_as_of(session: Session, *, line_id: int, at: datetime) -> LineVersion | None:
    """The line as it stood at ``at`` — e.g. the promised date on day D is
    ``version_as_of(at=end of D).promised_date``."""
    stmt = select(LineVersion).where(
        LineVersion.line_id == line_id,
        LineVersion.valid_from <= at,
        or_(LineVersion.valid_to.is_(None), LineVersion.valid_to > at),
    )
    return session.execute(stmt).scalars().first()


# --- creating ---------------------------------------------------------------------------------


def same_order(order: Order, lines: list[OrderLine], data: schemas.OrderCreate) -> bool:
    header = (order.partner_id, order.site_id, order.currency, order.incoterm)
    wanted = (data.partner_id, data.site_id, data.currency, data.incoterm)
    if header != wanted or len(lines) != len(data.lines):
        return False
    mine = {
        (ln.line_no, ln.product, Decimal(ln.quantity), Decimal(ln.unit_price), ln.requested_date)
        for ln in lines
    }
    theirs = {
        (
            line.line_no or index + 1,
            line.product,
            Decimal(line.quantity),
            Decimal(line.unit_price),
            line.requested_date,
        )
        for index, line in enumerate(data.lines)
    }
    return mine == theirs


def check_order(session: Session, actor: Actor, data: schemas.OrderCreate) -> list[FieldProblem]:
    partner = rules.get_partner_checked(session, actor, data.partner_id, "partner_id")
    if partner.status in (PartnerStatus.SUSPENDED, PartnerStatus.EXITED):
        raise Conflict(
            N_("Partner {name} is {status}: it cannot receive new orders."),
            name=partner.name_en,
            status=partner.status,
        )
    rules.check_site(session, data.partner_id, data.site_id, "site_id")
    problems: list[FieldProblem] = []
    rules.check_currency(data.currency, "currency", problems)
    order_date = data.order_date or rules.now_utc().date()
    if order_date > rules.today_anywhere():
        problems.append(FieldProblem("order_date", N_("Must not be in the future.")))
    seen: set[int] = set()
    for index, line in enumerate(data.lines):
        number = line.line_no or index + 1
        if number in seen:
            problems.append(
                FieldProblem(f"lines.{index}.line_no", N_("Line {n} appears twice."), {"n": number})
            )
        seen.add(number)
        if line.requested_date < order_date:
            problems.append(
                FieldProblem(
                    f"lines.{index}.requested_date", N_("Must not be before the order date.")
                )
            )
    return problems


def create_order(
    session: Session, *, actor: Actor, data: schemas.OrderCreate
) -> tuple[Order, bool]:
    """Create an order, or return the existing one when the same reference and content arrive
    again (``created`` False). The partner's scorecard grade may block or hold the order."""
    rules.ensure_owner_writer(actor)
    problems = check_order(session, actor, data)
    rules.raise_if(problems)
    existing = session.execute(
        select(Order).where(Order.external_ref == data.external_ref)
    ).scalar_one_or_none()
    if existing is not None:
        if same_order(existing, lines_of(session, existing.id), data):
            return existing, False
        raise Conflict(
            N_("An order with reference {ref} already exists with different content."),
            ref=data.external_ref,
        )
    gate = extensions.order_gate(session, partner_id=data.partner_id)
    if gate == "block":
        raise Conflict(
            N_("New orders to this partner are blocked by its scorecard grade."),
        )
    order_date = data.order_date or rules.now_utc().date()
    order = Order(
        partner_id=data.partner_id,
        site_id=data.site_id,
        external_ref=data.external_ref,
        order_date=order_date,
        currency=data.currency,
        incoterm=data.incoterm,
        incoterm_place=data.incoterm_place,
        notes=data.notes,
        status=(OrderStatus.PENDING_APPROVAL if gate == "approval" else OrderStatus.OPEN).value,
        created_by=actor.email,
    )
    session.add(order)
    session.flush()
    rules.record(session, actor=actor, action="create", entity="order", row=order)
    for index, item in enumerate(data.lines):
        add_line(session, actor=actor, order=order, item=item, line_no=item.line_no or index + 1)
    return order, True


def add_line(
    session: Session, *, actor: Actor, order: Order, item: schemas.OrderLineIn, line_no: int
) -> OrderLine:
    """A new line on an existing order (imports add lines this way)."""
    rules.ensure_owner_writer(actor)
    line = OrderLine(
        partner_id=order.partner_id,
        order_id=order.id,
        site_id=order.site_id,
        line_no=line_no,
        product=item.product,
        product_family=item.product_family,
        quantity=item.quantity,
        unit_price=item.unit_price,
        currency=order.currency,
        order_date=order.order_date,
        requested_date=item.requested_date,
        promised_date=item.requested_date,
        promised_qty=item.quantity,
        ack_status=AckStatus.PENDING.value,
        version=1,
    )
    session.add(line)
    session.flush()
    _open_version(session, line, "created", actor, None)
    rules.record(session, actor=actor, action="create", entity="order_line", row=line)
    _kpis_moved(session, line)
    return line


def approve_order(session: Session, *, actor: Actor, order_id: int) -> Order:
    order = get_order(session, actor=actor, order_id=order_id)
    rules.ensure_owner_writer(actor)
    if order.status != OrderStatus.PENDING_APPROVAL:
        raise InvalidTransition(
            N_("Only an order waiting for approval can be approved (this one is {status})."),
            status=order.status,
        )
    before = audit.snapshot(order)
    order.status = OrderStatus.OPEN.value
    order.approved_by = actor.email
    session.flush()
    rules.record(session, actor=actor, action="approve", entity="order", row=order, before=before)
    return order


def cancel_order(session: Session, *, actor: Actor, order_id: int) -> Order:
    order = get_order(session, actor=actor, order_id=order_id)
    rules.ensure_owner_writer(actor)
    if order.status in (OrderStatus.CANCELLED, OrderStatus.CLOSED):
        raise InvalidTransition(N_("This order is already {status}."), status=order.status)
    before = audit.snapshot(order)
    order.status = OrderStatus.CANCELLED.value
    for line in lines_of(session, order.id):
        if line.ack_status != AckStatus.CANCELLED:
            line.ack_status = AckStatus.CANCELLED.value
            line.version += 1
            _open_version(session, line, "cancelled", actor, None)
            _kpis_moved(session, line)
    session.flush()
    rules.record(session, actor=actor, action="cancel", entity="order", row=order, before=before)
    return order


def close_order(session: Session, *, actor: Actor, order_id: int) -> Order:
    """The owner closes an open order: nothing more is expected on it, delivered in full or not
    (a short-closed line stops counting as open work for both sides)."""
    order = get_order(session, actor=actor, order_id=order_id)
    rules.ensure_owner_writer(actor)
    if order.status != OrderStatus.OPEN:
        raise InvalidTransition(
            N_("Only an open order can be closed (this one is {status})."), status=order.status
        )
    before = audit.snapshot(order)
    order.status = OrderStatus.CLOSED.value
    session.flush()
    rules.record(session, actor=actor, action="close", entity="order", row=order, before=before)
    return order


# --- acknowledgement state machine -------------------------------------------------------------


def _order_open(session: Session, line: OrderLine) -> None:
    order = session.get(Order, line.order_id)
    if order is None or order.status != OrderStatus.OPEN:
        raise InvalidTransition(
            N_("The order is {status}: its lines cannot be acknowledged now."),
            status=order.status if order else "?",
        )


def acknowledge(
    session: Session, *, actor: Actor, line_id: int, data: schemas.AckAction
) -> OrderLine:
    line = get_line(session, actor=actor, line_id=line_id)
    rules.ensure_partner_side(actor, line.partner_id)
    _order_open(session, line)
    allowed = {
        "accept": {AckStatus.PENDING},
        "reject": {AckStatus.PENDING},
        "propose": {AckStatus.PENDING, AckStatus.ACCEPTED},
    }[data.action]
    if line.ack_status not in allowed:
        raise InvalidTransition(
            N_("A line that is {current} cannot be given the answer '{action}'."),
            current=line.ack_status,
            action=data.action,
        )
    problems: list[FieldProblem] = []
    if data.action == "reject" and not data.reason:
        problems.append(FieldProblem("reason", N_("Give a reason for the rejection.")))
    if data.action == "propose":
        if data.proposed_date is None and data.proposed_qty is None:
            problems.append(
                FieldProblem("proposed_date", N_("Propose another date, quantity or both."))
            )
        if data.proposed_date is not None and data.proposed_date < line.order_date:
            problems.append(FieldProblem("proposed_date", N_("Must not be before the order date.")))
    rules.raise_if(problems)
    before = audit.snapshot(line)
    promised_before = line.promised_date
    now = rules.now_utc()
    if line.acknowledged_at is None:
        line.acknowledged_at = now
    if data.action == "accept":
        line.ack_status = AckStatus.ACCEPTED.value
        line.accepted_at = now
        line.promised_date = line.requested_date
        line.promised_qty = line.quantity
    elif data.action == "reject":
        line.ack_status = AckStatus.REJECTED.value
        line.reject_reason = data.reason
    else:
        line.ack_status = AckStatus.PROPOSED.value
        line.proposed_date = data.proposed_date or line.promised_date
        line.proposed_qty = data.proposed_qty or line.promised_qty
        line.proposal_note = data.reason
    line.version += 1
    session.flush()
    line_totals.refresh(session, [line.id])  # the promised quantity may have changed
    _open_version(session, line, data.action, actor, data.reason)
    rules.record(
        session, actor=actor, action=data.action, entity="order_line", row=line, before=before
    )
    _kpis_moved(session, line, promised_before)
    return line


def decide_proposal(
    session: Session, *, actor: Actor, line_id: int, data: schemas.ProposalDecision
) -> OrderLine:
    line = get_line(session, actor=actor, line_id=line_id)
    rules.ensure_owner_writer(actor)
    if line.ack_status != AckStatus.PROPOSED:
        raise InvalidTransition(
            N_("There is no open proposal on this line (it is {current})."),
            current=line.ack_status,
        )
    before = audit.snapshot(line)
    promised_before = line.promised_date
    if data.decision == "accept":
        line.promised_date = line.proposed_date or line.promised_date
        line.promised_qty = line.proposed_qty or line.promised_qty
        line.ack_status = AckStatus.ACCEPTED.value
        line.accepted_at = rules.now_utc()
        change = "proposal_accepted"
    else:
        line.ack_status = (
            AckStatus.ACCEPTED if line.accepted_at is not None else AckStatus.PENDING
        ).value
        change = "proposal_rejected"
    line.proposed_date = None
    line.proposed_qty = None
    line.version += 1
    session.flush()
    line_totals.refresh(session, [line.id])  # the promised quantity may have changed
    _open_version(session, line, change, actor, data.note)
    rules.record(session, actor=actor, action=change, entity="order_line", row=line, before=before)
    _kpis_moved(session, line, promised_before)
    return line


def change_line(
    session: Session, *, actor: Actor, line_id: int, data: schemas.LineChange
) -> OrderLine:
    """The owner changes quantity, price or requested date: the partner must answer again."""
    line = get_line(session, actor=actor, line_id=line_id)
    rules.ensure_owner_writer(actor)
    if line.ack_status == AckStatus.CANCELLED:
        raise InvalidTransition(N_("A cancelled line cannot be changed."))
    changes = data.model_dump(exclude_unset=True, exclude={"note"}, exclude_none=True)
    if not changes:
        return line
    if "requested_date" in changes and changes["requested_date"] < line.order_date:
        rules.raise_if([FieldProblem("requested_date", N_("Must not be before the order date."))])
    before = audit.snapshot(line)
    promised_before = line.promised_date
    for key, value in changes.items():
        setattr(line, key, value)
    line.promised_date = line.requested_date
    line.promised_qty = line.quantity
    line.ack_status = AckStatus.PENDING.value
    line.accepted_at = None
    line.proposed_date = None
    line.proposed_qty = None
    line.reject_reason = None
    line.version += 1
    session.flush()
    line_totals.refresh(session, [line.id])  # the promised quantity may have changed
    _open_version(session, line, "changed", actor, data.note)
    rules.record(
        session, actor=actor, action="update", entity="order_line", row=line, before=before
    )
    _kpis_moved(session, line, promised_before)
    return line


def find_line(session: Session, *, actor: Actor, order_ref: str, line_no: int) -> OrderLine | None:
    """A line by its order's external reference, as partner systems and files name it."""
    stmt = scope_to_partner(
        select(OrderLine)
        .join(Order, Order.id == OrderLine.order_id)
        .where(and_(Order.external_ref == order_ref, OrderLine.line_no == line_no)),
        actor,
        OrderLine.partner_id,
    )
    return session.execute(stmt).scalar_one_or_none()
