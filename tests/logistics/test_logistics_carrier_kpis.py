"""Shipments on lanes, carrier readings and the carrier KPIs against a hand-computed March.

Carrier C has lane L1 (5 transit days, 2.5 USD per unit, 2–8 °C) and L2 (3 days, 10 USD per
container, no cold chain). Partner A ships, in March 2025:
  S1 100 units on L1, 03-01 → received 03-05 (4 days, on time), 90 accepted + 10 rejected,
     cost 2.5 × 100 = 250 (from the lane); readings 5.0, 9.5 (out), 1.0 (out)
  S2 100 units on L1, 03-02 → received 03-10 (8 days, late), 100 accepted, cost 300 (given);
     reading 4.0
  S3  50 units on L1, 03-03 → not received, cost 125
  S4  20 units on L2, 03-04 → received 03-06 (2 days, on time), 15 + 5 rejected, cost unknown
  S5  10 units on L1, 05-01 → outside the window
L1: 3 shipments, 2 arrived, 1 on time (50 %); damage 10 / 200 = 5 %; 2 excursions in 4
readings on 1 shipment; cost 675 / 250 units = 2.7. L2: 1/1 on time, damage 5 / 20 = 25 %, no
cost. Carrier: 2 of 3 on time, damage 15 / 220, cost per unit 2.7 USD.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, select
from tests.conftest import World, login
from tests.logistics.logistics_factories import make_carrier, make_lane
from tests.operations.ops_factories import line_ids, make_order, receive, ship

from cofab.core.access import SYSTEM_ACTOR
from cofab.core.audit import AuditEntry
from cofab.db.session import unit_of_work
from cofab.logistics import schemas, service

C_USER = "ops@carrier-c.test"
D_USER = "ops@carrier-d.test"
MARCH = {"start": "2025-03-01", "end": "2025-03-31"}


def _march(engine: Engine, world: World) -> dict[str, int]:
    with unit_of_work(engine) as session:
        c = make_carrier(session, "Carrier C", C_USER)
        make_carrier(session, "Carrier D", D_USER)
        l1 = make_lane(session, c, "L1", temp_min="2", temp_max="8")
        l2 = make_lane(
            session, c, "L2", transit_days=3, rate="10", rate_basis="container", mode="road"
        )
        order = make_order(
            session,
            world.partner_a,
            "LOG-1",
            [(p, q, 1.0, date(2025, 3, 1)) for p, q in (("P1", 100), ("P2", 100), ("P3", 50))]
            + [("P4", 20, 1.0, date(2025, 3, 1)), ("P5", 10, 1.0, date(2025, 5, 1))],
        )
        p1, p2, p3, p4, p5 = line_ids(session, order)
        s1 = ship(session, "S1", [(p1, 100)], date(2025, 3, 1))
        s2 = ship(session, "S2", [(p2, 100)], date(2025, 3, 2))
        s3 = ship(session, "S3", [(p3, 50)], date(2025, 3, 3))
        s4 = ship(session, "S4", [(p4, 20)], date(2025, 3, 4))
        s5 = ship(session, "S5", [(p5, 10)], date(2025, 5, 1))
        receive(session, s1, p1, date(2025, 3, 5), 90, 10)
        receive(session, s2, p2, date(2025, 3, 10), 100)
        receive(session, s4, p4, date(2025, 3, 6), 15, 5)
        receive(session, s5, p5, date(2025, 5, 2), 10)
        ids = {"c": c, "l1": l1.id, "l2": l2.id}
        ids |= {f"s{i}": s.id for i, s in enumerate((s1, s2, s3, s4, s5), start=1)}
    return ids


def _link(client: Any, shipment_id: int, lane_id: int, cost: str | None = None) -> Any:
    body: dict[str, Any] = {"lane_id": lane_id}
    if cost is not None:
        body["freight_cost"] = cost
    return client.put(f"/api/v1/logistics/shipments/{shipment_id}/lane", json=body)


def _reading(client: Any, shipment_id: int, when: str, celsius: str) -> Any:
    return client.post(
        f"/api/v1/logistics/shipments/{shipment_id}/readings",
        json={"measured_at": when, "celsius": celsius, "location": "Busan"},
    )


def test_carrier_kpis_match_the_hand_computed_march(world: World, engine: Engine, api: Any) -> None:
    ids = _march(engine, world)
    owner = api(world.users["manager"])
    assert _link(owner, ids["s1"], ids["l1"]).json()["freight_cost"] == "250.0000"
    assert _link(owner, ids["s2"], ids["l2"]).status_code == 200
    moved = _link(owner, ids["s2"], ids["l1"], "300")  # moved to L1: one link per shipment
    assert moved.status_code == 200 and moved.json()["lane_id"] == ids["l1"]
    for shipment, lane in (("s3", "l1"), ("s4", "l2"), ("s5", "l1")):
        assert _link(owner, ids[shipment], ids[lane]).status_code == 200
    # only the lane's carrier (and owner writers) post readings; others do not even see them
    carrier = api(C_USER)
    for when, celsius in (("T08:00Z", "5.0"), ("T12:00Z", "9.5"), ("T16:00Z", "1.0")):
        assert _reading(carrier, ids["s1"], "2025-03-02" + when, celsius).status_code == 201
    assert _reading(carrier, ids["s2"], "2025-03-03T08:00:00Z", "4.0").status_code == 201
    assert _reading(api(D_USER), ids["s1"], "2025-03-02T09:00Z", "30").status_code == 404
    shipper = api(world.users["partner_a"])
    assert shipper.get(f"/api/v1/logistics/shipments/{ids['s1']}/readings").status_code == 404
    assert _reading(shipper, ids["s1"], "2025-03-02T09:00Z", "30").status_code == 404
    assert _link(shipper, ids["s1"], ids["l2"]).status_code == 403
    future = _reading(carrier, ids["s1"], "2099-01-01T00:00:00Z", "5")
    assert future.status_code == 422 and future.json()["errors"][0]["field"] == "measured_at"
    naive = _reading(carrier, ids["s1"], "2025-03-02T08:00:00", "5")
    assert naive.status_code == 422 and naive.json()["errors"][0]["field"] == "measured_at"

    kpis = carrier.get(f"/api/v1/logistics/carriers/{ids['c']}/kpis", params=MARCH).json()
    lanes = {k["code"]: k for k in kpis["lanes"]}
    l1, l2, total = lanes["L1"], lanes["L2"], kpis["total"]
    assert (l1["shipments"], l1["delivered"], l1["on_time"]) == (3, 2, 1)
    assert l1["adherence"] == 0.5
    assert abs(l1["damage_rate"] - 10 / 200) < 1e-12
    assert (l1["readings"], l1["excursions"], l1["shipments_with_excursion"]) == (4, 2, 1)
    assert l1["units"] == 250 and l1["cost_per_unit"] == 2.7
    assert (l2["shipments"], l2["delivered"], l2["on_time"], l2["adherence"]) == (1, 1, 1, 1.0)
    assert l2["damage_rate"] == 0.25 and l2["cost_per_unit"] is None and l2["excursions"] == 0
    assert (total["shipments"], total["delivered"], total["on_time"]) == (4, 3, 2)
    assert abs(total["damage_rate"] - 15 / 220) < 1e-12
    assert total["excursions"] == 2 and total["cost_per_unit"] == 2.7
    # carrier scorecard: 66.7 % on time, 6.8 % damaged, 1 of 4 shipments out of range: all
    # below their zero points (85 %, 2 %, 10 %) → 0, grade D
    assert kpis["scorecard"]["score"] == 0.0 and kpis["scorecard"]["grade"] == "D"
    # another carrier cannot read C's KPIs
    assert api(D_USER).get(f"/api/v1/logistics/carriers/{ids['c']}/kpis").status_code == 404
    with unit_of_work(engine, write=False) as session:
        entities = set(session.execute(select(AuditEntry.entity)).scalars())
    assert {"logistics_shipment_lane", "logistics_temperature_reading"} <= entities


def test_kpi_page_and_shipment_page_in_korean(world: World, base_url: str, engine: Engine) -> None:
    ids = _march(engine, world)
    with unit_of_work(engine) as session:
        service.link_shipment(
            session,
            actor=SYSTEM_ACTOR,
            shipment_id=ids["s1"],
            data=schemas.ShipmentLaneIn(lane_id=ids["l1"]),
        )
        service.add_reading(
            session,
            actor=SYSTEM_ACTOR,
            shipment_id=ids["s1"],
            data=schemas.ReadingIn.model_validate(
                {"measured_at": "2025-03-02T08:00:00Z", "celsius": Decimal("9.5")}
            ),
        )
    client = login(base_url, C_USER)
    client.cookies.set("cofab_lang", "ko")
    page = client.get(f"/logistics/carriers/{ids['c']}?start=2025-03-01&end=2025-03-31")
    assert page.status_code == 200
    assert "운송 기간 준수율" in page.text and "100.0 %" in page.text  # S1: 4 of 5 days
    assert "운송사 평가표" in page.text
    shipment = client.get(f"/logistics/shipments/{ids['s1']}")
    assert shipment.status_code == 200 and "이탈" in shipment.text
    lanes = client.get("/logistics/lanes")
    assert lanes.status_code == 200 and "L1" in lanes.text and "L2" in lanes.text
