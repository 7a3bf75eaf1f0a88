"""E-mail delivery: the outbox row, the background job that sends it, and the daily digest.

A message is written (in the recipient's language) when the notification is made and stored in
the outbox; a ``notifications.email`` job hands it to the SMTP server, one try per job. A refusal
or a dead server queues the next try as a new job that no worker claims before its pause is over
(the job's ``run_after``; the outbox shows the time): a refusing server never holds a worker.
When every try fails the row says ``failed`` with the server's words and the last job fails with
them too (the job list shows it), and the message is still there for an admin to send again —
nothing is lost. The password never reaches a log, a
row or a page: errors are the server's replies, and the target is described without it.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from cofab.accounts.models import User
from cofab.core import audit, jobs
from cofab.core.access import Actor
from cofab.core.errors import InvalidTransition, NotFound
from cofab.core.i18n import N_, normalise_locale, translate
from cofab.db.base import utcnow
from cofab.db.session import unit_of_work
from cofab.notifications import mail
from cofab.notifications.models import (
    MAIL_FAILED,
    MAIL_QUEUED,
    MAIL_SENT,
    Notification,
    NotificationPrefs,
    OutgoingEmail,
)
from cofab.notifications.rendering import render_text

log = logging.getLogger("cofab.notifications")

EMAIL_JOB = "notifications.email"
SCAN_JOB = "notifications.scan"
DIGEST_JOB = "notifications.digest"
# Pauses before each retry (seconds): 1 try + len(RETRY_DELAYS_S) retries, each its own job.
RETRY_DELAYS_S: tuple[float, ...] = (60.0, 300.0, 1800.0)

NOT_FAILED = N_("Only a failed e-mail can be sent again.")
MAIL_OFF = "e-mail is off: COFAB_SMTP_URL is not set"

FOOTER = N_("You receive this because of your cofab notification settings: {url}")
DIGEST_SUBJECT = N_("Your notifications of {day}")
DIGEST_INTRO = N_("{count} notifications on {day}:")


class EmailNotSent(RuntimeError):
    """Every try failed; the message is the last refusal (the job list shows it)."""


def mail_enabled() -> bool:
    return mail.mail_enabled()


def _base_url() -> str:
    target = mail.configured_target()
    return target.base_url if target else ""


def single_body(title: str, link: str, locale: str) -> str:
    base = _base_url()
    lines = [title, ""]
    if link:
        lines += [f"{base}{link}", ""]
    lines.append(translate(FOOTER, locale, url=f"{base}/notifications/prefs"))
    return "\n".join(lines)


def queue_email(
    session: Session, *, user: User, subject: str, body: str, locale: str, is_digest: bool = False
) -> OutgoingEmail:
    """Store the message and enqueue its job in the caller's transaction."""
    row = OutgoingEmail(
        user_id=user.id,
        to_addr=user.email,
        locale=locale,
        subject=f"[cofab] {subject}"[:500],
        body=body,
        is_digest=is_digest,
        status=MAIL_QUEUED,
        attempts=0,
    )
    session.add(row)
    session.flush()
    job = jobs.enqueue(session, actor=None, kind=EMAIL_JOB, payload={"email_id": row.id})
    row.job_id = job.id
    return row


def requeue(session: Session, *, actor: Actor, email_id: int) -> OutgoingEmail:
    row = session.get(OutgoingEmail, email_id)
    if row is None:
        raise NotFound()
    if row.status != MAIL_FAILED:
        raise InvalidTransition(NOT_FAILED)
    before = audit.snapshot(row)
    row.status = MAIL_QUEUED
    row.next_attempt_at = None
    job = jobs.enqueue(session, actor=actor, kind=EMAIL_JOB, payload={"email_id": row.id})
    row.job_id = job.id
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update",
        entity="notification_email",
        entity_id=row.id,
        before={"status": before.get("status")},
        after={"status": row.status, "job_id": job.id},
    )
    return row


def _set(engine: Engine, email_id: int, **values: Any) -> None:
    with unit_of_work(engine) as session:
        session.execute(update(OutgoingEmail).where(OutgoingEmail.id == email_id).values(**values))


