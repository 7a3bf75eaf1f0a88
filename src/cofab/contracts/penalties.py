"""Liquidated damages and defect chargebacks for one contract and one period.

A pure function: contract terms plus receipt and inspection lines in, one explained line per
charge out. Money is ``Decimal`` end to end (rounded once per line to the currency's minor
unit, half up), because these figures end up on invoices; there is no database or web import.

Rules (also in docs/contracts.md):
- Late delivery, per receipt line: days late = received − due − grace days (not yet received:
  counted to the period's last day). Line value = quantity × unit price (the line's own price,
  else the contract's price tier for that quantity). Damages = value × rate % × days late,
  capped at cap % of the line value.
- Defect chargeback ``per_unit``: defective units × amount, per inspection line.
  ``per_ppm``: PPM over the whole period = defective ÷ inspected × 1,000,000; amount × PPM above
  the target. An optional ``cap_amount`` limits the period's chargeback total.
- NCR cost of poor quality (scrap, rework, sorting, freight, line stop booked on the NCRs raised
  in the period) rides on the defect chargeback clause: one line per partner and period with the
  sum of its NCRs' costs, counted in the chargeback total and under the same cap. Without a
  defect chargeback clause the costs are listed as not charged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from cofab.contracts.terms import ContractTerms, chargeback_target_ppm, unit_price_for
from cofab.core.i18n import N_, translate

# ISO 4217 minor units for currencies that do not use two decimals.
MINOR_UNITS = {"KRW": 0, "JPY": 0, "VND": 0, "CLP": 0, "ISK": 0, "KWD": 3, "BHD": 3, "TND": 3}
HUNDRED = Decimal(100)
MILLION = Decimal(1_000_000)
PPM_STEP = Decimal("0.01")


@dataclass(frozen=True)
class Period:
    """Both days included."""

    start: date
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class ReceiptLine:
    ref: str
    due_date: date
    received_date: date | None
    quantity: Decimal
    unit_price: Decimal | None = None
    item: str = ""


@dataclass(frozen=True)
class InspectionLine:
    ref: str
    inspected_on: date
    inspected: int
    defective: int
    lot: str = ""


@dataclass(frozen=True)
class NcrCost:
    """One NCR's cost of poor quality, in the contract's currency."""

    ref: str
    raised_on: date
    amount: Decimal
    partner: str = ""


@dataclass(frozen=True)
class PenaltyLine:
    """One charge (or a cap adjustment) with the msgid and values that explain it."""

    kind: str  # late_delivery | defect_chargeback | ncr_cost | chargeback_cap
    ref: str
    basis: Decimal
    quantity: Decimal
    days_late: int | None
    amount: Decimal
    capped: bool
    message: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PenaltyReport:
    currency: str
    period: Period
    lines: list[PenaltyLine]
    late_delivery_total: Decimal
    chargeback_total: Decimal
    skipped: list[tuple[str, str, dict[str, Any]]]  # (ref, msgid, params): lines not charged

    @property
    def total(self) -> Decimal:
        return self.late_delivery_total + self.chargeback_total


TRANSLATED_PARAMS = frozenset({"price_source"})


def explain(line: PenaltyLine, locale: str) -> str:
    """The line's explanation in the reader's language (nested msgids translated too)."""
    params = {
        key: translate(value, locale) if key in TRANSLATED_PARAMS else value
        for key, value in line.params.items()
    }
    return translate(line.message, locale, **params)


def money_step(currency: str) -> Decimal:
    return Decimal(1).scaleb(-MINOR_UNITS.get(currency, 2))


def _round(value: Decimal, step: Decimal) -> Decimal:
    return value.quantize(step, rounding=ROUND_HALF_UP)


def _fmt(value: Decimal) -> str:
    """Plain notation without a trailing exponent, for explanations."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _money(value: Decimal, step: Decimal) -> str:
    """Money in explanations: rounded to the currency's minor unit, zeros kept (12.50)."""
    return format(_round(value, step), "f")


