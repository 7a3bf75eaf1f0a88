"""A real SMTP server (aiosmtpd) on a free local port, and cofab pointed at it."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from cofab.config import get_settings
from cofab.notifications import delivery


@dataclass
class Mailbox:
    """What the server received; ``refuse`` makes it answer RCPT with a permanent 550."""

    messages: list[EmailMessage] = field(default_factory=list)
    refuse: str | None = None
    refused: int = 0

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if self.refuse:
            self.refused += 1
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(parsed)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    port = _free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


@pytest.fixture
def smtp_on(mailbox: tuple[Mailbox, int], monkeypatch: pytest.MonkeyPatch) -> Iterator[Mailbox]:
    """COFAB_SMTP_URL set to the local server (with a password, which must never show), and
    retries without pauses (a retry's job is due at once)."""
    box, port = mailbox
    monkeypatch.setenv(
        "COFAB_SMTP_URL",
        f"smtp://127.0.0.1:{port}?from=cofab@test.example&base_url=http://cofab.test",
    )
    monkeypatch.setattr(delivery, "RETRY_DELAYS_S", (0.0, 0.0))
    get_settings.cache_clear()
    yield box
    monkeypatch.delenv("COFAB_SMTP_URL")
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def _settings_cache_reset() -> Iterator[None]:
    yield
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def _wired() -> None:
    """Every domain's inbox source and job handler registered, as in the app and the worker."""
    from cofab.domains import wire

    wire()
