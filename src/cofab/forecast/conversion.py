"""The frozen zone of a publication becomes purchase orders, through operations' own order rules.

Each forecast line keeps the order line it became (``order_line_id``), so converting again finds
nothing left to convert and creates nothing twice. Lines the partner counter-proposed and the
owner has not accepted wait: the partner has not agreed to them. The quantity ordered is the
committed quantity where there is one, else the planned one; the price is the forecast product's
price (0 until one is set). Lines are requested for the first day of their period, or today when
that has passed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cofab.core import audit
from cofab.core.access import Actor
from cofab.forecast import schemas
from cofab.forecast.models import ForecastLine, ForecastProduct, LineStatus, Zone
from cofab.forecast.publication import get_publication
from cofab.operations import service as operations_service
from cofab.planning.service import ensure_writer


def _quantity(line: ForecastLine) -> Decimal:
    return line.committed_qty if line.committed_qty is not None else line.planned_qty


def convert_frozen(
    session: Session, *, actor: Actor, publication_id: int
) -> schemas.ConversionResult:
    ensure_writer(actor)
    publication = get_publication(session, actor=actor, publication_id=publication_id)
    lines = list(
        session.execute(
            select(ForecastLine)
            .where(
                ForecastLine.partner_id == publication.partner_id,  # the lines' index
                ForecastLine.publication_id == publication.id,
                ForecastLine.zone == Zone.FROZEN.value,
                ForecastLine.order_line_id.is_(None),
                ForecastLine.status != LineStatus.COUNTERED.value,
            )
            .order_by(ForecastLine.period_index, ForecastLine.product, ForecastLine.site)
            .with_for_update()
        ).scalars()
    )
    lines = [line for line in lines if _quantity(line) > 0]
    if not lines:
        return schemas.ConversionResult(order_ids=[], lines_linked=0)
    prices = {
        code: (price, currency)
        for code, price, currency in session.execute(
            select(ForecastProduct.code, ForecastProduct.unit_price, ForecastProduct.currency)
        ).all()
    }
    today = date.today()
    by_currency: dict[str, list[ForecastLine]] = {}
    for line in lines:
        by_currency.setdefault(prices.get(line.product, (Decimal(0), "USD"))[1], []).append(line)
    done = session.execute(
        select(func.count())
        .select_from(ForecastLine)
        .where(
            ForecastLine.partner_id == publication.partner_id,
            ForecastLine.publication_id == publication.id,
            ForecastLine.order_line_id.is_not(None),
        )
    ).scalar_one()
    order_ids: list[int] = []
    for number, (currency, group) in enumerate(sorted(by_currency.items()), start=1):
        # A reference that names the publication and how many lines it had converted before:
        # a new reference per conversion run, the same one if a run is retried unchanged.
        ref = f"FC-{publication.id}-{done + 1}-{number}"
        order_id, line_ids = operations_service.create_planned_order(
            session,
            actor=actor,
            partner_id=publication.partner_id,
            external_ref=ref,
            currency=currency,
            lines=[
                operations_service.PlannedOrderLine(
                    product=line.product,
                    product_family=line.family,
                    quantity=_quantity(line),
                    unit_price=prices.get(line.product, (Decimal(0), currency))[0],
                    requested_date=max(line.period_start, today),
                )
                for line in group
            ],
        )
        for line, order_line_id in zip(group, line_ids, strict=True):
            line.order_line_id = order_line_id
        order_ids.append(order_id)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="convert",
        entity="forecast_publication",
        entity_id=publication.id,
        partner_id=publication.partner_id,
        after={"orders": order_ids, "lines": [line.id for line in lines]},
    )
    return schemas.ConversionResult(order_ids=order_ids, lines_linked=len(lines))
