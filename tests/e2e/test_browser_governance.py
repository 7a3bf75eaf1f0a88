"""Seoul meets Berlin: the owner finds a common slot on the slot finder, proposes the meeting
from it, records a decision and a partner-side action item; the partner user sees the item on
its governance page and in its inbox and marks it done there — all in the browser."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from tests.conftest import PASSWORD, World
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser


def _next_monday() -> date:
    day = date(date.today().year + 1, 3, 15)  # mid-March next year: before the EU clock change
    return day + timedelta(days=(7 - day.weekday()) % 7)


def test_owner_proposes_a_seoul_berlin_meeting_and_the_partner_closes_its_item(  # type: ignore[no-untyped-def]
    browser, page, base_url: str, world: World, engine
) -> None:
    monday = _next_monday()
    sign_in(page, base_url, world.users["manager"], PASSWORD)
    page.goto(f"{base_url}/governance/slots")
    form = page.get_by_test_id("slot-form")
    form.locator("textarea[name=zones]").fill("Asia/Seoul\nEurope/Berlin")
    form.locator("input[name=from]").fill(monday.isoformat())
    form.locator("input[name=to]").fill((monday + timedelta(days=4)).isoformat())
    form.locator("input[name=duration]").fill("60")
    form.locator("input[name=hours]").fill("09:00-18:00")
    page.get_by_test_id("slot-find").click()
    propose = page.get_by_test_id("slot-propose").first
    href = propose.get_attribute("href") or ""
    start = re.search(r"start=([0-9T:\-]+)Z", href)
    assert start, href
    # Seoul 09-18 (UTC+9) and Berlin 09-18 (UTC+1 in March) share 08:00-09:00 UTC
    assert start.group(1) == f"{monday.isoformat()}T08:00:00"
    propose.click()

    meeting_form = page.get_by_test_id("meeting-form")
    assert (
        meeting_form.locator("input[name=starts_at]")
        .input_value()
        .startswith(f"{monday.isoformat()}T08:00")
    )
    meeting_form.locator("input[name=title]").fill("Seoul–Berlin cell supply review")
    meeting_form.locator("select[name=partner_id]").select_option(str(world.partner_a))
    meeting_form.locator("button").click()
    page.wait_for_url(re.compile(r"/governance/meetings/\d+"))
    meeting_url = page.url
    assert page.get_by_test_id("start-utc").inner_text().startswith(f"{monday.isoformat()} 08:00")
    assert "17:00 KST" in page.get_by_test_id("start-meeting-time").inner_text()

    decision = page.get_by_test_id("decision-form")
    decision.locator("textarea[name=text]").fill("Second cell line qualified for Q3 volumes")
    decision.locator("select[name=kind]").select_option("decision")
    decision.locator("button").click()
    page.wait_for_url(re.compile(r"/governance/meetings/\d+"))
    assert "Second cell line qualified" in page.get_by_test_id("decisions").inner_text()
    item = page.get_by_test_id("action-item-form")
    item.locator("input[name=title]").fill("Send the line 2 capacity plan")
    item.locator("select[name=side]").select_option("partner")
    item.locator("input[name=due_date]").fill((monday + timedelta(days=14)).isoformat())
    item.locator("button").click()
    page.wait_for_url(re.compile(r"/governance/meetings/\d+"))
    assert "Send the line 2 capacity plan" in page.get_by_test_id("action-items").inner_text()

    partner_context = browser.new_context(viewport={"width": 1280, "height": 900})
    partner = partner_context.new_page()
    partner.set_default_timeout(15_000)
    sign_in(partner, base_url, world.users["partner_a"], PASSWORD)
    partner.goto(f"{base_url}/governance")
    assert "Send the line 2 capacity plan" in partner.get_by_test_id("action-items").inner_text()
    partner.goto(f"{base_url}/inbox")
    row = partner.locator("tr", has_text="Send the line 2 capacity plan")
    row.get_by_test_id("mark-done").click()
    partner.wait_for_url(re.compile(r"/inbox"))
    partner.goto(meeting_url)
    items = partner.get_by_test_id("action-items").inner_text()
    assert "Send the line 2 capacity plan" in items and world.users["partner_a"] in items
    partner.goto(f"{base_url}/governance")
    assert (
        "Send the line 2 capacity plan" not in partner.get_by_test_id("action-items").inner_text()
    )
    partner_context.close()
