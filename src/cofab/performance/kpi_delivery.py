"""Delivery KPIs in SQL: one row per due line with its completion dates, then OTD by lines and
quantity, OTIF, days late and fill rate per group; and the lead time of lines completed in the
period. The KPIs read the per-line totals kept by ``line_totals``; ``per_line_outcomes`` derives
the same outcomes from the receipts themselves (window sums) for the drill-down, where the
numbers behind each line are shown, and as the reference the tests compare against."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.operations.models import AckStatus, OrderLine, Receipt
from cofab.performance.kpi_sql import (
    CLOSED,
    KpiQuery,
    group_column,
    key_of,
    min_of,
    scope,
)
from cofab.performance.sql_time import days_between

# --- delivery: OTD, OTIF, days late, fill rate -------------------------------------------------


def per_line_outcomes(actor: Actor, query: KpiQuery, group: str) -> Select[Any]:
    """One row per line due in the period with its completion dates and on-time quantity.
    Exposed for the scorecard drill-down, which lists exactly the lines behind a score.

    The receipts of the due lines get running totals (a window over each line's receipts in date
    order); the first receipt whose running total reaches the promised quantity completes the
    line. Receipts are aggregated per line first and then joined to the due lines, so the due
    lines are read twice through their index rather than materialised and grouped wide."""
    line = OrderLine.__table__
    due_line = line.alias("l2")
    receipt = Receipt.__table__
    as_of = query.as_of or datetime.now(UTC).date()
    tol = query.tolerance_days

    def due(table: Any) -> list[ColumnElement[bool]]:
        return [
            table.c.promised_date >= query.start,
            table.c.promised_date <= query.end,
            table.c.ack_status.not_in(CLOSED),
        ]

    part, order = receipt.c.line_id, (receipt.c.received_date, receipt.c.id)
    running = scope(
        select(
            receipt.c.line_id,
            receipt.c.received_date,
            receipt.c.received_qty,
            receipt.c.accepted_qty,
            due_line.c.promised_qty.label("qty"),
            due_line.c.promised_date,
            func.sum(receipt.c.received_qty)
            .over(partition_by=part, order_by=order)
            .label("cum_recv"),
            func.sum(receipt.c.accepted_qty)
            .over(partition_by=part, order_by=order)
            .label("cum_acc"),
        )
        .join(due_line, due_line.c.id == receipt.c.line_id)
        .where(receipt.c.received_date <= as_of, *due(due_line)),
        due_line.c.partner_id,
        actor,
        query,
    ).subquery("rc")
    on_time_qty = case(
        (
            days_between(running.c.received_date, running.c.promised_date) <= tol,
            running.c.received_qty,
        ),
        else_=0,
    )
    per_line = (
        select(
            running.c.line_id,
            func.min(case((running.c.cum_recv >= running.c.qty, running.c.received_date))).label(
                "done_recv"
            ),
            func.min(case((running.c.cum_acc >= running.c.qty, running.c.received_date))).label(
                "done_acc"
            ),
            func.sum(on_time_qty).label("recv_on_time"),
            func.sum(running.c.received_qty).label("recv_total"),
            func.sum(running.c.accepted_qty).label("acc_total"),
        )
        .group_by(running.c.line_id)
        .subquery("per_line")
    )
    group_col = group_column(group, line.c.partner_id, line.c.site_id, line.c.product_family)
    extra = [group_col.label("grp")] if group_col is not None and group != "partner" else []
    stmt = (
        select(
            line.c.id,
            line.c.partner_id,
            line.c.promised_qty.label("qty"),
            line.c.promised_date,
            *extra,
            per_line.c.done_recv,
            per_line.c.done_acc,
            func.coalesce(per_line.c.recv_on_time, 0).label("recv_on_time"),
            func.coalesce(per_line.c.recv_total, 0).label("recv_total"),
            func.coalesce(per_line.c.acc_total, 0).label("acc_total"),
            min_of(func.coalesce(per_line.c.recv_on_time, 0), line.c.promised_qty).label(
                "qty_on_time"
            ),
            min_of(func.coalesce(per_line.c.acc_total, 0), line.c.promised_qty).label("qty_filled"),
        )
        .select_from(line.outerjoin(per_line, per_line.c.line_id == line.c.id))
        .where(*due(line))
    )
    return scope(stmt, line.c.partner_id, actor, query)


def line_flags(pl: Any, query: KpiQuery) -> dict[str, ColumnElement[Any]]:
    """SQL booleans and measures per line outcome row (shared by KPIs and drill-down)."""
    as_of = query.as_of or datetime.now(UTC).date()
    tol = query.tolerance_days
    evaluable = or_(
        pl.c.done_recv.is_not(None), days_between(literal(as_of), pl.c.promised_date) > tol
    )
    on_time = and_(
        pl.c.done_recv.is_not(None), days_between(pl.c.done_recv, pl.c.promised_date) <= tol
    )
    in_full = and_(
        pl.c.done_acc.is_not(None), days_between(pl.c.done_acc, pl.c.promised_date) <= tol
    )
    days_late = case(
        (pl.c.done_recv.is_not(None), days_between(pl.c.done_recv, pl.c.promised_date)),
        else_=days_between(literal(as_of), pl.c.promised_date),
    )
    return {
        "evaluable": evaluable,
        "on_time": on_time,
        "in_full": in_full,
        "late": and_(evaluable, ~on_time),
        "days_late": days_late,
    }


def due_line_facts(actor: Actor, query: KpiQuery, group: str) -> Select[Any]:
    """One row per line due in the period, read from the totals ``line_totals`` keeps on the line.

    Gives the same ``done_recv`` / ``done_acc`` as ``per_line_outcomes`` (a completion after
    ``as_of`` does not count yet) and the on-time and filled quantities already capped at the
    promised quantity. Only lines that were not complete on time, or received after ``as_of``,
    look at their receipts, so a quarter of mostly complete lines is one pass over the lines."""
    line = OrderLine.__table__
    receipt = Receipt.__table__
    as_of = query.as_of or datetime.now(UTC).date()
    tol = query.tolerance_days
    qty = line.c.promised_qty
    done_recv = case((line.c.completed_on <= as_of, line.c.completed_on))
    done_acc = case((line.c.filled_on <= as_of, line.c.filled_on))
    on_time = and_(done_recv.is_not(None), days_between(done_recv, line.c.promised_date) <= tol)
    received_on_time = func.coalesce(func.sum(receipt.c.received_qty), 0)
    accepted_by_as_of = func.coalesce(func.sum(receipt.c.accepted_qty), 0)
    on_time_receipts = (
        select(min_of(received_on_time, qty))
        .where(
            receipt.c.line_id == line.c.id,
            receipt.c.received_date <= as_of,
            days_between(receipt.c.received_date, line.c.promised_date) <= tol,
        )
        .scalar_subquery()
    )
    accepted_receipts = (
        select(min_of(accepted_by_as_of, qty))
        .where(receipt.c.line_id == line.c.id, receipt.c.received_date <= as_of)
        .scalar_subquery()
    )
    never_received = line.c.last_received_on.is_(None)
    qty_on_time = case((on_time, qty), (never_received, 0), else_=on_time_receipts)
    qty_filled = case(
        (done_acc.is_not(None), qty),
        (never_received, 0),
        (line.c.last_received_on <= as_of, min_of(line.c.accepted_total, qty)),
        else_=accepted_receipts,
    )
    group_col = group_column(group, line.c.partner_id, line.c.site_id, line.c.product_family)
    extra = [group_col.label("grp")] if group_col is not None and group != "partner" else []
    stmt = select(
        line.c.id,
        line.c.partner_id,
        qty.label("qty"),
        line.c.promised_date,
        *extra,
        done_recv.label("done_recv"),
        done_acc.label("done_acc"),
        qty_on_time.label("qty_on_time"),
        qty_filled.label("qty_filled"),
    ).where(
        line.c.promised_date >= query.start,
        line.c.promised_date <= query.end,
        line.c.ack_status.not_in(CLOSED),
    )
    return scope(stmt, line.c.partner_id, actor, query)


LineSource = Callable[[Actor, KpiQuery, str], Select[Any]]


def delivery_sums(
    session: Session, actor: Actor, query: KpiQuery, lines: LineSource = due_line_facts
) -> dict[str, dict[str, Any]]:
    """Sums per group over one row per due line; ``lines`` is ``due_line_facts`` (the stored
    totals) or ``per_line_outcomes`` (the receipts themselves), which must agree."""
    pl = lines(actor, query, query.group_by).subquery("pl")
    flags = line_flags(pl, query)
    grp = (
        None
        if query.group_by == "all"
        else (pl.c.partner_id if query.group_by == "partner" else pl.c.grp)
    )
    ev = flags["evaluable"]

    def when(cond: ColumnElement[Any], value: Any) -> ColumnElement[Any]:
        return func.coalesce(func.sum(case((cond, value), else_=0)), 0)

    cols = [
        func.count().label("due"),
        when(ev, 1).label("n_eval"),
        when(flags["on_time"], 1).label("n_on_time"),
        when(flags["in_full"], 1).label("n_otif"),
        when(flags["late"], 1).label("n_late"),
        when(flags["late"], flags["days_late"]).label("late_days"),
        when(ev, pl.c.qty).label("qty_eval"),
        when(ev, pl.c.qty_on_time).label("qty_on_time"),
        when(ev, pl.c.qty_filled).label("qty_filled"),
    ]
    stmt = select(*([grp.label("g")] if grp is not None else []), *cols).select_from(pl)
    if grp is not None:
        stmt = stmt.group_by(grp)
    out: dict[str, dict[str, Any]] = {}
    for row in session.execute(stmt).mappings():
        out[key_of(row.get("g", "all")) if grp is not None else "all"] = dict(row)
    return out


# --- lead time --------------------------------------------------------------------------------


def lead_time_sums(session: Session, actor: Actor, query: KpiQuery) -> dict[str, dict[str, Any]]:
    """Lines whose received quantity reached the promise in the period (``completed_on``)."""
    line = OrderLine.__table__
    grp = group_column(query.group_by, line.c.partner_id, line.c.site_id, line.c.product_family)
    stmt = scope(
        select(
            *([grp.label("g")] if grp is not None else []),
            func.count().label("completed"),
            func.sum(days_between(line.c.completed_on, line.c.order_date)).label("lead_days"),
        ).where(
            line.c.completed_on >= query.start,
            line.c.completed_on <= query.end,
            line.c.ack_status != AckStatus.CANCELLED.value,
        ),
        line.c.partner_id,
        actor,
        query,
    )
    if grp is not None:
        stmt = stmt.group_by(grp)
    out: dict[str, dict[str, Any]] = {}
    for row in session.execute(stmt).mappings():
        if not row["completed"]:
            continue
        out[key_of(row["g"]) if grp is not None else "all"] = dict(row)
    return out
