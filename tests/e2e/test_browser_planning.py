"""A manager builds a plan from the registry, solves it in the background (a worker runs beside
the server) and watches the progress bar turn into the plan: flows, heatmap, shadow prices."""

from __future__ import annotations

import os
import threading

import pytest
from tests.conftest import PASSWORD, World
from tests.e2e.conftest import sign_in

from cofab.core import jobs

pytestmark = pytest.mark.browser


def test_registry_plan_solved_in_background_with_progress(  # type: ignore[no-untyped-def]
    page, base_url: str, world: World, engine
) -> None:
    sign_in(page, base_url, world.users["manager"], PASSWORD)
    page.goto(f"{base_url}/planning")
    form = page.locator("[data-testid=registry-form]")
    form.locator("input[name=name]").fill("Browser plan")
    form.locator("select[name=partner_ids]").select_option(
        [str(world.partner_a), str(world.partner_b)]
    )
    form.locator("input[name=m_id]").first.fill("KR")
    form.locator("input[name=m_region]").first.fill("KR")
    form.locator("input[name=m_demand]").first.fill("150")
    form.locator("button").click()
    page.wait_for_url(lambda url: "/planning/" in url)
    assert page.locator("[data-testid=scenario-name]").inner_text() == "Browser plan"

    page.locator("[data-testid=solve-button]").click()
    page.wait_for_selector("[data-testid=job-progress]")
    stop = threading.Event()
    worker = threading.Thread(
        target=jobs.work,
        args=(engine,),
        kwargs={"poll_seconds": 0.2, "stop": stop, "kinds": {"planning.solve"}},
        daemon=True,
    )
    worker.start()
    try:
        # the progress bar polls the job; when it succeeds the page reloads with the plan
        page.wait_for_selector("[data-testid=flow-diagram]")
    finally:
        stop.set()
        worker.join(timeout=10)
    assert page.locator("[data-testid=plan-status]").inner_text() == "optimal"
    assert page.locator("path.flow-band").count() == 2
    assert page.locator("[data-testid=heatmap] td.heat").count() == 6  # 2 sites × 3 months
    assert (
        "One more unit of capacity at" in page.locator("[data-testid=shadow-prices]").inner_text()
    )
    if os.environ.get("COFAB_SCREENSHOTS"):
        page.screenshot(path=os.environ["COFAB_SCREENSHOTS"], full_page=True)

    page.locator(f"[data-testid=what-if-partner-{world.partner_a}]").click()
    page.wait_for_selector("[data-testid=job-progress]")
    assert "Alpha Assembly Site" in page.locator("[data-testid=scenario-name]").inner_text()
    stop.clear()
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
    sites = page.locator("[data-testid=sites-table]").inner_text()
    assert "Bravo Bioworks Site" in sites and "Alpha Assembly Site" not in sites
    # Bravo alone ships 99 of 150 a month (1 % scrap): 51 × 3 months unmet
    assert "153" in page.locator("[data-testid=plan-summary]").inner_text()
