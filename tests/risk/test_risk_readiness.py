"""Contingency readiness on the owner dashboard: untested plans, overdue drills (a plan drilled
once and late for the next), never-drilled plans; the plan pages' forms."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine
from tests.conftest import World, csrf_of, login

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.partners.models import Partner
from cofab.risk.dashboard_card import plans_not_ready
from cofab.risk.models import ContingencyPlan

TODAY = date.today()


def _plans(engine: Engine, world: World) -> dict[str, int]:
    cases = {
        "fresh": (TODAY - timedelta(days=10), 90),  # due in 80 days: tested
        "late10": (TODAY - timedelta(days=100), 90),  # due 10 days ago
        "late20": (TODAY - timedelta(days=200), 180),  # due 20 days ago
        "never": (None, 180),  # never drilled: untested, not "late"
    }
    ids = {}
    with unit_of_work(engine) as session:
        session.get(Partner, world.partner_a).status = "active"  # type: ignore[union-attr]
        for title, (drilled, every) in cases.items():
            plan = ContingencyPlan(
                title=title,
                partner_id=world.partner_b,
                alternate_site_id=world.ids["a"]["site_id"],
                drill_every_days=every,
                last_drill_on=drilled,
            )
            session.add(plan)
            session.flush()
            ids[title] = plan.id
    return ids


def test_untested_and_overdue_plans(world: World, engine: Engine) -> None:
    _plans(engine, world)
    with unit_of_work(engine) as session:
        rows = plans_not_ready(session, actor=SYSTEM_ACTOR, today=TODAY)
    assert [(r.title, r.days_late, r.never_drilled) for r in rows] == [
        ("late20", 20, False),
        ("late10", 10, False),
        ("never", 0, True),
    ]
    assert rows[0].due == TODAY - timedelta(days=20)


def test_dashboard_card_and_plan_pages(world: World, engine: Engine, base_url: str) -> None:
    ids = _plans(engine, world)
    owner = login(base_url, world.users["manager"])
    card = owner.get("/").text
    assert 'data-testid="risk-widget"' in card
    assert (
        "Untested plans: 3" in card and "Overdue drills: 2" in card and "Never drilled: 1" in card
    )
    assert "drill due" in card and "20 day(s) late" in card
    partner = login(base_url, world.users["partner_a"])
    assert 'data-testid="risk-widget"' not in partner.get("/").text
    assert partner.get(f"/risk/plans/{ids['never']}").status_code == 404

    listing = owner.get("/risk/plans").text
    assert all(f'data-plan="{i}"' in listing for i in ids.values())
    csrf = csrf_of(owner, "/risk/plans")
    url = f"/risk/plans/{ids['never']}"
    bad = owner.post(
        f"{url}/steps", data={"csrf_token": csrf, "title": "Call Alpha", "planned_days": "-1"}
    )
    assert bad.status_code == 422 and "planned_days" in bad.text
    good = owner.post(
        f"{url}/steps",
        data={"csrf_token": csrf, "title": "Call Alpha", "owner": "Kim", "planned_days": "2"},
        follow_redirects=False,
    )
    assert good.status_code == 303
    page = owner.get(url).text
    assert "Call Alpha" in page and 'data-testid="plan-untested"' in page
    no_scenario = owner.post(f"{url}/activate", data={"csrf_token": csrf, "scenario_id": "424242"})
    assert no_scenario.status_code == 404

    korean = login(base_url, world.users["manager"])
    korean.cookies.set("cofab_lang", "ko")
    assert "비상 대응 준비 상태" in korean.get("/", headers={"Accept-Language": "ko"}).text
