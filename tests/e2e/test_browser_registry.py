"""A manager signs in, switches to Korean, creates a partner with a site, finds it listed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.conftest import PASSWORD, World
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser
ARTIFACTS = Path(os.environ.get("COFAB_TEST_ARTIFACTS", "test-artifacts"))


def test_create_partner_with_site_in_korean(page, base_url: str, world: World) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, base_url, world.users["manager"], PASSWORD)
    page.goto(f"{base_url}/partners")
    page.click("[data-testid=lang-switch]")
    page.wait_for_selector("html[lang=ko]")
    assert page.locator("h1").first.inner_text() == "파트너"

    page.click("[data-testid=new-partner]")
    page.fill("input[name=name_ko]", "메콩 정밀")
    page.fill("input[name=name_en]", "Mekong Precision")
    page.select_option("select[name=form]", "strategic_alliance")
    page.fill("input[name=country]", "VN")
    page.check("input[name=types][value=contract_manufacturer]")
    page.click("[data-testid=save-partner]")
    page.wait_for_selector("[data-testid=partner-name]")
    assert page.inner_text("[data-testid=partner-name]") == "메콩 정밀"

    page.click("[data-testid=add-site]")
    page.fill("form[action$='/sites'] input[name=name]", "Da Nang Plant")
    page.fill("form[action$='/sites'] input[name=country]", "VN")
    page.fill("form[action$='/sites'] input[name=timezone]", "Asia/Ho_Chi_Minh")
    page.click("[data-testid=save-site]")
    page.wait_for_selector("[data-testid=site-table] >> text=Da Nang Plant")

    page.goto(f"{base_url}/partners?country=VN")
    table = page.locator("[data-testid=partner-table]")
    assert "메콩 정밀" in table.inner_text()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "partners-ko.png"), full_page=True)


def test_partner_user_sees_only_its_own_company(page, base_url: str, world: World) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, base_url, world.users["partner_a"], PASSWORD)
    assert page.url.endswith("/portal")  # a partner starts on its to-do page (issue 13, item 14)
    page.goto(f"{base_url}/partners/{world.partner_a}")
    assert "Alpha Assembly" in page.content()
    page.goto(f"{base_url}/partners")
    text = page.locator("[data-testid=partner-table]").inner_text()
    assert "Alpha Assembly" in text and "Bravo" not in text
    response = page.goto(f"{base_url}/partners/{world.partner_b}")
    assert response is not None and response.status == 404
