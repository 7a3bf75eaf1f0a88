"""Background work of notifications: sending one e-mail, the daily scan and the daily digest.

The daily scan and digest run together as ``notifications.daily`` at the time set with
``cofab notify schedule`` (see ``schedule``); ``cofab notify scan`` / ``digest`` and the admin
button run them at once. E-mails are enqueued by ``service.notify`` as they are made.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from cofab.core import jobs
from cofab.db.session import unit_of_work
from cofab.notifications import delivery, schedule
from cofab.notifications.scan import run_scan

SCAN_JOB, DIGEST_JOB = delivery.SCAN_JOB, delivery.DIGEST_JOB


@jobs.register(delivery.EMAIL_JOB)
def send_email(context: jobs.JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    return delivery.deliver(context.engine, int(payload["email_id"]), int(payload.get("retry", 0)))


@jobs.register(SCAN_JOB)
def daily_scan(context: jobs.JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    with unit_of_work(context.engine) as session:
        result = run_scan(session)
    return {"items": result.items, "notified": result.notified}


@jobs.register(DIGEST_JOB)
def daily_digest(context: jobs.JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    with unit_of_work(context.engine) as session:
        queued = delivery.send_digests(session)
    return {"emails": queued}


@jobs.register(schedule.DAILY_JOB)
def scheduled_day(context: jobs.JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    """The scheduled daily run (see ``schedule``); it queues the next day's before it ends."""
    return schedule.run_daily(context.engine, date.fromisoformat(str(payload["day"])))
