"""The password policy (length, the top-100k common passwords, the public demo password); reset
links e-mailed by a background job are in test_reset_mail_job.py."""

from __future__ import annotations

import gzip
import hashlib
from importlib import resources

from sqlalchemy import Engine
from tests.accounts.user_admin_helpers import STRONG

from cofab.accounts.password_policy import (
    COMMON_PASSWORDS_FILE,
    PUBLISHED_PASSWORDS,
    common_passwords,
    password_problems,
)


def _messages(password: str, account: str = "kim@factory.test") -> list[str]:
    return [p.message for p in password_problems(password, email=account)]


def test_the_list_is_the_documented_top_100k_file() -> None:
    raw = resources.files("cofab.accounts").joinpath(COMMON_PASSWORDS_FILE).read_bytes()
    text = gzip.decompress(raw)
    # The SHA-256 and line count named in common_passwords.NOTICE.md.
    assert hashlib.sha256(text).hexdigest() == (
        "84f9f01da3323b41cdc030f89f7fab65bf76a7e0d5265acabb715c2b3795f148"
    )
    assert text.count(b"\n") == 100_000
    assert text.startswith(b"123456\npassword\n12345678\n")


def test_common_passwords_are_refused_whatever_their_case() -> None:
    for password in ("qwertyuiop", "QwertyUIOP", "password123", "1q2w3e4r5t", "basketball"):
        assert _messages(password) == [
            "This password is on a list of common or breached passwords; choose another."
        ], password
    assert "qwertyuiop" in common_passwords() and "123456" not in common_passwords()  # short
    assert _messages(STRONG) == []


def test_length_and_e_mail() -> None:
    assert _messages("nine-char") == ["Must be at least {min} characters."]
    assert _messages("x" * 201) == ["Must be at most {max} characters."]
    assert _messages("kim@factory.test") == ["Must not be your e-mail address."]
    assert _messages("kimkimkimkim", "kimkimkimkim@factory.test") == [
        "Must not be your e-mail address."
    ]


def test_the_public_demo_password_is_only_for_demo_accounts() -> None:
    from cofab.demo.cases import DEMO_PASSWORD

    assert DEMO_PASSWORD in PUBLISHED_PASSWORDS
    assert _messages(DEMO_PASSWORD) == [
        "This is the public demo password; choose a password of your own."
    ]
    assert _messages(DEMO_PASSWORD, "admin@hanbit.example") == []


def test_demo_users_are_still_created_with_the_demo_password(engine: Engine) -> None:
    from cofab.accounts import service
    from cofab.db.session import unit_of_work
    from cofab.demo.cases import DEMO_PASSWORD

    with unit_of_work(engine) as session:
        user = service.create_user(
            session,
            actor=None,
            email="viewer@demo-case.example",
            password=DEMO_PASSWORD,
            display_name="Demo viewer",
            role="viewer",
        )
        assert user.id