def compute_penalties(
    terms: ContractTerms,
    receipts: Sequence[ReceiptLine],
    inspections: Sequence[InspectionLine],
    period: Period,
    ncr_costs: Sequence[NcrCost] = (),
) -> PenaltyReport:
    currency = terms.cost.currency if terms.cost is not None else "XXX"
    step = money_step(currency)
    lines: list[PenaltyLine] = []
    skipped: list[tuple[str, str, dict[str, Any]]] = []
    late_total = Decimal(0)
    late = terms.penalties.late_delivery
    if late is not None:
        for receipt in receipts:
            line = _late_delivery_line(terms, receipt, period, step, currency, skipped)
            if line is not None:
                lines.append(line)
                late_total += line.amount
    charge_lines = _chargeback_lines(terms, inspections, period, step, currency, ncr_costs)
    if terms.penalties.defect_chargeback is None:
        skipped += [
            (
                cost.ref,
                N_(
                    "Cost of poor quality {amount} {currency}: the contract has no defect "
                    "chargeback clause to charge it under."
                ),
                {"amount": _money(cost.amount, step), "currency": currency},
            )
            for cost in ncr_costs
            if period.contains(cost.raised_on) and cost.amount > 0
        ]
    lines += charge_lines
    charge_total = sum((line.amount for line in charge_lines), Decimal(0))
    return PenaltyReport(
        currency=currency,
        period=period,
        lines=lines,
        late_delivery_total=late_total,
        chargeback_total=charge_total,
        skipped=skipped,
    )


def _late_delivery_line(
    terms: ContractTerms,
    receipt: ReceiptLine,
    period: Period,
    step: Decimal,
    currency: str,
    skipped: list[tuple[str, str, dict[str, Any]]],
) -> PenaltyLine | None:
    late = terms.penalties.late_delivery
    assert late is not None
    if receipt.received_date is not None:
        if not period.contains(receipt.received_date):
            return None
        until = receipt.received_date
    else:
        if receipt.due_date > period.end:
            return None
        until = period.end
    days_late = (until - receipt.due_date).days - late.grace_days
    if days_late <= 0:
        return None
    price = receipt.unit_price
    price_source = N_("the line's own price")
    if price is None:
        price = unit_price_for(terms, receipt.quantity)
        price_source = N_("the contract's price tier for this quantity")
    if price is None:
        skipped.append(
            (receipt.ref, N_("Late, but no unit price: give one on the line or in the terms."), {})
        )
        return None
    value = receipt.quantity * price
    raw = value * late.rate_pct_per_day / HUNDRED * days_late
    cap = value * late.cap_pct / HUNDRED
    capped = raw > cap
    amount = _round(cap if capped else raw, step)
    params: dict[str, Any] = {
        "qty": _fmt(receipt.quantity),
        "price": _fmt(price),
        "price_source": price_source,
        "value": _money(value, step),
        "rate": _fmt(late.rate_pct_per_day),
        "days": days_late,
        "grace": late.grace_days,
        "raw": _money(raw, step),
        "cap_pct": _fmt(late.cap_pct),
        "cap": _money(cap, step),
        "amount": _money(amount, step),
        "currency": currency,
        "due": receipt.due_date.isoformat(),
        "until": until.isoformat(),
    }
    if receipt.received_date is None:
        message = (
            N_(
                "Not received by {until} (due {due}): {days} chargeable day(s) after {grace} "
                "grace day(s). Value {qty} × {price} ({price_source}) = {value} {currency}; "
                "{value} × {rate}% × {days} = {raw}, capped at {cap_pct}% of the value = {cap}."
            )
            if capped
            else N_(
                "Not received by {until} (due {due}): {days} chargeable day(s) after {grace} "
                "grace day(s). Value {qty} × {price} ({price_source}) = {value} {currency}; "
                "{value} × {rate}% × {days} = {amount} (cap {cap_pct}% = {cap} not reached)."
            )
        )
    else:
        message = (
            N_(
                "Received {until}, due {due}: {days} chargeable day(s) late after {grace} "
                "grace day(s). Value {qty} × {price} ({price_source}) = {value} {currency}; "
                "{value} × {rate}% × {days} = {raw}, capped at {cap_pct}% of the value = {cap}."
            )
            if capped
            else N_(
                "Received {until}, due {due}: {days} chargeable day(s) late after {grace} "
                "grace day(s). Value {qty} × {price} ({price_source}) = {value} {currency}; "
                "{value} × {rate}% × {days} = {amount} (cap {cap_pct}% = {cap} not reached)."
            )
        )
    return PenaltyLine(
        kind="late_delivery",
        ref=receipt.ref,
        basis=_round(value, step),
        quantity=receipt.quantity,
        days_late=days_late,
        amount=amount,
        capped=capped,
        message=message,
        params=params,
    )


