"""Concentration on real data: what was actually received, priced at the order line's price,
grouped by partner, country, region (``regions``) or product family for a period, and the same
per calendar quarter as a trend (issue 16, "Concentration").

Spend is summed in one currency (the one asked for, else the period's most received). A line in
another currency is converted with the owner's exchange rates (planning's table, value of one
unit in US dollars: amount × usd(from) ÷ usd(to)), so a group buying in KRW, USD and EUR sees
every partner; a currency without a rate is left out and listed (``left_out``), never mixed in
at face value. The default period (none given) is the last four full quarters and the current
one, as on the page."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import extract, func, literal_column, select
from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.core.errors import FieldProblem, ValidationFailed
from cofab.core.i18n import N_
from cofab.core.labels import register_labels
from cofab.operations.models import OrderLine, Receipt
from cofab.partners.models import Partner
from cofab.planning import service as planning_service
from cofab.risk import register
from cofab.risk.regions import region_of

GROUPS = ("partner", "country", "region", "family")
MEASURES = ("spend", "volume")
BAD_PERIOD = N_("The period must end on or after its start.")
BAD_CHOICE = N_("Choose one of: {choices}.")
TREND_TOO_LONG = N_(
    "The trend shows at most {quarters} quarters ({years} years): choose a later start."
)
#: quarters one trend may show (the chart and the table stay readable; a longer period's HHI is
#: still one concentration report away)
MAX_TREND_QUARTERS = 80
NO_FAMILY = "—"
TOP_CONTRIBUTORS = 3

register_labels(
    {
        "risk_by_partner": N_("Partner"),
        "risk_by_country": N_("Country"),
        "risk_by_region": N_("Region"),
        "risk_by_family": N_("Product family"),
    }
)


@dataclass(frozen=True)
class SpendQuery:
    """What a concentration question names: the period (none: ``default_period``), the
    grouping, spend or volume, and the currency (none: the period's most received). The API
    reads it from the query string."""

    start: date | None = None
    end: date | None = None
    by: str = "partner"
    measure: str = "spend"
    currency: str | None = None

    def period(self, today: date | None = None) -> tuple[date, date]:
        first, last = default_period(today or date.today())
        return self.start or first, self.end or last


def default_period(today: date) -> tuple[date, date]:
    """From the start of the quarter a year before this one, to today."""
    return date(today.year - 1, 3 * ((today.month - 1) // 3) + 1, 1), today


@dataclass
class _Monthly:
    """(year, month, group key, amount) rows in ``currency``, and per currency left out for
    want of an exchange rate, its receipt lines and face amount."""

    rows: list[tuple[int, int, str, float]]
    currency: str | None
    converted: list[str]
    left_out: dict[str, tuple[int, float]]

    def header(self, query: SpendQuery) -> dict[str, Any]:
        """What both answers start with: the question, the currency and what was converted
        or left out."""
        return {
            "by": query.by,
            "measure": query.measure,
            "currency": self.currency,
            "converted_from": self.converted,
            "left_out": [
                {"currency": cur, "receipts": n, "amount": amount}
                for cur, (n, amount) in sorted(self.left_out.items())
            ],
        }


def most_received_currency(session: Session, receipts: Any) -> str | None:
    """The currency of most receipt lines in ``receipts`` (a select from Receipt joined to its
    OrderLine); spend is summed in one currency rather than mixed."""
    return session.execute(
        receipts.add_columns(OrderLine.currency, func.count())
        .group_by(OrderLine.currency)
        .order_by(func.count().desc(), OrderLine.currency)
        .limit(1)
    ).scalar()


def _key_column(by: str) -> Any:
    if by == "partner":
        return Partner.name_en
    if by in ("country", "region"):
        return Partner.country
    return func.coalesce(OrderLine.product_family, NO_FAMILY)


def _check(start: date, end: date, by: str, measure: str) -> None:
    problems = []
    if end < start:
        problems.append(FieldProblem("end", BAD_PERIOD))
    if by not in GROUPS:
        problems.append(FieldProblem("by", BAD_CHOICE, {"choices": ", ".join(GROUPS)}))
    if measure not in MEASURES:
        problems.append(FieldProblem("measure", BAD_CHOICE, {"choices": ", ".join(MEASURES)}))
    if problems:
        raise ValidationFailed(register.RISK_INVALID, problems=problems, count=len(problems))


def _monthly(
    session: Session,
    *,
    start: date,
    end: date,
    by: str,
    measure: str,
    currency: str | None,
) -> _Monthly:
    """The period's receipts by month and group. A region is the partner's country through
    ``regions.region_of``, summed here rather than in SQL; spend in another currency than the
    report's is converted here (module docstring)."""
    in_period = (Receipt.received_date >= start) & (Receipt.received_date <= end)
    joined = (
        select()
        .select_from(Receipt)
        .join(OrderLine, OrderLine.id == Receipt.line_id)
        .join(Partner, Partner.id == OrderLine.partner_id)
        .where(in_period)
    )
    spend = measure == "spend"
    if spend and currency is None:
        currency = most_received_currency(session, joined)
    amount = Receipt.received_qty * OrderLine.unit_price if spend else Receipt.received_qty
    key = _key_column(by)
    year = extract("year", Receipt.received_date)
    month = extract("month", Receipt.received_date)
    line_currency = OrderLine.currency if spend else literal_column("''")
    stmt = joined.add_columns(year, month, key, line_currency, func.sum(amount), func.count())
    stmt = stmt.group_by(year, month, key, *([OrderLine.currency] if spend else []))
    out = _Monthly([], currency if spend else None, [], {})
    usd = planning_service.usd_values(session) if spend else {}
    target = (currency or "").upper()
    for y, m, k, cur, v, n in session.execute(stmt).all():
        value = float(v or 0)
        cur = str(cur or "").upper()
        if spend and cur != target:
            converted = planning_service.convert(value, cur, target, usd)
            if converted is None:
                lines, face = out.left_out.get(cur, (0, 0.0))
                out.left_out[cur] = (lines + int(n), face + value)
                continue
            value = converted
            if cur not in out.converted:
                out.converted.append(cur)
        group = region_of(k) if by == "region" else str(k)
        out.rows.append((int(y), int(m), group, value))
    out.converted.sort()
    return out


def _summed(rows: list[tuple[int, int, str, float]]) -> dict[str, float]:
    amounts: dict[str, float] = defaultdict(float)
    for _y, _m, key, value in rows:
        amounts[key] += value
    return dict(amounts)


def _shares(result: Any) -> list[dict[str, Any]]:
    return [{"key": s.key, "amount": s.amount, "share": s.share} for s in result.shares]


def concentration_report(session: Session, *, actor: Actor, query: SpendQuery) -> dict[str, Any]:
    """HHI, band and shares. Spend is in one currency: the one given, else the period's most
    received; other currencies converted at the owner's rates or, without one, left out and
    listed rather than mixed."""
    register.ensure_reader(actor)
    (start, end), by, measure = query.period(), query.by, query.measure
    _check(start, end, by, measure)
    found = _monthly(session, start=start, end=end, by=by, measure=measure, currency=query.currency)
    from cofab.risk.engine.concentration import concentration  # numpy: on first use only

    result = concentration(_summed(found.rows))
    return found.header(query) | {
        "start": start,
        "end": end,
        "hhi": round(result.hhi, 1),
        "band": result.band,
        "total": result.total,
        "shares": _shares(result),
    }


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def concentration_trend(session: Session, *, actor: Actor, query: SpendQuery) -> dict[str, Any]:
    """HHI per calendar quarter from the quarter holding ``start`` to the one holding ``end``
    (a quarter with nothing received has no HHI: ``null``, not 0, which would read as
    "unconcentrated"), with the top ``TOP_CONTRIBUTORS`` of each quarter and the DOJ/FTC bands."""
    register.ensure_reader(actor)
    (start, end), by, measure = query.period(), query.by, query.measure
    _check(start, end, by, measure)
    first = _quarter_start(start)
    count = (end.year - first.year) * 4 + (end.month - 1) // 3 - (first.month - 1) // 3 + 1
    if count > MAX_TREND_QUARTERS:
        params = {"quarters": MAX_TREND_QUARTERS, "years": MAX_TREND_QUARTERS // 4}
        problems = [FieldProblem("start", TREND_TOO_LONG, params)]
        raise ValidationFailed(register.RISK_INVALID, problems=problems, count=1)
    found = _monthly(session, start=first, end=end, by=by, measure=measure, currency=query.currency)
    per_quarter: dict[str, list[tuple[int, int, str, float]]] = defaultdict(list)
    for row in found.rows:
        per_quarter[f"{row[0]}-Q{(row[1] - 1) // 3 + 1}"].append(row)
    from cofab.risk.engine.concentration import HIGH_ABOVE, MODERATE_FROM, concentration

    quarters = []
    for index in range(count):  # counted, not stepped past ``end`` (9999-Q4 has no successor)
        months = first.month - 1 + 3 * index
        day = date(first.year + months // 12, months % 12 + 1, 1)
        label = f"{day.year}-Q{(day.month - 1) // 3 + 1}"
        result = concentration(_summed(per_quarter.get(label, [])))
        empty = result.total <= 0
        quarters.append(
            {
                "quarter": label,
                "start": day,
                "hhi": None if empty else round(result.hhi, 1),
                "band": None if empty else result.band,
                "total": result.total,
                "top": _shares(result)[:TOP_CONTRIBUTORS],
            }
        )
    return found.header(query) | {
        "bands": {"moderate_from": MODERATE_FROM, "high_above": HIGH_ABOVE},
        "quarters": quarters,
    }
