"""Read the penalties engine's input file (JSON, CSV or XLSX) and write its result table.

The format is documented in docs/contracts.md. Every bad value is reported with the place a
user will look for it (``receipts.3.due_date`` in JSON, ``row 7.due_date`` in a table), and
nothing is computed until the whole file is valid.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from pydantic import Field, ValidationError

from cofab.contracts.penalties import (
    InspectionLine,
    NcrCost,
    PenaltyReport,
    Period,
    ReceiptLine,
    explain,
)
from cofab.contracts.terms import ContractTerms, Money, Quantity, Strict, check_terms
from cofab.core.errors import BadRequest, FieldProblem, ValidationFailed
from cofab.core.i18n import N_, translate
from cofab.core.tabular import read_table
from cofab.core.validation import problems_from

TABLE_COLUMNS = (
    "line_type",
    "ref",
    "item",
    "due_date",
    "received_date",
    "quantity",
    "unit_price",
    "date",
    "lot",
    "inspected",
    "defective",
    "partner",
    "amount",
)


class ReceiptIn(Strict):
    ref: str = Field(min_length=1, max_length=64)
    item: str = Field(default="", max_length=200)
    due_date: date
    received_date: date | None = None
    quantity: Quantity
    unit_price: Money | None = None


class InspectionIn(Strict):
    ref: str = Field(min_length=1, max_length=64)
    lot: str = Field(default="", max_length=100)
    date: date
    inspected: int = Field(ge=0)
    defective: int = Field(ge=0)


class NcrCostIn(Strict):
    """An NCR's cost of poor quality, in the contract's currency (charged under the defect
    chargeback clause)."""

    ref: str = Field(min_length=1, max_length=64)
    partner: str = Field(default="", max_length=200)
    date: date
    amount: Money


class PeriodIn(Strict):
    start: date
    end: date


class PenaltyInput(Strict):
    contract_id: int | None = None
    terms: ContractTerms | None = None
    period: PeriodIn | None = None
    receipts: list[ReceiptIn] = Field(default_factory=list, max_length=200_000)
    inspections: list[InspectionIn] = Field(default_factory=list, max_length=200_000)
    ncr_costs: list[NcrCostIn] = Field(default_factory=list, max_length=200_000)


def read_penalty_input(content: bytes, filename: str) -> PenaltyInput:
    if filename.lower().endswith(".json"):
        return _read_json(content)
    return _read_table(content, filename)


def _read_json(content: bytes) -> PenaltyInput:
    try:
        raw = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequest(N_("The file is not valid JSON: {reason}"), reason=str(exc)) from exc
    if not isinstance(raw, dict):
        raise BadRequest(N_("The JSON file must hold one object."))
    try:
        parsed = PenaltyInput.model_validate(raw)
    except ValidationError as exc:
        raise ValidationFailed(problems=problems_from(exc)) from exc
    return _checked(parsed)


def _read_table(content: bytes, filename: str) -> PenaltyInput:
    rows = read_table(content, filename)
    problems: list[FieldProblem] = []
    receipts: list[ReceiptIn] = []
    inspections: list[InspectionIn] = []
    inspection_paths: list[str] = []
    ncr_costs: list[NcrCostIn] = []
    for row in rows:
        unknown = set(row.values) - set(TABLE_COLUMNS)
        for column in sorted(unknown):
            problems.append(FieldProblem(f"row {row.number}.{column}", N_("Unknown field.")))
        values = {k: v for k, v in row.values.items() if v != "" and k in TABLE_COLUMNS}
        kind = values.pop("line_type", "")
        try:
            if kind == "receipt":
                receipts.append(ReceiptIn.model_validate(_only(values, ReceiptIn)))
            elif kind == "inspection":
                inspections.append(InspectionIn.model_validate(_only(values, InspectionIn)))
                inspection_paths.append(f"row {row.number}")
            elif kind == "ncr":
                ncr_costs.append(NcrCostIn.model_validate(_only(values, NcrCostIn)))
            else:
                problems.append(
                    FieldProblem(
                        f"row {row.number}.line_type",
                        N_("Must be one of: {expected}."),
                        {"expected": "receipt, inspection, ncr"},
                    )
                )
        except ValidationError as exc:
            problems += problems_from(exc, prefix=f"row {row.number}")
    if problems:
        raise ValidationFailed(problems=problems)
    parsed = PenaltyInput(receipts=receipts, inspections=inspections, ncr_costs=ncr_costs)
    return _checked(parsed, inspection_paths)


def _only(values: dict[str, str], model: type[Strict]) -> dict[str, str]:
    """A table row has every column; a receipt row ignores the inspection columns and back."""
    return {k: v for k, v in values.items() if k in model.model_fields}


def _checked(parsed: PenaltyInput, inspection_paths: list[str] | None = None) -> PenaltyInput:
    """Rules across fields; ``inspection_paths`` name table rows instead of JSON indexes."""
    problems: list[FieldProblem] = []
    if parsed.terms is not None:
        problems += check_terms(parsed.terms)
    if parsed.period is not None and parsed.period.end < parsed.period.start:
        problems.append(FieldProblem("period.end", N_("Must not be before the start date.")))
    for index, inspection in enumerate(parsed.inspections):
        if inspection.defective > inspection.inspected:
            where = inspection_paths[index] if inspection_paths else f"inspections.{index}"
            problems.append(
                FieldProblem(
                    f"{where}.defective",
                    N_("More defective ({defective}) than inspected ({inspected})."),
                    {"defective": inspection.defective, "inspected": inspection.inspected},
                )
            )
    if problems:
        raise ValidationFailed(problems=problems)
    return parsed


def resolve_period(
    parsed: PenaltyInput, start: date | None = None, end: date | None = None
) -> Period:
    """Options given on the command line or the form win over the file's own period."""
    first = start or (parsed.period.start if parsed.period else None)
    last = end or (parsed.period.end if parsed.period else None)
    if first is None or last is None:
        raise ValidationFailed(problems=[FieldProblem("period", N_("This field is required."))])
    if last < first:
        raise ValidationFailed(
            problems=[FieldProblem("period.end", N_("Must not be before the start date."))]
        )
    return Period(first, last)


