"""E-mail a password-reset link when an SMTP server is configured (``COFAB_SMTP_*``).

Sending happens after the link is stored and committed; when the server cannot be reached the
admin is shown the link instead, so a broken mail set-up never leaves a user without a way in.
The link is the only secret in the message and is never logged.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from datetime import datetime
from email.message import EmailMessage

from cofab.config import Settings
from cofab.core.i18n import translate

log = logging.getLogger("cofab.accounts")


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


def send_reset_link(
    settings: Settings, *, to: str, link: str, expires_at: datetime, locale: str
) -> bool:
    """True when the SMTP server accepted the message; False (logged, without the link) if not."""
    if not settings.smtp_host:
        return False
    message = reset_message(settings, to=to, link=link, expires_at=expires_at, locale=locale)
    try:
        with smtplib.SMTP(
            settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_s
        ) as smtp:
            smtp.ehlo()
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("password-reset mail to %s not sent: %s", to, type(exc).__name__)
        return False
    return True
