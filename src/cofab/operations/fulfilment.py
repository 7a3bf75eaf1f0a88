"""Where an order and each of its lines stand once goods arrive, and what the order is worth.

The acknowledgement state says what the partner promised; it does not change when the goods come
in, so a fully received line used to read "Accepted" forever. The delivery state is derived here,
not stored: ``line_totals`` already keeps each line's received quantity in step with its receipts,
and ``Order.status`` says whether the owner closed the order — a stored copy would be one more
column every receipt, correction and import has to keep right.

A line is *received* once the quantity received (accepted or not) reaches the promised quantity,
*partially received* before that, *closed* when its order is closed (short-closed lines included),
and otherwise shows its acknowledgement. An open order is *received* when every live line (not
rejected or cancelled) is, *partially received* when any goods arrived, else *open*. The SQL
conditions in ``order_state_condition`` partition orders exactly as ``order_state`` does, so a
filtered list and the badges agree.

An order's value is the sum of its live lines' totals (promised quantity × unit price: the
quantity both sides agreed, which differs from the ordered one only after an accepted proposal).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, not_, select
from sqlalchemy.orm import Session

from cofab.operations.models import AckStatus, Order, OrderLine, OrderStatus

AWAITING_ANSWER = "awaiting_answer"  # a filter, not a state: open orders with a pending line
PARTIALLY_RECEIVED = "partially_received"
RECEIVED = "received"
CLOSED = OrderStatus.CLOSED.value
DEAD_LINE_STATES = frozenset({AckStatus.REJECTED.value, AckStatus.CANCELLED.value})
# What the order list can be filtered by, in the order a buyer follows an order through.
ORDER_STATES: tuple[str, ...] = (
    OrderStatus.PENDING_APPROVAL.value,
    AWAITING_ANSWER,
    OrderStatus.OPEN.value,
    PARTIALLY_RECEIVED,
    RECEIVED,
    CLOSED,
    OrderStatus.CANCELLED.value,
)
CENT = Decimal("0.0001")


def line_state(
    ack_status: str, promised_qty: Decimal, received_total: Decimal, order_status: str
) -> str:
    if ack_status in DEAD_LINE_STATES:
        return ack_status
    if order_status == CLOSED:
        return CLOSED
    if promised_qty > 0 and received_total >= promised_qty:
        return RECEIVED
    if received_total > 0:
        return PARTIALLY_RECEIVED
    return ack_status


def state_of_line(line: OrderLine, order_status: str) -> str:
    return line_state(
        line.ack_status,
        Decimal(line.promised_qty),
        Decimal(line.received_total or 0),
        order_status,
    )


def line_total(promised_qty: Decimal, unit_price: Decimal) -> Decimal:
    return (Decimal(promised_qty) * Decimal(unit_price)).quantize(CENT)


def order_state(order_status: str, line_states: Iterable[str]) -> str:
    if order_status != OrderStatus.OPEN.value:
        return order_status
    live = [s for s in line_states if s not in DEAD_LINE_STATES]
    if live and all(s == RECEIVED for s in live):
        return RECEIVED
    if any(s in (RECEIVED, PARTIALLY_RECEIVED) for s in live):
        return PARTIALLY_RECEIVED
    return OrderStatus.OPEN.value


@dataclass(frozen=True)
class OrderSummary:
    state: str
    total_value: Decimal
    currency: str
    line_count: int
    received_lines: int


def summarize(session: Session, orders: Iterable[Order]) -> dict[int, OrderSummary]:
    """State and value of each order, from one query over their lines."""
    by_id = {o.id: o for o in orders}
    if not by_id:
        return {}
    per_order: dict[int, list[tuple[str, Decimal]]] = {oid: [] for oid in by_id}
    rows = session.execute(
        select(
            OrderLine.order_id,
            OrderLine.ack_status,
            OrderLine.promised_qty,
            OrderLine.unit_price,
            OrderLine.received_total,
        ).where(OrderLine.order_id.in_(list(by_id)))
    )
    for order_id, ack, promised, price, received in rows:
        order = by_id[order_id]
        state = line_state(ack, Decimal(promised), Decimal(received or 0), order.status)
        total = Decimal(0) if ack in DEAD_LINE_STATES else line_total(promised, price)
        per_order[order_id].append((state, total))
    return {
        oid: OrderSummary(
            state=order_state(by_id[oid].status, (s for s, _ in items)),
            total_value=sum((t for _, t in items), Decimal(0)),
            currency=by_id[oid].currency,
            line_count=len(items),
            received_lines=sum(1 for s, _ in items if s == RECEIVED),
        )
        for oid, items in per_order.items()
    }


def _live_line(*conditions: ColumnElement[bool]) -> Any:
    return exists().where(
        OrderLine.order_id == Order.id,
        OrderLine.ack_status.not_in(sorted(DEAD_LINE_STATES)),
        *conditions,
    )


def order_state_condition(state: str) -> ColumnElement[bool]:
    """The WHERE clause that selects the orders ``order_state`` would give ``state``."""
    is_open = Order.status == OrderStatus.OPEN.value
    some_goods = _live_line(OrderLine.received_total > 0)
    short = _live_line(OrderLine.received_total < OrderLine.promised_qty)
    if state == RECEIVED:
        return and_(is_open, _live_line(), not_(short))
    if state == PARTIALLY_RECEIVED:
        return and_(is_open, some_goods, short)
    if state == OrderStatus.OPEN.value:
        return and_(is_open, not_(some_goods))
    if state == AWAITING_ANSWER:
        return and_(is_open, _live_line(OrderLine.ack_status == AckStatus.PENDING.value))
    return Order.status == state


LINE_STATES: tuple[str, ...] = (
    AckStatus.PENDING.value,
    AckStatus.PROPOSED.value,
    AckStatus.ACCEPTED.value,
    PARTIALLY_RECEIVED,
    RECEIVED,
    CLOSED,
    AckStatus.REJECTED.value,
    AckStatus.CANCELLED.value,
)


def line_state_condition(state: str) -> ColumnElement[bool]:
    """The WHERE clause (over order lines joined to their order) that selects the lines
    ``line_state`` would give ``state``."""
    if state in DEAD_LINE_STATES:
        return OrderLine.ack_status == state
    live = and_(
        OrderLine.ack_status.not_in(sorted(DEAD_LINE_STATES)),
        Order.status != CLOSED,
    )
    if state == CLOSED:
        return and_(OrderLine.ack_status.not_in(sorted(DEAD_LINE_STATES)), Order.status == CLOSED)
    if state == RECEIVED:
        return and_(
            live, OrderLine.promised_qty > 0, OrderLine.received_total >= OrderLine.promised_qty
        )
    if state == PARTIALLY_RECEIVED:
        return and_(
            live, OrderLine.received_total > 0, OrderLine.received_total < OrderLine.promised_qty
        )
    return and_(live, OrderLine.received_total <= 0, OrderLine.ack_status == state)
