"""``cofab logistics``: export then import changes nothing, a bad row is one readable line with
exit code 1 and nothing written, the carrier KPIs print as a table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from tests.conftest import World
from tests.logistics.logistics_factories import make_carrier, make_lane
from typer.testing import CliRunner

from cofab.cli import app as cli_app
from cofab.db.session import unit_of_work
from cofab.logistics import cli as logistics_cli
from cofab.logistics.models import Lane


@pytest.fixture
def run(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(logistics_cli, "engine", lambda: engine)
    monkeypatch.setenv("COFAB_LANG", "en")
    runner = CliRunner()
    return lambda *args: runner.invoke(cli_app, ["logistics", *args])


def test_export_import_and_a_bad_row(
    run: Any, world: World, engine: Engine, tmp_path: Path
) -> None:
    with unit_of_work(engine) as session:
        carrier = make_carrier(session, "Carrier C", "ops@carrier-c.test")
        make_lane(session, carrier, "L1")
        make_lane(session, carrier, "L2", mode="rail", temp_min="2", temp_max="8")
    for name in ("lanes.csv", "lanes.xlsx"):
        out = tmp_path / name
        exported = run("export", str(out))
        assert exported.exit_code == 0 and "Wrote 2 rows" in exported.output, exported.output
        again = run("import", str(out))
        assert again.exit_code == 0, again.output
        assert "0 created, 0 updated, 2 unchanged" in again.output
    text = (tmp_path / "lanes.csv").read_text(encoding="utf-8-sig")
    bad = tmp_path / "bad.csv"
    bad.write_text(text.replace(",sea,", ",boat,", 1), encoding="utf-8")
    refused = run("import", str(bad))
    assert refused.exit_code == 1
    assert "row 2" in refused.output and "Transport mode" in refused.output
    assert "Traceback" not in refused.output
    with unit_of_work(engine, write=False) as session:
        assert set(session.execute(select(Lane.mode)).scalars()) == {"sea", "rail"}
    listed = run("list")
    assert listed.exit_code == 0 and "L1" in listed.output and "L2" in listed.output
    kpis = run("kpis", str(carrier), "--start", "2025-01-01", "--end", "2025-12-31")
    assert kpis.exit_code == 0 and "L1" in kpis.output, kpis.output
    wrong_date = run("kpis", str(carrier), "--start", "January")
    assert wrong_date.exit_code == 1 and "--start" in wrong_date.output
