"""Figures over forecast lines, computed in SQL: the commitment gap, the forecast waterfall and
forecast accuracy against what was actually ordered or received.

Accuracy compares, per partner, product and period, the quantity of the partner's *latest*
publication that covered the period (F) with the order lines of that partner and product whose
requested date falls in the period (A: their quantity, or what was received against them).
Per partner and product family: MAPE = mean(|A − F| / A) over points with A > 0,
WAPE = Σ|A − F| / ΣA, bias = Σ(F − A) / ΣA (positive: the forecast was too high).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Date,
    Float,
    Integer,
    Select,
    Subquery,
    and_,
    case,
    cast,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from cofab.core.access import Actor, scope_to_partner
from cofab.forecast import schemas
from cofab.forecast.models import ForecastLine, LinePeriod, Publication
from cofab.operations.models import OrderLine

MONDAY = date(2000, 1, 3)  # any Monday: weeks start a multiple of 7 days from it


def gap(
    session: Session, *, actor: Actor, release: int | None = None, partner_id: int | None = None
) -> list[schemas.GapRow]:
    """Committed − planned per partner, product and period, for one release (default latest)."""
    if release is None:
        release = session.execute(
            scope_to_partner(select(func.max(Publication.release)), actor, Publication.partner_id)
        ).scalar_one()
        if release is None:
            return []
    committed = func.sum(func.coalesce(ForecastLine.committed_qty, 0))
    planned = func.sum(ForecastLine.planned_qty)
    stmt = (
        select(
            ForecastLine.partner_id,
            ForecastLine.product,
            ForecastLine.period,
            ForecastLine.period_index,
            planned,
            committed,
        )
        .join(
            Publication,
            and_(
                Publication.id == ForecastLine.publication_id,
                Publication.partner_id == ForecastLine.partner_id,  # the lines' index
            ),
        )
        .where(Publication.release == release)
        .group_by(
            ForecastLine.partner_id,
            ForecastLine.product,
            ForecastLine.period,
            ForecastLine.period_index,
        )
        .order_by(ForecastLine.partner_id, ForecastLine.product, ForecastLine.period_index)
    )
    stmt = scope_to_partner(stmt, actor, ForecastLine.partner_id)
    if partner_id is not None:
        stmt = stmt.where(ForecastLine.partner_id == partner_id)
    return [
        schemas.GapRow(partner_id=p, product=prod, period=t, planned=pl, committed=c, gap=c - pl)
        for p, prod, t, _i, pl, c in session.execute(stmt).all()
    ]


def waterfall(
    session: Session,
    *,
    actor: Actor,
    partner_id: int | None = None,
    product: str | None = None,
) -> list[schemas.WaterfallRow]:
    """What was forecast for each period at each publication (rows: period × release)."""
    stmt = (
        select(
            ForecastLine.period,
            Publication.release,
            func.min(Publication.published_at),
            func.sum(ForecastLine.planned_qty),
            func.min(ForecastLine.period_start),
        )
        .join(Publication, Publication.id == ForecastLine.publication_id)
        .group_by(ForecastLine.period, Publication.release)
        .order_by(func.min(ForecastLine.period_start), Publication.release)
    )
    stmt = scope_to_partner(stmt, actor, ForecastLine.partner_id)
    if partner_id is not None:
        stmt = stmt.where(ForecastLine.partner_id == partner_id)
    if product is not None:
        stmt = stmt.where(ForecastLine.product == product)
    return [
        schemas.WaterfallRow(period=t, release=r, published_at=at, qty=q)
        for t, r, at, q, _start in session.execute(stmt).all()
    ]


def accuracy(
    session: Session,
    *,
    actor: Actor,
    basis: Literal["ordered", "received"] = "ordered",
    until: date | None = None,
) -> list[schemas.AccuracyRow]:
    """MAPE, WAPE and bias per partner and family over periods that ended by ``until``."""
    until = until or date.today()
    dialect = session.get_bind().dialect.name
    # the latest release per partner and period that has lines there: on PostgreSQL from the
    # lines counted per publication and period (kept by triggers), elsewhere from the lines
    source: Any = LinePeriod if dialect == "postgresql" else ForecastLine
    latest_stmt = (
        select(
            source.partner_id.label("partner_id"),
            source.period.label("period"),
            func.max(source.release).label("release"),
        )
        .where(source.period_end <= until)
        .group_by(source.partner_id, source.period)
    )
    latest = scope_to_partner(latest_stmt, actor, source.partner_id).subquery("latest")
    points = (
        select(
            ForecastLine.partner_id.label("partner_id"),
            ForecastLine.product.label("product"),
            ForecastLine.family.label("family"),
            ForecastLine.period_start.label("period_start"),
            ForecastLine.period_end.label("period_end"),
            func.sum(ForecastLine.planned_qty).label("f"),
        )
        .join(
            latest,
            and_(
                latest.c.partner_id == ForecastLine.partner_id,
                latest.c.period == ForecastLine.period,
                latest.c.release == ForecastLine.release,
            ),
        )
        .group_by(
            ForecastLine.partner_id,
            ForecastLine.product,
            ForecastLine.family,
            ForecastLine.period_start,
            ForecastLine.period_end,
        )
        .subquery("points")
    )
    actual_qty = OrderLine.quantity if basis == "ordered" else OrderLine.received_total
    with_actual = _actuals_by_bucket(points, actual_qty, dialect)
    f, a = with_actual.c.f, with_actual.c.a
    error = func.abs(a - f)
    ape = case((a > 0, error / a), else_=None)
    total_a = func.sum(a)
    stmt = (
        select(
            with_actual.c.partner_id,
            with_actual.c.family,
            func.count(),
            func.sum(f),
            total_a,
            func.avg(ape),
            case((total_a > 0, func.sum(error) / total_a), else_=None),
            case((total_a > 0, func.sum(f - a) / total_a), else_=None),
        )
        .group_by(with_actual.c.partner_id, with_actual.c.family)
        .order_by(with_actual.c.partner_id, with_actual.c.family)
    )
    with _hash_joins(session):
        rows = session.execute(stmt).all()
    return [
        schemas.AccuracyRow(
            partner_id=p,
            family=fam,
            points=n,
            forecast=float(sf or 0),
            actual=float(sa or 0),
            mape=None if mape is None else float(mape),
            wape=None if wape is None else float(wape),
            bias=None if bias is None else float(bias),
        )
        for p, fam, n, sf, sa, mape, wape, bias in rows
    ]


def _actuals_by_bucket(points: Subquery, actual_qty: Any, dialect: str) -> Subquery:
    """(partner, family, F, A) per point: A sums the order lines whose requested date falls in
    the point's window, found by an equality join.

    A period is an ISO week (Monday to Monday) or a calendar month (``periods.window``), so an
    order line falls in a point's window exactly when the Monday of its requested date's week
    (SQLite: ``date(d, 'weekday 0', '-6 days')``), or the first of its month, is the window's
    first day. Order lines are summed once per partner, product and week and per month, and
    each point takes the one bucket of its own kind: a hash join instead of comparing every
    point with every order line of its product (12,000,000 comparisons at 2,000 products × 78
    weeks).
    """

    day = OrderLine.requested_date
    first_day: dict[str, ColumnElement[Any]]
    if dialect == "sqlite":  # dates are ISO text there, and date() answers ISO text
        first_day = {
            "week": func.date(day, "weekday 0", "-6 days"),
            "month": func.date(day, "start of month"),
        }
        days = func.julianday(points.c.period_end) - func.julianday(points.c.period_start)
    else:  # date arithmetic only: date_trunc would go through the session's time zone
        # integer days since a Monday (extract answers numeric, slower over 100,000s of lines)
        since_monday = cast(day - literal(MONDAY, Date), Integer) % 7
        first_day = {
            "week": day - (since_monday + 7) % 7,
            "month": day - (cast(func.date_part("day", day), Integer) - 1),
        }
        days = points.c.period_end - points.c.period_start

    def buckets(unit: str) -> Select[Any]:
        start = first_day[unit]
        return select(
            OrderLine.partner_id.label("partner_id"),
            OrderLine.product.label("product"),
            literal(unit).label("unit"),
            start.label("start"),
            func.sum(actual_qty).label("qty"),
        ).group_by(OrderLine.partner_id, OrderLine.product, start)

    actual = union_all(buckets("week"), buckets("month")).subquery("actual")
    unit = case((days <= 7, "week"), else_="month")
    return (
        select(
            points.c.partner_id,
            points.c.family,
            cast(points.c.f, Float).label("f"),
            cast(func.coalesce(actual.c.qty, 0), Float).label("a"),
        )
        .select_from(points)
        .outerjoin(
            actual,
            and_(
                actual.c.partner_id == points.c.partner_id,
                actual.c.product == points.c.product,
                actual.c.unit == unit,
                actual.c.start == points.c.period_start,
            ),
        )
        .subquery("fa")
    )


@contextmanager
def _hash_joins(session: Session) -> Iterator[None]:
    """PostgreSQL estimates the latest-publication points at a handful of rows (a three-column
    join it cannot see through) and then joins 100,000s of them to the actuals in a nested loop,
    running the bucket sums once per point, or sorts both sides for a merge join whose filter
    then throws away 14,000,000 pairs at 2,704,000 lines (1.5× the time of hashing, with or
    without fresh statistics); for this one query it is told to hash, with memory to hash
    1,000,000s of lines without spilling. Parallel workers are the server's choice again: each
    builds the latest-release hash, which once summed every line (then one process was
    faster) and now reads the lines counted per publication and period (fc_line_periods), so
    sharing the scan of the lines pays (4.46 → 3.80–3.97 s over four runs with one or two
    workers, 2 cores, load 2). The settings are put back afterwards."""
    if session.get_bind().dialect.name != "postgresql":
        yield
        return
    settings = {
        "enable_nestloop": "off",
        "enable_mergejoin": "off",
        "work_mem": "256MB",
    }
    before = {
        name: session.execute(select(func.current_setting(name))).scalar_one() for name in settings
    }
    for name, value in settings.items():
        session.execute(select(func.set_config(name, value, True)))
    try:
        yield
    finally:
        for name, value in before.items():
            session.execute(select(func.set_config(name, value, True)))
