"""Lane master, shipments on lanes, carrier readings and carrier KPIs: the business rules, the
access checks and the audit trail, and the only module other domains import (with models).

A lane belongs to a logistics partner (a partner whose types include ``logistics``): its own
users keep it, owner writers may too. Operations owns shipments; linking one to a lane is an
owner decision kept here, and the carrier of that lane then posts temperature readings for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from cofab.core import audit
from cofab.core.access import (
    REGISTRY_WRITERS,
    Actor,
    ensure_partner_visible,
    ensure_partner_writable,
    require_roles,
    scope_to_partner,
)
from cofab.core.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from cofab.core.i18n import N_
from cofab.core.partner_inputs import partner_inputs_changed
from cofab.logistics import schemas
from cofab.logistics.models import Lane, OriginKind, RateBasis, ShipmentLane, TemperatureReading
from cofab.logistics.sql_days import transit_days_between
from cofab.operations.models import Receipt, Shipment, ShipmentLine
from cofab.partners.models import Partner, PartnerType, PartnerTypeLink, Site

NOT_LOGISTICS = N_("Only a logistics partner keeps lanes; add the type to the partner first.")
UNKNOWN_SITE = N_("No such partner site.")
CODE_TAKEN = N_("The partner already has a lane with code {code}.")
LANE_IN_USE = N_("Shipments travel on this lane; make it inactive instead of deleting it.")
LANE_INACTIVE = N_("The lane is inactive; choose an active lane.")
NOT_LINKED = N_("The shipment travels on no lane yet; link it to a lane first.")
IN_FUTURE = N_("Must not be in the future.")
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class LaneFilters:
    partner_id: int | None = None
    mode: str | None = None
    destination: str | None = None
    active: bool | None = None


# --- lanes ------------------------------------------------------------------------------------


def lane_query(actor: Actor, filters: LaneFilters) -> Select[Lane]:
    stmt = scope_to_partner(select(Lane), actor, Lane.partner_id)
    if filters.partner_id is not None:
        stmt = stmt.where(Lane.partner_id == filters.partner_id)
    if filters.mode:
        stmt = stmt.where(Lane.mode == filters.mode)
    if filters.destination:
        stmt = stmt.where(Lane.destination_code == filters.destination)
    if filters.active is not None:
        stmt = stmt.where(Lane.active == filters.active)
    return stmt.order_by(Lane.partner_id, Lane.code, Lane.id)


def get_lane(session: Session, *, actor: Actor, lane_id: int) -> Lane:
    lane = session.get(Lane, lane_id)
    if lane is None:
        raise NotFound()
    ensure_partner_visible(actor, lane.partner_id)
    return lane


def _ensure_logistics_partner(session: Session, partner_id: int) -> None:
    if session.get(Partner, partner_id) is None:
        raise NotFound()
    is_logistics = session.execute(
        select(PartnerTypeLink.partner_id).where(
            PartnerTypeLink.partner_id == partner_id,
            PartnerTypeLink.type == PartnerType.LOGISTICS.value,
        )
    ).first()
    if is_logistics is None:
        raise ValidationFailed(problems=[FieldProblem("partner_id", NOT_LOGISTICS)])


def _check_origin(session: Session, actor: Actor, data: schemas.LaneFields) -> None:
    """The rules across fields first; then: a partner user names only its own company's sites
    (another partner's site ids are not theirs to probe); owner staff may name any site."""
    problems = schemas.lane_problems(data)
    if problems:
        raise ValidationFailed(problems=problems)
    if data.origin_kind != OriginKind.PARTNER_SITE or data.origin_site_id is None:
        return
    site = session.get(Site, data.origin_site_id)
    if site is None or (actor.is_partner and site.partner_id != actor.partner_id):
        raise ValidationFailed(problems=[FieldProblem("origin_site_id", UNKNOWN_SITE)])


def _lane_values(data: schemas.LaneFields) -> dict[str, Any]:
    values = data.model_dump(exclude={"partner_id", "code"})
    if data.origin_kind == OriginKind.PARTNER_SITE:
        values["origin_code"] = None
    else:
        values["origin_site_id"] = None
    for key in ("origin_kind", "destination_kind", "mode", "rate_basis"):
        values[key] = str(values[key])
    return values


def _ensure_code_free(session: Session, partner_id: int, code: str, exclude: int | None) -> None:
    stmt = select(Lane.id).where(Lane.partner_id == partner_id, Lane.code == code)
    if exclude is not None:
        stmt = stmt.where(Lane.id != exclude)
    if session.execute(stmt).first() is not None:
        raise Conflict(
            CODE_TAKEN, code=code, problems=[FieldProblem("code", CODE_TAKEN, {"code": code})]
        )


def create_lane(session: Session, *, actor: Actor, data: schemas.LaneCreate) -> Lane:
    ensure_partner_writable(actor, data.partner_id)
    _ensure_logistics_partner(session, data.partner_id)
    _check_origin(session, actor, data)
    _ensure_code_free(session, data.partner_id, data.code, None)
    lane = Lane(partner_id=data.partner_id, code=data.code, **_lane_values(data))
    session.add(lane)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="logistics_lane",
        entity_id=lane.id,
        partner_id=lane.partner_id,
        after=audit.snapshot(lane),
    )
    return lane


