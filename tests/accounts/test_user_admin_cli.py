"""``cofab user passwd|deactivate|activate|role|unlock`` against a real database: each changes
what the web sees at once, each is audit-logged, bad input is one line on stderr and exit 1."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select
from tests.accounts.user_admin_helpers import STRONG, audit_entries, try_login, user_id
from tests.conftest import PASSWORD, World
from typer.testing import CliRunner

from cofab import cli
from cofab.accounts import cli as accounts_cli
from cofab.accounts.models import ApiToken, User
from cofab.db.session import unit_of_work

runner = CliRunner()


@pytest.fixture
def user_cli(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setattr(accounts_cli, "_engine", lambda: engine)
    monkeypatch.setattr(accounts_cli, "_migrate", lambda _engine: None)
    monkeypatch.setenv("COFAB_LANG", "en")
    return engine


def _one_error_line(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines and lines[0].startswith(("error:", "오류:")), result.stderr
    assert "Traceback" not in result.output + result.stderr
    return lines[0]


def test_passwd_from_stdin(world: World, user_cli: Engine, base_url: str) -> None:
    email = world.users["manager"]
    result = runner.invoke(
        cli.app, ["user", "passwd", email, "--password-stdin"], input=STRONG + "\n"
    )
    assert result.exit_code == 0, result.output + result.stderr
    assert f"Password of {email} changed" in result.stdout
    assert try_login(base_url, email, STRONG) == 303
    assert try_login(base_url, email, PASSWORD) == 401
    (entry,) = audit_entries(user_cli, "password_set", user_id(user_cli, email))
    assert entry.actor_label == "system" and STRONG not in str(entry.after)


def test_passwd_prompts_twice(world: World, user_cli: Engine, base_url: str) -> None:
    email = world.users["quality"]
    result = runner.invoke(cli.app, ["user", "passwd", email], input=f"{STRONG}\n{STRONG}\n")
    assert result.exit_code == 0, result.output
    assert try_login(base_url, email, STRONG) == 303


def test_passwd_refuses_common_and_short_passwords(world: World, user_cli: Engine) -> None:
    email = world.users["viewer"]
    common = runner.invoke(
        cli.app, ["user", "passwd", email, "--password-stdin"], input="password123\n"
    )
    assert _one_error_line(common) == "error: Some fields are not valid."
    assert "common or breached" in common.stderr
    short = runner.invoke(cli.app, ["user", "passwd", email, "--password-stdin"], input="short\n")
    assert "at least 10 characters" in short.stderr and short.exit_code == 1
    empty = runner.invoke(cli.app, ["user", "passwd", email, "--password-stdin"], input="\n")
    assert _one_error_line(empty) == "error: No password given."


def test_deactivate_activate_role_unlock(
    world: World, user_cli: Engine, base_url: str, api
) -> None:  # type: ignore[no-untyped-def]
    email = world.users["manager"]
    token_client = api(email)
    assert token_client.get("/api/v1/me").status_code == 200
    result = runner.invoke(cli.app, ["user", "deactivate", email])
    assert result.exit_code == 0 and "is deactivated" in result.stdout
    assert token_client.get("/api/v1/me").status_code == 401
    assert try_login(base_url, email, PASSWORD) == 401
    with unit_of_work(user_cli) as session:
        uid = session.execute(select(User.id).where(User.email == email)).scalar_one()
        revoked = session.execute(select(ApiToken.revoked_at).where(ApiToken.user_id == uid))
        assert all(r is not None for r in revoked.scalars())
    result = runner.invoke(cli.app, ["user", "activate", email])
    assert result.exit_code == 0 and "is active again" in result.stdout
    assert try_login(base_url, email, PASSWORD) == 303

    result = runner.invoke(cli.app, ["user", "role", email, "quality"])
    assert result.exit_code == 0 and "now has the role Quality" in result.stdout
    result = runner.invoke(
        cli.app, ["user", "role", email, "partner", "--partner-id", str(world.partner_a)]
    )
    assert result.exit_code == 0, result.output
    with unit_of_work(user_cli) as session:
        user = session.get(User, uid)
        assert user is not None and (user.role, user.partner_id) == ("partner", world.partner_a)

    for _ in range(5):
        try_login(base_url, email, "wrong-password!")
    assert try_login(base_url, email, PASSWORD) == 429
    result = runner.invoke(cli.app, ["user", "unlock", email])
    assert result.exit_code == 0 and "6 failed sign-ins cleared" not in result.stdout
    assert "5 failed sign-ins cleared" in result.stdout
    assert try_login(base_url, email, PASSWORD) == 303
    for action in ("deactivate", "activate", "unlock"):
        assert len(audit_entries(user_cli, action, uid)) == 1, action
    assert len(audit_entries(user_cli, "role_change", uid)) == 2


def test_bad_input_is_one_line_and_exit_1(world: World, user_cli: Engine) -> None:
    assert _one_error_line(runner.invoke(cli.app, ["user", "deactivate", "ghost@x.test"])) == (
        "error: No user with e-mail ghost@x.test."
    )
    bad_role = runner.invoke(cli.app, ["user", "role", world.users["viewer"], "overlord"])
    assert _one_error_line(bad_role) == "error: Some fields are not valid."
    assert "role: must be one of" in bad_role.stderr.lower()
    no_company = runner.invoke(cli.app, ["user", "role", world.users["viewer"], "partner"])
    assert "must belong to a partner company" in no_company.stderr
    assert no_company.exit_code == 1
    bad_partner = runner.invoke(
        cli.app, ["user", "role", world.users["viewer"], "partner", "--partner-id", "99999"]
    )
    assert "No partner has the id 99999." in bad_partner.stderr
    last_admin = runner.invoke(cli.app, ["user", "deactivate", world.users["admin"]])
    assert "last active admin" in _one_error_line(last_admin)
    korean = runner.invoke(cli.app, ["user", "unlock", "ghost@x.test"], env={"COFAB_LANG": "ko"})
    assert _one_error_line(korean) == "오류: 이메일이 ghost@x.test인 사용자가 없습니다."
