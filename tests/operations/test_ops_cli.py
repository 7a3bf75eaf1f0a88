"""``cofab ops``: import/export round trip, KPIs for a period as a table or a file, scorecards
(performance's commands, still under ``cofab ops``), and one readable line with exit code 1 for
bad input."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import Engine
from tests.conftest import World
from tests.operations.ops_factories import build_february
from typer.testing import CliRunner

from cofab.cli import app as cli_app
from cofab.operations import cli as ops_cli
from cofab.performance import cli as performance_cli


@pytest.fixture
def run(engine: Engine, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(ops_cli, "engine", lambda: engine)
    monkeypatch.setattr(performance_cli, "engine", lambda: engine)
    monkeypatch.setenv("COFAB_LANG", "en")
    runner = CliRunner()
    return lambda *args: runner.invoke(cli_app, ["ops", *args])


def test_kpis_table_and_file(run, world: World, engine: Engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    build_february(engine, world)
    shown = run("kpis", "--from", "2025-02-01", "--to", "2025-02-28")
    assert shown.exit_code == 0, shown.output
    assert "no data" in shown.output  # partner B had only a ticket: no delivery KPI, not 0
    out = tmp_path / "kpis.csv"
    written = run("kpis", "--from", "2025-02-01", "--to", "2025-02-28", "--out", str(out))
    assert written.exit_code == 0, written.output
    rows = {
        row["partner"]: row
        for row in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")))
    }
    assert float(rows["Alpha Assembly"]["otd_lines"]) == pytest.approx(60.0)
    assert float(rows["Alpha Assembly"]["defect_ppm"]) == pytest.approx(10 / 350 * 1_000_000)
    assert rows["Bravo Bioworks"]["otd_lines"] == ""
    scored = run("score", "--period-start", "2025-02-01")
    assert scored.exit_code == 0, scored.output
    assert "Scored 2 partners" in scored.output


def test_export_then_import_changes_nothing(
    run, world: World, engine: Engine, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    build_february(engine, world)
    out = tmp_path / "orders.xlsx"
    exported = run("export", str(out), "--kind", "orders")
    assert exported.exit_code == 0 and "Wrote 9 rows" in exported.output
    again = run("import", str(out), "--kind", "orders")
    assert again.exit_code == 0, again.output
    assert "0 created, 0 updated, 2 unchanged" in again.output


def test_bad_input_is_one_line_and_exit_1(run, world: World, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "receipts.csv"
    bad.write_text(
        "receipt_ref,asn_ref,order_ref,line_no,received_date,accepted_qty,currency\n"
        "R-1,NOPE,KPI-1,1,2025-02-01,-3,USD\n"
    )
    cases = [
        (("import", str(tmp_path / "missing.csv"), "--kind", "orders"), "File not found"),
        (("import", str(bad), "--kind", "nonsense"), "Must be one of"),
        (("kpis", "--from", "2025-13-01", "--to", "2025-12-31"), "must be a date"),
        (("kpis", "--from", "2025-03-01", "--to", "2025-02-01"), "before the start"),
        (("kpis", "--from", "2025-03-01", "--to", "2025-03-31", "--group-by", "x"), "one of"),
        (("kpis", "--from", "2025-03-01", "--to", "2025-03-31", "--tolerance", "-1"), "0 or more"),
        (("export", str(tmp_path / "orders.pdf"), "--kind", "orders"), ".csv or .xlsx"),
    ]
    for args, message in cases:
        result = run(*args)
        assert result.exit_code == 1, (args, result.output)
        assert message in result.output and "Traceback" not in result.output
    assert not (tmp_path / "orders.pdf").exists()
    refused = run("import", str(bad), "--kind", "receipts")
    assert refused.exit_code == 1 and "row 2" in refused.output.lower()