def update_lane(session: Session, *, actor: Actor, lane_id: int, data: schemas.LaneUpdate) -> Lane:
    lane = get_lane(session, actor=actor, lane_id=lane_id)
    ensure_partner_writable(actor, lane.partner_id)
    _check_origin(session, actor, data)
    before = audit.snapshot(lane)
    changed = False
    for key, value in _lane_values(data).items():
        if getattr(lane, key) != value:
            setattr(lane, key, value)
            changed = True
    if changed:
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="update",
            entity="logistics_lane",
            entity_id=lane.id,
            partner_id=lane.partner_id,
            before=before,
            after=audit.snapshot(lane),
        )
    return lane


def delete_lane(session: Session, *, actor: Actor, lane_id: int) -> None:
    lane = get_lane(session, actor=actor, lane_id=lane_id)
    ensure_partner_writable(actor, lane.partner_id)
    used = session.execute(select(ShipmentLane.id).where(ShipmentLane.lane_id == lane.id)).first()
    if used is not None:
        raise Conflict(LANE_IN_USE)
    audit.record(
        session,
        actor=actor,
        action="delete",
        entity="logistics_lane",
        entity_id=lane.id,
        partner_id=lane.partner_id,
        before=audit.snapshot(lane),
    )
    session.delete(lane)
    session.flush()


def logistics_partners(session: Session, *, actor: Actor) -> list[Partner]:
    """The partners that may keep lanes and that the actor may see (form choices)."""
    stmt = (
        select(Partner)
        .join(PartnerTypeLink, PartnerTypeLink.partner_id == Partner.id)
        .where(PartnerTypeLink.type == PartnerType.LOGISTICS.value)
        .order_by(Partner.name_en)
    )
    return list(session.execute(scope_to_partner(stmt, actor, Partner.id)).scalars())


def visible_sites(session: Session, *, actor: Actor) -> list[Site]:
    stmt = scope_to_partner(select(Site), actor, Site.partner_id).order_by(Site.name, Site.id)
    return list(session.execute(stmt).scalars())


# --- shipments on lanes -----------------------------------------------------------------------


def _shipment(session: Session, shipment_id: int) -> Shipment:
    shipment = session.get(Shipment, shipment_id)
    if shipment is None:
        raise NotFound()
    return shipment


def shipment_lane(session: Session, *, actor: Actor, shipment_id: int) -> ShipmentLane | None:
    """The lane link of a shipment the actor may see: owner staff, the shipping partner or the
    carrier of the lane; anyone else gets 404."""
    link = session.execute(
        select(ShipmentLane).where(ShipmentLane.shipment_id == shipment_id)
    ).scalar_one_or_none()
    if actor.is_partner:
        if link is not None and link.partner_id == actor.partner_id:
            return link
        shipment = session.get(Shipment, shipment_id)
        if shipment is None or shipment.partner_id != actor.partner_id:
            raise NotFound()
        return link
    _shipment(session, shipment_id)
    return link


def _shipped_units(session: Session, shipment_id: int) -> Decimal:
    total = session.execute(
        select(func.coalesce(func.sum(ShipmentLine.quantity), 0)).where(
            ShipmentLine.shipment_id == shipment_id
        )
    ).scalar_one()
    return Decimal(total)


