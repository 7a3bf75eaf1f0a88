"""E-mail a password-reset link through a background job when SMTP is configured
(``COFAB_SMTP_*``).

The admin's request only stores the reset and queues an ``accounts.reset_mail`` job: a slow or
dead mail server never holds a web request. The job mints the link's secret itself, just before
it hands the message to the server, so the secret is never in the job's payload, a row or a log
(only its SHA-256, like every reset); the secret the request made is never shown to anyone and
is replaced. A refusal or a dead server queues the next try as a new job after a pause (1, 5,
30 minutes, like notifications' e-mails), each try with a fresh secret, so only the link in the
message that arrived works. When every try fails the last job fails with the reason (the jobs
page shows it) and the admin can ask for the link to be shown instead.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cofab.accounts.models import PasswordReset, User
from cofab.accounts.user_admin import RESET_PREFIX
from cofab.config import Settings, get_settings
from cofab.core import jobs
from cofab.core.access import Actor
from cofab.core.i18n import translate
from cofab.core.security import hash_api_token
from cofab.db.base import utcnow
from cofab.db.session import unit_of_work

log = logging.getLogger("cofab.accounts")

RESET_MAIL_JOB = "accounts.reset_mail"
# Pauses before each retry (seconds): 1 try + len(RETRY_DELAYS_S) retries, each its own job.
RETRY_DELAYS_S: tuple[float, ...] = (60.0, 300.0, 1800.0)


class ResetMailNotSent(RuntimeError):
    """Every try failed; the message is the last refusal's kind (never the link)."""


def mail_configured(settings: Settings) -> bool:
    return bool(settings.smtp_host)


def reset_message(
    settings: Settings, *, to: str, link: str, expires_at: datetime, locale: str
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = translate("Set a new cofab password", locale)
    message.set_content(
        translate(
            "An administrator has issued a link to set a new password for {email}.\n\n"
            "{link}\n\n"
            "The link works once and ends at {expires} (UTC). If you did not expect it, "
            "tell your administrator.",
            locale,
            email=to,
            link=link,
            expires=expires_at.strftime("%Y-%m-%d %H:%M"),
        )
    )
    return message


def _send(settings: Settings, message: EmailMessage) -> None:
    with smtplib.SMTP(
        settings.smtp_host or "", settings.smtp_port, timeout=settings.smtp_timeout_s
    ) as smtp:
        smtp.ehlo()
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password or "")
        smtp.send_message(message)


def queue_reset_mail(
    session: Session,
    *,
    actor: Actor | None,
    reset_id: int,
    base_url: str,
    locale: str,
    retry: int = 0,
    run_after: datetime | None = None,
) -> jobs.Job:
    """In the caller's transaction: the job exists exactly when the reset does."""
    payload = {"reset_id": reset_id, "base_url": base_url, "locale": locale, "retry": retry}
    return jobs.enqueue(
        session, actor=actor, kind=RESET_MAIL_JOB, payload=payload, run_after=run_after
    )


def _mint_link(engine: Engine, reset_id: int, base_url: str) -> tuple[str, str, datetime] | None:
    """(to, link, expires) with a fresh secret stored as its hash; None when the reset is used,
    expired or its user deactivated meanwhile (a newer link replaced it: nothing to send)."""
    with unit_of_work(engine) as session:
        row = session.execute(
            select(PasswordReset, User)
            .join(User, User.id == PasswordReset.user_id)
            .where(PasswordReset.id == reset_id)
        ).one_or_none()
        if row is None:
            return None
        reset, user = row
        if reset.used_at is not None or reset.expires_at <= utcnow() or not user.is_active:
            return None
        secret = RESET_PREFIX + secrets.token_urlsafe(32)
        reset.token_hash = hash_api_token(secret)
        return user.email, f"{base_url.rstrip('/')}/password-reset/{secret}", reset.expires_at


def deliver(
    engine: Engine, payload: dict[str, Any], settings: Settings | None = None
) -> dict[str, Any]:
    """One try at mailing the link; a refusal queues the next try, the last one fails the job."""
    settings = settings or get_settings()
    reset_id, retry = int(payload["reset_id"]), int(payload.get("retry", 0))
    if not mail_configured(settings):
        raise ResetMailNotSent("e-mail is off: COFAB_SMTP_HOST is not set")
    minted = _mint_link(engine, reset_id, str(payload["base_url"]))
    if minted is None:
        return {"reset_id": reset_id, "status": "skipped"}
    to, link, expires_at = minted
    message = reset_message(
        settings, to=to, link=link, expires_at=expires_at, locale=str(payload["locale"])
    )
    try:
        _send(settings, message)
    except (OSError, smtplib.SMTPException) as exc:
        reason = type(exc).__name__
        tries = len(RETRY_DELAYS_S) + 1
        log.warning(
            "password-reset mail to %s not sent (try %d/%d): %s", to, retry + 1, tries, reason
        )
        if retry + 1 >= tries:
            raise ResetMailNotSent(reason) from None
        at = utcnow() + timedelta(seconds=RETRY_DELAYS_S[retry])
        with unit_of_work(engine) as session:
            job = queue_reset_mail(
                session,
                actor=None,
                reset_id=reset_id,
                base_url=str(payload["base_url"]),
                locale=str(payload["locale"]),
                retry=retry + 1,
                run_after=at,
            )
            next_job = job.id
        return {
            "reset_id": reset_id,
            "status": "retry",
            "next_job": next_job,
            "next_attempt_at": at.isoformat(),
            "last_error": reason,
        }
    return {"reset_id": reset_id, "status": "sent", "tries": retry + 1}
