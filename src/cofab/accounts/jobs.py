"""Background work of accounts: mailing a password-reset link (see ``reset_mail``)."""

from __future__ import annotations

from typing import Any

from cofab.accounts import reset_mail
from cofab.core import jobs


@jobs.register(reset_mail.RESET_MAIL_JOB)
def send_reset_mail(context: jobs.JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    return reset_mail.deliver(context.engine, payload)
