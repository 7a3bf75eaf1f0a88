"""User administration over the API: deactivation ends sessions and tokens at once, one-time
reset links, own password change, the password policy, roles, unlocking, admins only, audit."""

from __future__ import annotations

import json
import re

import httpx
from sqlalchemy import Engine
from tests.accounts.user_admin_helpers import STRONG, audit_entries, try_login, user_id
from tests.conftest import PASSWORD, World, login

from cofab.accounts.models import ApiToken
from cofab.db.session import unit_of_work


def test_deactivated_users_cookie_and_token_stop_at_once(
    world: World, api, base_url: str, engine: Engine
) -> None:  # type: ignore[no-untyped-def]
    manager = world.users["manager"]
    browser = login(base_url, manager)
    token_client = api(manager)
    assert browser.get("/partners").status_code == 200
    assert token_client.get("/api/v1/me").status_code == 200
    admin = api(world.users["admin"])
    uid = user_id(engine, manager)

    response = admin.post(f"/api/v1/users/{uid}/deactivate")
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert browser.get("/partners").status_code == 303  # sent to the login page
    assert token_client.get("/api/v1/me").status_code == 401
    assert try_login(base_url, manager, PASSWORD) == 401
    with unit_of_work(engine) as session:
        tokens = session.query(ApiToken).filter(ApiToken.user_id == uid).all()
        assert tokens and all(t.revoked_at is not None for t in tokens)

    response = admin.post(f"/api/v1/users/{uid}/activate")
    assert response.status_code == 200 and response.json()["is_active"] is True
    assert try_login(base_url, manager, PASSWORD) == 303
    assert token_client.get("/api/v1/me").status_code == 401  # revoked tokens stay revoked
    assert browser.get("/partners").status_code == 303  # the old cookie stays ended
    (entry,) = audit_entries(engine, "deactivate", uid)
    assert entry.after == {"email": manager, "is_active": False, "tokens_revoked": 1}
    assert len(audit_entries(engine, "activate", uid)) == 1