def link_shipment(
    session: Session, *, actor: Actor, shipment_id: int, data: schemas.ShipmentLaneIn
) -> ShipmentLane:
    """Put a shipment on a lane (or move it to another). Without a freight cost, a per-unit lane
    charges its rate times the units shipped; other bases leave the cost open until given."""
    require_roles(actor, REGISTRY_WRITERS)
    shipment = _shipment(session, shipment_id)
    lane = session.get(Lane, data.lane_id)
    if lane is None:
        raise ValidationFailed(problems=[FieldProblem("lane_id", N_("No such lane."))])
    if not lane.active:
        raise ValidationFailed(problems=[FieldProblem("lane_id", LANE_INACTIVE)])
    cost = data.freight_cost
    if cost is None and lane.rate_basis == RateBasis.UNIT:
        cost = (lane.rate * _shipped_units(session, shipment.id)).quantize(Decimal("0.0001"))
    link = session.execute(
        select(ShipmentLane).where(ShipmentLane.shipment_id == shipment.id)
    ).scalar_one_or_none()
    before = audit.snapshot(link) if link is not None else None
    if link is None:
        link = ShipmentLane(shipment_id=shipment.id, linked_by=actor.email)
        session.add(link)
    carriers = {link.partner_id, lane.partner_id}  # the old one and the new: their scorecards
    link.lane_id = lane.id
    link.partner_id = lane.partner_id
    link.freight_cost = cost
    link.currency = lane.currency
    link.linked_by = actor.email
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update" if before else "create",
        entity="logistics_shipment_lane",
        entity_id=link.id,
        partner_id=lane.partner_id,
        before=before,
        after=audit.snapshot(link),
    )
    for carrier in carriers:
        partner_inputs_changed(session, carrier, [shipment.ship_date])
    return link


def unlink_shipment(session: Session, *, actor: Actor, shipment_id: int) -> None:
    require_roles(actor, REGISTRY_WRITERS)
    link = shipment_lane(session, actor=actor, shipment_id=shipment_id)
    if link is None:
        raise NotFound()
    audit.record(
        session,
        actor=actor,
        action="delete",
        entity="logistics_shipment_lane",
        entity_id=link.id,
        partner_id=link.partner_id,
        before=audit.snapshot(link),
    )
    partner_inputs_changed(session, link.partner_id, [_shipment(session, shipment_id).ship_date])
    session.delete(link)
    session.flush()


def lane_shipments(session: Session, *, actor: Actor, lane_id: int) -> list[Any]:
    """The shipments on a lane, newest first, with their first receipt date (arrival)."""
    lane = get_lane(session, actor=actor, lane_id=lane_id)
    arrival = _arrival_subquery()
    stmt = (
        select(Shipment, ShipmentLane, arrival.c.arrived_on)
        .join(ShipmentLane, ShipmentLane.shipment_id == Shipment.id)
        .outerjoin(arrival, arrival.c.shipment_id == Shipment.id)
        .where(ShipmentLane.lane_id == lane.id)
        .order_by(Shipment.ship_date.desc(), Shipment.id.desc())
    )
    return list(session.execute(stmt).all())


# --- temperature readings ---------------------------------------------------------------------


def _link_for_carrier(session: Session, actor: Actor, shipment_id: int) -> ShipmentLane:
    link = session.execute(
        select(ShipmentLane).where(ShipmentLane.shipment_id == shipment_id)
    ).scalar_one_or_none()
    if link is None:
        if actor.is_partner:
            raise NotFound()
        _shipment(session, shipment_id)
        raise ValidationFailed(problems=[FieldProblem("shipment_id", NOT_LINKED)])
    ensure_partner_visible(actor, link.partner_id)
    return link


def add_reading(
    session: Session, *, actor: Actor, shipment_id: int, data: schemas.ReadingIn
) -> TemperatureReading:
    link = _link_for_carrier(session, actor, shipment_id)
    ensure_partner_writable(actor, link.partner_id)
    if data.measured_at > datetime.now(UTC) + CLOCK_SKEW:
        raise ValidationFailed(problems=[FieldProblem("measured_at", IN_FUTURE)])
    reading = TemperatureReading(
        partner_id=link.partner_id,
        shipment_id=shipment_id,
        at=data.measured_at.astimezone(UTC),
        celsius=data.celsius,
        location=data.location,
        posted_by=actor.email,
    )
    session.add(reading)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="logistics_temperature_reading",
        entity_id=reading.id,
        partner_id=link.partner_id,
        after=audit.snapshot(reading),
    )
    partner_inputs_changed(session, link.partner_id, [_shipment(session, shipment_id).ship_date])
    return reading


def readings(session: Session, *, actor: Actor, shipment_id: int) -> list[TemperatureReading]:
    link = _link_for_carrier(session, actor, shipment_id)
    stmt = (
        select(TemperatureReading)
        .where(
            TemperatureReading.shipment_id == shipment_id,
            TemperatureReading.partner_id == link.partner_id,
        )
        .order_by(TemperatureReading.at, TemperatureReading.id)
    )
    return list(session.execute(stmt).scalars())


