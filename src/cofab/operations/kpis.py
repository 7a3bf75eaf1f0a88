"""Operations KPIs computed inside the database, for any period, per partner, site or family.

Each KPI family is one SQLAlchemy Core query that aggregates in SQL (window functions for
cumulative receipts and percentiles, which SQLite ≥ 3.25 and PostgreSQL both run), so a million
order lines never travel to Python — only one row per group does. Python then divides the sums.

A group with no activity for a KPI gets ``None`` ("no data"), never 0: a partner with nothing due
in a month has not delivered 0 % on time.

Percentiles are nearest-rank (the value at rank ⌈p·n⌉ of the sorted sample), the same rule as
PostgreSQL's ``percentile_disc`` and DuckDB's ``quantile_disc``; the median of an even sample is
therefore its lower middle value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.core.i18n import N_
from cofab.operations.models import AckStatus, OrderLine, Receipt, SupportTicket
from cofab.operations.sql_time import days_between, hours_between
from cofab.partners.models import Partner, Site

GroupBy = Literal["partner", "site", "family", "all"]
GROUPINGS: tuple[str, ...] = ("partner", "site", "family", "all")
CLOSED = (AckStatus.CANCELLED.value, AckStatus.REJECTED.value)

KPI_CODES: tuple[str, ...] = (
    "otd_lines",
    "otd_qty",
    "otif",
    "avg_days_late",
    "fill_rate",
    "defect_ppm",
    "cost_index",
    "lead_time_days",
    "response_median_h",
    "response_p90_h",
    "resolution_median_h",
    "resolution_p90_h",
    "ack_rate",
    "ack_hours",
)
# Lower-is-better KPIs (scoring curves and colour hints use this).
LOWER_IS_BETTER = frozenset(
    {
        "avg_days_late",
        "defect_ppm",
        "cost_index",
        "lead_time_days",
        "response_median_h",
        "response_p90_h",
        "resolution_median_h",
        "resolution_p90_h",
        "ack_hours",
    }
)
KPI_NAMES: dict[str, str] = {
    "otd_lines": N_("On-time delivery (lines)"),
    "otd_qty": N_("On-time delivery (quantity)"),
    "otif": N_("On time in full (OTIF)"),
    "avg_days_late": N_("Average days late"),
    "fill_rate": N_("Fill rate"),
    "defect_ppm": N_("Defect rate (PPM)"),
    "cost_index": N_("Cost index"),
    "price_variance": N_("Price variance"),
    "lead_time_days": N_("Lead time (days)"),
    "response_median_h": N_("First response, median (h)"),
    "response_p90_h": N_("First response, 90th percentile (h)"),
    "resolution_median_h": N_("Resolution, median (h)"),
    "resolution_p90_h": N_("Resolution, 90th percentile (h)"),
    "ack_rate": N_("Acknowledgement rate"),
    "ack_hours": N_("Acknowledgement time (h)"),
}
KPI_UNITS: dict[str, str] = {
    "otd_lines": "%",
    "otd_qty": "%",
    "otif": "%",
    "avg_days_late": "d",
    "fill_rate": "%",
    "defect_ppm": "ppm",
    "cost_index": "%",
    "lead_time_days": "d",
    "response_median_h": "h",
    "response_p90_h": "h",
    "resolution_median_h": "h",
    "resolution_p90_h": "h",
    "ack_rate": "%",
    "ack_hours": "h",
}
DEFINITIONS: dict[str, str] = {
    "otd_lines": N_(
        "Share of order lines due in the period (promised date inside it) whose full promised "
        "quantity was received no later than the promised date plus the tolerance days. Lines "
        "still open whose promised date plus tolerance has not passed yet are left out, as are "
        "cancelled and rejected lines."
    ),
    "otd_qty": N_(
        "Quantity received no later than the promised date plus tolerance (at most the promised "
        "quantity per line), divided by the promised quantity of the same lines."
    ),
    "otif": N_(
        "Share of the same lines whose accepted quantity (received minus rejected) reached the "
        "promised quantity no later than the promised date plus tolerance."
    ),
    "avg_days_late": N_(
        "For the lines that were not on time: mean days from the promised date to the receipt "
        "that completed the line, or to the evaluation date while still open. 0 when no line "
        "was late."
    ),
    "fill_rate": N_(
        "Accepted quantity received so far (at most the promised quantity per line) divided by "
        "the promised quantity of the lines due in the period."
    ),
    "defect_ppm": N_(
        "Rejected quantity divided by received quantity, times 1,000,000, over receipts dated "
        "in the period."
    ),
    "cost_index": N_(
        "Landed unit cost times received quantity divided by contract unit price times received "
        "quantity, in percent, over receipts in the period that carry a landed cost. 100 means "
        "exactly the contract price; lower is better."
    ),
    "price_variance": N_(
        "Sum of (landed unit cost minus contract unit price) times received quantity, per "
        "currency, over receipts in the period."
    ),
    "lead_time_days": N_(
        "Mean days from the order date to the receipt that completed the line, over lines "
        "completed in the period."
    ),
    "response_median_h": N_(
        "Median hours from opening a support ticket to the partner's first response, over "
        "tickets opened in the period and answered (nearest-rank percentile)."
    ),
    "response_p90_h": N_(
        "90th percentile of the hours from opening a support ticket to the first response "
        "(nearest rank: the value at rank ⌈0.9·n⌉)."
    ),
    "resolution_median_h": N_(
        "Median hours from opening a support ticket to its resolution, over tickets opened in "
        "the period and resolved."
    ),
    "resolution_p90_h": N_(
        "90th percentile of the hours from opening a support ticket to its resolution."
    ),
    "ack_rate": N_(
        "Share of the lines of orders placed in the period that the partner has answered "
        "(accepted, rejected or proposed another date or quantity)."
    ),
    "ack_hours": N_(
        "Mean hours from the creation of an order line to the partner's first answer, over the "
        "answered lines of orders placed in the period."
    ),
}


@dataclass(frozen=True)
class KpiQuery:
    start: date
    end: date  # inclusive
    group_by: str = "partner"
    tolerance_days: int = 0
    partner_ids: Sequence[int] | None = None
    as_of: date | None = None  # evaluation date for open lines; default today (UTC)


@dataclass
class KpiGroup:
    key: str
    label: str = ""
    values: dict[str, float | None] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    price_variance: dict[str, float] = field(default_factory=dict)


# --- helpers ----------------------------------------------------------------------------------


def _scope(stmt: Select[Any], column: Any, actor: Actor, query: KpiQuery) -> Select[Any]:
    if actor.is_partner:
        stmt = stmt.where(column == actor.partner_id)
    if query.partner_ids is not None:
        stmt = stmt.where(column.in_(list(query.partner_ids)))
    return stmt


def _group_column(kind: str, partner: Any, site: Any, family: Any) -> ColumnElement[Any] | None:
    column: ColumnElement[Any] | None = {
        "partner": partner,
        "site": site,
        "family": family,
        "all": None,
    }[kind]
    return column


def _key(value: Any) -> str:
    return "" if value is None else str(value)


def _num(value: Any) -> float:
    return float(value) if value is not None else 0.0


def _ratio(numerator: Any, denominator: Any, scale: float = 1.0) -> float | None:
    den = _num(denominator)
    if den == 0:
        return None
    return round(_num(numerator) / den * scale, 6)


def period_instants(query: KpiQuery) -> tuple[datetime, datetime]:
    start = datetime.combine(query.start, time.min, tzinfo=UTC)
    end = datetime.combine(query.end + timedelta(days=1), time.min, tzinfo=UTC)
    return start, end


def _min_of(a: ColumnElement[Any], b: ColumnElement[Any]) -> ColumnElement[Any]:
    return case((a < b, a), else_=b)


# --- delivery: OTD, OTIF, days late, fill rate -------------------------------------------------


def per_line_outcomes(actor: Actor, query: KpiQuery, group: str) -> Select[Any]:
    """One row per line due in the period with its completion dates and on-time quantity.
    Exposed for the scorecard drill-down, which lists exactly the lines behind a score."""
    line = OrderLine.__table__
    receipt = Receipt.__table__
    as_of = query.as_of or datetime.now(UTC).date()
    tol = query.tolerance_days
    group_col = _group_column(group, line.c.partner_id, line.c.site_id, line.c.product_family)
    due_cols = [
        line.c.id,
        line.c.partner_id,
        line.c.promised_qty.label("qty"),
        line.c.promised_date,
    ]
    if group_col is not None and group != "partner":
        due_cols.append(group_col.label("grp"))
    due_stmt = select(*due_cols).where(
        line.c.promised_date >= query.start,
        line.c.promised_date <= query.end,
        line.c.ack_status.not_in(CLOSED),
    )
    due = _scope(due_stmt, line.c.partner_id, actor, query).cte("due")
    part, order = receipt.c.line_id, (receipt.c.received_date, receipt.c.id)
    rc = (
        select(
            receipt.c.line_id,
            receipt.c.received_date,
            receipt.c.received_qty,
            receipt.c.accepted_qty,
            func.sum(receipt.c.received_qty)
            .over(partition_by=part, order_by=order)
            .label("cum_recv"),
            func.sum(receipt.c.accepted_qty)
            .over(partition_by=part, order_by=order)
            .label("cum_acc"),
        )
        .join(due, due.c.id == receipt.c.line_id)
        .where(receipt.c.received_date <= as_of)
        .cte("rc")
    )
    grp = due.c.partner_id if group == "partner" else (due.c.grp if group_col is not None else None)
    keys = [due.c.id, due.c.partner_id, due.c.qty, due.c.promised_date]
    if grp is not None and group != "partner":
        keys.append(grp)
    on_time_qty = case(
        (days_between(rc.c.received_date, due.c.promised_date) <= tol, rc.c.received_qty),
        else_=0,
    )
    return (
        select(
            *keys,
            func.min(case((rc.c.cum_recv >= due.c.qty, rc.c.received_date))).label("done_recv"),
            func.min(case((rc.c.cum_acc >= due.c.qty, rc.c.received_date))).label("done_acc"),
            func.coalesce(func.sum(on_time_qty), 0).label("recv_on_time"),
            func.coalesce(func.sum(rc.c.received_qty), 0).label("recv_total"),
            func.coalesce(func.sum(rc.c.accepted_qty), 0).label("acc_total"),
        )
        .select_from(due.outerjoin(rc, rc.c.line_id == due.c.id))
        .group_by(*keys)
    )


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


def _delivery(session: Session, actor: Actor, query: KpiQuery) -> dict[str, dict[str, Any]]:
    pl = per_line_outcomes(actor, query, query.group_by).subquery("pl")
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
        when(ev, _min_of(pl.c.recv_on_time, pl.c.qty)).label("qty_on_time"),
        when(ev, _min_of(pl.c.acc_total, pl.c.qty)).label("qty_filled"),
    ]
    stmt = select(*([grp.label("g")] if grp is not None else []), *cols).select_from(pl)
    if grp is not None:
        stmt = stmt.group_by(grp)
    out: dict[str, dict[str, Any]] = {}
    for row in session.execute(stmt).mappings():
        out[_key(row.get("g", "all")) if grp is not None else "all"] = dict(row)
    return out


# --- receipts: PPM, cost ----------------------------------------------------------------------


def _receipts(session: Session, actor: Actor, query: KpiQuery) -> dict[str, dict[str, Any]]:
    line = OrderLine.__table__
    receipt = Receipt.__table__
    grp = _group_column(query.group_by, line.c.partner_id, line.c.site_id, line.c.product_family)
    costed = receipt.c.landed_unit_cost.is_not(None)
    cols = [
        receipt.c.currency.label("currency"),
        func.count().label("receipts"),
        func.sum(receipt.c.received_qty).label("received"),
        func.sum(receipt.c.rejected_qty).label("rejected"),
        func.sum(
            case((costed, receipt.c.landed_unit_cost * receipt.c.received_qty), else_=0)
        ).label("landed"),
        func.sum(case((costed, line.c.unit_price * receipt.c.received_qty), else_=0)).label(
            "contract"
        ),
    ]
    stmt = (
        select(*([grp.label("g")] if grp is not None else []), *cols)
        .select_from(receipt.join(line, line.c.id == receipt.c.line_id))
        .where(receipt.c.received_date >= query.start, receipt.c.received_date <= query.end)
    )
    stmt = _scope(stmt, receipt.c.partner_id, actor, query)
    stmt = stmt.group_by(*([grp] if grp is not None else []), receipt.c.currency)
    out: dict[str, dict[str, Any]] = {}
    for row in session.execute(stmt).mappings():
        key = _key(row["g"]) if grp is not None else "all"
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
        acc["received"] += _num(row["received"])
        acc["rejected"] += _num(row["rejected"])
        acc["landed"] += _num(row["landed"])
        acc["contract"] += _num(row["contract"])
        if _num(row["contract"]) or _num(row["landed"]):
            acc["variance"][row["currency"]] = round(_num(row["landed"]) - _num(row["contract"]), 4)
    return out


# --- lead time --------------------------------------------------------------------------------


def _lead_time(session: Session, actor: Actor, query: KpiQuery) -> dict[str, dict[str, Any]]:
    line = OrderLine.__table__
    receipt = Receipt.__table__
    candidates = _scope(
        select(receipt.c.line_id)
        .where(receipt.c.received_date >= query.start, receipt.c.received_date <= query.end)
        .distinct(),
        receipt.c.partner_id,
        actor,
        query,
    ).cte("cand")
    part, order = receipt.c.line_id, (receipt.c.received_date, receipt.c.id)
    rc = (
        select(
            receipt.c.line_id,
            receipt.c.received_date,
            func.sum(receipt.c.received_qty).over(partition_by=part, order_by=order).label("cum"),
        )
        .join(candidates, candidates.c.line_id == receipt.c.line_id)
        .cte("rc2")
    )
    grp = _group_column(query.group_by, line.c.partner_id, line.c.site_id, line.c.product_family)
    keys = [line.c.id, line.c.order_date, *([grp.label("g")] if grp is not None else [])]
    group_keys = [line.c.id, line.c.order_date, *([grp] if grp is not None else [])]
    done = (
        select(
            *keys,
            func.min(case((rc.c.cum >= line.c.promised_qty, rc.c.received_date))).label("done"),
        )
        .select_from(rc.join(line, line.c.id == rc.c.line_id))
        .where(line.c.ack_status != AckStatus.CANCELLED.value)
        .group_by(*group_keys)
        .subquery("done")
    )
    in_period = and_(done.c.done >= query.start, done.c.done <= query.end)
    stmt = select(
        *([done.c.g] if grp is not None else []),
        func.count().label("completed"),
        func.sum(days_between(done.c.done, done.c.order_date)).label("lead_days"),
    ).where(in_period)
    if grp is not None:
        stmt = stmt.group_by(done.c.g)
    out: dict[str, dict[str, Any]] = {}
    for row in session.execute(stmt).mappings():
        if not row["completed"]:
            continue
        out[_key(row["g"]) if grp is not None else "all"] = dict(row)
    return out


# --- support tickets: nearest-rank median and p90 ---------------------------------------------


def _ticket_percentiles(
    session: Session, actor: Actor, query: KpiQuery, until: Any
) -> dict[str, dict[str, Any]]:
    ticket = SupportTicket.__table__
    start, end = period_instants(query)
    grp = _group_column(
        query.group_by, ticket.c.partner_id, ticket.c.site_id, ticket.c.product_family
    )
    g = grp.label("g") if grp is not None else literal("all").label("g")
    sample = _scope(
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
    return {_key(row["g"]): dict(row) for row in session.execute(stmt).mappings()}


def _tickets_opened(session: Session, actor: Actor, query: KpiQuery) -> dict[str, int]:
    ticket = SupportTicket.__table__
    start, end = period_instants(query)
    grp = _group_column(
        query.group_by, ticket.c.partner_id, ticket.c.site_id, ticket.c.product_family
    )
    stmt = _scope(
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
        (_key(row["g"]) if grp is not None else "all"): int(row["n"])
        for row in session.execute(stmt).mappings()
        if row["n"]
    }


# --- acknowledgement --------------------------------------------------------------------------


def _acknowledgement(session: Session, actor: Actor, query: KpiQuery) -> dict[str, dict[str, Any]]:
    line = OrderLine.__table__
    grp = _group_column(query.group_by, line.c.partner_id, line.c.site_id, line.c.product_family)
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
    stmt = _scope(stmt, line.c.partner_id, actor, query)
    if grp is not None:
        stmt = stmt.group_by(grp)
    return {
        (_key(row["g"]) if grp is not None else "all"): dict(row)
        for row in session.execute(stmt).mappings()
        if row["ordered"]
    }


# --- assembly ---------------------------------------------------------------------------------


def compute(
    session: Session, *, actor: Actor, query: KpiQuery, locale: str = "en"
) -> list[KpiGroup]:
    """Every KPI for every group with any activity in the period."""
    if query.group_by not in GROUPINGS:
        raise ValueError(query.group_by)
    delivery = _delivery(session, actor, query)
    receipts = _receipts(session, actor, query)
    lead = _lead_time(session, actor, query)
    ticket = SupportTicket.__table__
    response = _ticket_percentiles(session, actor, query, ticket.c.first_response_at)
    resolution = _ticket_percentiles(session, actor, query, ticket.c.resolved_at)
    opened = _tickets_opened(session, actor, query)
    ack = _acknowledgement(session, actor, query)
    keys = set(delivery) | set(receipts) | set(lead) | set(response) | set(resolution)
    keys |= set(opened) | set(ack)
    groups: list[KpiGroup] = []
    for key in keys:
        d = delivery.get(key, {})
        r = receipts.get(key, {})
        lt = lead.get(key, {})
        rs = response.get(key, {})
        rv = resolution.get(key, {})
        a = ack.get(key, {})
        n_eval = int(d.get("n_eval") or 0)
        n_late = int(d.get("n_late") or 0)
        values: dict[str, float | None] = {
            "otd_lines": _ratio(d.get("n_on_time"), n_eval, 100),
            "otd_qty": _ratio(d.get("qty_on_time"), d.get("qty_eval"), 100),
            "otif": _ratio(d.get("n_otif"), n_eval, 100),
            "avg_days_late": (
                None if n_eval == 0 else (_ratio(d.get("late_days"), n_late) if n_late else 0.0)
            ),
            "fill_rate": _ratio(d.get("qty_filled"), d.get("qty_eval"), 100),
            "defect_ppm": _ratio(r.get("rejected"), r.get("received"), 1_000_000),
            "cost_index": _ratio(r.get("landed"), r.get("contract"), 100),
            "lead_time_days": _ratio(lt.get("lead_days"), lt.get("completed")),
            "response_median_h": _hours(rs.get("median")),
            "response_p90_h": _hours(rs.get("p90")),
            "resolution_median_h": _hours(rv.get("median")),
            "resolution_p90_h": _hours(rv.get("p90")),
            "ack_rate": _ratio(a.get("answered"), a.get("ordered"), 100),
            "ack_hours": _ratio(a.get("ack_hours"), a.get("answered")),
        }
        counts = {
            "lines_due": int(d.get("due") or 0),
            "lines_evaluated": n_eval,
            "lines_late": n_late,
            "receipts": int(r.get("receipts") or 0),
            "lines_completed": int(lt.get("completed") or 0),
            "tickets": opened.get(key, 0),
            "lines_ordered": int(a.get("ordered") or 0),
        }
        groups.append(
            KpiGroup(key, values=values, counts=counts, price_variance=r.get("variance", {}))
        )
    _label(session, groups, query.group_by, locale)
    return sorted(groups, key=lambda g: (g.label.lower(), g.key))


def _hours(value: Any) -> float | None:
    return None if value is None else round(float(value), 4)


def _label(session: Session, groups: list[KpiGroup], group_by: str, locale: str) -> None:
    ids = [int(g.key) for g in groups if g.key.isdigit()]
    names: dict[str, str] = {}
    if group_by == "partner" and ids:
        for pid, en, ko in session.execute(
            select(Partner.id, Partner.name_en, Partner.name_ko).where(Partner.id.in_(ids))
        ):
            names[str(pid)] = ko if locale == "ko" else en
    elif group_by == "site" and ids:
        for sid, name in session.execute(select(Site.id, Site.name).where(Site.id.in_(ids))):
            names[str(sid)] = name
    for group in groups:
        if group_by == "all":
            group.label = "—"
        elif group_by == "family":
            group.label = group.key or "—"
        else:
            group.label = names.get(group.key, group.key or "—")


def compute_for_partner(
    session: Session,
    *,
    actor: Actor,
    partner_id: int,
    start: date,
    end: date,
    tolerance_days: int = 0,
    as_of: date | None = None,
) -> KpiGroup:
    """All KPIs of one partner; an idle partner gets a group whose values are all None."""
    query = KpiQuery(start, end, "partner", tolerance_days, [partner_id], as_of)
    found = compute(session, actor=actor, query=query)
    if found:
        return found[0]
    return KpiGroup(str(partner_id), values=dict.fromkeys(KPI_CODES), counts={})
