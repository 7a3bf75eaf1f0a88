"""Issue 13 defects 1 and 7 in a real browser: a contract with price tiers but no currency is
refused with both fields named and nothing typed is lost; sharing a confidential drawing with a
partner without an NDA is refused saying why, and "share anyway" shows it as waiting."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from tests.conftest import PASSWORD, World, csrf_of, login
from tests.e2e.conftest import sign_in
from tests.vault.test_vault_pages import create_document

from cofab.contracts.models import Contract
from cofab.db.session import unit_of_work
from cofab.vault.models import VaultShare

pytestmark = pytest.mark.browser


def _count(engine: Engine, model: type) -> int:
    with unit_of_work(engine) as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def test_contract_without_currency_is_refused_and_keeps_the_input(  # type: ignore[no-untyped-def]
    browser, base_url: str, world: World, engine: Engine
) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="ko-KR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, base_url, world.users["manager"], PASSWORD)
    page.goto(f"{base_url}/contracts/new")
    page.fill("input[name=title]", "Cell supply 2027")
    page.check(f"[data-testid=party-choices] input[value='{world.partner_a}']")
    page.fill("input[name='terms.term.start']", "2027-01-01")
    page.fill("input[name='terms.term.last_day']", "2027-12-31")
    page.fill("textarea[name='terms.cost.price_tiers']", "0, 12.50\n1000, 11.00")
    page.fill("input[name='terms.cost.payment_days']", "45")
    page.click("[data-testid=save-contract]")
    alert = page.locator("[role=alert]")
    alert.wait_for()
    text = alert.inner_text()
    assert "통화" in text and "단가 구간" in text and "지급 기한(일)" in text
    assert "terms." not in text
    assert page.input_value("input[name=title]") == "Cell supply 2027"
    assert page.input_value("textarea[name='terms.cost.price_tiers']") == "0, 12.50\n1000, 11.00"
    assert page.input_value("input[name='terms.cost.payment_days']") == "45"
    assert _count(engine, Contract) == 0

    page.fill("input[name='terms.cost.currency']", "usd")
    page.click("[data-testid=save-contract]")
    page.wait_for_url(lambda url: "/contracts/new" not in url)
    assert "12.50" in page.inner_text("main")
    assert _count(engine, Contract) == 1
    context.close()


def test_share_without_nda_is_refused_then_waits(  # type: ignore[no-untyped-def]
    page, base_url: str, world: World, engine: Engine
) -> None:
    client = login(base_url, world.users["manager"])
    document_id = create_document(client, csrf_of(client, "/vault/documents/new"))
    sign_in(page, base_url, world.users["manager"], PASSWORD)
    page.goto(f"{base_url}/vault/documents/{document_id}")
    page.select_option("[data-testid=share-form] select[name=partner_id]", str(world.partner_b))
    page.fill("[data-testid=share-form] input[name=note]", "for quotation")
    page.click("[data-testid=share]")
    alert = page.locator("[role=alert]")
    alert.wait_for()
    assert "no NDA or contract in force" in alert.inner_text()
    assert "partner_id" not in alert.inner_text()
    assert page.input_value("[data-testid=share-form] input[name=note]") == "for quotation"
    assert _count(engine, VaultShare) == 0

    page.check("[data-testid=share-anyway]")
    page.click("[data-testid=share]")
    page.wait_for_selector("[data-testid=share-waiting]")
    assert "Waiting for an agreement" in page.inner_text("[data-testid=share-table]")
    assert _count(engine, VaultShare) == 1
