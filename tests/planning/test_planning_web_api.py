"""/api/v1/plans: upload → solve job → result, bad input, what-ifs, compare, partner users."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from tests.conftest import World

from cofab.core import jobs
from cofab.db.session import unit_of_work
from cofab.planning.models import Scenario


def two_site_doc(demand: float = 150, penalty: float = 10) -> dict[str, Any]:
    """S1 makes 100 at 1, S2 makes 100 at 2; M1 wants ``demand`` (unmet costs ``penalty``)."""
    return {
        "name": "Two sites",
        "products": [{"id": "P1", "family": "F1"}],
        "sites": [
            {"id": "S1", "capacity": 100, "unit_cost": {"P1": 1}},
            {"id": "S2", "capacity": 100, "unit_cost": {"P1": 2}},
        ],
        "markets": [{"id": "M1", "demand": {"P1": demand}, "unmet_penalty": penalty}],
        "lanes": [
            {"site": "S1", "market": "M1", "unit_cost": 0},
            {"site": "S2", "market": "M1", "unit_cost": 0},
        ],
    }


def run_worker(engine: Engine) -> int:
    return jobs.work(engine, once=True, kinds={"planning.solve", "planning.simulate"})


def solved(client: Any, engine: Engine, scenario_id: int) -> dict[str, Any]:
    started = client.post(f"/api/v1/plans/{scenario_id}/solve")
    assert started.status_code == 202, started.text
    assert run_worker(engine) == 1
    job = client.get(started.json()["job_url"]).json()
    assert job["status"] == "succeeded", job
    result = client.get(f"/api/v1/plans/{scenario_id}/result")
    assert result.status_code == 200, result.text
    return dict(result.json())


def test_upload_solve_in_worker_and_read_the_plan(world: World, api: Any, engine: Engine) -> None:
    client = api(world.users["manager"])
    created = client.post("/api/v1/plans", json={"input": two_site_doc()})
    assert created.status_code == 201, created.text
    scenario = created.json()
    assert scenario["name"] == "Two sites" and scenario["state"] == "draft"
    assert client.get(f"/api/v1/plans/{scenario['id']}/result").status_code == 409

    plan = solved(client, engine, scenario["id"])
    # cheapest: S1 full (100 × 1) + S2 the rest (50 × 2) = 200; nothing unmet
    assert plan["status"] == "optimal"
    assert plan["cost"]["total"] == pytest.approx(200)
    assert sorted(plan["engaged_sites"]) == ["S1", "S2"]
    by_site = {f["site"]: f["qty"] for f in plan["flows"]}
    assert by_site == pytest.approx({"S1": 100, "S2": 50})
    # S1 is full: one more unit there replaces a unit from S2, saving 2 - 1 = 1
    prices = {(p["site"], p["period"]): p["value"] for p in plan["shadow_prices"]}
    assert prices[("S1", "all")] == pytest.approx(1)

    read = client.get(f"/api/v1/plans/{scenario['id']}").json()
    assert read["state"] == "solved" and read["plan_status"] == "optimal"
    assert read["total_cost"] == pytest.approx(200)
    assert read["input"]["sites"][0]["id"] == "S1"
    listed = client.get("/api/v1/plans").json()
    assert [row["id"] for row in listed] == [scenario["id"]]


def test_bad_input_lists_every_problem_and_stores_nothing(
    world: World, api: Any, engine: Engine
) -> None:
    doc = two_site_doc()
    doc["sites"][0]["capacity"] = -5
    doc["markets"][0]["demand"]["P1"] = -1
    doc["lanes"].append({"site": "S9", "market": "M1"})
    doc["policy"] = {"max_share_per_site": 1.5}
    response = api(world.users["manager"]).post("/api/v1/plans", json={"input": doc})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    fields = {e["field"] for e in response.json()["errors"]}
    assert {
        "$.sites[0].capacity",
        "$.markets[0].demand.P1",
        "$.lanes[2].site",
        "$.policy.max_share_per_site",
    } <= fields
    with unit_of_work(engine) as session:
        assert session.execute(select(func.count(Scenario.id))).scalar_one() == 0


def test_problems_are_translated_for_korean_callers(world: World, api: Any) -> None:
    doc = two_site_doc()
    doc["lanes"].append({"site": "S9", "market": "M1"})
    response = api(world.users["manager"], locale="ko").post("/api/v1/plans", json={"input": doc})
    assert response.status_code == 422
    message = next(e for e in response.json()["errors"] if e["field"] == "$.lanes[2].site")
    text = message["message"]
    assert "S9" in text and any("\uac00" <= ch <= "\ud7a3" for ch in text)


def test_what_if_site_out_and_demand_up_are_children_that_compare(
    world: World, api: Any, engine: Engine
) -> None:
    client = api(world.users["manager"])
    parent = client.post("/api/v1/plans", json={"input": two_site_doc()}).json()
    solved(client, engine, parent["id"])

    out = client.post(
        f"/api/v1/plans/{parent['id']}/what-if", json={"kind": "sites_out", "site_ids": ["S1"]}
    )
    assert out.status_code == 201, out.text
    child = out.json()["scenario"]
    assert child["parent_id"] == parent["id"] and out.json()["job_id"]
    assert run_worker(engine) == 1
    plan = client.get(f"/api/v1/plans/{child['id']}/result").json()
    # S2 alone: 100 × 2 made, 50 unmet × 10 = 700
    assert plan["engaged_sites"] == ["S2"]
    assert plan["cost"]["total"] == pytest.approx(700)

    up = client.post(
        f"/api/v1/plans/{parent['id']}/what-if", json={"kind": "demand_scale", "factor": 1.3}
    ).json()["scenario"]
    assert run_worker(engine) == 1
    plan_up = client.get(f"/api/v1/plans/{up['id']}/result").json()
    # 195 wanted: 100 × 1 + 95 × 2 = 290
    assert plan_up["cost"]["total"] == pytest.approx(290)

    rows = client.get(
        "/api/v1/plans/compare", params=[("ids", parent["id"]), ("ids", child["id"])]
    ).json()
    assert [r["figures"]["total_cost"] for r in rows] == pytest.approx([200, 700])
    assert [r["figures"]["engaged_sites"] for r in rows] == [2, 1]
    assert rows[1]["figures"]["largest_site_share"] == pytest.approx(1.0)


def test_partner_out_built_from_the_registry_changes_engaged_sites(
    world: World, api: Any, engine: Engine
) -> None:
    client = api(world.users["manager"])
    body = {
        "name": "Registry plan",
        "periods": 2,
        "start": "2027-01",
        "partner_ids": [world.partner_a, world.partner_b],
        "markets": [{"id": "KR", "region": "KR", "demand": 150}],
    }
    created = client.post("/api/v1/plans/from-registry", json=body)
    assert created.status_code == 201, created.text
    scenario = created.json()
    doc = scenario["input"]
    assert doc["periods"] == ["2027-01", "2027-02"]
    assert {s["capacity"]["F1"] for s in doc["sites"]} == {100}
    assert set(scenario["site_partners"].values()) == {world.partner_a, world.partner_b}
    plan = solved(client, engine, scenario["id"])
    site_a = next(k for k, v in scenario["site_partners"].items() if v == world.partner_a)
    site_b = next(k for k, v in scenario["site_partners"].items() if v == world.partner_b)
    assert sorted(plan["engaged_sites"]) == sorted([site_a, site_b])

    response = client.post(
        f"/api/v1/plans/{scenario['id']}/what-if",
        json={"kind": "partner_out", "partner_id": world.partner_a},
    )
    assert response.status_code == 201, response.text
    assert run_worker(engine) == 1
    child = response.json()["scenario"]
    out_plan = client.get(f"/api/v1/plans/{child['id']}/result").json()
    assert out_plan["engaged_sites"] == [site_b]
    # B's site makes 100 a month, 1 % scrapped by the default defect rate: 99 shipped of 150
    assert sum(u["qty"] for u in out_plan["unmet"]) == pytest.approx(2 * (150 - 99))


def test_simulation_runs_as_a_job_and_reaches_compare(
    world: World, api: Any, engine: Engine
) -> None:
    client = api(world.users["manager"])
    first = client.post("/api/v1/plans", json={"input": two_site_doc()}).json()
    second = client.post("/api/v1/plans", json={"input": two_site_doc(demand=100)}).json()
    assert client.post(f"/api/v1/plans/{first['id']}/simulate", json={}).status_code == 409
    solved(client, engine, first["id"])
    solved(client, engine, second["id"])
    started = client.post(
        f"/api/v1/plans/{first['id']}/simulate", json={"scenarios": 500, "seed": 3}
    )
    assert started.status_code == 202, started.text
    assert run_worker(engine) == 1
    plan = client.get(f"/api/v1/plans/{first['id']}/result").json()
    assert plan["simulation"]["scenarios"] == 500
    assert 0 <= plan["simulation"]["fill_rate"]["p5"] <= 1
    rows = client.get(
        "/api/v1/plans/compare", params=[("ids", first["id"]), ("ids", second["id"])]
    ).json()
    assert rows[0]["figures"]["fill_rate_p5"] == plan["simulation"]["fill_rate"]["p5"]
    assert rows[1]["figures"]["fill_rate_p5"] is None
    listed = {row["id"]: row["simulated"] for row in client.get("/api/v1/plans").json()}
    assert listed == {first["id"]: True, second["id"]: False}


def test_make_or_buy_break_even(world: World, api: Any) -> None:
    case = {
        "periods": 10,
        "own": {"capex": 1000, "unit_cost": 2},
        "outsource": {"unit_price": 3},
        "levels": [50, 200],
    }
    result = api(world.users["viewer"]).post("/api/v1/plans/make-or-buy", json=case)
    assert result.status_code == 200, result.text
    doc = result.json()
    # 1000 + 2·v·10 = 3·v·10  →  v = 100 per period
    assert doc["break_even_volume_per_period"] == pytest.approx(100)
    assert [row["cheaper"] for row in doc["levels"]] == ["outsource", "own"]
    bad = api(world.users["viewer"]).post("/api/v1/plans/make-or-buy", json={"periods": 0})
    assert bad.status_code == 422 and len(bad.json()["errors"]) >= 3


def test_roles_viewer_reads_partner_users_get_404(world: World, api: Any) -> None:
    manager = api(world.users["manager"])
    scenario = manager.post("/api/v1/plans", json={"input": two_site_doc()}).json()
    viewer = api(world.users["viewer"])
    assert viewer.get(f"/api/v1/plans/{scenario['id']}").status_code == 200
    assert viewer.post("/api/v1/plans", json={"input": two_site_doc()}).status_code == 403
    assert viewer.post(f"/api/v1/plans/{scenario['id']}/solve").status_code == 403
    partner = api(world.users["partner_a"])
    assert partner.get("/api/v1/plans").status_code == 404
    assert partner.get(f"/api/v1/plans/{scenario['id']}").status_code == 404
    assert partner.post("/api/v1/plans", json={"input": two_site_doc()}).status_code == 404
    assert partner.post(f"/api/v1/plans/{scenario['id']}/solve").status_code == 404


def test_registry_plan_with_entered_lanes_and_an_empty_registry(
    world: World, api: Any, engine: Engine
) -> None:
    client = api(world.users["manager"])
    # the world's partners are prospects: nothing active or approved to plan with
    empty = client.post("/api/v1/plans/from-registry", json={"name": "Nothing"})
    assert empty.status_code == 422
    assert "No active or approved partner" in empty.json()["detail"]

    body = {
        "name": "Only Bravo ships",
        "periods": 1,
        "partner_ids": [world.partner_a, world.partner_b],
        "markets": [{"id": "KR", "region": "KR", "demand": 50, "unmet_penalty": 100}],
        "lanes": [{"site": "Bravo Bioworks Site", "market": "KR", "unit_cost": 1}],
    }
    created = client.post("/api/v1/plans/from-registry", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["input"]["lanes"] == [
        {"site": "Bravo Bioworks Site", "market": "KR", "unit_cost": 1}
    ]
    plan = solved(client, engine, created.json()["id"])
    assert plan["engaged_sites"] == ["Bravo Bioworks Site"]


def test_uploaded_sites_named_like_registry_sites_can_be_taken_out_by_partner(
    world: World, api: Any, engine: Engine
) -> None:
    doc = two_site_doc()
    renames = {"S1": "SITE-a", "S2": "Bravo Bioworks Site"}  # external ref, then site name
    for site in doc["sites"]:
        site["id"] = renames[site["id"]]
    for lane in doc["lanes"]:
        lane["site"] = renames[lane["site"]]
    client = api(world.users["manager"])
    scenario = client.post("/api/v1/plans", json={"input": doc}).json()
    assert scenario["site_partners"] == {
        "SITE-a": world.partner_a,
        "Bravo Bioworks Site": world.partner_b,
    }
    out = client.post(
        f"/api/v1/plans/{scenario['id']}/what-if",
        json={"kind": "partner_out", "partner_id": world.partner_b, "solve": False},
    )
    assert out.status_code == 201 and out.json()["job_id"] is None
    child = client.get(f"/api/v1/plans/{out.json()['scenario']['id']}").json()
    assert [s["id"] for s in child["input"]["sites"]] == ["SITE-a"]
    assert child["what_if"] == {
        "kind": "partner_out",
        "partner_id": world.partner_b,
        "sites": ["Bravo Bioworks Site"],
    }