def engine_lines(parsed: PenaltyInput) -> tuple[list[ReceiptLine], list[InspectionLine]]:
    receipts = [
        ReceiptLine(
            ref=r.ref,
            due_date=r.due_date,
            received_date=r.received_date,
            quantity=r.quantity,
            unit_price=r.unit_price,
            item=r.item,
        )
        for r in parsed.receipts
    ]
    inspections = [
        InspectionLine(
            ref=i.ref, inspected_on=i.date, inspected=i.inspected, defective=i.defective, lot=i.lot
        )
        for i in parsed.inspections
    ]
    return receipts, inspections


def ncr_cost_lines(parsed: PenaltyInput) -> list[NcrCost]:
    return [
        NcrCost(ref=c.ref, raised_on=c.date, amount=c.amount, partner=c.partner)
        for c in parsed.ncr_costs
    ]


KIND_LABELS = {
    "late_delivery": N_("Late delivery"),
    "defect_chargeback": N_("Defect chargeback"),
    "ncr_cost": N_("NCR cost of poor quality"),
    "chargeback_cap": N_("Chargeback cap"),
}


def report_table(report: PenaltyReport, locale: str) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows for CSV/XLSX: one row per charge, then the totals."""
    headers = [
        translate(h, locale)
        for h in (
            N_("Type"),
            N_("Reference"),
            N_("Basis"),
            N_("Days late"),
            N_("Amount"),
            N_("Currency"),
            N_("Capped"),
            N_("Explanation"),
        )
    ]
    rows: list[list[Any]] = []
    for line in report.lines:
        rows.append(
            [
                translate(KIND_LABELS[line.kind], locale),
                line.ref,
                line.basis,
                line.days_late,
                line.amount,
                report.currency,
                translate(N_("yes"), locale) if line.capped else "",
                explain(line, locale),
            ]
        )
    for label, amount in (
        (N_("Late-delivery damages total"), report.late_delivery_total),
        (N_("Chargebacks total"), report.chargeback_total),
        (N_("Total"), report.total),
    ):
        rows.append([translate(label, locale), "", None, None, amount, report.currency, "", ""])
    return headers, rows


def report_json(report: PenaltyReport, locale: str) -> dict[str, Any]:
    return {
        "currency": report.currency,
        "period": {"start": report.period.start.isoformat(), "end": report.period.end.isoformat()},
        "lines": [
            {
                "kind": line.kind,
                "ref": line.ref,
                "basis": str(line.basis),
                "days_late": line.days_late,
                "amount": str(line.amount),
                "capped": line.capped,
                "explanation": explain(line, locale),
            }
            for line in report.lines
        ],
        "skipped": [
            {"ref": ref, "reason": translate(message, locale, **params)}
            for ref, message, params in report.skipped
        ],
        "late_delivery_total": str(report.late_delivery_total),
        "chargeback_total": str(report.chargeback_total),
        "total": str(report.total),
    }
