"""The owner's exchange-rate and freight-unit tables over the API and the CLI: replaced whole,
refused by field (nothing written), audited, partners 404; a live registry scenario built after
a change uses them."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, select
from tests.conftest import World, csrf_of, login
from typer.testing import CliRunner

from cofab.core.audit import AuditEntry
from cofab.db.session import unit_of_work
from cofab.planning import cli

PAGE = "/planning/settings/conversions"
RATES = "/api/v1/plans/settings/exchange-rates"
FREIGHT = "/api/v1/plans/settings/freight-units"


def test_tables_over_the_api(world: World, engine: Engine, api: Any) -> None:
    manager = api(world.users["manager"])
    assert manager.get(RATES).json() == []
    put = manager.put(RATES, json={"rates": [{"currency": "krw", "usd_value": 0.00075}]})
    assert put.status_code == 200, put.text
    assert [(r["currency"], float(r["usd_value"])) for r in put.json()] == [("KRW", 0.00075)]
    refused = manager.put(
        RATES,
        json={
            "rates": [{"currency": "EUR", "usd_value": 1.1}, {"currency": "EUR", "usd_value": 1}]
        },
    )
    assert refused.status_code == 422
    assert [p["field"] for p in refused.json()["errors"]] == ["rates[1].currency"]
    assert [r["currency"] for r in manager.get(RATES).json()] == ["KRW"]  # nothing written
    units = {"units": [{"product": "F1", "unit_kg": 2, "units_per_container": 250}]}
    assert manager.put(FREIGHT, json=units).status_code == 200
    empty = manager.put(FREIGHT, json={"units": [{"product": "F2"}]})
    assert empty.status_code == 422
    assert [(u["product"], float(u["unit_kg"])) for u in manager.get(FREIGHT).json()] == [
        ("F1", 2.0)
    ]
    assert api(world.users["partner_a"]).get(RATES).status_code == 404
    assert api(world.users["viewer"]).put(FREIGHT, json=units).status_code == 403
    with unit_of_work(engine, write=False) as session:
        entries = session.execute(
            select(AuditEntry.entity, AuditEntry.after).where(
                AuditEntry.entity.in_(("plan_exchange_rates", "plan_freight_units"))
            )
        ).all()
    assert sorted(e for e, _a in entries) == ["plan_exchange_rates", "plan_freight_units"]


def test_tables_from_the_cli(world: World, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "engine", lambda: engine)
    monkeypatch.setenv("COFAB_LANG", "en")
    runner = CliRunner()
    manager = world.users["manager"]
    first = runner.invoke(cli.app, ["rates", "KRW=0.00075", "--as", manager])
    assert first.exit_code == 0, first.output
    second = runner.invoke(cli.app, ["rates", "eur=1.25", "--as", manager])
    assert second.exit_code == 0 and "KRW" in second.output and "EUR" in second.output
    bad = runner.invoke(cli.app, ["rates", "KRW=abc", "--as", manager])
    assert bad.exit_code == 1 and "KRW=abc" in bad.output
    refused = runner.invoke(cli.app, ["rates", "KRW=0", "--as", manager])
    assert refused.exit_code == 1 and "above 0" in refused.output
    boxed = runner.invoke(cli.app, ["freight", "P-A", "--per-container", "400", "--as", manager])
    assert boxed.exit_code == 0, boxed.output
    assert "P-A" in boxed.output and "400" in boxed.output
    listed = runner.invoke(cli.app, ["rates"])
    assert "1.25" in listed.output and "0.00075" in listed.output


def test_tables_on_the_page(world: World, base_url: str, api: Any) -> None:
    page = login(base_url, world.users["manager"])
    token = csrf_of(page, PAGE)
    saved = page.post(
        PAGE,
        data={
            "csrf_token": token,
            "rates_text": "KRW 0.00075\neur=1.25\n",
            "freight_text": "NMC pouch cell; 0.9; 20000\nP-A; ; 400",
        },
    )
    assert saved.status_code == 303, saved.text[:500]
    shown = page.get(PAGE).text
    assert "EUR 1.25" in shown and "NMC pouch cell; 0.9; 20000" in shown and "P-A; ; 400" in shown
    refused = page.post(
        PAGE,
        data={"csrf_token": token, "rates_text": "KRW\nEUR 0", "freight_text": "F1; x; 3"},
    )
    assert refused.status_code == 422
    assert "Line 1" in refused.text and "F1; x; 3" in refused.text  # the lines typed are kept
    manager = api(world.users["manager"])
    assert [r["currency"] for r in manager.get(RATES).json()] == ["EUR", "KRW"]  # unchanged
    viewer = login(base_url, world.users["viewer"])
    assert "readonly" in viewer.get(PAGE).text
    assert login(base_url, world.users["partner_a"]).get(PAGE).status_code == 404
