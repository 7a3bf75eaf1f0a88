"""The thread panel in a real browser: the order page loads it by itself (htmx), a partner
posts a message mentioning the owner's quality engineer, and the panel swaps in place."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from tests.conftest import PASSWORD, World
from tests.discussions.discussion_factories import order_of
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser


def test_a_partner_posts_on_its_order_without_leaving_the_page(  # type: ignore[no-untyped-def]
    page,
    base_url: str,
    world: World,
    engine: Engine,
) -> None:
    order = order_of(engine, world.partner_a, "PO-BROWSER-1")
    sign_in(page, base_url, world.users["partner_a"], PASSWORD)
    page.goto(f"{base_url}/orders/{order}")
    panel = page.locator("[data-testid=discussion-panel]")
    panel.wait_for()
    assert "No messages yet." in panel.inner_text()
    page.fill("[data-testid=discussion-body]", f"@{world.users['quality']} lot 3 ships Friday")
    page.click("[data-testid=discussion-post]")
    page.locator("[data-testid=discussion-message]").wait_for()
    assert page.url.endswith(f"/orders/{order}")  # swapped in place, no navigation
    message = page.locator("[data-testid=discussion-message]").inner_text()
    assert "lot 3 ships Friday" in message
    assert f"@{world.users['quality']}" in message
    # a refused mention comes back in the panel with the typed text kept
    page.fill("[data-testid=discussion-body]", f"@{world.users['partner_b']} hello")
    page.click("[data-testid=discussion-post]")
    page.locator("[data-testid=discussion-panel] .flash.error").wait_for()
    assert page.input_value("[data-testid=discussion-body]") == f"@{world.users['partner_b']} hello"
    assert page.locator("[data-testid=discussion-message]").count() == 1
