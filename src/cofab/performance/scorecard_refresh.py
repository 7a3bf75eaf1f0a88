"""Scorecards follow their inputs: a change that moves a KPI queues a recompute in the background.

A scorecard used to change only when someone pressed "Compute", so the grade that warns, holds or
blocks new orders could describe last month's data. Every write that feeds a KPI (a receipt, an
answer or change to a line, a cancelled order, a ticket opened, answered or closed — an ASN
alone moves no KPI) calls
``stale`` with the days it touched; each existing scorecard whose period holds one of those days
gets a recompute job. The job runs ``compute_scorecards`` for that one partner, template and
period with the system actor, in the worker, so no request waits for a KPI pass.

Quality, training and logistics tell the same listener through ``core.partner_inputs`` (see
``input_hooks``): an inspection, NCR or audit, a training record or SOP acknowledgement, a
shipment put on a carrier's lane, a reading or an arrival.

Debounce: while a recompute for the same partner, template and period is still queued, no second
one is added — a burst of receipts (an import of a thousand lines) ends in one job per
partner and period. A job already running may have read the data before the newest change, so
a change then queues one more. Only scorecards someone computed are refreshed: a recompute never
creates a first card (and with it a first grade that could block orders) on its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core import jobs
from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.performance import rules
from cofab.performance.models import Scorecard, ScorecardTemplate
from cofab.performance.scorecards import compute_scorecards, period_bounds

REFRESH_JOB = "operations.scorecard_refresh"
_SEEN = "cofab.performance.scorecard_refresh.seen"  # session.info: keys handled this transaction

Key = tuple[int, int, str]  # partner id, template id, period start (ISO)


def stale(
    session: Session, partner_id: int, days: Iterable[date | None], *, onward: bool = False
) -> list[Key]:
    """Queue a recompute of ``partner_id``'s scorecards whose period holds any of ``days`` —
    with ``onward``, also every later one (a standing input: the latest audit, a training's
    validity) — unless one is queued already. Returns the keys that got a new job."""
    wanted = {
        d
        for d in days
        if d is not None and rules.EARLIEST_REPORT_DATE <= d <= rules.LATEST_REPORT_DATE
    }
    if not wanted:
        return []
    seen, templates = _transaction_memo(session)
    keys = {
        (partner_id, template_id, period_bounds(period, day)[0].isoformat())
        for template_id, period in templates
        for day in wanted
    }
    if onward:
        keys |= _computed_from(session, partner_id, min(wanted))
    fresh = sorted(keys - seen)
    seen.update(fresh)
    if not fresh:
        return []
    computed = _computed(session, partner_id, fresh)
    queued = _queued(session, partner_id)
    added: list[Key] = []
    for key in fresh:
        if key in computed and key not in queued:
            _, template_id, start = key
            jobs.enqueue(
                session,
                actor=None,
                kind=REFRESH_JOB,
                payload={"partner_id": partner_id, "template_id": template_id, "start": start},
                partner_id=partner_id,
            )
            added.append(key)
    return added


def _transaction_memo(session: Session) -> tuple[set[Key], list[tuple[int, str]]]:
    """Keys already handled in the current transaction (a rolled-back one forgets its jobs) and
    the templates' periods, read once per transaction: an import calls ``stale`` per row."""
    marker = session.get_transaction()  # the object, not its id: ids of dead objects recur
    held = session.info.get(_SEEN)
    if held is None or held[0] is not marker:
        rows = session.execute(select(ScorecardTemplate.id, ScorecardTemplate.period)).all()
        held = (marker, set(), [(int(i), str(p)) for i, p in rows])
        session.info[_SEEN] = held
    return held[1], held[2]


def _computed(session: Session, partner_id: int, keys: list[Key]) -> set[Key]:
    starts = sorted({date.fromisoformat(start) for _, _, start in keys})
    rows = session.execute(
        select(Scorecard.template_id, Scorecard.period_start).where(
            Scorecard.partner_id == partner_id, Scorecard.period_start.in_(starts)
        )
    )
    return {(partner_id, template_id, start.isoformat()) for template_id, start in rows}


def _computed_from(session: Session, partner_id: int, since: date) -> set[Key]:
    rows = session.execute(
        select(Scorecard.template_id, Scorecard.period_start).where(
            Scorecard.partner_id == partner_id, Scorecard.period_end >= since
        )
    )
    return {(partner_id, template_id, start.isoformat()) for template_id, start in rows}


def _queued(session: Session, partner_id: int) -> set[Key]:
    rows = session.execute(
        select(jobs.Job.payload).where(
            jobs.Job.kind == REFRESH_JOB,
            jobs.Job.status == jobs.QUEUED,
            jobs.Job.partner_id == partner_id,
        )
    ).scalars()
    return {_key_of(payload) for payload in rows}


def _key_of(payload: dict[str, Any]) -> Key:
    return (int(payload["partner_id"]), int(payload["template_id"]), str(payload["start"]))


@jobs.register(REFRESH_JOB)
def refresh(context: jobs.JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    partner_id, template_id, start = _key_of(payload)
    with unit_of_work(context.engine) as session:
        if session.get(ScorecardTemplate, template_id) is None:
            return {"computed": 0}
        result = compute_scorecards(
            session,
            actor=SYSTEM_ACTOR,
            period_start=date.fromisoformat(start),
            template_id=template_id,
            partner_id=partner_id,
        )
    return {"computed": result.computed, "period_start": start}
