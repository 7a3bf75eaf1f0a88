"""``cofab ventures``: the list, a JV board, the sharing statement as a table and as an XLSX
that reads back; a bad period or an unknown alliance is one readable line and exit code 1."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from tests.conftest import World
from tests.ventures.ventures_factories import make_alliance, make_venture
from typer.testing import CliRunner

from cofab.cli import app as cli_app
from cofab.core.access import SYSTEM_ACTOR
from cofab.core.tabular import read_table
from cofab.db.session import unit_of_work
from cofab.ventures import alliances, schemas
from cofab.ventures import cli as ventures_cli


@pytest.fixture
def run(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(ventures_cli, "engine", lambda: engine)
    monkeypatch.setenv("COFAB_LANG", "en")
    runner = CliRunner()
    return lambda *args: runner.invoke(cli_app, ["ventures", *args])


def test_list_show_and_statement(run: Any, world: World, engine: Engine, tmp_path: Path) -> None:
    with unit_of_work(engine) as session:
        venture = make_venture(
            session, world.partner_a, [(None, "70", 2), (world.partner_b, "30", 1)]
        )
        alliance = make_alliance(session, [None, world.partner_a, world.partner_b])
        us, alpha, bravo = (p.id for p in alliance.parties)
        item = alliances.add_coinvestment(
            session,
            actor=SYSTEM_ACTOR,
            alliance_id=alliance.id,
            data=schemas.CoInvestmentIn(
                title="Lab",
                budget=Decimal(900),
                keys=[
                    schemas.KeyIn(party_id=us, share_pct=Decimal("33.3333")),
                    schemas.KeyIn(party_id=alpha, share_pct=Decimal("33.3333")),
                    schemas.KeyIn(party_id=bravo, share_pct=Decimal("33.3334")),
                ],
            ),
        )
        alliances.add_entry(
            session,
            actor=SYSTEM_ACTOR,
            alliance_id=alliance.id,
            data=schemas.EntryIn(
                coinvestment_id=item.id,
                party_id=bravo,
                period="2027-01",
                kind="cost",
                amount=Decimal(100),
                currency="EUR",
            ),
        )
        vid, aid = venture.id, alliance.id
    listed = run("list")
    assert listed.exit_code == 0 and "Cell JV" in listed.output and "Recycling" in listed.output
    shown = run("show", str(vid), "--json")
    assert shown.exit_code == 0, shown.output
    assert '"equity_pct": "70.0000"' in shown.output
    out = tmp_path / "statement.xlsx"
    written = run("statement", "--alliance", str(aid), "--period", "2027-Q1", "--xlsx", str(out))
    assert written.exit_code == 0 and "Wrote 3 rows" in written.output, written.output
    rows = read_table(out.read_bytes(), out.name)
    # 100.00 in thirds: 33.33 / 33.33 / 33.34 (the cent to the largest remainder)
    assert [Decimal(r.values["cost_share"]) for r in rows] == [
        Decimal("33.33"),
        Decimal("33.33"),
        Decimal("33.34"),
    ]
    assert [Decimal(r.values["settlement"]) for r in rows] == [
        Decimal("-33.33"),
        Decimal("-33.33"),
        Decimal("66.66"),
    ]
    table = run("statement", "--alliance", str(aid), "--period", "2027")
    assert table.exit_code == 0 and "66.66" in table.output
    bad = run("statement", "--alliance", str(aid), "--period", "2027-13")
    assert bad.exit_code == 1 and "2027-13" in bad.output and "Traceback" not in bad.output
    missing = run("statement", "--alliance", "9999", "--period", "2027-Q1")
    assert missing.exit_code == 1 and "Not found" in missing.output


def test_create_refuses_equity_not_adding_to_100(
    run: Any, world: World, engine: Engine, tmp_path: Path
) -> None:
    import json

    body = {
        "partner_id": world.partner_a,
        "name": "File JV",
        "currency": "EUR",
        "parents": [
            {"partner_id": None, "equity_pct": "50", "board_seats": 1},
            {"partner_id": world.partner_b, "equity_pct": "45", "board_seats": 1},
        ],
    }
    path = tmp_path / "jv.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    refused = run("create", str(path))
    assert refused.exit_code == 1 and "Equity %: " in refused.output
    assert "95 %" in refused.output and "Traceback" not in refused.output
    body["parents"][1]["equity_pct"] = "50"  # type: ignore[index]
    path.write_text(json.dumps(body), encoding="utf-8")
    created = run("create", str(path))
    assert created.exit_code == 0 and "File JV" in created.output, created.output
