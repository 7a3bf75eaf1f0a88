"""``cofab forecast``: demand upload all-or-nothing, publish, convert once, accuracy table."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from tests.conftest import World
from tests.forecast.forecast_factories import flow, solved_scenario
from typer.testing import CliRunner

from cofab.cli import app as cli_app
from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.forecast import cli as forecast_cli
from cofab.forecast import schemas, service


@pytest.fixture
def run(engine: Engine, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(forecast_cli, "engine", lambda: engine)
    monkeypatch.setenv("COFAB_LANG", "en")
    runner = CliRunner()
    return lambda *args: runner.invoke(cli_app, ["forecast", *args])


def test_cli_loop(run, world: World, engine: Engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        service.upsert_product(
            session, actor=SYSTEM_ACTOR, data=schemas.ProductUpsert(code="P1", family="F1")
        )
    bad = tmp_path / "bad.csv"
    bad.write_text("product,market,period,qty\nP1,KR,2027-01,5\nP7,KR,2027-01,5\n")
    refused = run("demand-upload", str(bad))
    assert refused.exit_code == 1
    assert "row 3" in refused.output and "Traceback" not in refused.output
    good = tmp_path / "good.csv"
    good.write_text("product,market,period,qty\nP1,KR,2027-01,5\n")
    saved = run("demand-upload", str(good), "--name", "Jan")
    assert saved.exit_code == 0 and "version 1" in saved.output
    scenario_id = solved_scenario(engine, {"A1": world.partner_a}, [flow("A1", "P1", "2027-01", 9)])
    published = run("publish", str(scenario_id), "--frozen", "1")
    assert published.exit_code == 0 and "Release 1" in published.output, published.output
    with unit_of_work(engine) as session:
        publication_id = service.list_publications(session, actor=SYSTEM_ACTOR)[0].id
    first = run("convert", str(publication_id))
    assert "1 forecast lines became 1 orders" in first.output, first.output
    again = run("convert", str(publication_id))
    assert "0 forecast lines became 0 orders" in again.output
    assert run("publish", "999999").exit_code == 1
    table = run("accuracy", "--until", "2030-01-01")
    assert table.exit_code == 0 and "F1" in table.output
    assert run("accuracy", "--basis", "shipped").exit_code == 1


def test_cli_resolve_and_targets(run, world: World, engine: Engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    scenario_id = solved_scenario(
        engine, {"A1": world.partner_a}, [flow("A1", "P1", "2027-01", 9)], periods=["2027-01"]
    )
    assert run("publish", str(scenario_id)).exit_code == 0
    nothing = run("resolve", "1")
    assert nothing.exit_code == 1 and "nothing to cap" in nothing.output, nothing.output
    with unit_of_work(engine) as session:
        line = service.publication_lines(
            session,
            actor=SYSTEM_ACTOR,
            publication_id=service.list_publications(session, actor=SYSTEM_ACTOR)[0].id,
        )[0]
        line.status, line.committed_qty = "committed", line.planned_qty
    made = run("resolve", "1")
    assert made.exit_code == 0 and "with 1 capacity caps" in made.output, made.output
    table = run("targets", "--as-of", "2027-01-20")
    assert table.exit_code == 0 and "┃ part" in table.output, table.output
    out = tmp_path / "targets.csv"
    written = run("targets", "--csv", str(out))
    assert written.exit_code == 0 and "1 rows written" in written.output
    header, row = out.read_text(encoding="utf-8-sig").splitlines()
    assert header.startswith("partner_id,partner,family,period,target,planned,committed")
    cells = row.split(",")
    assert cells[:5] == [str(world.partner_a), "Alpha Assembly", "F1", "2027-01", ""], row
    assert [float(c) for c in cells[5:7]] == [9.0, 9.0]  # planned, committed; no target
    assert run("targets", "--as-of", "soon").exit_code == 1
