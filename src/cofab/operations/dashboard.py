"""The live operations view: lines at risk of being late, progress by stage, inventory cover.

A line is at risk when it is open, not fully received, and its promised date is past or within
the look-ahead window; the reason names what is missing (not shipped, ETA after the promise,
overdue). The view is recomputed only when the change counter moved.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Bundle, Session

from cofab.core.access import Actor, scope_to_partner
from cofab.core.i18n import N_
from cofab.operations import change_feed, extensions, inventory, progress, rules
from cofab.operations.models import (
    AckStatus,
    Order,
    OrderLine,
    OrderStatus,
    Shipment,
    ShipmentLine,
)
from cofab.partners.models import Partner

LOOK_AHEAD_DAYS = 7
MAX_AT_RISK = 25
RISK_REASONS = {
    "overdue": N_("Overdue"),
    "not_shipped": N_("Not shipped yet"),
    "eta_late": N_("ETA after the promised date"),
    "partly_shipped": N_("Only partly shipped"),
}


def at_risk(
    session: Session, *, actor: Actor, today: date | None = None, partner_id: int | None = None
) -> list[dict[str, Any]]:
    today = today or rules.now_utc().date()
    horizon = today + timedelta(days=LOOK_AHEAD_DAYS)
    # Walk the open, not fully received lines in promise order (``completed_on`` is empty until
    # the receipts reach the promise; both are in a covering index) and stop at the first
    # MAX_AT_RISK that are at risk. What was shipped is looked up per visited line, so the
    # cost follows the rows shown, not the million lines behind them; overdue lines need no
    # lookup at all to qualify.
    shipped_qty = (
        select(func.coalesce(func.sum(ShipmentLine.quantity), 0))
        .where(ShipmentLine.line_id == OrderLine.id)
        .scalar_subquery()
    )
    latest_eta = (
        select(func.max(Shipment.eta))
        .join(ShipmentLine, ShipmentLine.shipment_id == Shipment.id)
        .where(ShipmentLine.line_id == OrderLine.id)
        .scalar_subquery()
    )
    on_track = and_(  # promise not yet passed, fully shipped, arriving in time
        OrderLine.promised_date >= today,
        shipped_qty >= OrderLine.promised_qty,
        or_(latest_eta.is_(None), latest_eta <= OrderLine.promised_date),
    )
    line_fields: Bundle[Any] = Bundle(  # only what the panel shows: no ORM objects to track
        "line",
        OrderLine.id,
        OrderLine.order_id,
        OrderLine.line_no,
        OrderLine.product,
        OrderLine.promised_date,
        OrderLine.promised_qty,
    )
    stmt = scope_to_partner(
        select(
            line_fields,
            Order.external_ref,
            Partner.name_en,
            Partner.name_ko,
            OrderLine.received_total,
            shipped_qty,
            latest_eta,
        )
        .join(Order, Order.id == OrderLine.order_id)
        .join(Partner, Partner.id == OrderLine.partner_id)
        .where(
            OrderLine.promised_date <= horizon,
            OrderLine.completed_on.is_(None),  # kept by line_totals
            OrderLine.ack_status.not_in([AckStatus.CANCELLED, AckStatus.REJECTED]),
            Order.status == OrderStatus.OPEN,
            ~on_track,
        )
        .order_by(OrderLine.promised_date, OrderLine.id)
        .limit(MAX_AT_RISK),
        actor,
        OrderLine.partner_id,
    )
    if partner_id is not None:
        stmt = stmt.where(OrderLine.partner_id == partner_id)
    rows: list[dict[str, Any]] = []
    for line, ref, name_en, name_ko, got, sent, eta in session.execute(stmt):
        if line.promised_date < today:
            reason = "overdue"
        elif Decimal(str(sent)) <= 0:
            reason = "not_shipped"
        elif eta is not None and eta > line.promised_date:
            reason = "eta_late"
        else:  # the query left out lines that are on track
            reason = "partly_shipped"
        rows.append(
            {
                "line": line,
                "order_ref": ref,
                "partner_en": name_en,
                "partner_ko": name_ko,
                "received": float(got),
                "shipped": float(sent),
                "eta": eta,
                "reason": reason,
                "days_left": (line.promised_date - today).days,
            }
        )
    return rows


def at_risk_count(rows: list[dict[str, Any]]) -> str:
    """ "25+" when the list was cut at MAX_AT_RISK: a full list is not the whole count."""
    return f"{len(rows)}+" if len(rows) >= MAX_AT_RISK else str(len(rows))


def live_view(session: Session, *, actor: Actor, partner_id: int | None = None) -> dict[str, Any]:
    stock = inventory.current_inventory(session, actor=actor, partner_id=partner_id)
    stock.sort(key=lambda r: (r["cover_days"] is None, r["cover_days"] or 0))
    rows_at_risk = at_risk(session, actor=actor, partner_id=partner_id)
    return {
        "version": change_feed.current_version(session, actor=actor, partner_id=partner_id),
        "at_risk": rows_at_risk,
        "stages": progress.latest_stage_quantities(session, actor=actor, partner_id=partner_id),
        "inventory": stock[:20],
        "overdue": extensions.overdue_items(session, actor=actor, partner_id=partner_id),
        "reasons": RISK_REASONS,
        "at_risk_count": at_risk_count(rows_at_risk),
    }
