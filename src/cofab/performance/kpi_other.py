"""Receipt, support and acknowledgement KPIs in SQL: defect PPM and cost index (per currency),
nearest-rank median/p90 response and resolution hours, acknowledgement rate and time."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.operations.models import AckStatus, OrderLine, Receipt, SupportTicket
from cofab.performance.kpi_sql import (
    KpiQuery,
    group_column,
    key_of,
    num,
    period_instants,
    scope,
)
from cofab.performance.sql_time import hours_between

# --- receipts: PPM, cost ----------------------------------------------------------------------


def receipt_sums(session: Session, actor: Actor, query: KpiQuery) -> dict[str, dict[str, Any]]:
    line = OrderLine.__table__
    receipt = Receipt.__table__
    grp = group_column(query.group_by, receipt.c.partner_id, line.c.site_id, line.c.product_family)
    costed = receipt.c.landed_unit_cost.is_not(None)
    cols = [
        receipt.c.currency.label("currency"),
        func.count().label("receipts"),
        func.sum(receipt.c.received_qty).label("received"),
        func.sum(receipt.c.rejected_qty).label("rejected"),
        func.sum(
            case((costed, receipt.c.landed_unit_cost * receipt.c.received_qty), else_=0)
        ).label("landed"),
        func.sum(
            case((costed, receipt.c.contract_unit_price * receipt.c.received_qty), else_=0)
        ).label("contract"),
    ]
    stmt = select(*([grp.label("g")] if grp is not None else []), *cols).where(
        receipt.c.received_date >= query.start, receipt.c.received_date <= query.end
    )
    if query.group_by in ("site", "family"):  # only these need the line; the rest is indexed
        stmt = stmt.join_from(receipt, line, line.c.id == receipt.c.line_id)
    stmt = scope(stmt, receipt.c.partner_id, actor, query)
    stmt = stmt.group_by(*([grp] if grp is not None else []), receipt.c.currency)
    out: dict[str, dict[str, Any]] = {}
    for row in session.execute(stmt).mappings():
        key = key_of(row["g"]) if grp is not None else "all"
        acc = out.setdefault(
            key,
            {
                "receipts": 0,
                "received": 0.0,
                "rejected": 0.0,
                "landed": 0.0,
                "contract": 0.0,
                "variance": {},
            },
        )
        acc["receipts"] += int(row["receipts"])
        acc["received"] += num(row["received"])
        acc["rejected"] += num(row["rejected"])
        acc["landed"] += num(row["landed"])
        acc["contract"] += num(row["contract"])
        if num(row["contract"]) or num(row["landed"]):
            acc["variance"][row["currency"]] = round(num(row["landed"]) - num(row["contract"]), 4)
    return out


# --- support tickets: nearest-rank median and p90 ---------------------------------------------


def ticket_percentiles(
    session: Session, actor: Actor, query: KpiQuery, until: Any
) -> dict[str, dict[str, Any]]:
    ticket = SupportTicket.__table__
    start, end = period_instants(query)
    grp = group_column(
        query.group_by, ticket.c.partner_id, ticket.c.site_id, ticket.c.product_family
    )
    g = grp.label("g") if grp is not None else literal("all").label("g")
    sample = scope(
        select(g, hours_between(ticket.c.opened_at, until).label("h")).where(
            ticket.c.opened_at >= start, ticket.c.opened_at < end, until.is_not(None)
        ),
        ticket.c.partner_id,
        actor,
        query,
    ).subquery("sample")
    ranked = select(
        sample.c.g,
        sample.c.h,
        func.row_number().over(partition_by=sample.c.g, order_by=sample.c.h).label("rn"),
        func.count().over(partition_by=sample.c.g).label("n"),
    ).subquery("ranked")
    rn, n = ranked.c.rn, ranked.c.n
    median = and_(rn * 2 >= n, (rn - 1) * 2 < n)
    p90 = and_(rn * 10 >= n * 9, (rn - 1) * 10 < n * 9)
    stmt = select(
        ranked.c.g,
        func.max(n).label("n"),
        func.max(case((median, ranked.c.h))).label("median"),
        func.max(case((p90, ranked.c.h))).label("p90"),
    ).group_by(ranked.c.g)
    return {key_of(row["g"]): dict(row) for row in session.execute(stmt).mappings()}


def tickets_opened(session: Session, actor: Actor, query: KpiQuery) -> dict[str, int]:
    ticket = SupportTicket.__table__
    start, end = period_instants(query)
    grp = group_column(
        query.group_by, ticket.c.partner_id, ticket.c.site_id, ticket.c.product_family
    )
    stmt = scope(
        select(*([grp.label("g")] if grp is not None else []), func.count().label("n")).where(
            ticket.c.opened_at >= start, ticket.c.opened_at < end
        ),
        ticket.c.partner_id,
        actor,
        query,
    )
    if grp is not None:
        stmt = stmt.group_by(grp)
    return {
        (key_of(row["g"]) if grp is not None else "all"): int(row["n"])
        for row in session.execute(stmt).mappings()
        if row["n"]
    }


# --- acknowledgement --------------------------------------------------------------------------


def acknowledgement_sums(
    session: Session, actor: Actor, query: KpiQuery
) -> dict[str, dict[str, Any]]:
    line = OrderLine.__table__
    grp = group_column(query.group_by, line.c.partner_id, line.c.site_id, line.c.product_family)
    answered = line.c.acknowledged_at.is_not(None)
    stmt: Select[Any] = select(
        *([grp.label("g")] if grp is not None else []),
        func.count().label("ordered"),
        func.coalesce(func.sum(case((answered, 1), else_=0)), 0).label("answered"),
        func.sum(case((answered, hours_between(line.c.created_at, line.c.acknowledged_at)))).label(
            "ack_hours"
        ),
    ).where(
        line.c.order_date >= query.start,
        line.c.order_date <= query.end,
        or_(answered, line.c.ack_status != AckStatus.CANCELLED.value),
    )
    stmt = scope(stmt, line.c.partner_id, actor, query)
    if grp is not None:
        stmt = stmt.group_by(grp)
    return {
        (key_of(row["g"]) if grp is not None else "all"): dict(row)
        for row in session.execute(stmt).mappings()
        if row["ordered"]
    }
