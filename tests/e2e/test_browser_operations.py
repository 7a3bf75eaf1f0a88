"""A partner user posts production progress in one browser; the owner's operations dashboard,
open in another, shows it a few seconds later without a reload."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from tests.conftest import PASSWORD, World
from tests.e2e.conftest import sign_in
from tests.operations.ops_factories import line_ids, make_order

from cofab.db.session import unit_of_work

pytestmark = pytest.mark.browser


def test_partner_progress_appears_on_owner_dashboard_without_reload(  # type: ignore[no-untyped-def]
    browser, page, base_url: str, world: World, engine
) -> None:
    with unit_of_work(engine) as session:
        order = make_order(
            session,
            world.partner_a,
            "E2E-LIVE-1",
            [("Gearbox", 40, 12.5, date.today() + timedelta(days=4))],
            order_date=date.today(),
        )
        order_id = order.id
        assert line_ids(session, order)

    sign_in(page, base_url, world.users["manager"], PASSWORD)
    page.goto(f"{base_url}/operations")
    cell = page.locator("[data-testid=stage-table] [data-stage=in_production]")
    assert cell.inner_text() == "0"
    page.evaluate("window.__notReloaded = true")

    partner_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    partner = partner_context.new_page()
    partner.set_default_timeout(15_000)
    try:
        sign_in(partner, base_url, world.users["partner_a"], PASSWORD)
        partner.goto(f"{base_url}/orders/{order_id}")
        form = partner.locator("[data-testid=progress-form-1]")
        form.locator("select[name=stage]").select_option("in_production")
        form.locator("input[name=quantity]").fill("12")
        form.locator("button").click()
        partner.wait_for_url(lambda url: "saved=1" in url)
        assert "<b>12</b>" in partner.content()
    finally:
        partner_context.close()

    page.wait_for_function(
        "document.querySelector('[data-testid=stage-table] [data-stage=in_production]')"
        ".innerText.trim() === '12'",
        timeout=15_000,
    )
    assert page.evaluate("window.__notReloaded") is True
    assert "E2E-LIVE-1" in page.locator("[data-testid=at-risk-table]").inner_text()


def test_owner_places_an_order_with_more_lines_than_the_form_shows(  # type: ignore[no-untyped-def]
    page, base_url: str, world: World, engine
) -> None:
    from sqlalchemy import select

    from cofab.operations.models import Order, OrderLine

    sign_in(page, base_url, world.users["manager"], PASSWORD)
    page.goto(f"{base_url}/orders")
    page.locator("[data-testid=new-order]").click()
    form = page.locator("form:has([data-testid=save-order])")
    form.locator("select[name=partner_id]").select_option(str(world.partner_a))
    form.locator("input[name=external_ref]").fill("E2E-SEVEN")
    for _ in range(2):
        form.locator("[data-testid=add-line]").click()
    rows = form.locator("tr[data-line-row]")
    assert rows.count() == 7
    due = (date.today() + timedelta(days=20)).isoformat()
    for i in range(7):
        form.locator(f"input[name=line-{i}-product]").fill(f"Part {i + 1}")
        form.locator(f"input[name=line-{i}-quantity]").fill(str(10 + i))
        form.locator(f"input[name=line-{i}-unit_price]").fill("2.5")
        form.locator(f"input[name=line-{i}-requested_date]").fill(due)
    form.locator("[data-testid=save-order]").click()
    page.wait_for_url(lambda url: "/orders/" in url and "saved=1" in url)
    assert page.locator("[data-testid=line-table] tr[data-line]").count() == 7
    with unit_of_work(engine) as session:
        order = session.execute(select(Order).where(Order.external_ref == "E2E-SEVEN")).scalar_one()
        quantities = session.execute(
            select(OrderLine.quantity)
            .where(OrderLine.order_id == order.id)
            .order_by(OrderLine.line_no)
        ).scalars()
        assert [int(q) for q in quantities] == [10, 11, 12, 13, 14, 15, 16]
