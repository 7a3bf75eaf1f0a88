"""The plan ↔ operate loop in the browser: the owner publishes (approves) a solved plan, the
partner commits one line and counter-proposes another, the owner accepts, re-solves with the
commitments as capacity caps (a linked plan version, solved by a worker beside the server) and
turns the frozen zone into orders."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine, select
from tests.conftest import PASSWORD, World
from tests.e2e.conftest import sign_in

from cofab.core import jobs
from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.forecast.models import ForecastLine, Publication
from cofab.planning import service as planning_service
from cofab.planning.jobs import plan_for

pytestmark = pytest.mark.browser

MONTHS = ["2027-01", "2027-02", "2027-03", "2027-04"]


def _solved_plan(world: World, engine: Engine) -> int:
    doc = {
        "name": "Loop plan",
        "periods": MONTHS,
        "products": [{"id": "P1", "family": "F1"}],
        "sites": [
            {"id": "A1", "capacity": {"F1": 100}, "unit_cost": {"P1": 1}},
            {"id": "B1", "capacity": {"F1": 100}, "unit_cost": {"P1": 2}},
        ],
        "markets": [{"id": "M1", "demand": {"P1": 50}, "unmet_penalty": 1000}],
        "lanes": [{"site": "A1", "market": "M1"}, {"site": "B1", "market": "M1"}],
    }
    with unit_of_work(engine) as session:
        scenario = planning_service.create_scenario(
            session,
            actor=SYSTEM_ACTOR,
            document=doc,
            site_partners={"A1": world.partner_a, "B1": world.partner_b},
        )
        planning_service.record_plan(session, scenario=scenario, plan=plan_for(doc))
        return scenario.id


def test_publish_counter_accept_resolve_convert(  # type: ignore[no-untyped-def]
    browser, page, base_url: str, world: World, engine: Engine
) -> None:
    scenario_id = _solved_plan(world, engine)
    sign_in(page, base_url, world.users["manager"], PASSWORD)
    page.goto(f"{base_url}/forecast")
    form = page.locator("[data-testid=publish-form]")
    form.locator("input[name=scenario_id]").fill(str(scenario_id))
    form.locator("button").click()
    page.wait_for_selector("[data-testid=publications]")
    assert "Alpha Assembly" in page.locator("[data-testid=publications]").inner_text()
    with unit_of_work(engine) as session:
        publication_id = session.execute(
            select(Publication.id).where(Publication.partner_id == world.partner_a)
        ).scalar_one()
        line_ids = list(
            session.execute(
                select(ForecastLine.id)
                .where(ForecastLine.publication_id == publication_id)
                .order_by(ForecastLine.period_index)
            ).scalars()
        )
    assert len(line_ids) == 4  # A1 (cheaper) makes all 50 a month; 2 frozen, 2 firm

    partner_context = browser.new_context(viewport={"width": 1280, "height": 900})
    partner = partner_context.new_page()
    partner.set_default_timeout(15_000)
    try:
        sign_in(partner, base_url, world.users["partner_a"], PASSWORD)
        partner.goto(f"{base_url}/forecast/publications/{publication_id}")
        partner.locator(f"tr[data-line='{line_ids[0]}'] button[value=commit]").click()
        partner.wait_for_url(f"**/forecast/publications/{publication_id}")
        row = partner.locator(f"tr[data-line='{line_ids[2]}']")
        row.locator("input[name=qty]").fill("30")
        row.locator("input[name=reason]").fill("One shift only in March")
        row.locator("button[value=counter]").click()
        partner.wait_for_url(f"**/forecast/publications/{publication_id}")
        assert (
            "One shift only in March"
            in partner.locator(f"tr[data-line='{line_ids[2]}']").inner_text()
        )
    finally:
        partner_context.close()

    page.goto(f"{base_url}/forecast/publications/{publication_id}")
    page.locator(f"tr[data-line='{line_ids[2]}'] form[action$='/accept'] button").click()
    page.wait_for_url(f"**/forecast/publications/{publication_id}")
    page.goto(f"{base_url}/forecast")
    page.locator("[data-testid=resolve-form] button").click()
    page.wait_for_url(lambda url: "/planning/" in url)
    assert "commitments" in page.locator("[data-testid=scenario-name]").inner_text()
    stop = threading.Event()
    worker = threading.Thread(
        target=jobs.work,
        args=(engine,),
        kwargs={"poll_seconds": 0.2, "stop": stop, "kinds": {"planning.solve"}},
        daemon=True,
    )
    worker.start()
    try:
        page.wait_for_selector("[data-testid=flow-diagram]")
    finally:
        stop.set()
        worker.join(timeout=10)
    assert page.locator("[data-testid=plan-status]").inner_text() == "optimal"
    # A1 is capped at its 30 in March: 50 + 50 + 30 + 50 = 180, Bravo's B1 ships the other 20
    shipped = page.locator("[data-testid=sites-table]").inner_text()
    assert "A1\tPartner site\tunknown\tEngaged\t180" in shipped
    assert "B1\tPartner site\tunknown\tEngaged\t20" in shipped

    page.goto(f"{base_url}/forecast/publications/{publication_id}")
    page.locator("[data-testid=convert]").click()
    page.wait_for_url(f"**/forecast/publications/{publication_id}")
    ordered = page.locator("[data-testid=lines] a[href='/orders']")
    assert ordered.count() == 2  # the two frozen months became order lines
    with unit_of_work(engine) as session:
        linked = session.execute(
            select(ForecastLine.period)
            .where(ForecastLine.order_line_id.is_not(None))
            .order_by(ForecastLine.period)
        ).scalars()
        assert list(linked) == MONTHS[:2]
