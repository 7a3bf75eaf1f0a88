"""User administration in the browser's pages: the users list's actions, the user page (role,
units, reset link, unlock, deactivation), own password change on /account, the reset page,
field labels in both languages, the demo-password note on the login page, admins only."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import Engine
from tests.accounts.user_admin_helpers import STRONG, try_login, user_id
from tests.conftest import PASSWORD, World, csrf_of, login


def _errors(page: str) -> list[str]:
    """The field error lines of base.html's error box, tags stripped."""
    box = re.search(r'<div class="flash error" role="alert">(.*?)</div>', page, re.S)
    assert box, "no error box on the page"
    return [
        re.sub(r"<[^>]+>", "", li).strip() for li in re.findall(r"<li>(.*?)</li>", box[1], re.S)
    ]


def test_users_list_actions_deactivate_and_reactivate(
    world: World, base_url: str, engine: Engine
) -> None:
    admin = login(base_url, world.users["admin"])
    manager_email = world.users["manager"]
    manager = login(base_url, manager_email)
    uid = user_id(engine, manager_email)
    page = admin.get("/users")
    assert page.status_code == 200
    row = re.search(rf'<tr data-user="{re.escape(manager_email)}">(.*?)</tr>', page.text, re.S)
    assert row
    for action in ("deactivate", "reset-link", f"users/{uid}"):
        assert action in row[1], action
    assert "unlock" not in row[1]  # not locked
    own = re.search(
        rf'<tr data-user="{re.escape(world.users["admin"])}">(.*?)</tr>', page.text, re.S
    )
    assert own and "deactivate" not in own[1]  # no button to lock oneself out

    csrf = csrf_of(admin, "/users")
    done = admin.post(f"/users/{uid}/deactivate", data={"csrf_token": csrf})
    assert done.status_code == 303 and done.headers["location"] == f"/users/{uid}?done=deactivated"
    assert "sessions and API tokens have ended" in admin.get(done.headers["location"]).text
    assert manager.get("/account").status_code == 303
    assert try_login(base_url, manager_email, PASSWORD) == 401
    assert "deactivated" in admin.get("/users").text
    back = admin.post(f"/users/{uid}/activate", data={"csrf_token": csrf})
    assert back.status_code == 303
    assert try_login(base_url, manager_email, PASSWORD) == 303


def test_reset_link_from_the_user_page(world: World, base_url: str, engine: Engine) -> None:
    admin = login(base_url, world.users["admin"])
    uid = user_id(engine, world.users["partner_a"])
    csrf = csrf_of(admin, f"/users/{uid}")
    page = admin.post(f"/users/{uid}/reset-link", data={"csrf_token": csrf})
    assert page.status_code == 200
    link = re.search(r'data-testid="reset-link"[^>]*>([^<]+)</code>', page.text)
    assert link and link[1].startswith(base_url + "/password-reset/reset_")
    anon = httpx.Client(base_url=base_url, timeout=30)
    form = anon.get(link[1])
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)[1]  # type: ignore[index]
    common = anon.post(
        link[1],
        data={
            "new_password": "qwertyuiop",
            "new_password_confirm": "qwertyuiop",
            "csrf_token": token,
        },
    )
    assert common.status_code == 422
    assert _errors(common.text) == [
        "New password: This password is on a list of common or breached passwords; choose another."
    ]
    ok = anon.post(
        link[1], data={"new_password": STRONG, "new_password_confirm": STRONG, "csrf_token": token}
    )
    assert ok.status_code == 200
    assert try_login(base_url, world.users["partner_a"], STRONG) == 303


def test_unlock_from_the_users_list(world: World, base_url: str, engine: Engine) -> None:
    email = world.users["viewer"]
    for _ in range(5):
        assert try_login(base_url, email, "wrong-password!") == 401
    admin = login(base_url, world.users["admin"])
    uid = user_id(engine, email)
    row = re.search(
        rf'<tr data-user="{re.escape(email)}">(.*?)</tr>', admin.get("/users").text, re.S
    )
    assert row and "locked" in row[1] and f"/users/{uid}/unlock" in row[1]
    assert 'data-testid="locked"' in admin.get(f"/users/{uid}").text
    done = admin.post(f"/users/{uid}/unlock", data={"csrf_token": csrf_of(admin, "/users")})
    assert done.status_code == 303
    assert "5 failed sign-ins cleared" in admin.get(done.headers["location"]).text
    assert try_login(base_url, email, PASSWORD) == 303


