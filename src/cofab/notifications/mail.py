"""The SMTP side: what ``COFAB_SMTP_URL`` means, how a message is written and how it is sent.

One URL instead of six settings: ``smtp://user:pass@host:25`` (plain), ``smtp+starttls://…:587``
(upgrade after connecting), ``smtps://…:465`` (TLS from the start); ``?from=cofab@example.com``
sets the sender and ``?base_url=https://cofab.example.com`` the address links point to. Unset,
no e-mail is queued and nothing else changes. The password is only ever handed to
``smtplib.login``: ``describe`` (what logs and pages show) leaves it out.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from cofab.config import get_settings

SCHEMES = {"smtp": "plain", "smtp+starttls": "starttls", "smtps": "ssl"}
DEFAULT_PORTS = {"plain": 25, "starttls": 587, "ssl": 465}


class SmtpUrlError(ValueError):
    """A malformed COFAB_SMTP_URL; the message never contains the password."""


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    security: str  # plain | starttls | ssl
    sender: str
    base_url: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout_s: float = 10.0

    def describe(self) -> str:
        user = f"{self.username}@" if self.username else ""
        return f"{self.security}://{user}{self.host}:{self.port}"


def parse_smtp_url(url: str, *, default_sender: str, default_base_url: str) -> SmtpTarget:
    parts = urlsplit(url)
    security = SCHEMES.get(parts.scheme.lower())
    if security is None:
        raise SmtpUrlError(f"COFAB_SMTP_URL: unknown scheme {parts.scheme!r} (smtp, smtps, …)")
    if not parts.hostname:
        raise SmtpUrlError("COFAB_SMTP_URL: no host")
    try:
        port = parts.port or DEFAULT_PORTS[security]
    except ValueError as exc:
        raise SmtpUrlError("COFAB_SMTP_URL: the port is not a number") from exc
    query = parse_qs(parts.query)
    return SmtpTarget(
        host=parts.hostname,
        port=port,
        security=security,
        sender=query.get("from", [default_sender])[0],
        base_url=query.get("base_url", [default_base_url])[0].rstrip("/"),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def configured_target() -> SmtpTarget | None:
    """The server from the settings, or None when e-mail is off."""
    settings = get_settings()
    if not settings.smtp_url:
        return None
    return parse_smtp_url(
        settings.smtp_url,
        default_sender=settings.smtp_from,
        default_base_url=f"http://{settings.host}:{settings.port}",
    )


def mail_enabled() -> bool:
    return bool(get_settings().smtp_url)


def build_message(target: SmtpTarget, *, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = target.sender
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)  # UTF-8 (Korean stays readable in every client)
    return message


def send(target: SmtpTarget, message: EmailMessage) -> None:
    """Hand one message to the server; an ``smtplib.SMTPException`` or ``OSError`` says why not."""
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if target.security == "ssl":
        smtp = smtplib.SMTP_SSL(target.host, target.port, timeout=target.timeout_s, context=context)
    else:
        smtp = smtplib.SMTP(target.host, target.port, timeout=target.timeout_s)
    with smtp:
        smtp.ehlo()
        if target.security == "starttls":
            smtp.starttls(context=context)
            smtp.ehlo()
        if target.username:
            smtp.login(target.username, target.password or "")
        smtp.send_message(message)


def refusal_text(exc: BaseException) -> str:
    """The server's own words ("550 mailbox unavailable"), for the outbox and the job list."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [
            f"{code} {msg.decode('utf-8', 'replace') if isinstance(msg, bytes) else msg}"
            for code, msg in exc.recipients.values()
        ]
        return "; ".join(codes)[:1000]
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error
        shown = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
        return f"{exc.smtp_code} {shown}"[:1000]
    return f"{type(exc).__name__}: {exc}"[:1000]
