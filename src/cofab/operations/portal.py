"""A partner user's to-do list: what the owner is waiting for from them, and what changed for them.

The partner portal had no start page — "Dashboard" led to the company record, and a partner had
to visit five lists to find the one order line waiting for an answer. Each entry here is one
small query scoped to the actor's company (``scope_to_partner``), with a count, the first few
rows and the list it links to:

* order lines waiting for an answer (pending, on open orders);
* change proposals the owner answered (accepted or declined) in the last ``RECENT_DAYS``;
* shipments due: accepted lines of open orders not yet shipped in full, promised within
  ``DUE_WITHIN_DAYS`` (or already late);
* support tickets waiting for the partner's first response;
* documents shared with the company (read from the vault's models: an active share);
* what other domains add (``extensions.register_todo_source``: performance's open review
  action items the partner owns), after the waiting items above.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from cofab.core.access import Actor, scope_to_partner
from cofab.core.errors import Forbidden
from cofab.core.i18n import N_
from cofab.operations import extensions, rules
from cofab.operations.extensions import TodoEntry
from cofab.operations.models import (
    AckStatus,
    LineVersion,
    Order,
    OrderLine,
    OrderStatus,
    ShipmentLine,
    SupportTicket,
)
from cofab.vault.models import VaultShare

RECENT_DAYS = 30
DUE_WITHIN_DAYS = 14
SHOWN = 5
ANSWERED_CHANGES = ("proposal_accepted", "proposal_rejected")

TITLES: dict[str, str] = {
    "awaiting_answer": N_("Order lines waiting for your answer"),
    "shipments_due": N_("Shipments due within {days} days or late"),
    "tickets_waiting": N_("Support tickets waiting for your response"),
    "answered_proposals": N_("Your change proposals answered in the last {days} days"),
    "documents_shared": N_("Documents shared with you"),
}


def titles() -> dict[str, str]:
    """Every card's title msgid: operations' own and those other domains registered."""
    return TITLES | extensions.todo_titles()


def _count(session: Session, stmt: Select[*tuple[Any, ...]]) -> int:
    return int(
        session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar()
        or 0
    )


def _awaiting_answer(session: Session, actor: Actor) -> TodoEntry:
    stmt = scope_to_partner(
        select(OrderLine, Order.external_ref)
        .join(Order, Order.id == OrderLine.order_id)
        .where(
            OrderLine.ack_status == AckStatus.PENDING.value,
            Order.status == OrderStatus.OPEN.value,
        ),
        actor,
        OrderLine.partner_id,
    )
    rows = session.execute(
        stmt.order_by(OrderLine.requested_date, Order.external_ref, OrderLine.line_no).limit(SHOWN)
    ).all()
    return TodoEntry(
        "awaiting_answer",
        _count(session, stmt),
        "/orders?status=awaiting_answer",
        [
            {
                "href": f"/orders/{line.order_id}",
                "text": f"{ref} #{line.line_no} · {line.product}",
                "date": line.requested_date,
            }
            for line, ref in rows
        ],
    )


def _answered_proposals(session: Session, actor: Actor, now: datetime) -> TodoEntry:
    stmt = scope_to_partner(
        select(LineVersion, OrderLine.order_id, OrderLine.line_no, Order.external_ref)
        .join(OrderLine, OrderLine.id == LineVersion.line_id)
        .join(Order, Order.id == OrderLine.order_id)
        .where(
            LineVersion.change.in_(ANSWERED_CHANGES),
            LineVersion.valid_from >= now - timedelta(days=RECENT_DAYS),
        ),
        actor,
        LineVersion.partner_id,
    )
    rows = session.execute(
        stmt.order_by(LineVersion.valid_from.desc(), LineVersion.id.desc()).limit(SHOWN)
    ).all()
    return TodoEntry(
        "answered_proposals",
        _count(session, stmt),
        "/orders",
        [
            {
                "href": f"/orders/{order_id}",
                "text": f"{ref} #{line_no}",
                "code": version.change,
                "date": version.valid_from.date(),
            }
            for version, order_id, line_no, ref in rows
        ],
    )


def _shipments_due(session: Session, actor: Actor, today: date) -> TodoEntry:
    shipped = (
        select(ShipmentLine.line_id, func.sum(ShipmentLine.quantity).label("qty"))
        .group_by(ShipmentLine.line_id)
        .subquery("shipped")
    )
    remaining = OrderLine.promised_qty - func.coalesce(shipped.c.qty, 0)
    stmt = scope_to_partner(
        select(OrderLine, Order.external_ref, remaining.label("remaining"))
        .join(Order, Order.id == OrderLine.order_id)
        .outerjoin(shipped, shipped.c.line_id == OrderLine.id)
        .where(
            OrderLine.ack_status == AckStatus.ACCEPTED.value,
            Order.status == OrderStatus.OPEN.value,
            OrderLine.promised_date <= today + timedelta(days=DUE_WITHIN_DAYS),
            remaining > 0,
        ),
        actor,
        OrderLine.partner_id,
    )
    rows = session.execute(
        stmt.order_by(OrderLine.promised_date, Order.external_ref, OrderLine.line_no).limit(SHOWN)
    ).all()
    return TodoEntry(
        "shipments_due",
        _count(session, stmt),
        "/shipments",
        [
            {
                "href": f"/orders/{line.order_id}",
                "text": f"{ref} #{line.line_no} · {line.product}",
                "date": line.promised_date,
                "qty": Decimal(left),
                "late": line.promised_date < today,
            }
            for line, ref, left in rows
        ],
    )


def _tickets_waiting(session: Session, actor: Actor) -> TodoEntry:
    stmt = scope_to_partner(
        select(SupportTicket).where(
            SupportTicket.resolved_at.is_(None), SupportTicket.first_response_at.is_(None)
        ),
        actor,
        SupportTicket.partner_id,
    )
    rows = session.execute(stmt.order_by(SupportTicket.opened_at).limit(SHOWN)).scalars()
    return TodoEntry(
        "tickets_waiting",
        _count(session, stmt),
        "/tickets?open=1",
        [{"href": "/tickets?open=1", "text": t.subject, "date": t.opened_at.date()} for t in rows],
    )


def _documents_shared(session: Session, actor: Actor, now: datetime) -> TodoEntry:
    """Counted from the shares alone: titles are not read here, so no document is "viewed"
    (the vault list, where the link leads, records what the partner opens)."""
    active = scope_to_partner(
        select(VaultShare.document_id).where(
            VaultShare.revoked_at.is_(None),
            or_(VaultShare.expires_at.is_(None), VaultShare.expires_at > now),
        ),
        actor,
        VaultShare.partner_id,
    ).distinct()
    recent = active.where(VaultShare.created_at >= now - timedelta(days=RECENT_DAYS))
    return TodoEntry(
        "documents_shared",
        _count(session, active),
        "/vault",
        [{"recent": _count(session, recent)}],
    )


def todo(session: Session, *, actor: Actor, now: datetime | None = None) -> list[TodoEntry]:
    """The partner's start page, in the order a partner works through it."""
    if not actor.is_partner or actor.partner_id is None:
        raise Forbidden()
    now = now or rules.now_utc()
    today = now.date()
    return [
        _awaiting_answer(session, actor),
        _shipments_due(session, actor, today),
        _tickets_waiting(session, actor),
        *extensions.todo_entries(session, actor=actor, today=today),
        _answered_proposals(session, actor, now),
        _documents_shared(session, actor, now),
    ]
