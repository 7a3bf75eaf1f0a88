"""A contingency plan without its own drill cadence follows the quality agreement in force
(``terms.quality.drill_cadence_days``): the covered partner's, else the alternate site's
partner's, else 180 days — for "next drill due", "untested", the dashboard and the plan page.

Every plan was last drilled 100 days ago. Partner B has two quality agreements in force, with
cadences 60 and 75 days: the shorter binds, so B's plans are due 100 − 60 = 40 days ago.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine
from tests.conftest import World, login
from tests.contracts.contract_factories import make_active_contract, terms

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.risk.dashboard_card import plans_not_ready
from cofab.risk.models import ContingencyPlan

TODAY = date.today()
DRILLED = TODAY - timedelta(days=100)


def _setup(engine: Engine, world: World) -> dict[str, int]:
    a_site, b_site = world.ids["a"]["site_id"], world.ids["b"]["site_id"]
    cases: dict[str, dict[str, Any]] = {
        # its own 90 days: due 10 days ago
        "own": {"partner_id": world.partner_b, "alternate_site_id": a_site, "every": 90},
        # none of its own; covers B: B's agreements, 60 days → due 40 days ago
        "covered": {"partner_id": world.partner_b, "alternate_site_id": a_site, "every": None},
        # covers A (no agreement), switches to B's site: B's agreements, 60 days
        "alternate": {"partner_id": world.partner_a, "alternate_site_id": b_site, "every": None},
        # covers A, switches to A's other capacity: no agreement → 180 days, due in 80
        "default": {"partner_id": world.partner_a, "alternate_site_id": a_site, "every": None},
    }
    ids = {}
    with unit_of_work(engine) as session:
        for days in (75, 60):
            make_active_contract(
                session,
                [world.partner_b],
                kind="quality_agreement",
                title=f"QA {days}",
                terms_doc=terms(quality={"aql": "0.65", "drill_cadence_days": days}),
            )
        for title, case in cases.items():
            plan = ContingencyPlan(
                title=title,
                partner_id=case["partner_id"],
                alternate_site_id=case["alternate_site_id"],
                drill_every_days=case["every"],
                last_drill_on=DRILLED,
            )
            session.add(plan)
            session.flush()
            ids[title] = plan.id
    return ids


def test_cadence_from_the_plan_then_the_agreements_then_the_default(
    world: World, engine: Engine, api: Any
) -> None:
    ids = _setup(engine, world)
    owner = api(world.users["manager"])
    got = {title: owner.get(f"/api/v1/risk/plans/{pid}").json() for title, pid in ids.items()}
    expected = {
        "own": (90, "plan", True),
        "covered": (60, "agreement", True),
        "alternate": (60, "alternate_agreement", True),
        "default": (180, "default", False),
    }
    assert {
        t: (g["drill_cadence_days"], g["drill_cadence_source"], g["untested"])
        for t, g in got.items()
    } == expected
    for title, (days, _source, _untested) in expected.items():
        assert got[title]["next_drill_due"] == str(DRILLED + timedelta(days=days))
    assert got["covered"]["drill_every_days"] is None

    with unit_of_work(engine) as session:
        rows = plans_not_ready(session, actor=SYSTEM_ACTOR, today=TODAY)
    assert sorted((r.title, r.days_late) for r in rows) == [
        ("alternate", 40),
        ("covered", 40),
        ("own", 10),
    ]

    pages = login(owner.base_url, world.users["manager"])
    page = pages.get(f"/risk/plans/{ids['covered']}").text
    assert 'data-source="agreement"' in page and "Drill every 60 days" in page
    assert 'data-testid="plan-untested"' in page
    listing = pages.get("/risk/plans").text
    assert str(DRILLED + timedelta(days=60)) in listing
    korean = login(owner.base_url, world.users["manager"])
    korean.cookies.set("cofab_lang", "ko")
    ko = korean.get(f"/risk/plans/{ids['alternate']}").text
    assert 'data-source="alternate_agreement"' in ko and "60일마다 훈련" in ko
    assert "대체 사이트의 파트너" in ko
    default = korean.get(f"/risk/plans/{ids['default']}").text
    assert "180일마다 훈련" in default and 'data-testid="plan-untested"' not in default


def test_a_plan_created_without_a_cadence_follows_the_agreement(
    world: World, engine: Engine, api: Any
) -> None:
    _setup(engine, world)
    with unit_of_work(engine) as session:
        from cofab.partners.models import Partner

        session.get(Partner, world.partner_a).status = "active"  # type: ignore[union-attr]
    owner = api(world.users["manager"])
    body = {"title": "B out", "partner_id": world.partner_b}
    created = owner.post(
        "/api/v1/risk/plans", json=body | {"alternate_site_id": world.ids["a"]["site_id"]}
    )
    assert created.status_code == 201, created.text
    plan = created.json()
    assert plan["drill_every_days"] is None
    assert (plan["drill_cadence_days"], plan["drill_cadence_source"]) == (60, "agreement")
    # its own cadence set, then cleared again (null: follow the agreement)
    own = owner.patch(f"/api/v1/risk/plans/{plan['id']}", json={"drill_every_days": 30})
    assert own.status_code == 200 and own.json()["drill_cadence_source"] == "plan"
    cleared = owner.patch(f"/api/v1/risk/plans/{plan['id']}", json={"drill_every_days": None})
    assert cleared.status_code == 200, cleared.text
    assert (cleared.json()["drill_every_days"], cleared.json()["drill_cadence_days"]) == (None, 60)


def test_the_agreement_cadence_is_a_positive_whole_number(world: World, api: Any) -> None:
    client = api(world.users["admin"])
    for bad in (0, 2.5, 4000):
        body = {
            "kind": "quality_agreement",
            "title": "QA",
            "partner_ids": [world.partner_a],
            "terms": terms(quality={"drill_cadence_days": bad}),
        }
        refused = client.post("/api/v1/contracts", json=body)
        assert refused.status_code == 422, refused.text
        assert "drill_cadence_days" in refused.text
