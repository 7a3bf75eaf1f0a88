"""The TTS page in a browser: upload a network, see the node that cannot ride out its recovery
in red with its bar chart drawn, try a what-if that closes the gap, then start the exit
transition of that partner and tick a step."""

from __future__ import annotations

import json

import pytest
from tests.conftest import PASSWORD, World
from tests.e2e.conftest import sign_in

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


def test_tts_red_node_what_if_and_exit_transition(  # type: ignore[no-untyped-def]
    page, base_url: str, world: World
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
