"""Sign-in with argon2 hashes, throttling, CSRF on forms, API tokens hashed at rest, language."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import Engine, select
from tests.conftest import PASSWORD, World, csrf_of, login

from cofab.accounts.models import ApiToken, User
from cofab.db.session import unit_of_work


def test_password_is_stored_as_argon2id(world: World, engine: Engine) -> None:
    with unit_of_work(engine) as session:
        user = session.execute(select(User).where(User.email == world.users["viewer"])).scalar_one()
        assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


def test_login_logout_and_wrong_password(world: World, base_url: str) -> None:
    client = login(base_url, world.users["manager"])
    assert client.get("/partners").status_code == 200
    token = csrf_of(client)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/partners").status_code == 303  # back to the login page
    anon = httpx.Client(base_url=base_url)
    page = anon.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    wrong = anon.post(
        "/login", data={"email": world.users["manager"], "password": "nope", "csrf_token": csrf}
    )
    assert wrong.status_code == 401 and "E-mail or password is wrong." in wrong.text


def test_failed_logins_are_throttled(world: World, base_url: str) -> None:
    anon = httpx.Client(base_url=base_url)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', anon.get("/login").text).group(1)  # type: ignore[union-attr]
    statuses = [
        anon.post(
            "/login", data={"email": world.users["viewer"], "password": "bad", "csrf_token": csrf}
        ).status_code
        for _ in range(6)
    ]
    assert statuses[:5] == [401] * 5 and statuses[5] == 429
    locked = anon.post(
        "/login", data={"email": world.users["viewer"], "password": PASSWORD, "csrf_token": csrf}
    )
    assert locked.status_code == 429


def test_forms_without_csrf_token_are_refused(world: World, base_url: str) -> None:
    client = login(base_url, world.users["manager"])
    response = client.post(f"/partners/{world.partner_a}/contacts", data={"name": "Sneaky"})
    assert response.status_code == 403
    ok = client.post(
        f"/partners/{world.partner_a}/contacts",
        data={"name": "Legit", "csrf_token": csrf_of(client)},
    )
    assert ok.status_code == 303


def test_api_token_is_hashed_at_rest_and_revocable(
    world: World, base_url: str, engine: Engine
) -> None:
    client = login(base_url, world.users["viewer"])
    issued = client.post(
        "/api/v1/me/tokens", json={"name": "erp"}, headers={"X-CSRF-Token": csrf_of(client)}
    )
    assert issued.status_code == 201, issued.text
    secret = issued.json()["token"]
    with unit_of_work(engine) as session:
        stored = session.execute(select(ApiToken.token_hash)).scalars().all()
    assert secret not in stored and all(len(h) == 64 for h in stored)
    bearer = httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {secret}"})
    assert bearer.get("/api/v1/me").json()["email"] == world.users["viewer"]
    revoke = client.delete(
        f"/api/v1/me/tokens/{issued.json()['id']}", headers={"X-CSRF-Token": csrf_of(client)}
    )
    assert revoke.status_code == 204
    assert bearer.get("/api/v1/me").status_code == 401
    assert httpx.get(f"{base_url}/api/v1/me").status_code == 401


def test_cookie_api_calls_need_the_csrf_header(world: World, base_url: str) -> None:
    client = login(base_url, world.users["viewer"])
    assert client.get("/api/v1/me").status_code == 200
    assert client.post("/api/v1/me/tokens", json={"name": "x"}).status_code == 403


def test_language_follows_accept_language_then_the_saved_choice(
    world: World, base_url: str
) -> None:
    anon = httpx.Client(base_url=base_url, headers={"Accept-Language": "ko-KR,ko;q=0.9,en;q=0.5"})
    assert '<html lang="ko">' in anon.get("/login").text
    client = login(base_url, world.users["viewer"])
    assert '<html lang="en">' in client.get("/partners").text
    response = client.post(
        "/lang", data={"locale": "ko", "next": "/partners", "csrf_token": csrf_of(client)}
    )
    assert response.status_code == 303
    fresh = login(
        base_url, world.users["viewer"]
    )  # a new session: the choice was saved on the user
    assert '<html lang="ko">' in fresh.get("/partners").text


def test_open_redirect_after_login_is_refused(world: World, base_url: str) -> None:
    anon = httpx.Client(base_url=base_url)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', anon.get("/login").text).group(1)  # type: ignore[union-attr]
    response = anon.post(
        "/login",
        data={
            "email": world.users["viewer"],
            "password": PASSWORD,
            "csrf_token": csrf,
            "next": "//evil.example/x",
        },
    )
    assert response.headers["location"] == "/"


def test_admin_creates_users_with_valid_roles_only(world: World, api) -> None:
    admin = api(world.users["admin"])
    bad = admin.post(
        "/api/v1/users",
        json={"email": "p@x.test", "display_name": "P", "password": "short", "role": "partner"},
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"password", "partner_id"}
    good = admin.post(
        "/api/v1/users",
        json={
            "email": "p@x.test",
            "display_name": "P",
            "password": "long-enough-1",
            "role": "partner",
            "partner_id": world.partner_a,
        },
    )
    assert good.status_code == 201
    assert (
        api(world.users["manager"])
        .post(
            "/api/v1/users",
            json={
                "email": "q@x.test",
                "display_name": "Q",
                "password": "long-enough-1",
                "role": "viewer",
            },
        )
        .status_code
        == 403
    )


def test_signing_out_ends_copied_session_cookies(world: World, base_url: str) -> None:
    """A cookie copied before sign-out (another tab, a stolen copy) is refused afterwards."""
    browser = login(base_url, world.users["manager"])
    copy = httpx.Client(base_url=base_url, cookies=dict(browser.cookies))
    assert copy.get("/partners").status_code == 200
    assert copy.get("/api/v1/me").status_code == 200
    assert browser.post("/logout", data={"csrf_token": csrf_of(browser)}).status_code == 303
    assert copy.get("/partners").status_code == 303  # to the login page
    assert copy.get("/api/v1/me").status_code == 401
    again = login(base_url, world.users["manager"])  # signing in again works
    assert again.get("/partners").status_code == 200
    other = login(base_url, world.users["viewer"])  # other users are not affected
    assert other.get("/partners").status_code == 200
