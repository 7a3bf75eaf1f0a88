"""Refresh from live data over the API, the page and the CLI; inputs diff next to the allocation
diff; the register's disruption profile in a simulated registry scenario."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from tests.conftest import World, csrf_of, login
from typer.testing import CliRunner

from cofab.contracts.models import Contract, ContractParty, ContractVersion
from cofab.core import jobs
from cofab.db.session import unit_of_work
from cofab.planning import cli
from cofab.risk.models import Risk

SITE_A, SITE_B = "Alpha Assembly Site", "Bravo Bioworks Site"


def run_worker(engine: Engine) -> int:
    return jobs.work(engine, once=True, kinds={"planning.solve", "planning.simulate"})


def solved(client: Any, engine: Engine, scenario_id: int) -> dict[str, Any]:
    assert client.post(f"/api/v1/plans/{scenario_id}/solve").status_code == 202
    assert run_worker(engine) == 1
    return dict(client.get(f"/api/v1/plans/{scenario_id}/result").json())


def price_contract(engine: Engine, partner_id: int, price: str) -> None:
    now = datetime.now(UTC)
    start, end = now - timedelta(days=10), now + timedelta(days=300)
    with unit_of_work(engine) as session:
        contract = Contract(
            kind="supply",
            title="Bravo supply",
            status="active",
            partner_id=partner_id,
            effective_from=start,
            effective_to=end,
        )
        session.add(contract)
        session.flush()
        session.add(ContractParty(contract_id=contract.id, partner_id=partner_id, position=0))
        session.add(
            ContractVersion(
                contract_id=contract.id,
                partner_id=partner_id,
                number=1,
                status="active",
                effective_from=start,
                effective_to=end,
                terms={
                    "cost": {
                        "currency": "USD",
                        "price_tiers": [{"min_volume": "0", "unit_price": price}],
                    }
                },
                activated_at=start,
            )
        )


def registry_body(world: World) -> dict[str, Any]:
    return {
        "name": "Live plan",
        "periods": 2,
        "start": "2027-01",
        "partner_ids": [world.partner_a, world.partner_b],
        "markets": [{"id": "KR", "region": "KR", "demand": 150}],
    }


def test_refresh_makes_a_linked_version_and_compare_explains_the_move(
    world: World, api: Any, engine: Engine
) -> None:
    client = api(world.users["manager"])
    first = client.post("/api/v1/plans/from-registry", json=registry_body(world)).json()
    live = first["live_inputs"]
    flags = {(e["input"], e["subject"]): e["live"] for e in live["inputs"]}
    # no contract yet: generated prices (10 × country index: VN 0.9 → 9, KR 1.6 → 16)
    assert not flags[("unit_cost", f"{SITE_B} · F1")]
    assert flags[("demand", "KR")]  # entered with the scenario
    units = {s["id"]: s["unit_cost"]["F1"] for s in first["input"]["sites"]}
    assert units == {SITE_A: 9.0, SITE_B: 16.0}
    plan = solved(client, engine, first["id"])
    # 150 a month; 100 made = 99 good per site; A is cheaper (9/0.99 + freight) so it runs full
    shipped = {f["site"]: 0.0 for f in plan["flows"]}
    for flow in plan["flows"]:
        shipped[flow["site"]] += flow["qty"]
    assert shipped == pytest.approx({SITE_A: 198, SITE_B: 102})

    # both partners sign: A at 12 (dearer than its generated 9), B at 1 (cheaper than 16)
    price_contract(engine, world.partner_a, "12")
    price_contract(engine, world.partner_b, "1")
    response = client.post(f"/api/v1/plans/{first['id']}/refresh")
    assert response.status_code == 201, response.text
    second = response.json()
    assert (second["parent_id"], second["version"]) == (first["id"], 2)
    assert second["input"]["periods"] == ["2027-01", "2027-02"]
    units = {s["id"]: s["unit_cost"]["F1"] for s in second["input"]["sites"]}
    assert units == {SITE_A: 12.0, SITE_B: 1.0}
    # the default penalty: 10 × (dearest unit 12 + dearest lane), at least 1,000 → 1,000
    assert second["input"]["markets"][0]["unmet_penalty"] == 1000
    solved(client, engine, second["id"])

    diff = client.get(
        "/api/v1/plans/compare/inputs", params=[("ids", first["id"]), ("ids", second["id"])]
    ).json()
    kinds = {(c["kind"], c["subject"]): (c["before"], c["after"]) for c in diff["inputs"]}
    assert kinds[("unit_cost", f"{SITE_B} · F1")] == (16.0, 1.0)
    assert kinds[("unit_cost", f"{SITE_A} · F1")] == (9.0, 12.0)
    # fixed cost = 5 % of a month of capacity at the unit price: 0.05 × 16 × 100 → 0.05 × 1 × 100
    assert kinds[("fixed_cost", SITE_B)] == (80.0, 5.0)
    origins = {o["subject"]: o for o in diff["origins"]}
    assert origins[f"unit_cost: {SITE_B} · F1"]["before"]["live"] is False
    assert origins[f"unit_cost: {SITE_B} · F1"]["after"]["live"] is True
    moved = {row["site"]: row for row in diff["allocation"]}
    # B now costs 1/0.99 + 0.5 freight a good unit, A 12/0.99 + more: B runs full
    assert (moved[SITE_B]["before"], moved[SITE_B]["after"]) == pytest.approx((102, 198))
    assert moved[SITE_A]["delta"] == pytest.approx(-96)
    assert {r["kind"] for r in moved[SITE_B]["reasons"]} == {"unit_cost", "fixed_cost"}

    one = client.get("/api/v1/plans/compare/inputs", params=[("ids", first["id"])])
    assert one.status_code == 422
    upload = client.post(
        "/api/v1/plans", json={"input": dict(first["input"], name="Uploaded")}
    ).json()
    refused = client.post(f"/api/v1/plans/{upload['id']}/refresh")
    assert refused.status_code == 409
    assert "registry" in refused.json()["detail"]
    assert client.post("/api/v1/plans/999999/refresh").status_code == 404
    partner = api(world.users["partner_a"])
    assert partner.post(f"/api/v1/plans/{first['id']}/refresh").status_code == 404


def test_page_lists_inputs_and_refreshes_into_compare(
    world: World, api: Any, base_url: str, engine: Engine
) -> None:
    scenario = (
        api(world.users["manager"])
        .post("/api/v1/plans/from-registry", json=registry_body(world))
        .json()
    )
    page = login(base_url, world.users["manager"])
    html = page.get(f"/planning/{scenario['id']}").text
    assert 'data-testid="live-inputs"' in html and 'data-testid="refresh-button"' in html
    assert "No active contract with price tiers" in html
    token = csrf_of(page, f"/planning/{scenario['id']}")
    price_contract(engine, world.partner_b, "1")
    done = page.post(
        f"/planning/{scenario['id']}/refresh", data={"csrf_token": token}, follow_redirects=True
    )
    assert done.status_code == 200
    assert 'data-testid="input-changes"' in done.text and "16.0" in done.text
    page.cookies.set("cofab_lang", "ko")
    ko_html = page.get(f"/planning/{scenario['id']}").text
    assert "실데이터로 갱신" in ko_html and "단가 구간이 있는 유효 계약 없음" in ko_html


def test_cli_refresh_inputs_and_changes(
    world: World, engine: Engine, api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "engine", lambda: engine)
    monkeypatch.setenv("COFAB_LANG", "en")
    client = api(world.users["manager"])
    scenario = client.post("/api/v1/plans/from-registry", json=registry_body(world)).json()
    runner = CliRunner()
    price_contract(engine, world.partner_b, "1")
    result = runner.invoke(
        cli.app, ["refresh", str(scenario["id"]), "--as", world.users["manager"]]
    )
    assert result.exit_code == 0, result.output
    assert "(version 2)" in result.output and "Live data" in result.output
    new_id = int(result.output.split("Scenario ", 1)[1].split(" ", 1)[0])
    changes = runner.invoke(cli.app, ["changes", str(scenario["id"]), str(new_id)])
    assert changes.exit_code == 0, changes.output
    assert "unit_cost" in changes.output and "16.0" in changes.output
    listed = runner.invoke(cli.app, ["inputs", str(new_id)])
    assert listed.exit_code == 0 and "Contract" in listed.output and "Live data" in listed.output
    upload = client.post("/api/v1/plans", json={"input": scenario["input"]}).json()
    refused = runner.invoke(cli.app, ["refresh", str(upload["id"])])
    assert refused.exit_code == 1
    assert "Traceback" not in refused.output


def test_simulation_takes_the_register_profile_of_a_registry_site(
    world: World, api: Any, engine: Engine
) -> None:
    client = api(world.users["manager"])
    scenario = client.post("/api/v1/plans/from-registry", json=registry_body(world)).json()
    with unit_of_work(engine) as session:
        # likelihood 4 (1 event a year), impact 5 (13 weeks down)
        session.add(
            Risk(
                external_ref="R-FLOOD",
                title="Flood",
                category="natural_hazard",
                site_id=world.ids["a"]["site_id"],
                likelihood=4,
                impact=5,
            )
        )
    solved(client, engine, scenario["id"])
    started = client.post(
        f"/api/v1/plans/{scenario['id']}/simulate", json={"scenarios": 50, "seed": 2}
    )
    assert started.status_code == 202, started.text
    assert run_worker(engine) == 1
    simulation = client.get(f"/api/v1/plans/{scenario['id']}/result").json()["simulation"]
    profile = simulation["register_disruptions"]
    assert list(profile) == [SITE_A]
    # P(a month sees the event) = 1 − exp(−1 × (52/12)/52); 13 weeks = 3 months of 52/12 weeks
    assert profile[SITE_A]["probability"] == pytest.approx(1 - math.exp(-1 / 12), abs=1e-6)
    assert profile[SITE_A]["duration"] == {"distribution": "geometric", "mean": 3.0}
    assert profile[SITE_A]["risks"] == ["R-FLOOD"]
