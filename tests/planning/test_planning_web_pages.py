"""Planning pages: upload, solve with a progress bar, the plan views, what-if, make-or-buy."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
from sqlalchemy import Engine, func, select
from tests.conftest import World, csrf_of, login
from tests.planning.test_planning_web_api import run_worker, two_site_doc

from cofab.db.session import unit_of_work
from cofab.planning.models import Scenario


def manager(world: World, base_url: str) -> tuple[httpx.Client, str]:
    client = login(base_url, world.users["manager"])
    return client, csrf_of(client, "/planning")


def upload(client: httpx.Client, csrf: str, doc: Any, name: str = "") -> httpx.Response:
    files = {"file": ("input.json", json.dumps(doc).encode(), "application/json")}
    return client.post("/planning/upload", data={"csrf_token": csrf, "name": name}, files=files)


def scenario_id(response: httpx.Response) -> int:
    assert response.status_code == 303, response.text[:500]
    match = re.fullmatch(r"/planning/(\d+)", response.headers["location"])
    assert match
    return int(match.group(1))


def test_upload_solve_and_see_the_plan(world: World, base_url: str, engine: Engine) -> None:
    client, csrf = manager(world, base_url)
    assert "No scenarios yet" in client.get("/planning").text
    sid = scenario_id(upload(client, csrf, two_site_doc(), name="Uploaded"))
    page = client.get(f"/planning/{sid}")
    assert page.status_code == 200 and "This scenario has no plan yet." in page.text

    solve = client.post(f"/planning/{sid}/solve", data={"csrf_token": csrf})
    assert solve.status_code == 303
    waiting = client.get(f"/planning/{sid}").text
    assert 'data-testid="solve-progress"' in waiting
    assert re.search(rf"hx-get=\"/jobs/\d+/progress\?then=/planning/{sid}\"", waiting)
    assert run_worker(engine) == 1

    html = client.get(f"/planning/{sid}").text
    assert 'data-testid="flow-diagram"' in html
    # one band per site → market pair that carries volume: S1 → M1 and S2 → M1
    assert html.count('class="flow-band"') == 2
    heat = re.search(r'data-testid="heatmap">(.*?)</table>', html, re.S)
    assert heat and heat.group(1).count('class="right mono heat"') == 2
    assert "100 %" in heat.group(1) and "50 %" in heat.group(1)
    assert "One more unit of capacity at S1 (all families) in all saves 1.00." in html
    costs = re.search(r'data-testid="cost-table">(.*?)</table>', html, re.S)
    assert costs and "200" in costs.group(1)


def test_infeasible_plan_explains_what_cannot_be_covered(
    world: World, base_url: str, engine: Engine
) -> None:
    client, csrf = manager(world, base_url)
    doc = two_site_doc(demand=260)
    del doc["markets"][0]["unmet_penalty"]
    sid = scenario_id(upload(client, csrf, doc))
    client.post(f"/planning/{sid}/solve", data={"csrf_token": csrf})
    run_worker(engine)
    html = client.get(f"/planning/{sid}").text
    block = re.search(r'data-testid="infeasibility">(.*?)</div>', html, re.S)
    assert block, html[:2000]
    # 200 units of capacity against 260 wanted: 60 short
    assert "60 of 260 units cannot be covered" in block.group(1)


def test_bad_upload_lists_every_problem_and_stores_nothing(
    world: World, base_url: str, engine: Engine
) -> None:
    client, csrf = manager(world, base_url)
    doc = two_site_doc()
    doc["sites"][1]["capacity"] = -1
    doc["lanes"].append({"site": "S7", "market": "M9"})
    response = upload(client, csrf, doc)
    assert response.status_code == 422
    assert "$.sites[1].capacity" in response.text
    assert "$.lanes[2].site" in response.text and "$.lanes[2].market" in response.text
    not_json = client.post("/planning/upload", data={"csrf_token": csrf, "document": "{not json"})
    assert not_json.status_code == 422 and "Not valid JSON" in not_json.text
    with unit_of_work(engine) as session:
        assert session.execute(select(func.count(Scenario.id))).scalar_one() == 0


def test_one_click_what_if_compare_and_make_or_buy(
    world: World, base_url: str, engine: Engine
) -> None:
    client, csrf = manager(world, base_url)
    sid = scenario_id(upload(client, csrf, two_site_doc()))
    client.post(f"/planning/{sid}/solve", data={"csrf_token": csrf})
    run_worker(engine)
    response = client.post(
        f"/planning/{sid}/what-if",
        data={"csrf_token": csrf, "kind": "demand_scale", "factor": "130"},
    )
    child = scenario_id(response)
    assert child != sid
    run_worker(engine)
    html = client.get(f"/planning/{child}").text
    assert "What-if of" in html and "demand +30%" in html

    compare = client.get(f"/planning/compare?ids={sid}&ids={child}")
    assert compare.status_code == 200
    table = re.search(r'data-testid="compare-table">(.*?)</table>', compare.text, re.S)
    assert table and "200" in table.group(1) and "290" in table.group(1)

    mob = client.post(
        f"/planning/{sid}/make-or-buy",
        data={
            "csrf_token": csrf,
            "periods": "10",
            "discount_rate": "0",
            "capex": "1000",
            "own_unit_cost": "2",
            "partner_price": "3",
            "levels": "50, 200",
        },
    )
    assert mob.status_code == 200
    result = re.search(r'data-testid="make-or-buy-result">(.*?)</table>', mob.text, re.S)
    assert result and "100.0 units per period" in result.group(1)
    bad = client.post(f"/planning/{sid}/make-or-buy", data={"csrf_token": csrf, "periods": "x"})
    assert bad.status_code == 422


def test_registry_form_builds_a_scenario_with_partner_out_buttons(
    world: World, base_url: str
) -> None:
    client, csrf = manager(world, base_url)
    response = client.post(
        "/planning/from-registry",
        data={
            "csrf_token": csrf,
            "name": "From registry",
            "periods": "2",
            "partner_ids": [str(world.partner_a), str(world.partner_b)],
            "m_id": ["KR", ""],
            "m_region": ["KR", ""],
            "m_demand": ["150", ""],
            "m_penalty": ["", ""],
        },
    )
    sid = scenario_id(response)
    html = client.get(f"/planning/{sid}").text
    assert f'data-testid="what-if-partner-{world.partner_a}"' in html
    assert "Alpha Assembly out" in html


def test_pages_speak_korean_and_hide_from_partner_users(
    world: World, base_url: str, api: Any
) -> None:
    sid = api(world.users["manager"]).post("/api/v1/plans", json={"input": two_site_doc()})
    sid_value = sid.json()["id"]
    client, _ = manager(world, base_url)
    client.cookies.set("cofab_lang", "ko")
    assert "생산능력 계획" in client.get("/planning").text
    partner = login(base_url, world.users["partner_a"])
    assert partner.get("/planning").status_code == 404
    assert partner.get(f"/planning/{sid_value}").status_code == 404
    assert 'href="/planning"' not in partner.get("/").text


def test_invalid_what_if_is_refused_with_its_problems(
    world: World, base_url: str, engine: Engine
) -> None:
    client, csrf = manager(world, base_url)
    sid = scenario_id(upload(client, csrf, two_site_doc()))
    first = client.post(
        f"/planning/{sid}/what-if", data={"csrf_token": csrf, "kind": "sites_out", "site_ids": "S1"}
    )
    child = scenario_id(first)
    # taking the last site out of the child leaves a document the loader refuses
    last = client.post(
        f"/planning/{child}/what-if",
        data={"csrf_token": csrf, "kind": "sites_out", "site_ids": "S2"},
    )
    assert last.status_code == 422
    assert "The what-if scenario is not valid" in last.text and "$.sites" in last.text
    empty = client.post(f"/planning/{sid}/what-if", data={"csrf_token": csrf, "kind": "sites_out"})
    assert empty.status_code == 422 and "Choose at least one site." in empty.text
    with unit_of_work(engine) as session:
        assert session.execute(select(func.count(Scenario.id))).scalar_one() == 2


def test_dashboard_card_and_cancelled_solve(world: World, base_url: str, api: Any) -> None:
    manager_api = api(world.users["manager"])
    scenario = manager_api.post("/api/v1/plans", json={"input": two_site_doc()}).json()
    job = manager_api.post(f"/api/v1/plans/{scenario['id']}/solve").json()
    assert manager_api.post(f"/api/v1/jobs/{job['job_id']}/cancel").status_code == 200
    client, _ = manager(world, base_url)
    page = client.get(f"/planning/{scenario['id']}").text
    assert 'data-testid="scenario-state">Failed<' in page
    assert 'data-testid="solve-progress"' not in page
    dashboard = client.get("/").text
    assert 'data-testid="planning-widget"' in dashboard and "Two sites" in dashboard
    partner = login(base_url, world.users["partner_a"])
    assert 'data-testid="planning-widget"' not in partner.get("/").text
