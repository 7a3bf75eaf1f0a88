"""Concentration on real data: what was actually received, priced at the order line's price,
grouped by partner, country or product family for a period (issue 16, "Concentration")."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.core.errors import FieldProblem, ValidationFailed
from cofab.core.i18n import N_
from cofab.operations.models import OrderLine, Receipt
from cofab.partners.models import Partner
from cofab.risk import register

GROUPS = ("partner", "country", "family")
MEASURES = ("spend", "volume")
BAD_PERIOD = N_("The period must end on or after its start.")
BAD_CHOICE = N_("Choose one of: {choices}.")
NO_FAMILY = "—"


def _key_column(by: str) -> Any:
    if by == "partner":
        return Partner.name_en
    if by == "country":
        return Partner.country
    return func.coalesce(OrderLine.product_family, NO_FAMILY)


def concentration_report(
    session: Session,
    *,
    actor: Actor,
    start: date,
    end: date,
    by: str = "partner",
    measure: str = "spend",
    currency: str | None = None,
) -> dict[str, Any]:
    """HHI, band and shares. Spend is in one currency: the one given, else the period's most
    received; amounts in other currencies are left out (and counted) rather than mixed."""
    register.ensure_reader(actor)
    problems = []
    if end < start:
        problems.append(FieldProblem("end", BAD_PERIOD))
    if by not in GROUPS:
        problems.append(FieldProblem("by", BAD_CHOICE, {"choices": ", ".join(GROUPS)}))
    if measure not in MEASURES:
        problems.append(FieldProblem("measure", BAD_CHOICE, {"choices": ", ".join(MEASURES)}))
    if problems:
        raise ValidationFailed(register.RISK_INVALID, problems=problems, count=len(problems))
    in_period = (Receipt.received_date >= start) & (Receipt.received_date <= end)
    joined = (
        select()
        .select_from(Receipt)
        .join(OrderLine, OrderLine.id == Receipt.line_id)
        .join(Partner, Partner.id == OrderLine.partner_id)
        .where(in_period)
    )
    if measure == "spend" and currency is None:
        currency = session.execute(
            joined.add_columns(OrderLine.currency, func.count())
            .group_by(OrderLine.currency)
            .order_by(func.count().desc(), OrderLine.currency)
            .limit(1)
        ).scalar()
    amount = (
        Receipt.received_qty * OrderLine.unit_price if measure == "spend" else Receipt.received_qty
    )
    key = _key_column(by)
    stmt = joined.add_columns(key, func.sum(amount)).group_by(key)
    if measure == "spend":
        stmt = stmt.where(OrderLine.currency == currency)
    amounts = {str(k): float(v or 0) for k, v in session.execute(stmt).all()}
    from cofab.risk.engine.concentration import concentration  # numpy: on first use only

    result = concentration(amounts)
    return {
        "by": by,
        "measure": measure,
        "currency": currency if measure == "spend" else None,
        "start": start,
        "end": end,
        "hhi": round(result.hhi, 1),
        "band": result.band,
        "total": result.total,
        "shares": [{"key": s.key, "amount": s.amount, "share": s.share} for s in result.shares],
    }