def _chargeback_lines(
    terms: ContractTerms,
    inspections: Sequence[InspectionLine],
    period: Period,
    step: Decimal,
    currency: str,
    ncr_costs: Sequence[NcrCost] = (),
) -> list[PenaltyLine]:
    chargeback = terms.penalties.defect_chargeback
    if chargeback is None:
        return []
    in_period = [line for line in inspections if period.contains(line.inspected_on)]
    lines: list[PenaltyLine] = []
    if chargeback.mode == "per_unit":
        for inspection in in_period:
            if inspection.defective <= 0:
                continue
            amount = _round(Decimal(inspection.defective) * chargeback.amount, step)
            lines.append(
                PenaltyLine(
                    kind="defect_chargeback",
                    ref=inspection.ref,
                    basis=Decimal(inspection.defective),
                    quantity=Decimal(inspection.inspected),
                    days_late=None,
                    amount=amount,
                    capped=False,
                    message=N_(
                        "{defective} defective of {inspected} inspected on {day}: "
                        "{defective} × {rate} {currency} per unit = {amount}."
                    ),
                    params={
                        "defective": inspection.defective,
                        "inspected": inspection.inspected,
                        "day": inspection.inspected_on.isoformat(),
                        "rate": _fmt(chargeback.amount),
                        "currency": currency,
                        "amount": _money(amount, step),
                    },
                )
            )
    else:
        inspected = sum(line.inspected for line in in_period)
        defective = sum(line.defective for line in in_period)
        target = chargeback_target_ppm(terms) or 0
        if inspected > 0:
            ppm = _round(Decimal(defective) * MILLION / Decimal(inspected), PPM_STEP)
            over = max(ppm - Decimal(target), Decimal(0))
            amount = _round(over * chargeback.amount, step)
            if amount > 0:
                lines.append(
                    PenaltyLine(
                        kind="defect_chargeback",
                        ref=", ".join(line.ref for line in in_period),
                        basis=ppm,
                        quantity=Decimal(inspected),
                        days_late=None,
                        amount=amount,
                        capped=False,
                        message=N_(
                            "{defective} defective in {inspected} inspected over the period = "
                            "{ppm} PPM against a target of {target} PPM: {over} PPM over × "
                            "{rate} {currency} per PPM = {amount}."
                        ),
                        params={
                            "defective": defective,
                            "inspected": inspected,
                            "ppm": _fmt(ppm),
                            "target": target,
                            "over": _fmt(over),
                            "rate": _fmt(chargeback.amount),
                            "currency": currency,
                            "amount": _money(amount, step),
                        },
                    )
                )
    lines += _ncr_cost_lines(ncr_costs, period, step, currency)
    total = sum((line.amount for line in lines), Decimal(0))
    if chargeback.cap_amount is not None and total > chargeback.cap_amount:
        cap = _round(chargeback.cap_amount, step)
        excess = total - cap
        lines.append(
            PenaltyLine(
                kind="chargeback_cap",
                ref="",
                basis=total,
                quantity=Decimal(0),
                days_late=None,
                amount=-excess,
                capped=True,
                message=N_(
                    "Chargebacks of {total} exceed the period cap of {cap} {currency}: "
                    "{excess} is waived."
                ),
                params={
                    "total": _money(total, step),
                    "cap": _money(cap, step),
                    "excess": _money(excess, step),
                    "currency": currency,
                },
            )
        )
    return lines


def _ncr_cost_lines(
    ncr_costs: Sequence[NcrCost], period: Period, step: Decimal, currency: str
) -> list[PenaltyLine]:
    """One line per partner: the cost of poor quality of its NCRs raised in the period."""
    by_partner: dict[str, list[NcrCost]] = {}
    for cost in ncr_costs:
        if period.contains(cost.raised_on) and cost.amount > 0:
            by_partner.setdefault(cost.partner, []).append(cost)
    lines: list[PenaltyLine] = []
    for partner in sorted(by_partner):
        costs = by_partner[partner]
        total = sum((c.amount for c in costs), Decimal(0))
        amount = _round(total, step)
        refs = ", ".join(c.ref for c in costs)
        lines.append(
            PenaltyLine(
                kind="ncr_cost",
                ref=refs,
                basis=total,
                quantity=Decimal(len(costs)),
                days_late=None,
                amount=amount,
                capped=False,
                message=N_(
                    "Cost of poor quality of {count} NCR(s) raised {start} – {end}{partner}: "
                    "{costs} = {amount} {currency}, charged back."
                ),
                params={
                    "count": len(costs),
                    "start": period.start.isoformat(),
                    "end": period.end.isoformat(),
                    "partner": f" ({partner})" if partner else "",
                    "costs": " + ".join(_money(c.amount, step) for c in costs),
                    "amount": _money(amount, step),
                    "currency": currency,
                },
            )
        )
    return lines
