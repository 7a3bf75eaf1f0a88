"""User administration in a real browser: an admin issues a reset link from the users list,
the user sets a new password through it and signs in; the pages fit 1366 px in both languages."""

from __future__ import annotations

import pytest
from tests.conftest import PASSWORD, World
from tests.e2e.conftest import sign_in

NEW_PASSWORD = "tangerine-harbour-77"


def test_reset_link_from_the_users_list_to_a_new_sign_in(
    browser, world: World, base_url: str
) -> None:  # type: ignore[no-untyped-def]
    admin_context = browser.new_context(viewport={"width": 1366, "height": 900})
    admin = admin_context.new_page()
    admin.set_default_timeout(15_000)
    sign_in(admin, base_url, world.users["admin"], PASSWORD)
    admin.goto(f"{base_url}/users")
    row = admin.locator(f'tr[data-user="{world.users["viewer"]}"]')
    row.get_by_role("button", name="Reset link").click()
    link = admin.get_by_test_id("reset-link").inner_text().strip()
    assert link.startswith(f"{base_url}/password-reset/")
    admin_context.close()

    user_context = browser.new_context(viewport={"width": 1366, "height": 900})
    user = user_context.new_page()
    user.set_default_timeout(15_000)
    user.goto(link)
    user.fill("input[name=new_password]", "password1234")
    user.fill("input[name=new_password_confirm]", "password1234")
    user.click("button[type=submit]")
    assert "common or breached" in user.locator(".flash.error").inner_text()
    user.fill("input[name=new_password]", NEW_PASSWORD)
    user.fill("input[name=new_password_confirm]", NEW_PASSWORD)
    user.click("button[type=submit]")
    user.get_by_role("link", name="Log in").last.click()
    sign_in(user, base_url, world.users["viewer"], NEW_PASSWORD)
    assert "/login" not in user.url
    user.goto(link)
    assert "not valid" in user.locator(".flash.error").inner_text()
    user_context.close()


@pytest.mark.parametrize("locale", ["en", "ko"])
def test_user_pages_fit_1366_px(browser, world: World, base_url: str, locale: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.add_cookies([{"name": "cofab_lang", "value": locale, "url": base_url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, base_url, world.users["admin"], PASSWORD)
    for path in ("/users", "/account"):
        page.goto(f"{base_url}{path}")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (path, locale, overflow)
    page.goto(f"{base_url}/users")
    page.locator(f'tr[data-user="{world.users["manager"]}"] a').first.click()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, ("user page", locale, overflow)
    context.close()
