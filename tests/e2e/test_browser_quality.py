"""Receipt → incoming inspection → rejected lot → NCR → the partner writes its 8D → the owner
approves each step → closure refused until three clean lots, then closed — all in the browser
except the receipts themselves (operations' own flow, booked through its service)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from tests.conftest import PASSWORD, World
from tests.e2e.conftest import sign_in
from tests.operations.ops_factories import deliver, line_ids, make_order
from tests.quality.quality_web_factories import inspect, make_plan

from cofab.db.session import unit_of_work
from cofab.quality.models import EIGHTD_STEPS, Inspection, Lot

pytestmark = pytest.mark.browser


def _receive(engine, partner_id: int, ref: str) -> int:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        order = make_order(
            session, partner_id, f"PO-{ref}", [("PCB-1", 500, 2.0, date(2026, 3, 1))]
        )
        deliver(session, line_ids(session, order)[0], f"ASN-{ref}", date(2026, 3, 1), 500)
        lot = session.execute(select(Lot).order_by(Lot.id.desc())).scalars().first()
        assert lot is not None
        return lot.id


def test_receipt_to_closed_8d_in_the_browser(  # type: ignore[no-untyped-def]
    browser, page, base_url: str, world: World, engine
) -> None:
    with unit_of_work(engine) as session:
        make_plan(session, world.partner_a)
    lot_id = _receive(engine, world.partner_a, "E2E-Q1")

    sign_in(page, base_url, world.users["quality"], PASSWORD)
    page.goto(f"{base_url}/quality")
    page.click(f"a[href='/quality/lots/{lot_id}']")
    assert page.locator("[data-testid=sample-size]").inner_text() == "125"
    page.fill("[data-testid=qty-1]", "2")  # Solder bridge, major: Ac 1, Re 2
    page.click("[data-testid=record-inspection]")
    page.wait_for_url(f"{base_url}/quality/lots/{lot_id}")
    assert page.locator("[data-testid=lot-status]").inner_text() == "Lot rejected"
    page.select_option("[data-testid=disposition-form] select[name=disposition]", "sort")
    page.click("[data-testid=disposition-form] button")
    assert page.locator("[data-testid=lot-disposition]").inner_text().startswith("100 % sort")
    page.click("[data-testid=raise-ncr]")
    page.wait_for_url(lambda url: "/quality/ncrs/" in url)
    assert page.locator("[data-testid=ncr-code]").inner_text() == "Solder bridge"
    page.click("[data-testid=request-8d]")
    page.wait_for_url(lambda url: "/quality/8d/" in url)
    eightd_url = page.url.split("#")[0]

    partner_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    partner = partner_context.new_page()
    partner.set_default_timeout(15_000)
    try:
        sign_in(partner, base_url, world.users["partner_a"], PASSWORD)
        partner.goto(eightd_url)
        for step in EIGHTD_STEPS:
            if step == "D4":
                partner.fill("[data-testid=field-D4-why1]", "스텐실 마모")
                partner.fill("[data-testid=field-D4-root_cause]", "스텐실 예방 정비 누락")
            partner.click(f"[data-testid=submit-{step}]")
            partner.wait_for_load_state()
        assert partner.locator("[data-testid=step-status-D8]").inner_text() == "제출됨"
    finally:
        partner_context.close()

    page.goto(eightd_url)
    for step in EIGHTD_STEPS[:-1]:
        page.click(f"[data-testid=approve-{step}]")
        page.wait_for_load_state()
        assert page.locator(f"[data-testid=step-status-{step}]").inner_text() == "Approved"
    page.click("[data-testid=close-8d]")
    page.wait_for_load_state()
    assert page.locator("[role=alert]").count() == 1
    assert "Not verified yet" in page.locator("[role=alert]").inner_text()
    assert page.locator("[data-testid=eightd-status]").inner_text() == "Open"

    for n in range(3):  # three clean lots from the same partner
        _receive(engine, world.partner_a, f"E2E-V{n}")
        with unit_of_work(engine) as session:
            pending = session.execute(
                select(Inspection.id).where(Inspection.status == "pending")
            ).scalar_one()
            inspect(session, pending, [])
    page.goto(eightd_url)
    page.click("[data-testid=close-8d]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=eightd-status]").inner_text() == "Resolved"
    page.goto(f"{base_url}/quality/ncrs")
    assert "Resolved" in page.content()
