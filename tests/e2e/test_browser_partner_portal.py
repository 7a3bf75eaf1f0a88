"""In a real browser: a partner user lands on its to-do page, follows "lines waiting for your
answer" to the order and accepts the line; once the goods are received the owner sees the line
and the order as "Fully received" with the order's value; the new-order Site list follows the
partner chosen (htmx)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from tests.conftest import PASSWORD, World
from tests.e2e.conftest import sign_in
from tests.operations.ops_factories import line_ids, make_order, receive, ship

from cofab.db.session import unit_of_work

pytestmark = pytest.mark.browser


def test_partner_to_do_then_received_order(page, base_url: str, world: World, engine) -> None:  # type: ignore[no-untyped-def]
    today = date.today()
    with unit_of_work(engine) as session:
        order = make_order(
            session,
            world.partner_a,
            "E2E-TODO-1",
            [("Gearbox", 40, 12.5, today + timedelta(days=4))],
            order_date=today,
        )
        order_id, line_id = order.id, line_ids(session, order)[0]

    sign_in(page, base_url, world.users["partner_a"], PASSWORD)
    page.goto(f"{base_url}/")
    page.wait_for_url(lambda url: url.endswith("/portal"))
    assert page.locator("[data-testid=todo-count-awaiting_answer]").inner_text() == "1"
    page.click("[data-testid=todo-link-awaiting_answer]")
    page.wait_for_url(lambda url: "status=awaiting_answer" in url)
    page.click("text=E2E-TODO-1")
    page.wait_for_url(lambda url: f"/orders/{order_id}" in url)
    page.click("[data-testid=accept-1]")
    page.wait_for_url(lambda url: "saved=1" in url)
    assert page.locator("[data-testid=ack-1]").inner_text() == "Accepted"
    page.goto(f"{base_url}/portal")
    assert page.locator("[data-testid=todo-count-awaiting_answer]").inner_text() == "0"
    assert page.locator("[data-testid=todo-count-shipments_due]").inner_text() == "1"

    with unit_of_work(engine) as session:
        asn = ship(session, "E2E-TODO-ASN", [(line_id, 40)], today)
        receive(session, asn, line_id, today, 40)

    page.context.clear_cookies()
    sign_in(page, base_url, world.users["manager"], PASSWORD)
    page.goto(f"{base_url}/orders/{order_id}")
    assert page.locator("[data-testid=ack-1]").inner_text() == "Fully received"
    assert page.locator("[data-testid=answer-1]").inner_text().endswith("Accepted")
    assert page.locator("h1 [data-testid=order-state]").inner_text() == "Fully received"
    assert page.locator("[data-testid=order-total]").inner_text() == "500.00 USD"

    page.goto(f"{base_url}/orders")
    page.click("[data-testid=new-order]")
    site_select = page.locator("[data-testid=order-site]")
    a_site, b_site = str(world.ids["a"]["site_id"]), str(world.ids["b"]["site_id"])
    values = site_select.locator("option").evaluate_all("els => els.map(e => e.value)")
    assert a_site in values and b_site not in values
    with page.expect_response(lambda r: "/orders/site-options" in r.url):
        page.select_option("[data-testid=order-partner]", str(world.partner_b))
    page.wait_for_function(
        "id => [...document.querySelectorAll('#order-site option')].some(o => o.value === id)",
        arg=b_site,
    )
    values = site_select.locator("option").evaluate_all("els => els.map(e => e.value)")
    assert b_site in values and a_site not in values
