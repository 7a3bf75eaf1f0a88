"""``cofab risk tts --live``: the registry's network from the command line, same figures as the
page (each site 100 F1 a month, demand 0.6 × 200 over 3 markets, Alpha's free stock 90)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine
from tests.conftest import World
from typer.testing import CliRunner

from cofab.cli import app
from cofab.db.session import unit_of_work
from cofab.operations.models import InventorySnapshot
from cofab.partners.models import Partner
from cofab.risk import cli as risk_cli


def test_live_network_on_the_command_line(
    world: World, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COFAB_LANG", "en")
    monkeypatch.setattr(risk_cli, "engine", lambda: engine)
    with unit_of_work(engine) as session:
        for pid in (world.partner_a, world.partner_b):
            session.get(Partner, pid).status = "active"  # type: ignore[union-attr]
        session.add(
            InventorySnapshot(
                partner_id=world.partner_a,
                site_id=world.ids["a"]["site_id"],
                item="F1",
                at=datetime(2026, 1, 1, tzinfo=UTC),
                on_hand=Decimal(100),
                reserved=Decimal(10),
                in_transit=Decimal(0),
                posted_by="t",
            )
        )
    runner = CliRunner()
    out = runner.invoke(app, ["risk", "tts", "--live", "--ttr", "8", "--json"])
    assert out.exit_code == 0, out.output
    rows = {r["node"]: r for r in json.loads(out.stdout)["nodes"]}
    gap = 120 * 12 / 52 - 100 * 12 / 52
    assert rows["Bravo Bioworks Site"]["tts_weeks"] == pytest.approx(90 / gap, rel=1e-4)
    assert rows["Alpha Assembly Site"]["exposed"] and rows["Alpha Assembly"]["kind"] == "partner"
    assert rows["Alpha Assembly Site"]["lost_units"] == pytest.approx(8 * gap, rel=1e-4)

    table = runner.invoke(app, ["risk", "tts", "--live"])
    assert table.exit_code == 0 and "Bravo" in table.stdout and "19.5" in table.stdout
    both = runner.invoke(app, ["risk", "tts"])
    assert both.exit_code == 1 and "--live" in both.stderr
    bad = runner.invoke(app, ["risk", "tts", "--live", "--ttr", "-2"])
    assert bad.exit_code == 1 and "--ttr" in bad.stderr


def test_site_ttr_on_the_command_line(
    world: World, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COFAB_LANG", "en")
    monkeypatch.setattr(risk_cli, "engine", lambda: engine)
    with unit_of_work(engine) as session:
        for pid in (world.partner_a, world.partner_b):
            session.get(Partner, pid).status = "active"  # type: ignore[union-attr]
    runner = CliRunner()
    site_b = world.ids["b"]["site_id"]
    saved = runner.invoke(app, ["risk", "ttr", "--site", str(site_b), "--weeks", "26"])
    assert saved.exit_code == 0, saved.output
    assert "Bravo Bioworks Site (Bravo Bioworks): time to recover 26 weeks." in saved.stdout
    listed = runner.invoke(app, ["risk", "ttr"])
    assert listed.exit_code == 0 and "26.0" in listed.stdout and "Alpha Assembly" in listed.stdout
    for args, word in (
        (["--site", str(site_b), "--weeks", "-1"], "ttr_weeks"),
        (["--site", "999999", "--weeks", "3"], "site_id"),
        (["--site", str(site_b)], "--weeks"),
    ):
        bad = runner.invoke(app, ["risk", "ttr", *args])
        assert bad.exit_code == 1 and word in bad.stderr, bad.output
    live = runner.invoke(app, ["risk", "tts", "--live", "--ttr", "4", "--json"])
    rows = {r["node"]: r for r in json.loads(live.stdout)["nodes"]}
    assert (
        rows["Bravo Bioworks Site"]["ttr_weeks"] == 26
        and rows["Alpha Assembly Site"]["ttr_weeks"] == 4
    )


def test_monthly_figures_become_weekly_at_any_depth() -> None:
    """A capacity ramp ({family: {period: n}}) is a legal planner capacity; the live TTS page
    failed with a 500 on it (float() of a dict)."""
    from cofab.risk.live_network import WEEKS_PER_MONTH, weekly

    month = WEEKS_PER_MONTH
    got = weekly({"F1": {"2027-01": 10 * month, "2027-02": 20 * month}, "F2": 5 * month})
    assert got == {"F1": {"2027-01": 10.0, "2027-02": 20.0}, "F2": 5.0}
    assert weekly(3 * month) == 3.0
