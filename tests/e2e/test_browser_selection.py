"""A manager reads an evaluation's results with live charts and types an AHP matrix."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.conftest import PASSWORD, World
from tests.e2e.conftest import sign_in
from tests.selection.selection_world import candidate_ids, create_template, open_evaluation, score

pytestmark = pytest.mark.browser
ARTIFACTS = Path(os.environ.get("COFAB_TEST_ARTIFACTS", "test-artifacts"))


def test_results_charts_and_live_ahp_preview(page, base_url: str, world: World, api) -> None:  # type: ignore[no-untyped-def]
    manager = api(world.users["manager"])
    evaluation = open_evaluation(
        manager, create_template(manager)["id"], [world.partner_a, world.partner_b]
    )
    ids = candidate_ids(evaluation)
    sheet = {
        ids[world.partner_a]: {"quality": 4, "price": 100, "otd": 90},
        ids[world.partner_b]: {"quality": 3, "price": 80, "otd": 95},
    }
    assert score(manager, evaluation["id"], sheet).status_code == 200

    sign_in(page, base_url, world.users["manager"], PASSWORD)
    page.goto(f"{base_url}/selection/evaluations/{evaluation['id']}/results")
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-mc-tp')")
    for canvas in ("chart-contrib", "chart-radar", "chart-mc-ws", "chart-mc-tp"):
        assert page.evaluate(f"() => Chart.getChart('{canvas}').data.datasets.length") > 0
    leader = page.locator("[data-testid=ranking-table] tr").nth(1).inner_text()
    assert "Alpha Assembly" in leader
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "selection-results.png"), full_page=True)

    page.goto(f"{base_url}/selection/templates/new")
    for i, (key, name) in enumerate((("a", "Alpha"), ("b", "Beta"), ("c", "Gamma"))):
        page.locator("input[name=c_key]").nth(i).fill(key)
        page.locator("input[name=c_name_en]").nth(i).fill(name)
    page.fill("[data-testid=ahp-matrix]", "1 9 1/9\n1/9 1 9\n9 1/9 1")
    page.wait_for_selector("[data-testid=ahp-preview] .flash.error")
    warning = page.inner_text("[data-testid=ahp-preview]")
    assert "most inconsistent" in warning and "0.10" in warning
