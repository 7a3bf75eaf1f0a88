"""The password policy (length, the top-100k common passwords, the public demo password) and
reset links e-mailed through SMTP (a tiny SMTP server on a loopback socket)."""

from __future__ import annotations

import email
import email.policy
import gzip
import hashlib
import socket
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from importlib import resources

import httpx
import pytest
from sqlalchemy import Engine
from tests.accounts.user_admin_helpers import STRONG, try_login, user_id
from tests.conftest import World

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


# --- a tiny SMTP server ------------------------------------------------------------------------


class TinySmtp:
    """Accepts any number of plain SMTP sessions on 127.0.0.1 and keeps each message's bytes."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = int(self.sock.getsockname()[1])
        self.messages: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn, conn.makefile("rb") as reader:
                self._session(conn, reader)

    def _session(self, conn: socket.socket, reader) -> None:  # type: ignore[no-untyped-def]
        conn.sendall(b"220 tiny ESMTP\r\n")
        while line := reader.readline():
            verb = line[:4].upper()
            if verb == b"EHLO":
                conn.sendall(b"250-tiny\r\n250 8BITMIME\r\n")
            elif verb == b"DATA":
                conn.sendall(b"354 go on\r\n")
                body = b""
                while (chunk := reader.readline()) not in (b".\r\n", b""):
                    body += chunk
                self.messages.append(body)
                conn.sendall(b"250 queued\r\n")
            elif verb == b"QUIT":
                conn.sendall(b"221 bye\r\n")
                return
            else:
                conn.sendall(b"250 ok\r\n")

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def smtp() -> Iterator[TinySmtp]:
    server = TinySmtp()
    yield server
    server.close()


def test_reset_link_is_e_mailed_when_smtp_is_configured(
    world: World, app, api, base_url: str, engine: Engine, smtp: TinySmtp, set_app_state
) -> None:  # type: ignore[no-untyped-def]
    settings = app.state.settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp.port,
            "smtp_starttls": False,
            "smtp_from": "cofab@factory.test",
        }
    )
    set_app_state("settings", settings)
    email_address = world.users["quality"]
    uid = user_id(engine, email_address)
    response = api(world.users["admin"]).post(f"/api/v1/users/{uid}/password-reset")
    assert response.status_code == 201
    assert response.json()["emailed"] is True and response.json()["url"] is None
    (raw,) = smtp.messages
    message = email.message_from_bytes(raw, _class=EmailMessage, policy=email.policy.default)
    assert message["To"] == email_address and message["From"] == "cofab@factory.test"
    assert message["Subject"] == "Set a new cofab password"
    text = message.get_content()
    link = next(word for word in text.split() if word.startswith(base_url + "/password-reset/"))
    anon = httpx.Client(base_url=base_url, timeout=30)
    form = anon.get(link)
    assert form.status_code == 200 and email_address in form.text


def test_a_failed_send_shows_the_link_instead(
    world: World, app, api, base_url: str, engine: Engine, set_app_state
) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as probe:  # a port with nobody listening
        probe.bind(("127.0.0.1", 0))
        dead_port = int(probe.getsockname()[1])
    settings = app.state.settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": dead_port, "smtp_timeout_s": 2.0}
    )
    set_app_state("settings", settings)
    uid = user_id(engine, world.users["viewer"])
    issued = api(world.users["admin"]).post(f"/api/v1/users/{uid}/password-reset").json()
    assert issued["emailed"] is False and issued["url"].startswith(base_url)
    assert try_login(base_url, world.users["viewer"], STRONG) == 401  # nothing changed yet
