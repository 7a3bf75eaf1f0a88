"""A risk may be about a logistics lane (issue 16: "partner, site, product/family, contract or
lane"): linked by id, refused by field when the lane does not exist, kept through the export."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from tests.conftest import World, login
from tests.logistics.logistics_factories import make_lane, make_logistics

from cofab.db.session import unit_of_work


def test_a_risk_names_its_lane(world: World, engine: Engine, api: Any, base_url: str) -> None:
    with unit_of_work(engine) as session:
        make_logistics(session, world.partner_b)
        lane_id = make_lane(session, world.partner_b, "HCM-KR-SEA").id
    owner = api(world.users["manager"])
    body = {"title": "Port strike", "category": "logistics", "likelihood": 3, "impact": 3}
    missing = owner.post("/api/v1/risk/risks", json=body | {"lane_id": 999999})
    assert missing.status_code == 422
    assert [e["field"] for e in missing.json()["errors"]] == ["lane_id"]
    assert owner.get("/api/v1/risk/risks").json() == []

    made = owner.post("/api/v1/risk/risks", json=body | {"lane_id": lane_id})
    assert made.status_code == 201 and made.json()["lane_id"] == lane_id
    exported = owner.get("/api/v1/risk/export").content.decode("utf-8-sig")
    assert exported.splitlines()[0].endswith(",lane_id")
    assert exported.splitlines()[1].endswith(f",{lane_id}")
    again = owner.post("/api/v1/risk/import", files={"file": ("r.csv", exported.encode())})
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 1}
    cleared = owner.patch(f"/api/v1/risk/risks/{made.json()['id']}", json={"lane_id": None})
    assert cleared.status_code == 200 and cleared.json()["lane_id"] is None
    owner.patch(f"/api/v1/risk/risks/{made.json()['id']}", json={"lane_id": lane_id})
    page = login(base_url, world.users["manager"]).get(f"/risk/{made.json()['id']}")
    assert 'data-testid="risk-lane">HCM-KR-SEA<' in page.text
