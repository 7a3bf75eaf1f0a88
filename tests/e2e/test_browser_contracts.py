"""A partner approves its contract in the browser; the manager (in Korean) puts it in force,
compares the amendment and reads the RACI matrix."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import Engine
from tests.conftest import PASSWORD, World
from tests.contracts.contract_factories import make_contract, walk
from tests.e2e.conftest import sign_in

from cofab.contracts import raci
from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work

pytestmark = pytest.mark.browser
ARTIFACTS = Path(os.environ.get("COFAB_TEST_ARTIFACTS", "test-artifacts"))


def test_partner_approves_and_manager_activates(  # type: ignore[no-untyped-def]
    browser, base_url: str, world: World, engine: Engine
) -> None:
    with unit_of_work(engine) as session:
        contract = make_contract(session, [world.partner_a], title="Tablet assembly 2026")
        raci.set_raci(
            session,
            actor=SYSTEM_ACTOR,
            contract_id=contract.id,
            matrix={"production": {"owner": "A", str(world.partner_a): "R"}},
        )
        walk(session, contract.id, "internal_review", "partner_review")
        cid = contract.id

    partner_context = browser.new_context(locale="en-US")
    page = partner_context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, base_url, world.users["partner_a"], PASSWORD)
    page.goto(f"{base_url}/contracts")
    page.click("text=Tablet assembly 2026")
    page.fill("[data-testid=comment-form] textarea[name=body]", "Clause 1 is fine for us.")
    page.click("[data-testid=comment-form] button")
    page.click("[data-testid=partner-approve]")  # the portal's own approve button
    page.wait_for_selector("[data-testid=contract-status] >> text=Approved")
    partner_context.close()

    manager_context = browser.new_context(locale="ko-KR")
    page = manager_context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, base_url, world.users["manager"], PASSWORD)
    page.goto(f"{base_url}/contracts/{cid}")
    assert "Clause 1 is fine for us." in page.inner_text("main")
    page.select_option("[data-testid=transition-select]", "active")
    page.click("[data-testid=transition-submit]")
    page.wait_for_selector("[data-testid=contract-status] >> text=활성")
    assert "파트너 승인" in page.inner_text("[data-testid=event-table]")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "contracts-detail-ko.png"), full_page=True)
    page.goto(f"{base_url}/contracts/{cid}/raci")
    assert page.input_value(f"input[name='cell.0.{world.partner_a}']") == "R"
    page.screenshot(path=str(ARTIFACTS / "contracts-raci-ko.png"), full_page=True)
    manager_context.close()
