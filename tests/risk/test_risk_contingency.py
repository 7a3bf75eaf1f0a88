"""Contingency plans: only a qualified partner's site is an alternate source; drills and the
untested flag follow the cadence."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, func, select
from tests.conftest import World

from cofab.db.session import unit_of_work
from cofab.partners.models import Partner
from cofab.risk.models import ContingencyPlan


def _status(engine: Engine, partner_id: int, status: str) -> None:
    with unit_of_work(engine) as session:
        partner = session.get(Partner, partner_id)
        assert partner is not None
        partner.status = status


def test_alternate_source_must_be_qualified(world: World, engine: Engine, api: Any) -> None:
    owner = api(world.users["manager"])
    body = {
        "title": "Cell plant down",
        "partner_id": world.partner_b,
        "alternate_site_id": world.ids["a"]["site_id"],
        "drill_every_days": 90,
    }
    _status(engine, world.partner_a, "prospect")
    refused = owner.post("/api/v1/risk/plans", json=body)
    assert refused.status_code == 422 and "alternate_site_id" in refused.text
    missing = owner.post("/api/v1/risk/plans", json=body | {"alternate_site_id": 999999})
    assert missing.status_code == 422 and "alternate_site_id" in missing.text
    with unit_of_work(engine) as session:
        assert session.execute(select(func.count(ContingencyPlan.id))).scalar_one() == 0

    for status in ("approved", "active"):
        _status(engine, world.partner_a, status)
        made = owner.post("/api/v1/risk/plans", json=body)
        assert made.status_code == 201, made.text
        assert made.json()["untested"]  # never drilled


def test_drills_and_untested(world: World, engine: Engine, api: Any) -> None:
    _status(engine, world.partner_a, "active")
    owner = api(world.users["manager"])
    plan = owner.post(
        "/api/v1/risk/plans",
        json={"title": "x", "alternate_site_id": world.ids["a"]["site_id"], "drill_every_days": 90},
    ).json()
    recent = str(date.today() - timedelta(days=10))
    drilled = owner.post(f"/api/v1/risk/plans/{plan['id']}/drills", json={"held_on": recent})
    assert drilled.json()["last_drill_on"] == recent and not drilled.json()["untested"]
    old = str(date.today() - timedelta(days=91))  # older than the 90-day cadence
    stale = owner.post(f"/api/v1/risk/plans/{plan['id']}/drills", json={"held_on": old}).json()
    assert stale["untested"]
    future = str(date.today() + timedelta(days=1))
    refused = owner.post(f"/api/v1/risk/plans/{plan['id']}/drills", json={"held_on": future})
    assert refused.status_code == 422 and "held_on" in refused.text
    assert owner.get(f"/api/v1/risk/plans/{plan['id']}").json()["last_drill_on"] == old
    partner = api(world.users["partner_a"])
    assert partner.get(f"/api/v1/risk/plans/{plan['id']}").status_code == 404
    assert partner.get("/api/v1/risk/plans").status_code == 404


def test_edit_checks_the_alternate_and_its_family(world: World, engine: Engine, api: Any) -> None:
    _status(engine, world.partner_a, "active")
    owner = api(world.users["manager"])
    body = {"title": "Bravo out", "alternate_site_id": world.ids["a"]["site_id"]}
    # Alpha's site makes F1 only (tests/conftest.py): a plan for F2 cannot lean on it
    no_family = owner.post("/api/v1/risk/plans", json=body | {"product_family": "F2"})
    assert no_family.status_code == 422 and "alternate_site_id" in no_family.text
    plan = owner.post("/api/v1/risk/plans", json=body | {"product_family": "F1"}).json()
    url = f"/api/v1/risk/plans/{plan['id']}"

    edited = owner.patch(
        url,
        json={"safety_stock": 400, "communication": "buyer@x\nplant manager", "trigger": "fire"},
    )
    assert edited.status_code == 200, edited.text
    got = edited.json()
    assert (got["safety_stock"], got["communication"], got["trigger"]) == (
        400,
        "buyer@x\nplant manager",
        "fire",
    )
    assert got["product_family"] == "F1" and got["title"] == "Bravo out"  # untouched
    # the family moves to F2 while the alternate stays: refused by field, nothing written
    refused = owner.patch(url, json={"product_family": "F2"})
    assert refused.status_code == 422 and "alternate_site_id" in refused.text
    _status(engine, world.partner_b, "prospect")
    prospect = owner.patch(url, json={"alternate_site_id": world.ids["b"]["site_id"]})
    assert prospect.status_code == 422 and "alternate_site_id" in prospect.text
    assert owner.get(url).json() == got | {"untested": True}
    negative = owner.patch(url, json={"safety_stock": -1})
    assert negative.status_code == 422 and "safety_stock" in negative.text
    assert api(world.users["partner_a"]).patch(url, json={"title": "x"}).status_code == 404
    assert api(world.users["viewer"]).patch(url, json={"title": "x"}).status_code in (403, 404)


def test_drills_are_kept_with_their_gaps(world: World, engine: Engine, api: Any) -> None:
    _status(engine, world.partner_a, "active")
    owner = api(world.users["manager"])
    scheduled = str(date.today() + timedelta(days=30))
    plan = owner.post(
        "/api/v1/risk/plans",
        json={
            "title": "x",
            "alternate_site_id": world.ids["a"]["site_id"],
            "drill_scheduled_on": scheduled,
        },
    ).json()
    assert plan["drill_scheduled_on"] == scheduled
    url = f"/api/v1/risk/plans/{plan['id']}"
    first, second = str(date.today() - timedelta(days=40)), str(date.today() - timedelta(days=5))
    owner.post(f"{url}/drills", json={"held_on": first, "gaps": "no spare tooling"})
    after = owner.post(f"{url}/drills", json={"held_on": second, "follow_up": "buy a die"}).json()
    assert after["last_drill_on"] == second
    assert after["drill_scheduled_on"] == scheduled  # held before the scheduled day: still due
    drills = owner.get(f"{url}/drills").json()
    assert [(d["held_on"], d["gaps"], d["follow_up"]) for d in drills] == [
        (second, "", "buy a die"),
        (first, "no spare tooling", ""),
    ]
    assert all(d["recorded_by"] == world.users["manager"] for d in drills)
    assert api(world.users["partner_a"]).get(f"{url}/drills").status_code == 404


def test_plan_form_creates_edits_and_refuses_by_field(
    world: World, engine: Engine, base_url: str
) -> None:
    from tests.conftest import csrf_of, login

    _status(engine, world.partner_a, "active")
    _status(engine, world.partner_b, "prospect")
    client = login(base_url, world.users["manager"])
    assert "/risk/plans/new" in client.get("/risk/plans").text
    form = {
        "csrf_token": csrf_of(client, "/risk/plans/new"),
        "title": "Cell plant down",
        "partner_id": str(world.partner_b),
        "product_family": "F1",
        "trigger": "no shipment for 5 days",
        "alternate_site_id": str(world.ids["b"]["site_id"]),  # a prospect's site
        "safety_stock": "200",
        "communication": "buyer@example.com\nplant manager",
        "drill_every_days": "90",
        "drill_scheduled_on": "",
    }
    refused = client.post("/risk/plans/new", data=form)
    assert refused.status_code == 422
    assert "Alternate source" in refused.text and "active or approved" in refused.text
    assert "no shipment for 5 days" in refused.text  # the fields are kept
    with unit_of_work(engine) as session:
        assert session.execute(select(func.count(ContingencyPlan.id))).scalar_one() == 0
    korean = login(base_url, world.users["manager"])
    korean.cookies.set("cofab_lang", "ko")
    ko = korean.post(
        "/risk/plans/new", data=form | {"csrf_token": csrf_of(korean, "/risk/plans/new")}
    )
    assert ko.status_code == 422 and "대체 공급원" in ko.text

    made = client.post(
        "/risk/plans/new", data=form | {"alternate_site_id": world.ids["a"]["site_id"]}
    )
    assert made.status_code == 303
    plan_url = made.headers["location"]
    page = client.get(plan_url).text
    assert "plant manager" in page and "Edit plan" in page
    edit = client.get(f"{plan_url}/edit").text
    assert 'value="200"' in edit and "buyer@example.com" in edit
    changed = client.post(
        f"{plan_url}/edit",
        data=form
        | {"alternate_site_id": world.ids["a"]["site_id"], "safety_stock": "350", "trigger": ""},
    )
    assert changed.status_code == 303
    with unit_of_work(engine) as session:
        plan = session.execute(select(ContingencyPlan)).scalar_one()
        assert (plan.safety_stock, plan.trigger, plan.drill_every_days) == (350, "", 90)

    token = csrf_of(client, plan_url)
    day = str(date.today() + timedelta(days=14))
    assert (
        client.post(
            f"{plan_url}/schedule", data={"csrf_token": token, "drill_scheduled_on": day}
        ).status_code
        == 303
    )
    held = str(date.today() - timedelta(days=1))
    drill = {"csrf_token": token, "held_on": held, "gaps": "spare die missing"}
    assert client.post(f"{plan_url}/drills", data=drill).status_code == 303
    no_day = client.post(f"{plan_url}/drills", data={"csrf_token": token, "gaps": "x"})
    assert no_day.status_code == 422 and "Drill held on" in no_day.text
    page = client.get(plan_url).text
    assert day in page and "spare die missing" in page
    partner = login(base_url, world.users["partner_a"])
    assert partner.get(f"{plan_url}/edit").status_code == 404
    assert partner.get("/risk/plans/new").status_code == 404
