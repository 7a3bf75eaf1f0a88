"""Background work of notifications: sending one e-mail, the daily scan and the daily digest.

``cofab notify scan`` / ``cofab notify digest`` enqueue the last two (run them from cron once a
day); e-mails are enqueued by ``service.notify`` as they are made.
"""

from __future__ import annotations

from typing import Any

from cofab.core import jobs
from cofab.db.session import unit_of_work
from cofab.notifications import delivery
from cofab.notifications.scan import run_scan

SCAN_JOB, DIGEST_JOB = delivery.SCAN_JOB, delivery.DIGEST_JOB


@jobs.register(delivery.EMAIL_JOB)
def send_email(context: jobs.JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    return delivery.deliver(context.engine, int(payload["email_id"]))


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
