"""Test data for logistics: carriers (logistics partners) with users and lanes, made through
the services so the rules and the audit run."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from tests.conftest import World, make_partner, make_user

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.logistics import schemas, service
from cofab.logistics.models import Lane
from cofab.operations.models import Shipment
from cofab.partners.models import Partner, PartnerTypeLink


def lane_body(partner_id: int, code: str = "HCM-KR-SEA", **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "partner_id": partner_id,
        "code": code,
        "origin_kind": "own_site",
        "origin_code": "PYEONGTAEK",
        "destination_kind": "market",
        "destination_code": "KR",
        "mode": "sea",
        "carrier": "Blue Ocean Line",
        "transit_days": 5,
        "rate": "2.5",
        "rate_basis": "unit",
        "currency": "USD",
        "capacity": "1000",
        "capacity_period": "month",
    }
    body.update(over)
    return body


def make_carrier(session: Session, name: str, email: str) -> int:
    partner = make_partner(session, name, "KR", types=["logistics"])
    make_user(session, email, "partner", partner.id)
    return int(partner.id)


def make_lane(session: Session, partner_id: int, code: str, **over: Any) -> Lane:
    data = schemas.LaneCreate.model_validate(lane_body(partner_id, code, **over))
    return service.create_lane(session, actor=SYSTEM_ACTOR, data=data)


def make_logistics(session: Session, partner_id: int) -> None:
    """Give an existing partner (the world's B) the logistics type as well."""
    partner = session.get(Partner, partner_id)
    assert partner is not None
    partner.types = [*partner.types, "logistics"]
    session.add(PartnerTypeLink(partner_id=partner_id, type="logistics"))
    session.flush()


LOGISTICS_SAMPLE_BODIES: dict[str, dict[str, Any]] = {
    "LaneCreate": lane_body(0, "EVIL"),
    "LaneUpdate": {k: v for k, v in lane_body(0).items() if k not in ("partner_id", "code")},
    "ShipmentLaneIn": {"lane_id": 1},
    "ReadingIn": {"measured_at": "2025-03-02T00:00:00Z", "celsius": "30"},
}


def isolation_resolvers(
    world: World, engine: Engine, bodies: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """Partner B as a carrier with a lane and a shipment of its own on that lane."""
    from tests.operations.ops_factories import line_ids, make_order, ship

    with unit_of_work(engine) as session:
        make_logistics(session, world.partner_b)
        lane = make_lane(session, world.partner_b, "B-LANE")
        # operations' sweep set-up may already have shipped for B (and graded B so that new
        # orders are blocked): put that shipment on the lane, or ship one of our own
        shipment = session.execute(
            select(Shipment).where(Shipment.partner_id == world.partner_b).limit(1)
        ).scalar_one_or_none()
        if shipment is None:
            order = make_order(
                session, world.partner_b, "LOG-B-1", [("P1", 10, 1.0, date(2025, 3, 1))]
            )
            line_id = line_ids(session, order)[0]
            shipment = ship(session, "LOG-B-ASN", [(line_id, 10)], date(2025, 3, 1))
        service.link_shipment(
            session,
            actor=SYSTEM_ACTOR,
            shipment_id=shipment.id,
            data=schemas.ShipmentLaneIn(lane_id=lane.id),
        )
        lane_id, shipment_id = lane.id, shipment.id
    bodies["ShipmentLaneIn"]["lane_id"] = lane_id
    return {
        "logistics:lane_id": lambda *_: lane_id,
        "logistics:shipment_id": lambda *_: shipment_id,
    }


def lane_id_of(engine: Engine, code: str) -> int:
    with unit_of_work(engine, write=False) as session:
        return int(session.execute(select(Lane.id).where(Lane.code == code)).scalar_one())
