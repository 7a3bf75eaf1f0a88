"""Switch-over steps saved with the plan (API and create form) and drills that time each step
against its planned days: the gap per step and in total, hand-computed; bad steps or times
refused by field with nothing written; the drills' export."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, func, select
from tests.conftest import World, csrf_of, login

from cofab.core.audit import AuditEntry
from cofab.db.session import unit_of_work
from cofab.partners.models import Partner
from cofab.risk.models import ContingencyDrill, ContingencyPlan, ContingencyStep, DrillStepTime

STEPS = [
    {"title": "Release batches", "owner": "QA head", "planned_days": 5},
    {"title": "File the variation", "owner": "Regulatory", "planned_days": 10},
    {"title": "Ship from the alternate", "owner": "Planning", "planned_days": 7},
]


def _active(engine: Engine, world: World) -> None:
    with unit_of_work(engine) as session:
        partner = session.get(Partner, world.partner_a)
        assert partner is not None
        partner.status = "active"


def _counts(engine: Engine) -> tuple[int, ...]:
    with unit_of_work(engine) as session:
        return tuple(
            session.execute(select(func.count()).select_from(m)).scalar_one()
            for m in (ContingencyPlan, ContingencyStep, ContingencyDrill, DrillStepTime)
        )


def _plan(owner: Any, world: World, steps: list[dict[str, Any]]) -> Any:
    body = {"title": "Bravo out", "alternate_site_id": world.ids["a"]["site_id"], "steps": steps}
    return owner.post("/api/v1/risk/plans", json=body)


def test_steps_come_with_the_plan_or_nothing_is_written(
    world: World, engine: Engine, api: Any
) -> None:
    _active(engine, world)
    owner = api(world.users["manager"])
    bad_partner = [STEPS[0], STEPS[1] | {"partner_id": 999999}]
    refused = _plan(owner, world, bad_partner)
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["steps.1.partner_id"]
    negative = _plan(owner, world, [STEPS[0] | {"planned_days": -1}])
    assert negative.status_code == 422 and "steps.0.planned_days" in negative.text
    untitled = _plan(owner, world, [{"owner": "x"}])
    assert untitled.status_code == 422 and "steps.0.title" in untitled.text
    assert _counts(engine) == (0, 0, 0, 0)

    made = _plan(owner, world, STEPS)
    assert made.status_code == 201, made.text
    got = made.json()["steps"]
    assert [(s["position"], s["title"], s["planned_days"]) for s in got] == [
        (1, "Release batches", 5),
        (2, "File the variation", 10),
        (3, "Ship from the alternate", 7),
    ]
    url = f"/api/v1/risk/plans/{made.json()['id']}"
    more = owner.post(f"{url}/steps", json={"title": "Tell the customers", "planned_days": 2})
    assert more.status_code == 201 and more.json()["position"] == 4
    assert [s["position"] for s in owner.get(url).json()["steps"]] == [1, 2, 3, 4]
    with unit_of_work(engine) as session:
        audited = session.execute(
            select(func.count()).where(
                AuditEntry.entity == "contingency_step", AuditEntry.action == "create"
            )
        ).scalar_one()
    assert audited == 4


def test_a_drill_times_each_step_against_its_plan(world: World, engine: Engine, api: Any) -> None:
    _active(engine, world)
    owner = api(world.users["manager"])
    plan = _plan(owner, world, STEPS).json()
    url = f"/api/v1/risk/plans/{plan['id']}"
    first, second, third = (s["id"] for s in plan["steps"])
    held = str(date.today() - timedelta(days=3))
    before = _counts(engine)

    for timed, field in (
        ([{"step_id": 999999, "actual_days": 1}], "steps.0.step_id"),
        ([{"step_id": first, "actual_days": 1}, {"step_id": first}], "steps.1.step_id"),
        ([{"step_id": first, "actual_days": -2}], "steps.0.actual_days"),
        ([{"step_id": first, "actual_days": "soon"}], "steps.0.actual_days"),
    ):
        refused = owner.post(f"{url}/drills", json={"held_on": held, "steps": timed})
        assert refused.status_code == 422, refused.text
        assert field in [e["field"] for e in refused.json()["errors"]]
    assert _counts(engine) == before
    assert owner.get(url).json()["last_drill_on"] is None

    timed = [
        {"step_id": third, "actual_days": 6.5, "note": "trucks were late"},
        {"step_id": first, "actual_days": 6},
        {"step_id": second, "note": "not exercised"},
    ]
    drilled = owner.post(f"{url}/drills", json={"held_on": held, "gaps": "x", "steps": timed})
    assert drilled.status_code == 200, drilled.text
    [drill] = owner.get(f"{url}/drills").json()
    assert [
        (s["position"], s["actual_days"], s["gap_days"], s["note"]) for s in drill["steps"]
    ] == [
        (1, 6.0, 1.0, ""),
        (2, None, None, "not exercised"),
        (3, 6.5, -0.5, "trucks were late"),
    ]
    # totals over the timed steps only: planned 5 + 7 = 12, actual 6 + 6.5 = 12.5
    assert (drill["planned_days_total"], drill["actual_days_total"], drill["gap_days_total"]) == (
        12.0,
        12.5,
        0.5,
    )
    # a step added later does not rewrite what the drill measured
    owner.post(f"{url}/steps", json={"title": "Later step", "planned_days": 1})
    assert owner.get(f"{url}/drills").json()[0]["steps"] == drill["steps"]

    exported = owner.get(f"{url}/drills/export", params={"format": "csv"})
    assert exported.status_code == 200
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [(r["step"], r["planned_days"], r["actual_days"], r["gap_days"]) for r in rows] == [
        ("Release batches", "5", "6.0", "1.0"),
        ("File the variation", "10", "", ""),
        ("Ship from the alternate", "7", "6.5", "-0.5"),
    ]
    assert {r["held_on"] for r in rows} == {held}
    xlsx = owner.get(f"{url}/drills/export", params={"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert api(world.users["partner_a"]).get(f"{url}/drills/export").status_code == 404


def test_create_form_takes_steps_and_drill_form_times_them(
    world: World, engine: Engine, base_url: str
) -> None:
    _active(engine, world)
    client = login(base_url, world.users["manager"])
    page = client.get("/risk/plans/new").text
    assert page.count('name="step_title"') == 3
    form: dict[str, Any] = {
        "csrf_token": csrf_of(client, "/risk/plans/new"),
        "title": "Alpha backs up Bravo",
        "alternate_site_id": str(world.ids["a"]["site_id"]),
        "safety_stock": "0",
        "drill_every_days": "90",
        "step_title": ["Move tooling", "", "Ship"],
        "step_owner": ["NPI", "", "Logistics"],
        "step_partner_id": [str(world.partner_a), "", ""],
        "step_planned_days": ["4", "", "x"],
    }
    more = client.post("/risk/plans/new", data=form | {"more_steps": "1"})
    assert more.status_code == 200 and more.text.count('name="step_title"') == 5
    assert "Move tooling" in more.text and _counts(engine) == (0, 0, 0, 0)
    refused = client.post("/risk/plans/new", data=form)  # "x" days
    assert refused.status_code == 422 and "Planned days" in refused.text
    assert "Move tooling" in refused.text and _counts(engine) == (0, 0, 0, 0)

    made = client.post("/risk/plans/new", data=form | {"step_planned_days": ["4", "", "2"]})
    assert made.status_code == 303, made.text
    plan_url = made.headers["location"]
    with unit_of_work(engine) as session:
        steps = session.execute(select(ContingencyStep).order_by(ContingencyStep.position)).all()
        got = [(s.position, s.title, s.owner, s.partner_id, s.planned_days) for (s,) in steps]
    assert got == [
        (1, "Move tooling", "NPI", world.partner_a, 4),
        (2, "Ship", "Logistics", None, 2),
    ]
    ids = [str(s.id) for (s,) in steps]

    token = csrf_of(client, plan_url)
    held = str(date.today() - timedelta(days=1))
    drill = {
        "csrf_token": token,
        "held_on": held,
        "step_id": ids,
        "actual_days": ["5.5", "abc"],
        "step_note": ["", ""],
    }
    bad = client.post(f"{plan_url}/drills", data=drill)
    assert bad.status_code == 422 and "Actual days" in bad.text and 'value="5.5"' in bad.text
    korean = login(base_url, world.users["manager"])
    korean.cookies.set("cofab_lang", "ko")
    ko = korean.post(f"{plan_url}/drills", data=drill | {"csrf_token": csrf_of(korean, plan_url)})
    assert ko.status_code == 422 and "실제 소요일" in ko.text
    assert _counts(engine)[2:] == (0, 0)
    ok = client.post(f"{plan_url}/drills", data=drill | {"actual_days": ["5.5", ""]})
    assert ok.status_code == 303
    page = client.get(plan_url).text
    assert 'data-gap="1.5"' in page and "+1.5" in page  # 5.5 days against 4 planned
    assert "drills/export?format=csv" in page
