"""From a score to the records behind it: the due lines with their outcome, the receipts, the
tickets or the ordered lines that a KPI of one partner and period was computed from.

The line outcomes come from the very query the KPI uses (``kpis.per_line_outcomes``), so the
drill-down cannot disagree with the number it explains.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.operations.models import Order, OrderLine, Receipt, SupportTicket
from cofab.performance import kpis

MAX_ROWS = 500


@dataclass(frozen=True)
class Drill:
    kind: str  # lines | receipts | tickets | ordered
    rows: list[dict[str, Any]]
    truncated: bool


def drill(
    session: Session,
    *,
    actor: Actor,
    partner_id: int,
    start: date,
    end: date,
    tolerance_days: int,
    kpi: str,
    as_of: date | None = None,
) -> Drill:
    """The records behind ``kpi`` (its row's ``family``); an unknown code lists the due lines."""
    query = kpis.KpiQuery(start, end, "partner", tolerance_days, [partner_id], as_of)
    family = kpis.KPIS[kpi].family if kpi in kpis.KPIS else "lines"
    return FAMILIES[family](session, actor, query)


def _line_columns() -> tuple[Any, ...]:
    """The columns that name an order line in every drill-down of lines, receipts and orders."""
    return (Order.external_ref, Order.id.label("order_id"), OrderLine.line_no, OrderLine.product)


def _lines(session: Session, actor: Actor, query: kpis.KpiQuery) -> Drill:
    pl = kpis.per_line_outcomes(actor, query, "partner").subquery("pl")
    flags = kpis.line_flags(pl, query)
    stmt = (
        select(
            *_line_columns(),
            pl.c.qty,
            pl.c.promised_date,
            pl.c.done_recv,
            pl.c.done_acc,
            pl.c.recv_on_time,
            pl.c.recv_total,
            pl.c.acc_total,
            flags["evaluable"].label("evaluable"),
            flags["on_time"].label("on_time"),
            flags["in_full"].label("in_full"),
            flags["days_late"].label("days_late"),
        )
        .join(OrderLine, OrderLine.id == pl.c.id)
        .join(Order, Order.id == OrderLine.order_id)
        .order_by(pl.c.promised_date, Order.external_ref, OrderLine.line_no)
        .limit(MAX_ROWS + 1)
    )
    rows = _rows(session, stmt)
    for row in rows:
        for key in ("evaluable", "on_time", "in_full"):
            row[key] = bool(row[key])
        if not row["evaluable"] or row["on_time"]:
            row["days_late"] = None
    return _capped("lines", rows)


def _receipts(session: Session, actor: Actor, query: kpis.KpiQuery) -> Drill:
    stmt = (
        select(
            *_line_columns(),
            Receipt.contract_unit_price.label("unit_price"),  # the price the cost KPI used
            Receipt.received_date,
            Receipt.received_qty,
            Receipt.accepted_qty,
            Receipt.rejected_qty,
            Receipt.reject_reason,
            Receipt.landed_unit_cost,
            Receipt.currency,
        )
        .join(OrderLine, OrderLine.id == Receipt.line_id)
        .join(Order, Order.id == OrderLine.order_id)
        .where(
            Receipt.received_date >= query.start,
            Receipt.received_date <= query.end,
            Receipt.partner_id.in_(list(query.partner_ids or [])),
        )
        .order_by(Receipt.received_date, Receipt.id)
        .limit(MAX_ROWS + 1)
    )
    return _capped("receipts", _rows(session, _own(stmt, actor, Receipt.partner_id)))


def _tickets(session: Session, actor: Actor, query: kpis.KpiQuery) -> Drill:
    start, end = kpis.period_instants(query)
    stmt = (
        select(SupportTicket)
        .where(
            SupportTicket.opened_at >= start,
            SupportTicket.opened_at < end,
            SupportTicket.partner_id.in_(list(query.partner_ids or [])),
        )
        .order_by(SupportTicket.opened_at)
        .limit(MAX_ROWS + 1)
    )
    rows = []
    for t in session.execute(_own(stmt, actor, SupportTicket.partner_id)).scalars():
        rows.append(
            {
                "id": t.id,
                "subject": t.subject,
                "opened_at": t.opened_at,
                "first_response_at": t.first_response_at,
                "resolved_at": t.resolved_at,
                "response_h": _hours(t.opened_at, t.first_response_at),
                "resolution_h": _hours(t.opened_at, t.resolved_at),
            }
        )
    return _capped("tickets", rows)


SelectT = TypeVar("SelectT", bound=Select[*tuple[Any, ...]])


def _own(stmt: SelectT, actor: Actor, column: Any) -> SelectT:
    """A partner user sees only its own rows (the query already names the partner asked for)."""
    return stmt.where(column == actor.partner_id) if actor.is_partner else stmt


def _rows(session: Session, stmt: Select[*tuple[Any, ...]]) -> list[dict[str, Any]]:
    return [dict(r) for r in session.execute(stmt).mappings()]


def _capped(kind: str, rows: list[dict[str, Any]]) -> Drill:
    """At most ``MAX_ROWS`` rows (the queries fetch one more to know whether some were cut)."""
    return Drill(kind, rows[:MAX_ROWS], len(rows) > MAX_ROWS)


def _hours(start: Any, end: Any) -> float | None:
    return None if end is None else round((end - start).total_seconds() / 3600, 2)


def _ordered(session: Session, actor: Actor, query: kpis.KpiQuery) -> Drill:
    stmt = (
        select(
            *_line_columns(),
            OrderLine.created_at,
            OrderLine.acknowledged_at,
            OrderLine.ack_status,
        )
        .join(Order, Order.id == OrderLine.order_id)
        .where(
            OrderLine.order_date >= query.start,
            OrderLine.order_date <= query.end,
            OrderLine.partner_id.in_(list(query.partner_ids or [])),
        )
        .order_by(OrderLine.order_date, Order.external_ref, OrderLine.line_no)
        .limit(MAX_ROWS + 1)
    )
    rows = _rows(session, _own(stmt, actor, OrderLine.partner_id))
    for row in rows:
        row["ack_h"] = _hours(row["created_at"], row["acknowledged_at"])
    return _capped("ordered", rows)


FAMILIES: dict[str, Callable[[Session, Actor, kpis.KpiQuery], Drill]] = {
    "lines": _lines,
    "receipts": _receipts,
    "tickets": _tickets,
    "ordered": _ordered,
}
