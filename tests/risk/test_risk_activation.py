"""Per-site time to recover on the live network, and contingency plan activation: the planner's
what-if with the partner out (re-allocation, cost delta, unmet demand) and the switch-over
tasks in the inbox (a partner sees only the tasks given to it)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from tests.conftest import World, csrf_of, login

from cofab.core import jobs
from cofab.core.access import SYSTEM_ACTOR
from cofab.core.audit import AuditEntry
from cofab.db.session import unit_of_work
from cofab.partners.models import Partner
from cofab.planning.models import Scenario
from cofab.risk.live_network import live_network
from cofab.risk.models import ContingencyTask, PlanActivation, SiteRecovery
from cofab.risk.tts_runs import analyse_document

# the registry network of the world fixture (see test_risk_tts_live_cli): each site makes 100
# F1 a month, demand is 120 a month; weekly: capacity 100·12/52, demand 120·12/52
GAP = 120 * 12 / 52 - 100 * 12 / 52


def _activate_partners(engine: Engine, world: World) -> None:
    with unit_of_work(engine) as session:
        for pid in (world.partner_a, world.partner_b):
            session.get(Partner, pid).status = "active"  # type: ignore[union-attr]


def run_worker(engine: Engine) -> int:
    done = 0
    while (job_id := jobs.claim_next(engine, "test-risk")) is not None:
        jobs.run_job(engine, job_id)
        done += 1
    return done


def test_site_ttr_is_kept_per_site_and_used_by_the_live_network(
    world: World, engine: Engine, api: Any
) -> None:
    _activate_partners(engine, world)
    owner = api(world.users["manager"])
    site_a, site_b = world.ids["a"]["site_id"], world.ids["b"]["site_id"]
    listed = {r["site_id"]: r for r in owner.get("/api/v1/risk/site-recovery").json()}
    assert listed[site_a]["ttr_weeks"] is None and listed[site_b]["partner"] == "Bravo Bioworks"

    saved = owner.put("/api/v1/risk/site-recovery", json={"site_id": site_a, "ttr_weeks": 12})
    assert saved.status_code == 200, saved.text
    assert saved.json()["ttr_weeks"] == 12 and saved.json()["site"] == "Alpha Assembly Site"
    again = owner.put("/api/v1/risk/site-recovery", json={"site_id": site_a, "ttr_weeks": 10.5})
    assert again.json()["ttr_weeks"] == 10.5

    for bad, field in (
        ({"site_id": site_a, "ttr_weeks": -1}, "ttr_weeks"),
        ({"site_id": site_a, "ttr_weeks": 10_000}, "ttr_weeks"),
        ({"site_id": 999_999, "ttr_weeks": 3}, "site_id"),
    ):
        refused = owner.put("/api/v1/risk/site-recovery", json=bad)
        assert refused.status_code == 422 and field in refused.text, refused.text
    assert api(world.users["partner_a"]).get("/api/v1/risk/site-recovery").status_code == 404
    viewer = api(world.users["viewer"])
    assert viewer.put(
        "/api/v1/risk/site-recovery", json={"site_id": site_b, "ttr_weeks": 1}
    ).status_code in (403, 404)
    with unit_of_work(engine) as session:
        rows = session.execute(select(SiteRecovery)).scalars().all()
        assert [(r.site_id, r.ttr_weeks, r.partner_id) for r in rows] == [
            (site_a, 10.5, world.partner_a)
        ]
        entries = session.execute(
            select(AuditEntry.action).where(AuditEntry.entity == "site_recovery")
        ).scalars()
        assert sorted(entries) == ["create", "update"]

        doc = live_network(session, actor=SYSTEM_ACTOR, ttr_weeks=8)
    assert doc["ttr_weeks"] == {"Alpha Assembly Site": 10.5, "Bravo Bioworks Site": 8}
    rows_by = {r["node"]: r for r in analyse_document(doc)["nodes"]}
    # Alpha down: Bravo alone (no stock) falls short by GAP a week from week 0 → TTS 0, and
    # over Alpha's own 10.5 weeks it loses 10.5 × GAP; Bravo down: 8 × GAP
    assert rows_by["Alpha Assembly Site"]["ttr_weeks"] == 10.5
    assert rows_by["Alpha Assembly Site"]["lost_units"] == pytest.approx(10.5 * GAP, rel=1e-4)
    assert rows_by["Bravo Bioworks Site"]["lost_units"] == pytest.approx(8 * GAP, rel=1e-4)


def test_ttr_form_on_the_tts_page(world: World, engine: Engine, base_url: str) -> None:
    _activate_partners(engine, world)
    client = login(base_url, world.users["manager"])
    csrf = csrf_of(client, "/risk/tts")
    site_b = world.ids["b"]["site_id"]
    page = client.get("/risk/tts")
    assert f'data-site-id="{site_b}"' in page.text
    bad = client.post(
        "/risk/site-recovery", data={"csrf_token": csrf, "site_id": site_b, "ttr_weeks": "-3"}
    )
    assert bad.status_code == 422 and "ttr_weeks" in bad.text
    words = client.post(
        "/risk/site-recovery", data={"csrf_token": csrf, "site_id": site_b, "ttr_weeks": "soon"}
    )
    assert words.status_code == 422 and "ttr_weeks" in words.text
    ok = client.post(
        "/risk/site-recovery",
        data={"csrf_token": csrf, "site_id": site_b, "ttr_weeks": "26"},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    with unit_of_work(engine) as session:
        assert session.execute(select(SiteRecovery.ttr_weeks)).scalars().all() == [26.0]


def _plan(owner: Any, world: World, **extra: Any) -> dict[str, Any]:
    body = {
        "title": "Bravo out",
        "partner_id": world.partner_b,
        "alternate_site_id": world.ids["a"]["site_id"],
    } | extra
    made = owner.post("/api/v1/risk/plans", json=body)
    assert made.status_code == 201, made.text
    return dict(made.json())


def test_activation_reallocates_costs_and_opens_tasks(
    world: World, engine: Engine, api: Any
) -> None:
    _activate_partners(engine, world)
    owner = api(world.users["manager"])
    plan = _plan(owner, world)
    pid = plan["id"]
    first = owner.post(
        f"/api/v1/risk/plans/{pid}/steps",
        json={
            "title": "Alpha runs a second shift",
            "owner": "Kim",
            "partner_id": world.partner_a,
            "planned_days": 3,
        },
    )
    assert first.status_code == 201 and first.json()["position"] == 1, first.text
    second = owner.post(
        f"/api/v1/risk/plans/{pid}/steps",
        json={"title": "Tell the customers", "owner": "Lee", "planned_days": 2},
    )
    assert second.json()["position"] == 2
    bad_step = owner.post(
        f"/api/v1/risk/plans/{pid}/steps", json={"title": "x", "partner_id": 999_999}
    )
    assert bad_step.status_code == 422 and "partner_id" in bad_step.text

    started = owner.post(f"/api/v1/risk/plans/{pid}/activate", json={})
    assert started.status_code == 201, started.text
    body = started.json()
    assert body["status"] == "solving" and body["sites_out"] == ["Bravo Bioworks Site"]
    today = date.today()
    # sequential steps: due after 3 days, then after 3 + 2
    assert [(t["title"], t["due_date"]) for t in body["tasks"]] == [
        ("Alpha runs a second shift", str(today + timedelta(days=3))),
        ("Tell the customers", str(today + timedelta(days=5))),
    ]
    assert run_worker(engine) == 2  # the base plan and the what-if

    ready = owner.get(f"/api/v1/risk/plans/{pid}/activation").json()
    assert ready["status"] == "ready", ready
    with unit_of_work(engine) as session:
        base = session.get(Scenario, ready["base_scenario_id"])
        child = session.get(Scenario, ready["what_if_scenario_id"])
        assert base is not None and child is not None and child.parent_id == base.id
        assert [s["id"] for s in child.input_doc["sites"]] == ["Alpha Assembly Site"]
        inputs = base.input_doc
        before_cost, after_cost = base.result_doc["cost"], child.result_doc["cost"]  # type: ignore[index]
        cost_before = before_cost["total"] - before_cost["unmet_penalty"]
        cost_after = after_cost["total"] - after_cost["unmet_penalty"]
        penalty_after = after_cost["unmet_penalty"]
    demand = sum(float(m["demand"]["F1"]) for m in inputs["markets"]) * len(inputs["periods"])
    alpha_doc = inputs["sites"][0]
    alpha_most = (
        alpha_doc["capacity"]["F1"] * len(inputs["periods"]) * (1 - alpha_doc["defect_rate"])
    )
    sites = {r["site"]: r for r in ready["reallocation"]}
    bravo, alpha = sites["Bravo Bioworks Site"], sites["Alpha Assembly Site"]
    # the registry's Alpha is already full in the base plan (3 × 100 × 0.99 = 297 of 360): it
    # cannot take Bravo's share, which becomes unmet demand (360 − 297 = 63)
    assert bravo["out"] and bravo["after"] == 0 and bravo["change"] == -bravo["before"]
    assert alpha["before"] == pytest.approx(alpha_most) and alpha["after"] == pytest.approx(
        alpha_most
    )
    assert ready["unmet_units_before"] == 0
    assert ready["unmet_units"] == pytest.approx(demand - alpha_most)
    # the delta is the plans' own costs: the planner's penalty on the unmet units is not in it
    assert penalty_after > 0
    assert ready["cost_delta"] == pytest.approx(cost_after - cost_before)

    # the inbox: the owner sees both tasks, partner A only its own, partner B none
    kinds = {"kind": "risk.task", "status": "all"}
    mine = owner.get("/api/v1/inbox", params=kinds).json()["items"]
    assert len(mine) == 2
    alpha_user = api(world.users["partner_a"])
    theirs = alpha_user.get("/api/v1/inbox", params=kinds).json()["items"]
    assert [i["title"] for i in theirs] == ["Contingency switch-over: Alpha runs a second shift"]
    bravo_user = api(world.users["partner_b"])
    assert bravo_user.get("/api/v1/inbox", params=kinds).json()["items"] == []
    drills = {"kind": "risk.drill", "status": "all"}
    alpha_drills = alpha_user.get("/api/v1/inbox", params=drills).json()["items"]
    assert [(i["id"], i["title"]) for i in alpha_drills] == [(pid, "Contingency drill: Bravo out")]
    assert bravo_user.get("/api/v1/inbox", params=drills).json()["items"] == []
    assert alpha_user.post(f"/api/v1/inbox/risk.drill/{pid}/done").status_code in (403, 404)
    task_id = theirs[0]["id"]
    other_id = next(i["id"] for i in mine if i["id"] != task_id)
    assert bravo_user.post(f"/api/v1/inbox/risk.task/{task_id}/done").status_code == 404
    assert alpha_user.post(f"/api/v1/inbox/risk.task/{other_id}/done").status_code == 404
    assert alpha_user.post(f"/api/v1/inbox/risk.task/{task_id}/done").status_code == 200
    with unit_of_work(engine) as session:
        done = {t.id: t.done_on for t in session.execute(select(ContingencyTask)).scalars()}
        assert done == {task_id: today, other_id: None}
        actions = session.execute(
            select(AuditEntry.action, AuditEntry.entity).where(
                AuditEntry.entity.in_(("contingency_plan", "contingency_task"))
            )
        ).all()
        assert ("contingency_activate", "contingency_plan") in actions
        assert ("update", "contingency_task") in actions


# Alpha 10 a unit, Bravo 5, 120 demanded, 100 capacity each, unmet at 100 a unit: the plan makes
# 100 at Bravo and 20 at Alpha (700); Bravo out → Alpha 100 (1,000) and 20 unmet (2,000)
TWO_SITES = {
    "name": "Two sites",
    "products": [{"id": "P1", "family": "F1"}],
    "periods": ["W1"],
    "sites": [
        {"id": "Alpha Assembly Site", "capacity": {"F1": 100}, "unit_cost": {"P1": 10}},
        {"id": "Bravo Bioworks Site", "capacity": {"F1": 100}, "unit_cost": {"P1": 5}},
    ],
    "markets": [{"id": "M1", "demand": {"P1": 120}, "unmet_penalty": 100}],
    "lanes": [
        {"site": "Alpha Assembly Site", "market": "M1", "unit_cost": 0},
        {"site": "Bravo Bioworks Site", "market": "M1", "unit_cost": 0},
    ],
}


def test_activation_on_a_given_scenario_moves_the_volume(
    world: World, engine: Engine, api: Any
) -> None:
    from cofab.planning import service as planning

    _activate_partners(engine, world)
    with unit_of_work(engine) as session:
        scenario = planning.create_scenario(session, actor=SYSTEM_ACTOR, document=TWO_SITES)
        planning.enqueue_solve(session, actor=SYSTEM_ACTOR, scenario_id=scenario.id)
        scenario_id = scenario.id
    assert run_worker(engine) == 1
    owner = api(world.users["manager"])
    plan = _plan(owner, world, partner_id=None, site_id=world.ids["b"]["site_id"])
    started = owner.post(
        f"/api/v1/risk/plans/{plan['id']}/activate", json={"scenario_id": scenario_id}
    )
    assert started.status_code == 201, started.text
    assert started.json()["tasks"] == []
    assert run_worker(engine) == 1  # only the what-if: the base is solved
    ready = owner.get(f"/api/v1/risk/plans/{plan['id']}/activation").json()
    assert ready["status"] == "ready" and ready["base_scenario_id"] == scenario_id
    moved = {r["site"]: (r["before"], r["after"], r["change"]) for r in ready["reallocation"]}
    assert moved == {
        "Alpha Assembly Site": (20.0, 100.0, 80.0),
        "Bravo Bioworks Site": (100.0, 0.0, -100.0),
    }
    # the plans' own costs: 100 × 5 + 20 × 10 = 700 before, 100 × 10 = 1,000 after; the
    # planner's 20 × 100 = 2,000 of penalty is not a cost (it was counted: 3,000 and +2,300)
    assert (ready["cost_before"], ready["cost_after"]) == (700.0, 1000.0)
    assert ready["cost_delta"] == 300.0
    # 20 unmet units at P1's average unit price over the base's sites, (10 + 5) / 2 = 7.5
    assert ready["unmet"] == [{"product": "P1", "market": "M1", "units": 20.0, "value": 150.0}]
    assert ready["unmet_value"] == 150.0 and ready["unmet_unpriced_units"] == 0


def test_activation_refusals(world: World, engine: Engine, api: Any) -> None:
    _activate_partners(engine, world)
    owner = api(world.users["manager"])
    nothing = _plan(owner, world, partner_id=None)
    refused = owner.post(f"/api/v1/risk/plans/{nothing['id']}/activate", json={})
    assert refused.status_code == 422 and "partner_id" in refused.text
    plan = _plan(owner, world)
    missing = owner.post(f"/api/v1/risk/plans/{plan['id']}/activate", json={"scenario_id": 99999})
    assert missing.status_code == 404
    quality = api(world.users["quality"])
    assert quality.post(f"/api/v1/risk/plans/{plan['id']}/activate", json={}).status_code == 403
    partner = api(world.users["partner_b"])
    assert partner.post(f"/api/v1/risk/plans/{plan['id']}/activate", json={}).status_code == 404
    assert owner.get(f"/api/v1/risk/plans/{plan['id']}/activation").status_code == 404
    with unit_of_work(engine) as session:
        assert session.execute(select(func.count(PlanActivation.id))).scalar_one() == 0
        assert session.execute(select(func.count(Scenario.id))).scalar_one() == 0
