"""NCR cost of poor quality as a chargeback line of the penalties engine: one line per partner and
period, under the defect chargeback clause and its cap (figures worked out in the comments)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine
from tests.conftest import World, login
from tests.contracts.contract_factories import make_active_contract, terms

from cofab.contracts.penalties import (
    InspectionLine,
    NcrCost,
    Period,
    compute_penalties,
    explain,
)
from cofab.contracts.penalty_input import read_penalty_input, report_table
from cofab.contracts.penalty_runs import run_file
from cofab.contracts.terms import ContractTerms
from cofab.core.access import SYSTEM_ACTOR
from cofab.core.errors import ValidationFailed
from cofab.db.session import unit_of_work
from cofab.quality import ncrs
from cofab.quality import schemas as quality_schemas

Q1 = Period(date(2026, 1, 1), date(2026, 3, 31))
COSTS = [
    NcrCost("NCR-1", date(2026, 1, 20), Decimal("100.50"), "Alpha"),
    NcrCost("NCR-2", date(2026, 2, 3), Decimal("49.50"), "Alpha"),
    NcrCost("NCR-3", date(2026, 3, 1), Decimal("20"), "Beta"),
    NcrCost("NCR-4", date(2026, 4, 2), Decimal("999"), "Alpha"),  # after the period
    NcrCost("NCR-5", date(2026, 2, 9), Decimal("0"), "Beta"),  # no cost booked
]


def _terms(**overrides: object) -> ContractTerms:
    return ContractTerms.model_validate(terms(**overrides))


def test_ncr_costs_are_charged_per_partner_and_period() -> None:
    # per-unit chargeback 4.00: 3 defective = 12.00; Alpha 100.50 + 49.50 = 150.00; Beta 20.00
    inspection = InspectionLine("I1", date(2026, 1, 15), 500, 3)
    report = compute_penalties(_terms(), [], [inspection], Q1, COSTS)
    assert [(line.kind, line.ref, line.amount) for line in report.lines] == [
        ("defect_chargeback", "I1", Decimal("12.00")),
        ("ncr_cost", "NCR-1, NCR-2", Decimal("150.00")),
        ("ncr_cost", "NCR-3", Decimal("20.00")),
    ]
    assert report.chargeback_total == Decimal("182.00") and report.total == Decimal("182.00")
    assert explain(report.lines[1], "en") == (
        "Cost of poor quality of 2 NCR(s) raised 2026-01-01 – 2026-03-31 (Alpha): "
        "100.50 + 49.50 = 150.00 USD, charged back."
    )
    assert "NCR" in explain(report.lines[1], "ko") and "150.00" in explain(report.lines[1], "ko")
    _headers, rows = report_table(report, "ko")
    assert rows[1][0] == "NCR 품질 비용" and rows[1][4] == Decimal("150.00")


def test_ncr_costs_fall_under_the_chargeback_cap_and_need_the_clause() -> None:
    capped = _terms(
        penalties={"defect_chargeback": {"mode": "per_unit", "amount": "4.00", "cap_amount": "100"}}
    )
    report = compute_penalties(capped, [], [], Q1, COSTS)
    # 150.00 + 20.00 = 170.00 over a cap of 100 → 70.00 waived
    assert report.lines[-1].kind == "chargeback_cap" and report.lines[-1].amount == Decimal(
        "-70.00"
    )
    assert report.chargeback_total == Decimal("100.00")
    without = _terms(penalties={"late_delivery": {"rate_pct_per_day": "1", "cap_pct": "5"}})
    none = compute_penalties(without, [], [], Q1, COSTS)
    assert none.lines == [] and none.total == 0
    assert [ref for ref, _msg, _params in none.skipped] == ["NCR-1", "NCR-2", "NCR-3"]


def test_ncr_costs_in_json_and_csv_files() -> None:
    doc: dict[str, Any] = {
        "terms": terms(),
        "period": {"start": "2026-01-01", "end": "2026-03-31"},
        "ncr_costs": [{"ref": "N-1", "partner": "Alpha", "date": "2026-02-01", "amount": "75.25"}],
    }
    report = run_file(json.dumps(doc).encode(), "q1.json")
    assert [(line.kind, line.amount) for line in report.lines] == [("ncr_cost", Decimal("75.25"))]
    csv_text = (
        "line_type,ref,date,partner,amount\n"
        "ncr,N-1,2026-02-01,Alpha,75.25\n"
        "ncr,N-2,2026-02-02,Beta,-1\n"
    )
    try:
        read_penalty_input(csv_text.encode(), "q1.csv")
    except ValidationFailed as exc:
        assert [p.field for p in exc.problems] == ["row 3.amount"]
    else:
        raise AssertionError("a negative NCR cost must be refused")


def test_booked_ncrs_become_chargeback_lines_on_the_api_and_page(
    world: World, api: Any, engine: Engine, base_url: str
) -> None:
    with unit_of_work(engine) as session:
        contract = make_active_contract(session, [world.partner_a])
        for costs, currency in (
            ({"cost_scrap": "30", "cost_rework": "12.5"}, "USD"),
            ({"cost_scrap": "9"}, "EUR"),
        ):
            ncr = ncrs.create_ncr(
                session,
                actor=SYSTEM_ACTOR,
                data=quality_schemas.NcrCreate.model_validate(
                    {
                        "partner_id": world.partner_a,
                        "product": "Tablet",
                        "defect_code": "CRACK",
                        "quantity": 2,
                        "currency": currency,
                        **costs,
                    }
                ),
            )
            ncr.created_at = datetime(2026, 2, 15, 9, tzinfo=UTC)
        session.flush()
        cid = contract.id
    client = api(world.users["manager"])
    result = client.get(
        f"/api/v1/contracts/{cid}/penalties", params={"start": "2026-02-01", "end": "2026-02-28"}
    ).json()
    # 30 + 12.5 = 42.50 USD charged; the EUR NCR is listed as not charged
    (line,) = result["lines"]
    assert (line["kind"], line["amount"]) == ("ncr_cost", "42.50")
    assert result["chargeback_total"] == "42.50" and result["total"] == "42.50"
    assert len(result["skipped"]) == 1 and "EUR" in result["skipped"][0]["reason"]
    page = login(base_url, world.users["manager"]).get(
        f"/contracts/{cid}/penalties",
        params={"source": "operations", "start": "2026-02-01", "end": "2026-02-28"},
    )
    assert page.status_code == 200 and "NCR cost of poor quality" in page.text
    assert "42.50" in page.text
