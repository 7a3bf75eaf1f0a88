"""The lane form and the shipment page through a signed-in browser session (cookies + CSRF):
a bad field comes back on the form with its label and nothing is written; a good form saves."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, select
from tests.conftest import World, csrf_of, login
from tests.logistics.logistics_factories import lane_body, make_carrier
from tests.operations.ops_factories import line_ids, make_order, ship

from cofab.db.session import unit_of_work
from cofab.logistics.models import Lane, ShipmentLane


def _form(body: dict[str, object], csrf: str) -> dict[str, str]:
    return {k: str(v) for k, v in body.items() if v is not None} | {"csrf_token": csrf}


def test_lane_form_shipment_link_and_reading(world: World, base_url: str, engine: Engine) -> None:
    with unit_of_work(engine) as session:
        carrier = make_carrier(session, "Carrier C", "ops@carrier-c.test")
        order = make_order(session, world.partner_a, "PG-1", [("P1", 40, 1.0, date(2025, 3, 1))])
        shipment = ship(session, "PG-ASN", [(line_ids(session, order)[0], 40)], date(2025, 3, 1))
        shipment_id = shipment.id
    owner = login(base_url, world.users["manager"])
    owner.cookies.set("cofab_lang", "ko")
    csrf = csrf_of(owner, "/logistics/lanes/new")
    bad = owner.post("/logistics/lanes/new", data=_form(lane_body(carrier, transit_days=0), csrf))
    assert bad.status_code == 422 and "계약 운송 일수" in bad.text
    with unit_of_work(engine, write=False) as session:
        assert session.execute(select(Lane)).first() is None
    good = owner.post("/logistics/lanes/new", data=_form(lane_body(carrier, active="true"), csrf))
    assert good.status_code == 303, good.text[:300]
    lane_url = good.headers["location"].split("?")[0]
    edit = lane_body(carrier, transit_days=6, active="true")
    edited = owner.post(f"{lane_url}/edit", data=_form(edit, csrf))
    assert edited.status_code == 303
    assert '<dd data-testid="transit-days">6</dd>' in owner.get(lane_url).text
    lane_id = int(lane_url.rsplit("/", 1)[1])
    linked = owner.post(
        f"/logistics/shipments/{shipment_id}/lane", data={"lane_id": lane_id, "csrf_token": csrf}
    )
    assert linked.status_code == 303
    with unit_of_work(engine, write=False) as session:
        link = session.execute(select(ShipmentLane)).scalar_one()
        assert (link.lane_id, link.freight_cost) == (lane_id, 100)  # 2.5 USD × 40 units
    # the carrier posts a reading from its page; a bad one names the field
    carrier_client = login(base_url, "ops@carrier-c.test")
    token = csrf_of(carrier_client, f"/logistics/shipments/{shipment_id}")
    wrong = carrier_client.post(
        f"/logistics/shipments/{shipment_id}/readings",
        data={"measured_at": "yesterday", "celsius": "5", "csrf_token": token},
    )
    assert wrong.status_code == 422 and "Measured at (UTC)" in wrong.text
    posted = carrier_client.post(
        f"/logistics/shipments/{shipment_id}/readings",
        data={"measured_at": "2025-03-02T08:00:00Z", "celsius": "5", "csrf_token": token},
    )
    assert posted.status_code == 303
    assert "2025-03-02 08:00" in carrier_client.get(f"/logistics/shipments/{shipment_id}").text
