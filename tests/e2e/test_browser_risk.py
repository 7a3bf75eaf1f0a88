"""The TTS page in a browser: upload a network, see the node that cannot ride out its recovery
in red with its bar chart drawn, try a what-if that closes the gap, then start the exit
transition of that partner and tick a step; activate the contingency plan for that partner
(the planner's what-if runs in a worker beside the server) and see the re-allocation."""

from __future__ import annotations

import json
import threading

import pytest
from tests.conftest import PASSWORD, World
from tests.e2e.conftest import sign_in

from cofab.core import jobs
from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.partners.models import Partner
from cofab.planning import service as planning
from cofab.risk.models import ContingencyPlan, ContingencyStep

pytestmark = pytest.mark.browser

# S1 down: 10t ≤ 4t + 30 → TTS 5 < TTR 6 (red). With 1 more week of demand (10) at S2:
# 10t ≤ 4t + 40 → 6.7 > 6.
NETWORK = {
    "products": [{"id": "P1", "family": "F1"}],
    "periods": ["W1"],
    "sites": [
        {"id": "S1", "capacity": 10, "partner": "Acme"},
        {"id": "S2", "capacity": 4, "partner": "Beta"},
    ],
    "markets": [{"id": "M1", "demand": {"P1": 10}, "unmet_penalty": 2}],
    "lanes": [{"site": "S1", "market": "M1"}, {"site": "S2", "market": "M1"}],
    "inventory": {"S2": {"P1": 30}},
    "ttr_weeks": {"S1": 6, "S2": 2},
}


# the planner's view of the same two partners: Bravo (5 a unit) makes 100, Alpha (10) 20 of the
# 120 demanded; with Bravo out Alpha makes 100 and 20 go unmet at 100 a unit (+2,300)
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


def _solved_scenario_and_plan(engine, world: World) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        session.get(Partner, world.partner_a).status = "active"  # type: ignore[union-attr]
        scenario = planning.create_scenario(session, actor=SYSTEM_ACTOR, document=TWO_SITES)
        planning.enqueue_solve(session, actor=SYSTEM_ACTOR, scenario_id=scenario.id)
        plan = ContingencyPlan(
            title="Bravo out",
            partner_id=world.partner_b,
            alternate_site_id=world.ids["a"]["site_id"],
        )
        session.add(plan)
        session.flush()
        session.add(
            ContingencyStep(plan_id=plan.id, position=1, title="Alpha second shift", planned_days=3)
        )
        ids = scenario.id, plan.id
    while (job_id := jobs.claim_next(engine, "e2e-risk")) is not None:
        jobs.run_job(engine, job_id)
    return ids


def test_tts_red_node_what_if_and_exit_transition(  # type: ignore[no-untyped-def]
    page, base_url: str, world: World, engine
) -> None:
    sign_in(page, base_url, world.users["manager"], PASSWORD)
    page.goto(f"{base_url}/risk/tts")
    upload = {
        "name": "net.json",
        "mimeType": "application/json",
        "buffer": json.dumps(NETWORK).encode(),
    }
    page.check("input[name=source][value=upload]")
    page.set_input_files("input[name=file]", files=[upload])
    page.click("[data-testid=tts-form] button")
    red = page.locator("tr[data-node=S1]")
    assert red.get_attribute("data-exposed") == "yes"
    assert "rgb(179, 38, 30)" in red.evaluate("row => getComputedStyle(row).color")
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.getElementById('tts-chart'))"
    )
    assert (
        page.evaluate(
            "() => Chart.getChart(document.getElementById('tts-chart')).data.labels.length"
        )
        == 4
    )

    page.check("input[name=source][value=upload]")
    page.set_input_files("input[name=file]", files=[upload])
    page.fill("input[name=inventory_site]", "S2")
    page.fill("input[name=inventory_weeks]", "1")
    page.click("[data-testid=tts-form] button")
    assert page.locator("tr[data-node=S1]").get_attribute("data-exposed") == "no"
    assert page.locator("tr[data-node=S1] td[data-before=yes]").inner_text() == "5.0"

    page.click("[data-testid=risk-subnav] a[href='/risk/transitions']")
    page.select_option(
        "[data-testid=transition-form] select[name=partner_id]", str(world.partner_b)
    )
    page.fill("[data-testid=transition-form] input[name=owner]", "Kim")
    page.click("[data-testid=transition-form] button")
    page.wait_for_url(lambda url: "/risk/transitions/" in url)
    tooling = page.locator("tr[data-kind=tooling]")
    step = tooling.get_attribute("data-step")
    tooling.locator("input[name=done]").check()
    page.click(f"button[form=step-{step}]")
    page.wait_for_url(lambda url: "/risk/transitions/" in url)
    assert page.locator(f"tr[data-step='{step}']").get_attribute("data-done") == "yes"
    assert "mandatory step(s) open" in page.locator("[data-testid=transition-gate]").inner_text()

    scenario_id, plan_id = _solved_scenario_and_plan(engine, world)
    page.click("[data-testid=risk-subnav] a[href='/risk/plans']")
    page.click(f"tr[data-plan='{plan_id}'] a")
    page.fill("[data-testid=activate-form] input[name=scenario_id]", str(scenario_id))
    page.click("[data-testid=activate-form] button")
    assert page.locator("[data-testid=activation]").get_attribute("data-status") == "solving"
    assert "Alpha second shift" in page.locator("[data-testid=activation-tasks]").inner_text()
    stop = threading.Event()
    worker = threading.Thread(
        target=jobs.work,
        args=(engine,),
        kwargs={"poll_seconds": 0.2, "stop": stop, "kinds": {"planning.solve"}},
        daemon=True,
    )
    worker.start()
    try:
        page.wait_for_selector("[data-testid=reallocation]", timeout=60_000)  # the page refreshes
    finally:
        stop.set()
        worker.join(timeout=10)
    alpha = page.locator("tr[data-site='Alpha Assembly Site'] td[data-change]")
    assert alpha.get_attribute("data-change") == "80.00"
    bravo = page.locator("tr[data-site='Bravo Bioworks Site']")
    assert bravo.locator("td[data-change]").get_attribute("data-change") == "-100.00"
    assert "+300" in page.locator("[data-testid=activation-cost]").inner_text()  # no penalty
    assert "20" in page.locator("[data-testid=activation-unmet]").inner_text()