def is_excursion(lane: Lane, celsius: Decimal) -> bool:
    if lane.temp_min is None or lane.temp_max is None:
        return False
    return celsius < lane.temp_min or celsius > lane.temp_max


# --- carrier KPIs -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LaneKpi:
    """One lane's sums over its shipments shipped in the window; rates are derived from them."""

    lane_id: int
    code: str
    currency: str
    shipments: int = 0
    delivered: int = 0
    on_time: int = 0
    received: Decimal = Decimal(0)
    rejected: Decimal = Decimal(0)
    readings: int = 0
    excursions: int = 0
    shipments_with_excursion: int = 0
    units: Decimal = Decimal(0)
    freight: Decimal = Decimal(0)
    costed_units: Decimal = Decimal(0)

    @property
    def adherence(self) -> float | None:
        return self.on_time / self.delivered if self.delivered else None

    @property
    def damage_rate(self) -> float | None:
        return float(self.rejected / self.received) if self.received else None

    @property
    def cost_per_unit(self) -> Decimal | None:
        if not self.costed_units:
            return None
        return (self.freight / self.costed_units).quantize(Decimal("0.0001"))


def _arrival_subquery() -> Any:
    """First receipt date per shipment: the day the goods arrived."""
    return (
        select(
            ShipmentLine.shipment_id.label("shipment_id"),
            func.min(Receipt.received_date).label("arrived_on"),
        )
        .join(Receipt, Receipt.shipment_line_id == ShipmentLine.id)
        .group_by(ShipmentLine.shipment_id)
        .subquery("arrival")
    )


def carrier_kpis(
    session: Session, *, actor: Actor, partner_id: int, start: date, end: date
) -> list[LaneKpi]:
    """Per lane of one carrier, over shipments shipped in [start, end]: transit-time adherence
    (arrived within the contracted transit days, over shipments that arrived), damage rate
    (rejected over received, from operations' receipts), temperature excursions (readings
    outside the lane's range) and freight cost per unit (over shipments with a known cost).
    Each measure is one grouped SQL query."""
    ensure_partner_visible(actor, partner_id)
    if session.get(Partner, partner_id) is None:  # unknown, or of another business unit
        raise NotFound()
    lanes = {
        lane.id: lane
        for lane in session.execute(
            select(Lane).where(Lane.partner_id == partner_id).order_by(Lane.code)
        ).scalars()
    }
    in_window = and_(
        ShipmentLane.partner_id == partner_id,
        Shipment.ship_date >= start,
        Shipment.ship_date <= end,
    )
    arrival = _arrival_subquery()
    on_time = case(
        (transit_days_between(arrival.c.arrived_on, Shipment.ship_date) <= Lane.transit_days, 1),
        else_=0,
    )
    delivery = session.execute(
        select(
            ShipmentLane.lane_id,
            func.count(Shipment.id),
            func.count(arrival.c.arrived_on),
            func.coalesce(func.sum(case((arrival.c.arrived_on.is_(None), 0), else_=on_time)), 0),
            func.coalesce(func.sum(ShipmentLane.freight_cost), 0),
        )
        .select_from(ShipmentLane)
        .join(Shipment, Shipment.id == ShipmentLane.shipment_id)
        .join(Lane, Lane.id == ShipmentLane.lane_id)
        .outerjoin(arrival, arrival.c.shipment_id == Shipment.id)
        .where(in_window)
        .group_by(ShipmentLane.lane_id)
    ).all()
    units = session.execute(
        select(
            ShipmentLane.lane_id,
            func.coalesce(func.sum(ShipmentLine.quantity), 0),
            func.coalesce(
                func.sum(
                    case((ShipmentLane.freight_cost.is_not(None), ShipmentLine.quantity), else_=0)
                ),
                0,
            ),
        )
        .select_from(ShipmentLane)
        .join(Shipment, Shipment.id == ShipmentLane.shipment_id)
        .join(ShipmentLine, ShipmentLine.shipment_id == Shipment.id)
        .where(in_window)
        .group_by(ShipmentLane.lane_id)
    ).all()
    damage = session.execute(
        select(
            ShipmentLane.lane_id,
            func.coalesce(func.sum(Receipt.received_qty), 0),
            func.coalesce(func.sum(Receipt.rejected_qty), 0),
        )
        .select_from(ShipmentLane)
        .join(Shipment, Shipment.id == ShipmentLane.shipment_id)
        .join(ShipmentLine, ShipmentLine.shipment_id == Shipment.id)
        .join(Receipt, Receipt.shipment_line_id == ShipmentLine.id)
        .where(in_window)
        .group_by(ShipmentLane.lane_id)
    ).all()
    outside = and_(
        Lane.temp_min.is_not(None),
        or_(TemperatureReading.celsius < Lane.temp_min, TemperatureReading.celsius > Lane.temp_max),
    )
    temps = session.execute(
        select(
            ShipmentLane.lane_id,
            func.count(TemperatureReading.id),
            func.coalesce(func.sum(case((outside, 1), else_=0)), 0),
            func.count(func.distinct(case((outside, TemperatureReading.shipment_id)))),
        )
        .select_from(ShipmentLane)
        .join(Shipment, Shipment.id == ShipmentLane.shipment_id)
        .join(Lane, Lane.id == ShipmentLane.lane_id)
        .join(
            TemperatureReading,
            and_(
                TemperatureReading.shipment_id == Shipment.id,
                TemperatureReading.partner_id == ShipmentLane.partner_id,
            ),
        )
        .where(in_window)
        .group_by(ShipmentLane.lane_id)
    ).all()
    rows: dict[int, dict[str, Any]] = {
        lane_id: {"lane_id": lane_id, "code": lane.code, "currency": lane.currency}
        for lane_id, lane in lanes.items()
    }
    for lane_id, shipped, delivered, timely, freight in delivery:
        rows[lane_id] |= {
            "shipments": int(shipped),
            "delivered": int(delivered),
            "on_time": int(timely),
            "freight": Decimal(freight),
        }
    for lane_id, total_units, costed in units:
        rows[lane_id] |= {"units": Decimal(total_units), "costed_units": Decimal(costed)}
    for lane_id, received, rejected in damage:
        rows[lane_id] |= {"received": Decimal(received), "rejected": Decimal(rejected)}
    for lane_id, count, excursions, shipments_out in temps:
        rows[lane_id] |= {
            "readings": int(count),
            "excursions": int(excursions),
            "shipments_with_excursion": int(shipments_out),
        }
    return [LaneKpi(**row) for row in rows.values()]


