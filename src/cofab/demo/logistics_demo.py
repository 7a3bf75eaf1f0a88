"""Logistics demo data: the carriers of each case move goods between sites instead of making
them. Each case's logistics partner gets lanes from a manufacturing partner's site to the group's
own site or a market, and the latest shipment of that manufacturer travels on one of them; in the
pharma case the cold-chain lane's shipment has one temperature excursion (9.4 °C on a 2–8 °C
lane) among in-range readings, so the carrier page shows an excursion.

``demo/loader.py`` calls ``load(session, case_name, refs, today)`` after ``operations_demo.load``
(the shipments must exist) and after quality; each carrier then gets its stored scorecard from
performance's template for logistics partners. Loading twice changes nothing (lanes are matched
on partner and code, a linked shipment is left as it is).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core.access import SYSTEM_ACTOR
from cofab.logistics import schemas, service
from cofab.logistics.models import Lane, ShipmentLane
from cofab.operations.models import Shipment
from cofab.partners.models import Site
from cofab.performance import service as performance_service
from cofab.performance.models import Scorecard

# case -> (carrier ref, its lanes): origin = the manufacturing partner whose first site the lane
# starts from; "carries": that partner's latest shipment travels on the lane; "temp": cold chain
LANES: dict[str, tuple[str, list[dict[str, Any]]]] = {
    "electronics": (
        "E-BWL",
        [
            {
                "code": "SGP-KR-SEA",
                "origin": "E-SGP",
                "to": ("own_site", "PYEONGTAEK"),
                "mode": "sea",
                "days": 9,
                "rate": "0.85",
                "basis": "unit",
                "currency": "USD",
                "capacity": "400000",
                "carries": True,
            },
            {
                "code": "SGP-EU-AIR",
                "origin": "E-SGP",
                "to": ("market", "EU"),
                "mode": "air",
                "days": 3,
                "rate": "4.20",
                "basis": "kg",
                "currency": "USD",
                "capacity": "20000",
            },
        ],
    ),
    "automotive": (
        "A-BAL",
        [
            {
                "code": "NCP-EU-RAIL",
                "origin": "A-NCP",
                "to": ("market", "EU"),
                "mode": "rail",
                "days": 18,
                "rate": "2900",
                "basis": "container",
                "currency": "EUR",
                "capacity": "120",
                "carries": True,
            },
        ],
    ),
    "pharma": (
        "P-CCL",
        [
            {
                "code": "IBL-EU-COLD",
                "origin": "P-IBL",
                "to": ("market", "EU"),
                "mode": "air",
                "days": 4,
                "rate": "6.50",
                "basis": "unit",
                "currency": "EUR",
                "capacity": "30000",
                "temp": ("2", "8"),
                "carries": True,
            },
        ],
    ),
}
# hours after departure and °C: one reading outside 2–8 °C
PHARMA_READINGS = [(2, "4.8"), (10, "5.6"), (20, "9.4"), (30, "6.1"), (44, "5.2")]


def _first_site(session: Session, partner_id: int) -> int | None:
    return session.execute(
        select(Site.id).where(Site.partner_id == partner_id).order_by(Site.id).limit(1)
    ).scalar_one_or_none()


def _lane(session: Session, carrier_id: int, spec: dict[str, Any], site_id: int | None) -> Lane:
    existing = session.execute(
        select(Lane).where(Lane.partner_id == carrier_id, Lane.code == spec["code"])
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    kind, destination = spec["to"]
    low, high = spec.get("temp", (None, None))
    data = schemas.LaneCreate.model_validate(
        {
            "partner_id": carrier_id,
            "code": spec["code"],
            "origin_kind": "partner_site" if site_id else "own_site",
            "origin_site_id": site_id,
            "origin_code": None if site_id else spec["origin"],
            "destination_kind": kind,
            "destination_code": destination,
            "mode": spec["mode"],
            "carrier": spec.get("carrier", spec["code"].split("-")[0] + " line"),
            "transit_days": spec["days"],
            "rate": spec["rate"],
            "rate_basis": spec["basis"],
            "currency": spec["currency"],
            "capacity": spec["capacity"],
            "capacity_period": "month",
            "temp_min": low,
            "temp_max": high,
        }
    )
    return service.create_lane(session, actor=SYSTEM_ACTOR, data=data)


def _carry(session: Session, lane: Lane, shipper_id: int, cold: bool) -> None:
    shipment = session.execute(
        select(Shipment)
        .where(Shipment.partner_id == shipper_id)
        .order_by(Shipment.ship_date.desc(), Shipment.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if shipment is None:
        return
    if service.shipment_lane(session, actor=SYSTEM_ACTOR, shipment_id=shipment.id) is not None:
        return
    service.link_shipment(
        session,
        actor=SYSTEM_ACTOR,
        shipment_id=shipment.id,
        data=schemas.ShipmentLaneIn(lane_id=lane.id),
    )
    if not cold:
        return
    departed = datetime.combine(shipment.ship_date, time(6), tzinfo=UTC)
    for hours, celsius in PHARMA_READINGS:
        at = departed + timedelta(hours=hours)
        if at > datetime.now(UTC):
            break
        service.add_reading(
            session,
            actor=SYSTEM_ACTOR,
            shipment_id=shipment.id,
            data=schemas.ReadingIn(measured_at=at, celsius=Decimal(celsius), location="in transit"),
        )


def load(session: Session, case_name: str, refs: dict[str, int], today: date) -> None:
    """The case's lanes and one shipment carried on its first lane (``today`` is unused: the
    shipment's own dates place the readings)."""
    del today
    if case_name not in LANES:
        return
    carrier_ref, specs = LANES[case_name]
    # the loader keys partners "DEMO-P-CCL"; tests pass the bare reference
    refs = refs | {key.removeprefix("DEMO-"): pid for key, pid in refs.items()}
    carrier_id = refs.get(carrier_ref)
    if carrier_id is None:
        return
    for spec in specs:
        shipper_id = refs.get(spec["origin"])
        site_id = _first_site(session, shipper_id) if shipper_id is not None else None
        lane = _lane(session, carrier_id, spec, site_id)
        if spec.get("carries") and shipper_id is not None:
            _carry(session, lane, shipper_id, cold="temp" in spec)
    _scorecards(session, carrier_id)


def _scorecards(session: Session, carrier_id: int) -> None:
    """The carrier's stored scorecard (performance's template for logistics partners) for each
    quarter in which it carried a shipment: graded on transit time, damage and excursions."""
    template = performance_service.logistics_template(session)
    shipped = session.execute(
        select(Shipment.ship_date)
        .join(ShipmentLane, ShipmentLane.shipment_id == Shipment.id)
        .where(ShipmentLane.partner_id == carrier_id)
    ).scalars()
    quarters = {performance_service.period_bounds(template.period, d)[0] for d in shipped}
    done = set(
        session.execute(
            select(Scorecard.period_start).where(
                Scorecard.partner_id == carrier_id, Scorecard.template_id == template.id
            )
        ).scalars()
    )
    for start in sorted(quarters - done):  # loading twice changes nothing
        performance_service.compute_scorecards(
            session,
            actor=SYSTEM_ACTOR,
            period_start=start,
            template_id=template.id,
            partner_id=carrier_id,
        )
