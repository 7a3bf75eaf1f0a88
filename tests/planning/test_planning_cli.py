"""``cofab plan`` end to end through Typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from planning_docs import one_product_doc, site
from typer.testing import CliRunner

from cofab.cli import app

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
runner = CliRunner()


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COFAB_LANG", "en")


def write(path: Path, doc: object) -> Path:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_solve_writes_the_plan_and_prints_a_summary(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    result = runner.invoke(
        app, ["plan", "solve", str(EXAMPLES / "planner-two-partners.json"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    plan = json.loads(out.read_text(encoding="utf-8"))
    for key in (
        "status",
        "objective",
        "cost",
        "flows",
        "engaged_sites",
        "utilisation",
        "unmet",
        "shadow_prices",
        "mip_gap",
    ):
        assert key in plan
    assert plan["status"] == "optimal"
    assert set(plan["flows"][0]) >= {"site", "market", "product", "period", "qty"}
    shipped = sum(f["qty"] for f in plan["flows"]) + sum(u["qty"] for u in plan["unmet"])
    assert shipped == pytest.approx(600 * 3 + 750 + 200 * 3 + 500 * 3 + 400)
    assert "Objective" in result.stdout


def test_solve_without_out_prints_json(tmp_path: Path) -> None:
    doc = one_product_doc([site("S0", 60, 1.0), site("S1", 100, 3.0)], 100)
    result = runner.invoke(app, ["plan", "solve", str(write(tmp_path / "in.json", doc))])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["objective"] == pytest.approx(180.0)


def test_bad_input_lists_every_problem_and_exits_1(tmp_path: Path) -> None:
    doc = one_product_doc([site("S0", -5, 1.0)], -1)
    doc["lanes"].append({"site": "S9", "market": "M1"})
    result = runner.invoke(app, ["plan", "solve", str(write(tmp_path / "bad.json", doc))])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "has 3 problem(s)" in result.stderr
    assert "$.sites[0].capacity: Must not be negative (got -5)" in result.stderr
    assert "$.markets[0].demand.P1: Must not be negative (got -1)" in result.stderr
    assert "$.lanes[1].site: Unknown site 'S9'" in result.stderr


def test_bad_input_in_korean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COFAB_LANG", "ko")
    doc = one_product_doc([site("S0", 10, 1.0)], 5)
    doc["lanes"].append({"site": "S9", "market": "M1"})
    result = runner.invoke(app, ["plan", "solve", str(write(tmp_path / "bad.json", doc))])
    assert result.exit_code == 1
    assert "알 수 없는 사이트 'S9'" in result.stderr


def test_not_json_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    result = runner.invoke(app, ["plan", "solve", str(bad)])
    assert result.exit_code == 1
    assert "Not valid JSON" in result.stderr


def test_infeasible_is_a_result_not_an_error(tmp_path: Path) -> None:
    doc = one_product_doc([site("S0", 60, 1.0)], 100)
    out = tmp_path / "plan.json"
    result = runner.invoke(
        app, ["plan", "solve", str(write(tmp_path / "in.json", doc)), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "40 of 100 units cannot be covered" in result.stdout
    assert json.loads(out.read_text(encoding="utf-8"))["status"] == "infeasible"


def test_simulate_then_compare(tmp_path: Path) -> None:
    source = EXAMPLES / "planner-two-partners.json"
    plans = []
    for name in ("base", "other"):
        out = tmp_path / f"{name}.json"
        solved = runner.invoke(app, ["plan", "solve", str(source), "-o", str(out)])
        assert solved.exit_code == 0, solved.output
        plans.append(out)
    simulated = runner.invoke(
        app, ["plan", "simulate", str(source), str(plans[0]), "-n", "2000", "--seed", "4"]
    )
    assert simulated.exit_code == 0, simulated.output
    assert "Fill rate p5" in simulated.stdout
    first = json.loads(plans[0].read_text(encoding="utf-8"))["simulation"]
    again = runner.invoke(
        app,
        ["plan", "simulate", str(source), str(plans[0]), "-n", "2000", "--seed", "4"],
    )
    assert again.exit_code == 0
    assert json.loads(plans[0].read_text(encoding="utf-8"))["simulation"] == first

    compared = runner.invoke(app, ["plan", "compare", str(plans[0]), str(plans[1])])
    assert compared.exit_code == 0, compared.output
    assert "not simulated" in compared.stdout
    assert "Concentration" in compared.stdout


def test_simulate_rejects_a_plan_of_another_input(tmp_path: Path) -> None:
    plan = {
        "status": "optimal",
        "flows": [{"site": "X", "market": "M1", "product": "P1", "period": "all", "qty": 1}],
        "engaged_sites": [],
    }
    result = runner.invoke(
        app,
        [
            "plan",
            "simulate",
            str(EXAMPLES / "planner-two-partners.json"),
            str(write(tmp_path / "plan.json", plan)),
        ],
    )
    assert result.exit_code == 1
    assert "unknown site 'X'" in result.stderr


def test_make_or_buy_from_options() -> None:
    result = runner.invoke(
        app,
        [
            "plan",
            "make-or-buy",
            "--capex",
            "100000",
            "--fixed-opex",
            "1000",
            "--own-unit-cost",
            "5",
            "--partner-price",
            "8",
            "--partner-fee",
            "500",
            "--periods",
            "24",
            "--levels",
            "1000,2000",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["break_even_volume_per_period"] == pytest.approx(112_000 / 72, rel=1e-6)
    assert [level["cheaper"] for level in doc["levels"]] == ["outsource", "own"]


def test_make_or_buy_from_file_and_bad_file(tmp_path: Path) -> None:
    case = {
        "family": "F1",
        "periods": 12,
        "own": {"capex": 1000, "unit_cost": 1},
        "outsource": {"unit_price": 2},
    }
    result = runner.invoke(
        app, ["plan", "make-or-buy", "-f", str(write(tmp_path / "c.json", case))]
    )
    assert result.exit_code == 0, result.output
    assert "Make or buy: F1" in result.stdout
    case["own"] = {"capex": -1}
    bad = runner.invoke(app, ["plan", "make-or-buy", "-f", str(write(tmp_path / "c.json", case))])
    assert bad.exit_code == 1
    assert "$.own.capex: Must not be negative" in bad.stderr
    assert "$.own.unit_cost: Missing required field 'unit_cost'" in bad.stderr


def test_make_or_buy_needs_a_file_or_the_options() -> None:
    result = runner.invoke(app, ["plan", "make-or-buy", "--capex", "5"])
    assert result.exit_code == 1
    assert "--own-unit-cost" in result.stderr
