"""A carrier's stored scorecard: performance's template for logistics partners scores the carrier
KPIs (transit-time adherence, damage rate, temperature excursions, cost per unit), and a
manufacturing template never scores a carrier.

Carrier C, lane L1 (5 transit days, 2.5 USD a unit, 2–8 °C). Partner A ships in March 2025:
  S1 100 units, 03-01 → received 03-05 (4 days, on time), 98 accepted + 2 rejected; reading 9.5 °C
  S2 100 units, 03-02 → received 03-10 (8 days, late), 100 accepted; reading 5.0 °C
Adherence 1/2 = 50 %; damage 2/200 = 1 %; 1 of 2 shipments out of range = 50 %; cost
(250 + 250) / 200 = 2.5 a unit.
Template (quarter): adherence 0 → 0, 100 → 100, weight 2 → 50 points; damage 4 → 0, 0 → 100,
weight 1 → 75; excursions 100 → 0, 0 → 100, weight 1 → 50; cost 3 → 0, 2 → 100, weight 1 → 50.
Score (2·50 + 75 + 50 + 50) / 5 = 55.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine
from tests.conftest import World
from tests.logistics.logistics_factories import make_carrier, make_lane
from tests.operations.ops_factories import line_ids, make_order, receive, ship

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.logistics import schemas, service
from cofab.performance import scorecards
from cofab.training.models import TrainingRecord

C_USER = "ops@carrier-stored.test"
BANDS = [
    {"grade": "A", "min_score": 85, "action": "none"},
    {"grade": "B", "min_score": 50, "action": "warning"},
    {"grade": "D", "min_score": 0, "action": "block"},
]
CARRIER_TEMPLATE: dict[str, Any] = {
    "name": "Carriers by hand",
    "period": "quarter",
    "applies_to": "logistics",
    "metrics": [
        {"kpi": "adherence_pct", "weight": 2, "full_at": 100, "zero_at": 0},
        {"kpi": "damage_pct", "weight": 1, "full_at": 0, "zero_at": 4},
        {"kpi": "excursion_pct", "weight": 1, "full_at": 0, "zero_at": 100},
        {"kpi": "cost_per_unit", "weight": 1, "full_at": 2, "zero_at": 3},
    ],
    "bands": BANDS,
}


def _march(engine: Engine, world: World) -> int:
    with unit_of_work(engine) as session:
        carrier = make_carrier(session, "Carrier Stored", C_USER)
        lane = make_lane(session, carrier, "L1", temp_min="2", temp_max="8")
        order = make_order(
            session,
            world.partner_a,
            "LOG-S",
            [("P1", 100, 1.0, date(2025, 3, 1)), ("P2", 100, 1.0, date(2025, 3, 1))],
        )
        p1, p2 = line_ids(session, order)
        s1 = ship(session, "S1", [(p1, 100)], date(2025, 3, 1))
        s2 = ship(session, "S2", [(p2, 100)], date(2025, 3, 2))
        receive(session, s1, p1, date(2025, 3, 5), 98, 2)
        receive(session, s2, p2, date(2025, 3, 10), 100)
        for shipment, celsius in ((s1, "9.5"), (s2, "5.0")):
            service.link_shipment(
                session,
                actor=SYSTEM_ACTOR,
                shipment_id=shipment.id,
                data=schemas.ShipmentLaneIn(lane_id=lane.id),
            )
            service.add_reading(
                session,
                actor=SYSTEM_ACTOR,
                shipment_id=shipment.id,
                data=schemas.ReadingIn(
                    measured_at=datetime(2025, 3, 3, 8, tzinfo=UTC), celsius=Decimal(celsius)
                ),
            )
        # a training record: a manufacturing template reading collaboration must still skip C
        session.add(
            TrainingRecord(
                partner_id=carrier,
                person_name="Cho",
                course_kind="gmp",
                course_title="Cold chain",
                completed_on=date(2025, 1, 10),
            )
        )
    return carrier


def test_carrier_gets_a_stored_scorecard_from_carrier_kpis(
    world: World, engine: Engine, api: Any
) -> None:
    carrier = _march(engine, world)
    owner = api(world.users["manager"])
    made = owner.post("/api/v1/scorecard-templates", json=CARRIER_TEMPLATE)
    assert made.status_code == 201, made.text
    computed = owner.post(
        "/api/v1/scorecards/compute",
        json={"template_id": made.json()["id"], "period_start": "2025-03-15"},
    )
    assert computed.json() == {
        "computed": 1,  # the carrier only: partner A makes goods, it moves none
        "period_start": "2025-01-01",
        "period_end": "2025-03-31",
    }
    (card,) = api(C_USER).get("/api/v1/scorecards").json()["items"]
    assert card["partner_id"] == carrier and card["template_id"] == made.json()["id"]
    values = card["kpis"]["values"]
    assert values["adherence_pct"] == 50 and values["damage_pct"] == pytest.approx(1)
    assert values["excursion_pct"] == 50 and values["cost_per_unit"] == 2.5
    points = {code: p["points"] for code, p in card["kpis"]["points"].items()}
    assert points == {
        "adherence_pct": 50,
        "damage_pct": 75,
        "excursion_pct": 50,
        "cost_per_unit": 50,
    }
    assert card["score"] == "55.00" and card["grade"] == "B" and card["action"] == "warning"
    page = api(C_USER).get(f"/scorecards/{card['id']}")
    assert "Transit-time adherence" in page.text and "drill-adherence_pct" not in page.text
    carrier_page = api(C_USER).get(f"/logistics/carriers/{carrier}")
    assert f'href="/scorecards?partner_id={carrier}"' in carrier_page.text

    # a manufacturing template (even one reading collaboration, which C has) skips the carrier
    maker = owner.post(
        "/api/v1/scorecard-templates",
        json={
            "name": "Makers with collaboration",
            "period": "quarter",
            "metrics": [
                {"kpi": "otd_lines", "weight": 1, "full_at": 98, "zero_at": 85},
                {"kpi": "collaboration", "weight": 1, "full_at": 100, "zero_at": 0},
            ],
            "bands": BANDS,
        },
    )
    owner.post(
        "/api/v1/scorecards/compute",
        json={"template_id": maker.json()["id"], "period_start": "2025-03-15"},
    )
    scored = owner.get("/api/v1/scorecards", params={"template_id": maker.json()["id"]}).json()
    assert {c["partner_id"] for c in scored["items"]} == {world.partner_a}


def test_demo_template_for_carriers_is_created_once(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        first = scorecards.logistics_template(session)
        again = scorecards.logistics_template(session)
        assert first.id == again.id and first.applies_to == "logistics"
        assert [m["kpi"] for m in first.metrics] == [
            "adherence_pct",
            "damage_pct",
            "excursion_pct",
        ]