def test_role_change_on_the_user_page_names_fields_by_label(
    world: World, base_url: str, engine: Engine
) -> None:
    admin = login(base_url, world.users["admin"])
    uid = user_id(engine, world.users["quality"])
    csrf = csrf_of(admin, f"/users/{uid}")
    refused = admin.post(f"/users/{uid}/role", data={"role": "partner", "csrf_token": csrf})
    assert refused.status_code == 422
    assert _errors(refused.text) == [
        "Partner company: A partner user must belong to a partner company."
    ]
    admin.cookies.set("cofab_lang", "ko")
    korean = admin.post(f"/users/{uid}/role", data={"role": "partner", "csrf_token": csrf})
    assert _errors(korean.text) == [
        "파트너 회사: 파트너 사용자는 소속 파트너 회사를 지정해야 합니다."
    ]
    admin.cookies.set("cofab_lang", "en")
    done = admin.post(
        f"/users/{uid}/role",
        data={"role": "partner", "partner_id": str(world.partner_a), "csrf_token": csrf},
    )
    assert done.status_code == 303
    assert "Role saved." in admin.get(done.headers["location"]).text
    assert try_login(base_url, world.users["quality"], PASSWORD) == 303
    moved = login(base_url, world.users["quality"])
    assert moved.get(f"/partners/{world.partner_b}").status_code == 404  # now partner A's user
    assert moved.get("/users").status_code == 403


def test_business_units_on_the_user_page(world: World, base_url: str, engine: Engine) -> None:
    from cofab.db.session import unit_of_work
    from cofab.units import service as units_service

    with unit_of_work(engine) as session:
        unit = units_service.ensure_unit(session, code="cells", name_ko="셀", name_en="Cells")
        unit_id = unit.id
    admin = login(base_url, world.users["admin"])
    uid = user_id(engine, world.users["manager"])
    page = admin.get(f"/users/{uid}")
    assert 'data-testid="user-units"' in page.text and "Cells (cells)" in page.text
    done = admin.post(
        f"/users/{uid}/units",
        data={"unit_ids": [str(unit_id)], "csrf_token": csrf_of(admin, f"/users/{uid}")},
    )
    assert done.status_code == 303
    with unit_of_work(engine) as session:
        assert units_service.units_of_user(session, uid) == [unit_id]
        from cofab.accounts.models import User

        assert session.get(User, uid).all_units is False  # type: ignore[union-attr]
    partner_uid = user_id(engine, world.users["partner_a"])
    assert 'data-testid="user-units"' not in admin.get(f"/users/{partner_uid}").text


def test_change_own_password_on_the_account_page(world: World, base_url: str) -> None:
    email = world.users["viewer"]  # a read-only user may still change their own password
    browser = login(base_url, email)
    elsewhere = login(base_url, email)
    page = browser.get("/account")
    assert 'data-testid="change-password"' in page.text
    csrf = csrf_of(browser, "/account")
    form = {"current_password": PASSWORD, "csrf_token": csrf}
    browser.cookies.set("cofab_lang", "ko")
    breached = browser.post(
        "/account/password",
        data=form | {"new_password": "1234567890", "new_password_confirm": "1234567890"},
    )
    assert breached.status_code == 422
    assert _errors(breached.text) == [
        "새 비밀번호: 자주 쓰이거나 유출된 비밀번호 목록에 있는 비밀번호입니다. "
        "다른 비밀번호를 고르세요."
    ]
    browser.cookies.set("cofab_lang", "en")
    mismatch = browser.post(
        "/account/password",
        data=form | {"new_password": STRONG, "new_password_confirm": STRONG + "x"},
    )
    assert _errors(mismatch.text) == ["Repeat the new password: Does not match the new password."]
    wrong = browser.post(
        "/account/password",
        data=form
        | {
            "current_password": "guess-guess",
            "new_password": STRONG,
            "new_password_confirm": STRONG,
        },
    )
    assert _errors(wrong.text) == ["Current password: Is not your current password."]
    ok = browser.post(
        "/account/password", data=form | {"new_password": STRONG, "new_password_confirm": STRONG}
    )
    assert ok.status_code == 200 and "Your password was changed" in ok.text
    assert browser.get("/account").status_code == 200  # this session goes on
    assert elsewhere.get("/account").status_code == 303  # the other one ended
    assert try_login(base_url, email, STRONG) == 303


def test_only_admins_see_user_administration(world: World, base_url: str, engine: Engine) -> None:
    target = user_id(engine, world.users["partner_b"])
    for who in ("manager", "quality", "viewer", "partner_a"):
        client = login(base_url, world.users[who])
        assert client.get("/users").status_code == 403, who
        page = client.get(f"/users/{target}")
        assert page.status_code == 403 and world.users["partner_b"] not in page.text, who
        csrf = csrf_of(client, "/account")
        for action in ("deactivate", "unlock", "reset-link", "role", "units"):
            response = client.post(f"/users/{target}/{action}", data={"csrf_token": csrf})
            assert response.status_code == 403, (who, action)
    assert try_login(base_url, world.users["partner_b"], PASSWORD) == 303


def test_login_page_says_the_demo_password_is_demo_data(app, base_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(
        app.state,
        "demo_logins",
        [("admin@hanbit.example", "cofab-demo-2026", "admin")],
        raising=False,
    )
    page = httpx.get(f"{base_url}/login", timeout=30)
    assert 'data-testid="demo-password-note"' in page.text and "public demo data" in page.text
    korean = httpx.get(f"{base_url}/login", cookies={"cofab_lang": "ko"}, timeout=30)
    assert "공개된 데모 데이터" in korean.text
