"""The owner's demand forecast (product × market × period), kept as numbered versions.

A version is written whole or not at all: a file with one unknown product or period is refused
with every bad row named, so a planner never plans on half a forecast.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cofab.core import audit
from cofab.core.access import Actor
from cofab.core.errors import FieldProblem, NotFound, ValidationFailed
from cofab.core.i18n import N_
from cofab.core.tabular import Row
from cofab.forecast import periods, schemas
from cofab.forecast.models import DemandForecast, DemandLine, ForecastProduct

# Forecasts follow the planner's rule (they are made from and for its plans): owner staff read
# (a partner user is told they do not exist), admins and managers write.
from cofab.planning.service import ensure_reader, ensure_writer

UNKNOWN_PRODUCT = N_("Unknown product '{product}': add it to the forecast products first.")
UNKNOWN_PERIOD = N_("Unknown period '{period}': write a month YYYY-MM or a week YYYY-Www.")
BAD_QTY = N_("Must be a number of at least 0.")
MISSING = N_("This field is required.")
DUPLICATE = N_("Product {product}, market {market}, period {period} appears twice.")
NO_ROWS = N_("The file has no rows.")
COLUMNS = ("product", "market", "period", "qty")


def upsert_product(
    session: Session, *, actor: Actor, data: schemas.ProductUpsert
) -> ForecastProduct:
    ensure_writer(actor)
    product = session.execute(
        select(ForecastProduct).where(ForecastProduct.code == data.code)
    ).scalar_one_or_none()
    before = audit.snapshot(product) if product is not None else None
    if product is None:
        product = ForecastProduct(code=data.code)
        session.add(product)
    product.family = data.family
    product.unit_price = data.unit_price
    product.currency = data.currency
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update" if before else "create",
        entity="forecast_product",
        entity_id=product.id,
        before=before,
        after=audit.snapshot(product),
    )
    return product


def list_products(session: Session, *, actor: Actor) -> list[ForecastProduct]:
    ensure_reader(actor)
    return list(session.execute(select(ForecastProduct).order_by(ForecastProduct.code)).scalars())


def product_families(session: Session) -> dict[str, str]:
    return dict(session.execute(select(ForecastProduct.code, ForecastProduct.family)).all())


def _check(
    session: Session, items: Sequence[tuple[str, dict[str, str]]]
) -> tuple[list[tuple[str, str, str, Decimal]], list[FieldProblem]]:
    """(prefix, values) per row → checked lines and every problem, each naming row and column."""
    known = set(product_families(session))
    problems: list[FieldProblem] = []
    lines: list[tuple[str, str, str, Decimal]] = []
    seen: set[tuple[str, str, str]] = set()
    for prefix, values in items:
        product, market, period = (values.get(k, "").strip() for k in COLUMNS[:3])
        raw_qty = str(values.get("qty", "")).strip()
        bad = False
        for column, value in (("product", product), ("market", market), ("period", period)):
            if not value:
                problems.append(FieldProblem(f"{prefix}{column}", MISSING))
                bad = True
        if product and product not in known:
            problems.append(FieldProblem(f"{prefix}product", UNKNOWN_PRODUCT, {"product": product}))
            bad = True
        if period and periods.window(period) is None:
            problems.append(FieldProblem(f"{prefix}period", UNKNOWN_PERIOD, {"period": period}))
            bad = True
        try:
            qty = Decimal(raw_qty)
            if not qty.is_finite() or qty < 0:
                raise InvalidOperation
        except InvalidOperation:
            problems.append(FieldProblem(f"{prefix}qty", BAD_QTY))
            bad = True
        if bad:
            continue
        key = (product, market, period)
        if key in seen:
            problems.append(
                FieldProblem(
                    f"{prefix}product",
                    DUPLICATE,
                    {"product": product, "market": market, "period": period},
                )
            )
            continue
        seen.add(key)
        lines.append((product, market, period, qty))
    return lines, problems


def _store(
    session: Session,
    *,
    actor: Actor,
    name: str,
    source: str,
    lines: list[tuple[str, str, str, Decimal]],
) -> DemandForecast:
    latest = session.execute(select(func.max(DemandForecast.version))).scalar_one()
    forecast = DemandForecast(
        name=name,
        version=(latest or 0) + 1,
        source=source,
        line_count=len(lines),
        created_by=actor.email,
    )
    session.add(forecast)
    session.flush()
    session.add_all(
        DemandLine(forecast_id=forecast.id, product=p, market=m, period=t, qty=q)
        for p, m, t, q in lines
    )
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="demand_forecast",
        entity_id=forecast.id,
        after=audit.snapshot(forecast),
    )
    return forecast


def import_demand(session: Session, *, actor: Actor, name: str, rows: list[Row]) -> DemandForecast:
    """A new version from an uploaded table (columns product, market, period, qty)."""
    ensure_writer(actor)
    if not rows:
        raise ValidationFailed(problems=[FieldProblem("file", NO_ROWS)])
    lines, problems = _check(session, [(f"row {row.number}: ", row.values) for row in rows])
    if problems:
        raise ValidationFailed(problems=problems)
    return _store(session, actor=actor, name=name, source="upload", lines=lines)


def create_demand(session: Session, *, actor: Actor, data: schemas.DemandCreate) -> DemandForecast:
    """A new version typed in (or sent by the API)."""
    ensure_writer(actor)
    items = [
        (
            f"lines.{i}.",
            {"product": x.product, "market": x.market, "period": x.period, "qty": str(x.qty)},
        )
        for i, x in enumerate(data.lines)
    ]
    lines, problems = _check(session, items)
    if problems:
        raise ValidationFailed(problems=problems)
    return _store(session, actor=actor, name=data.name, source="typed", lines=lines)


def list_demand(session: Session, *, actor: Actor) -> list[DemandForecast]:
    ensure_reader(actor)
    return list(
        session.execute(select(DemandForecast).order_by(DemandForecast.version.desc())).scalars()
    )


def get_demand(session: Session, *, actor: Actor, forecast_id: int) -> DemandForecast:
    ensure_reader(actor)
    forecast = session.execute(
        select(DemandForecast).where(DemandForecast.id == forecast_id)
    ).scalar_one_or_none()
    if forecast is None:
        raise NotFound()
    return forecast


def demand_lines(session: Session, *, actor: Actor, forecast_id: int) -> list[DemandLine]:
    get_demand(session, actor=actor, forecast_id=forecast_id)
    return list(
        session.execute(
            select(DemandLine)
            .where(DemandLine.forecast_id == forecast_id)
            .order_by(DemandLine.product, DemandLine.market, DemandLine.period)
        ).scalars()
    )