def _queue_retry(engine: Engine, email_id: int, retry: int, **values: Any) -> datetime:
    """The next try as its own job, not claimed before its pause is over."""
    at = utcnow() + timedelta(seconds=RETRY_DELAYS_S[retry - 1])
    with unit_of_work(engine) as session:
        job = jobs.enqueue(
            session,
            actor=None,
            kind=EMAIL_JOB,
            payload={"email_id": email_id, "retry": retry},
            run_after=at,
        )
        session.execute(
            update(OutgoingEmail)
            .where(OutgoingEmail.id == email_id)
            .values(job_id=job.id, next_attempt_at=at, **values)
        )
    return at


def deliver(engine: Engine, email_id: int, retry: int = 0) -> dict[str, Any]:
    """One try at sending an outbox message (``retry`` counts the tries before it in this
    round); a refusal queues the next try after a pause, the last one fails the job."""
    with unit_of_work(engine) as session:
        row = session.get(OutgoingEmail, email_id)
        if row is None:
            raise LookupError(f"no e-mail {email_id}")
        if row.status == MAIL_SENT:
            return {"email_id": email_id, "status": MAIL_SENT, "attempts": row.attempts}
        to, subject, body, attempts = row.to_addr, row.subject, row.body, row.attempts
    target = mail.configured_target()
    if target is None:
        _set(engine, email_id, status=MAIL_FAILED, last_error=MAIL_OFF, next_attempt_at=None)
        raise EmailNotSent(MAIL_OFF)
    message = mail.build_message(target, to=to, subject=subject, body=body)
    tries = len(RETRY_DELAYS_S) + 1
    attempts += 1
    try:
        mail.send(target, message)
    except (OSError, smtplib.SMTPException) as exc:
        reason = mail.refusal_text(exc)
        log.warning(
            "e-mail %s to %s via %s refused (try %d/%d): %s",
            email_id,
            to,
            target.describe(),
            retry + 1,
            tries,
            reason,
        )
        if retry + 1 < tries:
            at = _queue_retry(engine, email_id, retry + 1, attempts=attempts, last_error=reason)
            return {
                "email_id": email_id,
                "status": MAIL_QUEUED,
                "attempts": attempts,
                "next_attempt_at": at.isoformat(),
                "last_error": reason,
            }
        _set(
            engine,
            email_id,
            status=MAIL_FAILED,
            attempts=attempts,
            last_error=reason,
            next_attempt_at=None,
        )
        raise EmailNotSent(reason) from None
    _set(
        engine,
        email_id,
        status=MAIL_SENT,
        attempts=attempts,
        sent_at=utcnow(),
        next_attempt_at=None,
    )
    return {"email_id": email_id, "status": MAIL_SENT, "attempts": attempts}


# --- the daily digest -------------------------------------------------------------------------


def send_digests(session: Session, *, day: date | None = None) -> int:
    """One e-mail per digest user listing the notifications kept for it; returns e-mails queued.

    Runs once a day (``cofab notify digest`` from cron, or the ``notifications.digest`` job);
    running it twice in a day sends nothing new, as the kept notifications are then cleared."""
    day = day or date.today()
    if not mail_enabled():
        return 0
    pending = list(
        session.execute(
            select(Notification)
            .where(Notification.digest_pending.is_(True))
            .order_by(Notification.user_id, Notification.id)
        ).scalars()
    )
    by_user: dict[int, list[Notification]] = {}
    for note in pending:
        by_user.setdefault(note.user_id, []).append(note)
    queued = 0
    for user_id, notes in by_user.items():
        user = session.get(User, user_id)
        prefs = session.get(NotificationPrefs, user_id)
        for note in notes:
            note.digest_pending = False
        if user is None or not user.is_active:
            continue
        locale = normalise_locale(user.locale)
        base = _base_url()
        lines = [translate(DIGEST_INTRO, locale, count=len(notes), day=day.isoformat()), ""]
        for note in notes:
            lines.append(f"- {render_text(note.msgid, note.params, locale)}")
            if note.link:
                lines.append(f"  {base}{note.link}")
        lines += ["", translate(FOOTER, locale, url=f"{base}/notifications/prefs")]
        queue_email(
            session,
            user=user,
            subject=translate(DIGEST_SUBJECT, locale, day=day.isoformat()),
            body="\n".join(lines),
            locale=locale,
            is_digest=True,
        )
        if prefs is not None:
            prefs.last_digest_on = day
        queued += 1
    session.flush()
    return queued
