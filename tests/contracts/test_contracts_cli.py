"""``cofab contracts …`` against a real database: penalties from a file, coverage, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine
from tests.conftest import World
from tests.contracts.contract_factories import make_active_contract, terms
from typer.testing import CliRunner

from cofab import cli
from cofab.contracts import cli as contracts_cli
from cofab.db.session import unit_of_work

runner = CliRunner()


@pytest.fixture
def cli_db(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setattr(contracts_cli, "_engine", lambda: engine)
    monkeypatch.setenv("COFAB_LANG", "en")
    return engine


def _input(tmp_path: Path, **extra: object) -> Path:
    document = {
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
    } | extra
    path = tmp_path / "q1.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_help_lists_every_command() -> None:
    result = runner.invoke(cli.app, ["contracts", "--help"])
    assert result.exit_code == 0
    for command in ("penalties", "attention", "coverage"):
        assert command in result.output


def test_penalties_from_a_self_contained_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COFAB_LANG", "en")
    out = tmp_path / "result.xlsx"
    result = runner.invoke(
        cli.app, ["contracts", "penalties", str(_input(tmp_path, terms=terms())), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Total: 30.75 USD" in result.output  # 18.75 late + 12.00 chargeback
    sheet = load_workbook(out).active
    assert sheet is not None and sheet.cell(row=sheet.max_row, column=5).value == 30.75


def test_penalties_with_a_stored_contract(world: World, cli_db: Engine, tmp_path: Path) -> None:
    with unit_of_work(cli_db) as session:
        cid = make_active_contract(session, [world.partner_a]).id
    result = runner.invoke(
        cli.app,
        [
            "contracts",
            "penalties",
            str(_input(tmp_path)),
            "--contract",
            str(cid),
            "--to",
            "2026-01-31",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Total: 12.00 USD" in result.output  # the late receipt falls outside January


def test_bad_input_is_one_line_per_problem_and_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COFAB_LANG", "en")
    bad = terms(penalties={"late_delivery": {"rate_pct_per_day": "1", "cap_pct": "-2"}})
    result = runner.invoke(cli.app, ["contracts", "penalties", str(_input(tmp_path, terms=bad))])
    assert result.exit_code == 1
    assert "Cap (% of line value): Must be at least 0." in result.output
    assert "Traceback" not in result.output
    missing = runner.invoke(cli.app, ["contracts", "penalties", str(tmp_path / "none.json")])
    assert missing.exit_code == 1 and "File not found" in missing.output
    no_terms = runner.invoke(cli.app, ["contracts", "penalties", str(_input(tmp_path))])
    assert no_terms.exit_code == 1 and "Terms: This field is required." in no_terms.output


def test_coverage_and_attention(world: World, cli_db: Engine) -> None:
    with unit_of_work(cli_db) as session:
        make_active_contract(session, [world.partner_a], kind="nda", title="Mutual NDA")
    inside = runner.invoke(
        cli.app,
        ["contracts", "coverage", str(world.partner_a), "--at", "2026-12-31T23:59:59+00:00"],
    )
    assert inside.exit_code == 0 and "is covered" in inside.output and "Mutual NDA" in inside.output
    after = runner.invoke(
        cli.app,
        ["contracts", "coverage", str(world.partner_a), "--at", "2027-01-01T00:00:00+00:00"],
    )
    assert after.exit_code == 2 and "not covered" in after.output
    assert runner.invoke(cli.app, ["contracts", "attention", "--days", "30"]).exit_code == 0