def test_admin_cannot_lock_out_the_last_admin(world: World, api, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    admin = api(world.users["admin"])
    me = user_id(engine, world.users["admin"])
    assert admin.post(f"/api/v1/users/{me}/deactivate").status_code == 409
    demoted = admin.put(f"/api/v1/users/{me}/role", json={"role": "manager"})
    assert demoted.status_code == 409


def test_reset_link_works_once(world: World, api, base_url: str, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    viewer = world.users["viewer"]
    uid = user_id(engine, viewer)
    admin = api(world.users["admin"])
    first = admin.post(f"/api/v1/users/{uid}/password-reset")
    assert first.status_code == 201
    issued = admin.post(f"/api/v1/users/{uid}/password-reset").json()
    assert issued["emailed"] is False and issued["url"].startswith(base_url + "/password-reset/")
    path = issued["url"][len(base_url) :]

    anon = httpx.Client(base_url=base_url, timeout=30)
    # The earlier link was replaced by the later one.
    assert anon.get(first.json()["url"][len(base_url) :]).status_code == 404
    form = anon.get(path)
    assert form.status_code == 200 and viewer in form.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
    data = {"new_password": STRONG, "new_password_confirm": STRONG, "csrf_token": csrf}
    done = anon.post(path, data=data)
    assert done.status_code == 200 and 'href="/login"' in done.text
    assert anon.get(path).status_code == 404
    fresh = re.search(r'name="csrf_token" value="([^"]+)"', anon.get("/login").text).group(1)  # type: ignore[union-attr]
    again = anon.post(path, data=data | {"csrf_token": fresh})
    assert again.status_code == 404
    assert try_login(base_url, viewer, PASSWORD) == 401
    assert try_login(base_url, viewer, STRONG) == 303
    assert anon.get("/password-reset/reset_forged-secret").status_code == 404
    (entry,) = audit_entries(engine, "password_reset", uid)
    issued_entries = audit_entries(engine, "password_reset_issue", uid)
    assert len(issued_entries) == 2
    written = json.dumps([e.after for e in [entry, *issued_entries]])
    assert STRONG not in written and issued["url"].split("/")[-1] not in written


def test_expired_reset_link_is_refused(world: World, api, base_url: str, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from cofab.accounts.models import PasswordReset
    from cofab.db.base import utcnow

    uid = user_id(engine, world.users["quality"])
    url = api(world.users["admin"]).post(f"/api/v1/users/{uid}/password-reset").json()["url"]
    with unit_of_work(engine) as session:
        for reset in session.query(PasswordReset).filter(PasswordReset.user_id == uid):
            reset.expires_at = utcnow() - timedelta(seconds=1)
    assert httpx.get(url, timeout=30).status_code == 404


def test_change_own_password_needs_the_current_one(
    world: World, api, base_url: str, engine: Engine
) -> None:  # type: ignore[no-untyped-def]
    email = world.users["partner_a"]
    other_session = login(base_url, email)
    client = api(email)
    wrong = client.put(
        "/api/v1/me/password", json={"current_password": "not-it-at-all", "new_password": STRONG}
    )
    assert wrong.status_code == 422
    assert [e["field"] for e in wrong.json()["errors"]] == ["current_password"]
    ok = client.put(
        "/api/v1/me/password", json={"current_password": PASSWORD, "new_password": STRONG}
    )
    assert ok.status_code == 204
    assert other_session.get("/account").status_code == 303  # other sessions ended
    assert client.get("/api/v1/me").status_code == 200  # tokens keep working
    assert try_login(base_url, email, STRONG) == 303
    assert len(audit_entries(engine, "password_change", user_id(engine, email))) == 1


def test_breached_password_is_refused_naming_the_field(world: World, api) -> None:  # type: ignore[no-untyped-def]
    client = api(world.users["viewer"], locale="ko")
    response = client.put(
        "/api/v1/me/password", json={"current_password": PASSWORD, "new_password": "Basketball"}
    )
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "new_password"
    assert "비밀번호" in error["message"]
    admin = api(world.users["admin"])
    created = admin.post(
        "/api/v1/users",
        json={
            "email": "new@owner.test",
            "display_name": "New",
            "password": "1q2w3e4r5t",
            "role": "viewer",
        },
    )
    assert created.status_code == 422
    assert [e["field"] for e in created.json()["errors"]] == ["password"]
    demo_password = admin.post(
        "/api/v1/users",
        json={
            "email": "real@owner.test",
            "display_name": "Real",
            "password": "cofab-demo-2026",
            "role": "viewer",
        },
    )
    assert demo_password.status_code == 422
    assert "demo" in demo_password.json()["errors"][0]["message"]


def test_role_change_applies_to_the_next_request(world: World, api, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    viewer_email = world.users["viewer"]
    viewer = api(viewer_email)
    patch = {"notes": "edited"}
    assert viewer.patch(f"/api/v1/partners/{world.partner_a}", json=patch).status_code == 403
    admin = api(world.users["admin"])
    uid = user_id(engine, viewer_email)
    changed = admin.put(f"/api/v1/users/{uid}/role", json={"role": "manager"})
    assert changed.status_code == 200 and changed.json()["role"] == "manager"
    assert viewer.patch(f"/api/v1/partners/{world.partner_a}", json=patch).status_code == 200
    refused = admin.put(f"/api/v1/users/{uid}/role", json={"role": "partner"})
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["partner_id"]
    bad = admin.put(f"/api/v1/users/{uid}/role", json={"role": "overlord"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "role"
    (entry,) = audit_entries(engine, "role_change", uid)
    assert entry.before == {"role": "viewer", "partner_id": None}
    assert entry.after == {"email": viewer_email, "role": "manager", "partner_id": None}


def test_unlock_lets_a_locked_user_sign_in(
    world: World, api, base_url: str, engine: Engine
) -> None:  # type: ignore[no-untyped-def]
    email = world.users["quality"]
    statuses = [try_login(base_url, email, "wrong-password!") for _ in range(5)]
    assert statuses == [401] * 5
    assert try_login(base_url, email, PASSWORD) == 429
    uid = user_id(engine, email)
    response = api(world.users["admin"]).post(f"/api/v1/users/{uid}/unlock")
    assert response.status_code == 200 and response.json()["failures_cleared"] == 5
    assert try_login(base_url, email, PASSWORD) == 303
    (entry,) = audit_entries(engine, "unlock", uid)
    assert entry.after == {"email": email, "failures_cleared": 5}


def test_only_admins_administer_users(world: World, api, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    target = user_id(engine, world.users["partner_b"])
    for who in ("manager", "quality", "viewer", "partner_a"):
        client = api(world.users[who])
        assert client.get("/api/v1/users").status_code == 403, who
        assert client.get(f"/api/v1/users/{target}").status_code == 403, who
        for action in ("deactivate", "activate", "unlock", "password-reset"):
            assert client.post(f"/api/v1/users/{target}/{action}").status_code == 403, (
                who,
                action,
            )
        role = client.put(f"/api/v1/users/{target}/role", json={"role": "admin"})
        assert role.status_code == 403
    admin = api(world.users["admin"])
    assert admin.get(f"/api/v1/users/{target}").json()["email"] == world.users["partner_b"]
    assert admin.get("/api/v1/users/999999").status_code == 404
    assert admin.post("/api/v1/users/999999/deactivate").status_code == 404


def test_a_unit_admin_administers_only_his_units_users(
    world: World, api, engine: Engine, base_url: str
) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import make_user

    from cofab.units import service as units_service

    with unit_of_work(engine) as session:
        cells = units_service.ensure_unit(session, code="cells", name_ko="셀", name_en="Cells")
        pharma = units_service.ensure_unit(session, code="bio", name_ko="바이오", name_en="Bio")
        units_service.link_partner(session, partner_id=world.partner_a, unit_id=cells.id)
        cells_id = cells.id
        make_user(session, "unit-admin@owner.test", "admin")
        session.flush()
        for email, unit in (
            ("unit-admin@owner.test", cells),
            (world.users["viewer"], cells),
            (world.users["manager"], pharma),
        ):
            units_service.set_user_units(
                session,
                None,
                user_id=user_id_in(session, email),
                unit_ids=[unit.id],
                all_units=False,
            )
    unit_admin = api("unit-admin@owner.test")
    listed = {u["email"] for u in unit_admin.get("/api/v1/users").json()}
    assert listed == {"unit-admin@owner.test", world.users["viewer"], world.users["partner_a"]}
    for outside in ("manager", "admin", "quality", "partner_b"):
        target = user_id(engine, world.users[outside])
        assert unit_admin.post(f"/api/v1/users/{target}/deactivate").status_code == 404, outside
    inside = user_id(engine, world.users["viewer"])
    assert unit_admin.post(f"/api/v1/users/{inside}/deactivate").status_code == 200
    page = login(base_url, "unit-admin@owner.test").get("/users")
    assert page.status_code == 200 and world.users["manager"] not in page.text
    assert world.users["viewer"] in page.text
    # Users he makes, or turns from partner users into staff, work in his unit only.
    created = unit_admin.post(
        "/api/v1/users",
        json={"email": "new@owner.test", "display_name": "N", "password": STRONG, "role": "viewer"},
    )
    assert created.status_code == 201
    partner_user = user_id(engine, world.users["partner_a"])
    assert (
        unit_admin.put(f"/api/v1/users/{partner_user}/role", json={"role": "quality"}).json()[
            "partner_id"
        ]
        is None
    )
    with unit_of_work(engine) as session:
        from cofab.accounts.models import User

        for uid in (created.json()["id"], partner_user):
            made = session.get(User, uid)
            assert made is not None and made.all_units is False
            assert units_service.units_of_user(session, uid) == [cells_id]
    # The group admin still administers everyone.
    group = api(world.users["admin"])
    assert len(group.get("/api/v1/users").json()) == 8


def user_id_in(session, email: str) -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from cofab.accounts.models import User

    return int(session.execute(select(User.id).where(User.email == email)).scalar_one())


def test_odd_input_is_a_4xx(world: World, api, base_url: str, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    admin = api(world.users["admin"])
    uid = user_id(engine, world.users["viewer"])
    odd = [
        admin.put(f"/api/v1/users/{uid}/role", json={"role": "partner", "partner_id": 10**20}),
        admin.put(f"/api/v1/users/{uid}/role", json={"role": "partner", "partner_id": -1}),
        admin.put(f"/api/v1/users/{uid}/role", json={"role": "x\u0000y"}),
        admin.post(f"/api/v1/users/{10**20}/unlock"),
        admin.put("/api/v1/me/password", json={"current_password": PASSWORD, "new_password": ""}),
        admin.put("/api/v1/me/password", json={"current_password": "a\u0000", "new_password": "b"}),
        httpx.get(f"{base_url}/password-reset/{'reset_' + 'x' * 5000}", timeout=30),
        httpx.get(f"{base_url}/password-reset/%00", timeout=30),
    ]
    assert all(400 <= r.status_code < 500 for r in odd), [(r.status_code, r.text[:80]) for r in odd]