def carrier_total(lanes: list[LaneKpi]) -> LaneKpi:
    """The carrier's figures over all its lanes (the sums add; the rates are re-derived). Cost
    per unit is summed only when every lane charges in one currency."""
    currencies = {k.currency for k in lanes if k.costed_units}
    one_currency = len(currencies) <= 1
    return LaneKpi(
        lane_id=0,
        code="",
        currency=next(iter(currencies), ""),
        shipments=sum(k.shipments for k in lanes),
        delivered=sum(k.delivered for k in lanes),
        on_time=sum(k.on_time for k in lanes),
        received=sum((k.received for k in lanes), Decimal(0)),
        rejected=sum((k.rejected for k in lanes), Decimal(0)),
        readings=sum(k.readings for k in lanes),
        excursions=sum(k.excursions for k in lanes),
        shipments_with_excursion=sum(k.shipments_with_excursion for k in lanes),
        units=sum((k.units for k in lanes), Decimal(0)),
        freight=sum((k.freight for k in lanes), Decimal(0)) if one_currency else Decimal(0),
        costed_units=sum((k.costed_units for k in lanes), Decimal(0))
        if one_currency
        else Decimal(0),
    )


def carrier_percentages(total: LaneKpi) -> dict[str, float | None]:
    """A carrier's figures as scorecards read them: adherence, damage and the share of shipments
    with an excursion in percent (excursions over shipments that had readings), and freight cost
    per unit in the lanes' currency (``None`` when the lanes charge in several currencies)."""
    with_readings = total.readings and total.shipments
    cost = total.cost_per_unit
    return {
        "adherence_pct": None if total.adherence is None else total.adherence * 100,
        "damage_pct": None if total.damage_rate is None else total.damage_rate * 100,
        "excursion_pct": (
            total.shipments_with_excursion / total.shipments * 100 if with_readings else None
        ),
        "cost_per_unit": None if cost is None else float(cost),
    }


def carrier_figures(
    session: Session, *, actor: Actor, partner_id: int, start: date, end: date
) -> dict[str, float | None]:
    """One carrier's percentages over shipments shipped in [start, end], all lanes together:
    what performance's stored scorecard for logistics partners scores."""
    lanes = carrier_kpis(session, actor=actor, partner_id=partner_id, start=start, end=end)
    return carrier_percentages(carrier_total(lanes))
