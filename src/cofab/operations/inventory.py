"""Inventory snapshots per partner site and item. Snapshots are never overwritten: the newest per
site and item is the current stock and the rest is its history.

Cover in days = (on hand − reserved) ÷ average daily demand, where demand is the quantity the
owner ordered of that item from that partner over the last 90 days. No demand → no cover figure.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from cofab.core.access import Actor, ensure_partner_visible, scope_to_partner
from cofab.core.errors import Conflict, FieldProblem, NotFound
from cofab.core.i18n import N_
from cofab.operations import rules, schemas
from cofab.operations.models import AckStatus, InventorySnapshot, OrderLine
from cofab.partners.models import Site

DEMAND_WINDOW_DAYS = 90


def check_snapshot(
    session: Session,
    actor: Actor,
    data: schemas.InventorySnapshotIn,
    prefix: str,
    problems: list[FieldProblem],
) -> Site | None:
    site = session.get(Site, data.site_id)
    if site is None or (actor.is_partner and site.partner_id != actor.partner_id):
        problems.append(
            FieldProblem(f"{prefix}site_id", N_("Unknown site {id}."), {"id": data.site_id})
        )
        site = None
    rules.not_in_future(data.at, f"{prefix}at", problems)
    if Decimal(data.reserved) > Decimal(data.on_hand):
        problems.append(
            FieldProblem(f"{prefix}reserved", N_("Must not be more than the quantity on hand."))
        )
    return site


def post_snapshot(
    session: Session, *, actor: Actor, data: schemas.InventorySnapshotIn, prefix: str = ""
) -> tuple[InventorySnapshot, bool]:
    problems: list[FieldProblem] = []
    site = check_snapshot(session, actor, data, prefix, problems)
    rules.raise_if(problems)
    assert site is not None
    rules.ensure_partner_side(actor, site.partner_id)
    at = data.at or rules.now_utc()
    existing = session.execute(
        select(InventorySnapshot).where(
            InventorySnapshot.site_id == site.id,
            InventorySnapshot.item == data.item,
            InventorySnapshot.at == at,
        )
    ).scalar_one_or_none()
    if existing is not None:
        same = (
            Decimal(existing.on_hand) == Decimal(data.on_hand)
            and Decimal(existing.reserved) == Decimal(data.reserved)
            and Decimal(existing.in_transit) == Decimal(data.in_transit)
        )
        if same:
            return existing, False
        raise Conflict(
            N_("A snapshot of {item} at this site and time already exists with other figures."),
            item=data.item,
        )
    snap = InventorySnapshot(
        partner_id=site.partner_id,
        site_id=site.id,
        item=data.item,
        at=at,
        on_hand=data.on_hand,
        reserved=data.reserved,
        in_transit=data.in_transit,
        posted_by=actor.email,
    )
    session.add(snap)
    session.flush()
    rules.record(session, actor=actor, action="create", entity="inventory", row=snap)
    return snap, True


def current_inventory(
    session: Session, *, actor: Actor, partner_id: int | None = None
) -> list[dict[str, Any]]:
    """Newest snapshot per site and item with its cover in days."""
    newest = scope_to_partner(
        select(
            InventorySnapshot.site_id,
            InventorySnapshot.item,
            func.max(InventorySnapshot.at).label("at"),
        ).group_by(InventorySnapshot.site_id, InventorySnapshot.item),
        actor,
        InventorySnapshot.partner_id,
    )
    if partner_id is not None:
        newest = newest.where(InventorySnapshot.partner_id == partner_id)
    latest = newest.subquery()
    since = rules.now_utc().date() - timedelta(days=DEMAND_WINDOW_DAYS)
    demand = (
        select(
            OrderLine.partner_id,
            OrderLine.product,
            (func.sum(OrderLine.quantity) / float(DEMAND_WINDOW_DAYS)).label("daily"),
        )
        .where(
            OrderLine.order_date >= since,
            OrderLine.ack_status.not_in([AckStatus.CANCELLED, AckStatus.REJECTED]),
        )
        .group_by(OrderLine.partner_id, OrderLine.product)
        .subquery()
    )
    stmt = (
        select(InventorySnapshot, Site.name, demand.c.daily)
        .join(
            latest,
            and_(
                latest.c.site_id == InventorySnapshot.site_id,
                latest.c.item == InventorySnapshot.item,
                latest.c.at == InventorySnapshot.at,
            ),
        )
        .join(Site, Site.id == InventorySnapshot.site_id)
        .outerjoin(
            demand,
            and_(
                demand.c.partner_id == InventorySnapshot.partner_id,
                demand.c.product == InventorySnapshot.item,
            ),
        )
        .order_by(Site.name, InventorySnapshot.item)
    )
    rows: list[dict[str, Any]] = []
    for snap, site_name, daily in session.execute(stmt):
        daily_f = float(daily) if daily else None
        available = float(snap.on_hand) - float(snap.reserved)
        rows.append(
            {
                "snapshot": snap,
                "site_name": site_name,
                "daily_demand": daily_f,
                "cover_days": round(available / daily_f, 1) if daily_f else None,
            }
        )
    return rows


def history(
    session: Session, *, actor: Actor, site_id: int, item: str | None = None
) -> list[InventorySnapshot]:
    site = session.get(Site, site_id)
    if site is None:
        raise NotFound()
    ensure_partner_visible(actor, site.partner_id)
    stmt = select(InventorySnapshot).where(InventorySnapshot.site_id == site_id)
    if item:
        stmt = stmt.where(InventorySnapshot.item == item)
    return list(
        session.execute(stmt.order_by(InventorySnapshot.item, InventorySnapshot.at.desc()))
        .scalars()
        .all()
    )
