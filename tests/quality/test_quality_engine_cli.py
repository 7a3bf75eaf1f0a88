"""``cofab quality sampling-plan`` and ``cofab quality capability`` end to end (Typer runner)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cofab.quality.cli import app

DATA = Path(__file__).parent / "data" / "piston_rings.csv"
runner = CliRunner()


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COFAB_LANG", "en")


def test_sampling_plan_json_is_the_issue_example() -> None:
    result = runner.invoke(app, ["sampling-plan", "--lot-size", "1000", "--aql", "1.0", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "code_letter": "J",
        "sample_size": 80,
        "accept": 2,
        "reject": 3,
        "full_inspection": False,
    }


def test_sampling_plan_table_and_severity() -> None:
    args = ["sampling-plan", "--lot-size", "1000", "--aql", "1.0", "--severity", "tightened"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert "Reject (Re)" in result.stdout and "80" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lot-size", "0", "--aql", "1.0"], "--lot-size must be at least 1"),
        (["--lot-size", "10", "--aql", "1.2"], "--aql: 1.2 is not in the ISO 2859-1 AQL series"),
        (["--lot-size", "10", "--aql", "1.0", "--level", "IV"], "--level must be one of"),
    ],
)
def test_sampling_plan_bad_input(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["sampling-plan", *args])
    assert result.exit_code == 1
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_capability_json_from_the_piston_rings() -> None:
    args = ["capability", str(DATA), "--column", "value", "--subgroup-size", "5"]
    result = runner.invoke(app, [*args, "--lsl", "73.95", "--usl", "74.05", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    rbar = 0.571 / 25
    assert data["n"] == 125
    assert data["sigma_within"] == pytest.approx(rbar / 2.326)
    assert data["cp"] == pytest.approx(0.1 / (6 * rbar / 2.326))
    assert round(data["limits"]["xbar"]["ucl"], 3) == 74.014
    assert data["limits"]["r"]["ucl"] == pytest.approx(2.114 * rbar)
    assert {"mean", "sigma_overall", "cpk", "pp", "ppk", "violations"} <= set(data)
    # grouping by the sample column gives the same numbers
    by_column = runner.invoke(
        app, ["capability", str(DATA), "--column", "value", "--subgroup-column", "sample", "--json"]
    )
    assert json.loads(by_column.stdout)["sigma_within"] == pytest.approx(data["sigma_within"])
    assert json.loads(by_column.stdout)["cp"] is None


def test_capability_individuals_flags_a_shift(tmp_path: Path) -> None:
    values = [10.0, 10.2, 9.8, 10.1, 9.9, 10.0, 10.1, 9.9, 10.0, 10.2, 13.0]
    path = tmp_path / "i.csv"
    path.write_text("value\n" + "\n".join(str(v) for v in values) + "\n")
    result = runner.invoke(
        app, ["capability", str(path), "--column", "value", "--chart", "i-mr", "--json"]
    )
    data = json.loads(result.stdout)
    assert {"chart": "i", "rule": "N1", "index": 10} in data["violations"]
    assert data["cp"] is None and data["cpk"] is None


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("value\n1\nx\n", ["--subgroup-size", "2"], "Row 3, column value: x is not a number"),
        ("value\n1\n\n2\n", ["--subgroup-size", "2"], None),  # blank lines are skipped by csv
        ("v,b\n1,a\n,a\n", ["--subgroup-size", "2"], "Column value is not in the file"),
        (
            "value,b\n1,a\n,a\n",
            ["--subgroup-size", "2"],
            "Row 3, column value: the value is missing",
        ),
        ("value\n1\n2\n", ["--subgroup-size", "30"], "--subgroup-size must be between 2 and 25"),
        ("value\n1\n2\n", [], "Give either --subgroup-size or --subgroup-column"),
        (
            "value\n1\n2\n",
            ["--subgroup-size", "2", "--lsl", "5", "--usl", "4"],
            "--lsl (5.0) must be below",
        ),
        ("value,b\n1,a\n2,a\n3,b\n", ["--subgroup-column", "b"], "Subgroup b has 1 values"),
    ],
)
def test_capability_bad_input(
    tmp_path: Path, content: str, args: list[str], message: str | None
) -> None:
    path = tmp_path / "data.csv"
    path.write_text(content)
    result = runner.invoke(app, ["capability", str(path), "--column", "value", *args])
    if message is None:
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 1, result.output
    assert message in " ".join(result.output.split())


def test_korean_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COFAB_LANG", "ko")
    result = runner.invoke(app, ["sampling-plan", "--lot-size", "0", "--aql", "1.0"])
    assert "1 이상이어야" in result.output
