"""``cofab select rank`` through Typer's test runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cofab.cli import app

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "evaluation.json"


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("COFAB_LANG", "en")
    monkeypatch.setenv("COLUMNS", "200")
    return CliRunner()


def test_rank_prints_both_rankings_and_robustness(runner: CliRunner) -> None:
    result = runner.invoke(app, ["select", "rank", str(EXAMPLE), "--draws", "2000"])
    assert result.exit_code == 0, result.output
    out = result.output
    for text in (
        "Weighted sum",
        "TOPSIS closeness",
        "Weight change that changes the leader",
        "P(first) weighted sum",
        "Incomplete candidates",
        "KoPro Manufacturing",
        "Leader: weighted sum Hanil Precision, TOPSIS Daesung Electronics",
    ):
        assert text in out


def test_rank_json_is_machine_readable_and_seeded(runner: CliRunner) -> None:
    args = [
        "select",
        "rank",
        str(EXAMPLE),
        "--json",
        "--draws",
        "3000",
        "--seed",
        "4",
        "--concentration",
        "50",
    ]
    first = runner.invoke(app, args)
    again = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    data = json.loads(first.stdout)
    assert data == json.loads(again.stdout)
    assert data["monte_carlo"] == {"draws": 3000, "concentration": 50.0, "seed": 4}
    by_key = {c["key"]: c for c in data["candidates"]}
    assert by_key["hanil"]["weighted_sum"]["rank"] == 1
    assert by_key["daesung"]["topsis"]["rank"] == 1
    assert by_key["kopro"]["weighted_sum"]["rank"] is None
    p_first = [c["weighted_sum"]["p_first"] for c in data["candidates"] if c["complete"]]
    assert sum(p_first) == pytest.approx(1.0)
    robustness = data["robustness"]["weighted_sum"]
    assert robustness["leader"] == "hanil"
    price = next(row for row in robustness["criteria"] if row["criterion"] == "unit_price")
    assert price["increase_leader"] == "daesung"
    assert data["incomplete"][0]["missing"] == ["information_security"]


def test_bad_input_prints_every_problem_and_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["criteria"][0]["weight"] = 40  # sum 115
    data["evaluators"][0]["scores"]["hanil"]["technology"] = 6
    data["evaluators"][1]["scores"]["vina"]["quality"] = 0
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(app, ["select", "rank", str(bad)])
    assert result.exit_code == 1
    assert "3 problem(s)" in result.stderr
    assert "/criteria: Weights add up to 115 %" in result.stderr
    assert "/evaluators/0/scores/hanil/technology" in result.stderr
    assert "/evaluators/1/scores/vina/quality" in result.stderr
    assert "Traceback" not in result.output
    as_json = runner.invoke(app, ["select", "rank", str(bad), "--json"])
    assert as_json.exit_code == 1
    assert len(json.loads(as_json.stdout)["errors"]) == 3


def test_bad_options_and_missing_file_exit_1(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["select", "rank", str(EXAMPLE), "--draws", "0", "--concentration", "-2"]
    )
    assert result.exit_code == 1
    assert "--draws" in result.stderr and "--concentration" in result.stderr
    missing = runner.invoke(app, ["select", "rank", str(tmp_path / "nope.json")])
    assert missing.exit_code == 1 and "Cannot read" in missing.stderr


def test_korean_output(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COFAB_LANG", "ko")
    result = runner.invoke(app, ["select", "rank", str(EXAMPLE), "--draws", "500"])
    assert result.exit_code == 0, result.output
    for text in (
        "순위",
        "가중합",
        "TOPSIS 근접도",
        "1위 확률(가중합)",
        "한일정밀",
        "점수가 빠진 후보",
    ):
        assert text in result.output


def test_help_texts(runner: CliRunner) -> None:
    result = runner.invoke(app, ["select", "rank", "--help"])
    assert result.exit_code == 0
    for option in ("--seed", "--draws", "--concentration", "--json"):
        assert option in result.output
