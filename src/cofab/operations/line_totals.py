"""Receipt totals and completion dates kept on each order line.

Why: delivery KPIs for a quarter and a thousand partners would otherwise run a window over every
receipt of every due line on each request. A line's totals change only when a receipt is booked
or its promised quantity changes, so those writes refresh them (in the same transaction) and the
KPI queries read one row per line. ``completed_on`` / ``filled_on`` are the first receipt dates on
which the running received / accepted quantity (receipts in date, then id, order) reached the
promised quantity — exactly what the window formulation in ``kpi_delivery`` computes, which the
tests use as the reference.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import cast

from sqlalchemy import Table, case, func, select, update
from sqlalchemy.orm import Session

from cofab.operations.models import OrderLine, Receipt

BATCH = 500
TOTAL_COLUMNS = (
    "received_total",
    "accepted_total",
    "completed_on",
    "filled_on",
    "last_received_on",
)


def refresh(session: Session, line_ids: Iterable[int] | None = None) -> None:
    """Recompute the totals of ``line_ids`` (every line when ``None``, e.g. after a bulk load)."""
    if line_ids is None:
        _refresh(session, None)
        return
    ids = sorted(set(line_ids))
    for start in range(0, len(ids), BATCH):
        _refresh(session, ids[start : start + BATCH])


def _refresh(session: Session, ids: list[int] | None) -> None:
    line = cast(Table, OrderLine.__table__)
    receipt = cast(Table, Receipt.__table__)
    target = line.alias("target")
    reset = update(line).values(
        received_total=Decimal(0),
        accepted_total=Decimal(0),
        completed_on=None,
        filled_on=None,
        last_received_on=None,
    )
    if ids is not None:
        reset = reset.where(line.c.id.in_(ids))
    else:
        reset = reset.where(line.c.last_received_on.is_not(None))
    session.flush()  # receipts added in this transaction must be in the sums
    session.execute(reset)

    order = (receipt.c.received_date, receipt.c.id)
    running = select(
        receipt.c.line_id,
        receipt.c.received_date,
        func.sum(receipt.c.received_qty)
        .over(partition_by=receipt.c.line_id, order_by=order)
        .label("cum_recv"),
        func.sum(receipt.c.accepted_qty)
        .over(partition_by=receipt.c.line_id, order_by=order)
        .label("cum_acc"),
    )
    if ids is not None:
        running = running.where(receipt.c.line_id.in_(ids))
    rc = running.subquery("rc")
    totals = (
        select(
            rc.c.line_id,
            func.max(rc.c.cum_recv).label("received"),
            func.max(rc.c.cum_acc).label("accepted"),
            func.max(rc.c.received_date).label("last"),
            func.min(case((rc.c.cum_recv >= target.c.promised_qty, rc.c.received_date))).label(
                "completed"
            ),
            func.min(case((rc.c.cum_acc >= target.c.promised_qty, rc.c.received_date))).label(
                "filled"
            ),
        )
        .join(target, target.c.id == rc.c.line_id)
        .group_by(rc.c.line_id)
        .subquery("totals")
    )
    session.execute(
        update(line)
        .where(line.c.id == totals.c.line_id)
        .values(
            received_total=totals.c.received,
            accepted_total=totals.c.accepted,
            last_received_on=totals.c.last,
            completed_on=totals.c.completed,
            filled_on=totals.c.filled,
        )
    )
    # ORM objects already loaded must not keep stale totals
    for obj in list(session.identity_map.values()):
        if isinstance(obj, OrderLine) and (ids is None or obj.id in ids):
            session.expire(obj, list(TOTAL_COLUMNS))
