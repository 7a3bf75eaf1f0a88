"""Penalties engine against hand-calculated cases (figures worked out in the comments)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from tests.contracts.contract_factories import terms

from cofab.contracts.penalties import (
    InspectionLine,
    Period,
    ReceiptLine,
    compute_penalties,
    explain,
)
from cofab.contracts.penalty_input import read_penalty_input, report_table
from cofab.contracts.penalty_runs import run_file
from cofab.contracts.terms import ContractTerms
from cofab.core.errors import ValidationFailed

Q1 = Period(date(2026, 1, 1), date(2026, 3, 31))


def _terms(**overrides: object) -> ContractTerms:
    return ContractTerms.model_validate(terms(**overrides))


def _receipt(ref: str, due: str, received: str | None, qty: str, price: str | None = None):  # type: ignore[no-untyped-def]
    return ReceiptLine(
        ref=ref,
        due_date=date.fromisoformat(due),
        received_date=date.fromisoformat(received) if received else None,
        quantity=Decimal(qty),
        unit_price=Decimal(price) if price else None,
    )


def _inspection(ref: str, day: str, inspected: int, defective: int) -> InspectionLine:
    return InspectionLine(ref, date.fromisoformat(day), inspected, defective)


def test_late_delivery_lines_with_tiers_grace_cap_and_open_lines() -> None:
    # LD 0.5 %/day, cap 5 % of the line value, 1 grace day; tiers 0 → 12.50, 1000 → 11.00.
    report = compute_penalties(
        _terms(),
        [
            # 4 days late − 1 grace = 3; 100 × 12.50 = 1250.00; 1250 × 0.5 % × 3 = 18.75 (< 62.50)
            _receipt("R1", "2026-02-10", "2026-02-14", "100"),
            # 27 − 1 = 26 days; 2000 × 11.00 = 22000; × 0.5 % × 26 = 2860 → cap 5 % = 1100.00
            _receipt("R2", "2026-02-01", "2026-02-28", "2000"),
            # 1 day late, all of it grace: nothing
            _receipt("R3", "2026-02-10", "2026-02-11", "50"),
            # never received: 2026-03-31 − 2026-03-01 = 30 − 1 = 29 days; 3 × 10.00 = 30;
            # 30 × 0.5 % × 29 = 4.35 → cap 1.50
            _receipt("R4", "2026-03-01", None, "3", "10.00"),
            # received after the period: not this period's business
            _receipt("R5", "2026-03-20", "2026-04-02", "10"),
        ],
        [],
        Q1,
    )
    by_ref = {line.ref: line for line in report.lines}
    assert set(by_ref) == {"R1", "R2", "R4"}
    assert (by_ref["R1"].days_late, by_ref["R1"].amount, by_ref["R1"].capped) == (
        3,
        Decimal("18.75"),
        False,
    )
    assert (by_ref["R2"].amount, by_ref["R2"].capped, by_ref["R2"].basis) == (
        Decimal("1100.00"),
        True,
        Decimal("22000.00"),
    )
    assert (by_ref["R4"].days_late, by_ref["R4"].amount) == (29, Decimal("1.50"))
    assert report.late_delivery_total == Decimal("1120.25")
    assert report.chargeback_total == 0
    text = explain(by_ref["R2"], "en")
    assert "2860" in text and "capped at 5% of the value = 1100" in text
    assert "11" in text and "price tier" in text
    korean = explain(by_ref["R2"], "ko")
    assert "1100" in korean and any("\uac00" <= ch <= "\ud7a3" for ch in korean)


def test_per_unit_chargeback_counts_only_inspections_in_the_period() -> None:
    report = compute_penalties(
        _terms(),
        [],
        [
            _inspection("I1", "2026-01-15", 500, 3),  # 3 × 4.00 = 12.00
            _inspection("I2", "2026-02-15", 200, 0),  # nothing
            _inspection("I3", "2026-04-01", 100, 9),  # outside the period
        ],
        Q1,
    )
    assert [(line.ref, line.amount) for line in report.lines] == [("I1", Decimal("12.00"))]
    assert report.total == Decimal("12.00")


def test_ppm_chargeback_over_target_with_a_period_cap() -> None:
    ppm_terms = _terms(
        penalties={"defect_chargeback": {"mode": "per_ppm", "amount": "2.00", "cap_amount": "250"}}
    )
    inspections = [
        _inspection("I1", "2026-01-10", 10_000, 8),
        _inspection("I2", "2026-02-10", 5_000, 4),
    ]
    report = compute_penalties(ppm_terms, [], inspections, Q1)
    # 12 defective / 15000 inspected = 800 PPM; target = quality.max_ppm = 500 → 300 over;
    # 300 × 2.00 = 600.00, then the period cap of 250 waives 350.00.
    charge, cap = report.lines
    assert (charge.basis, charge.amount) == (Decimal("800.00"), Decimal("600.00"))
    assert (cap.kind, cap.amount, cap.capped) == ("chargeback_cap", Decimal("-350.00"), True)
    assert report.chargeback_total == Decimal("250.00")
    below = compute_penalties(ppm_terms, [], [_inspection("I9", "2026-01-10", 10_000, 4)], Q1)
    assert below.lines == [] and below.total == 0  # 400 PPM is under the 500 PPM target


def test_zero_decimal_currency_rounds_half_up_to_whole_won() -> None:
    won = _terms(
        cost={"currency": "KRW", "price_tiers": [{"min_volume": "0", "unit_price": "1234.5"}]},
        penalties={"late_delivery": {"rate_pct_per_day": "0.5", "cap_pct": "10"}},
    )
    # 1 day, no grace: 1234.5 × 0.5 % = 6.1725 → 6 won; value 1234.5 → 1235 won
    report = compute_penalties(won, [_receipt("K1", "2026-01-10", "2026-01-11", "1")], [], Q1)
    assert report.lines[0].amount == Decimal("6")
    assert report.lines[0].basis == Decimal("1235")


def test_a_zero_cap_means_no_damages() -> None:
    capped = _terms(penalties={"late_delivery": {"rate_pct_per_day": "1", "cap_pct": "0"}})
    report = compute_penalties(capped, [_receipt("Z", "2026-01-01", "2026-01-20", "10")], [], Q1)
    assert report.lines[0].amount == Decimal("0.00") and report.lines[0].capped


def test_json_input_file_round_trip_and_export_table() -> None:
    document = {
        "terms": terms(),
        "period": {"start": "2026-01-01", "end": "2026-03-31"},
        "receipts": [
            {
                "ref": "GR-1",
                "due_date": "2026-02-10",
                "received_date": "2026-02-14",
                "quantity": 100,
            }
        ],
        "inspections": [{"ref": "IQC-1", "date": "2026-01-15", "inspected": 500, "defective": 3}],
    }
    report = run_file(json.dumps(document).encode(), "input.json")
    assert report.total == Decimal("30.75")  # 18.75 + 12.00
    headers, rows = report_table(report, "ko")
    assert headers[0] == "유형" and len(rows) == 2 + 3
    assert rows[-1][4] == Decimal("30.75")


def test_csv_input_with_period_from_options() -> None:
    csv_text = (
        "line_type,ref,item,due_date,received_date,quantity,unit_price,date,lot,inspected,defective\n"
        "receipt,GR-1,PCB,2026-02-10,2026-02-14,100,,,,,\n"
        "inspection,IQC-1,,,,,,2026-01-15,L1,500,3\n"
    )
    report = run_file(
        csv_text.encode(),
        "input.csv",
        start=date(2026, 1, 1),
        end=date(2026, 3, 31),
        terms=_terms(),
    )
    assert report.total == Decimal("30.75")


def test_bad_input_file_names_every_bad_field() -> None:
    csv_text = (
        "line_type,ref,due_date,received_date,quantity,date,inspected,defective\n"
        "receipt,GR-1,2026-13-10,,-5,,,\n"
        "inspection,IQC-1,,,,2026-01-15,5,9\n"
        "parcel,X,,,,,,\n"
    )
    with pytest.raises(ValidationFailed) as caught:
        read_penalty_input(csv_text.encode(), "in.csv")
    fields = {p.field for p in caught.value.problems}
    assert {"row 2.due_date", "row 2.quantity", "row 4.line_type"} <= fields
    consistent_types = (
        "line_type,ref,date,inspected,defective\n"
        "inspection,IQC-1,2026-01-15,5,5\n"
        "inspection,IQC-2,2026-01-16,5,9\n"
    )
    with pytest.raises(ValidationFailed) as caught:
        read_penalty_input(consistent_types.encode(), "in.csv")
    assert [p.field for p in caught.value.problems] == ["row 3.defective"]
    bad_cap = terms(penalties={"late_delivery": {"rate_pct_per_day": "1", "cap_pct": "-1"}})
    with pytest.raises(ValidationFailed) as caught:
        read_penalty_input(json.dumps({"terms": bad_cap}).encode(), "x.json")
    assert [p.field for p in caught.value.problems] == ["terms.penalties.late_delivery.cap_pct"]
