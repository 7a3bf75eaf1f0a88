"""The lane master over real HTTP: who may keep lanes, what a bad lane answers, the audit trail,
carriers seeing only their own lanes, and CSV/XLSX files that round-trip."""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy import Engine, func, select
from tests.conftest import World
from tests.logistics.logistics_factories import lane_body, make_carrier, make_lane

from cofab.core.audit import AuditEntry
from cofab.db.session import unit_of_work
from cofab.logistics.models import Lane

C_USER = "ops@carrier-c.test"
D_USER = "ops@carrier-d.test"


def _carriers(engine: Engine) -> tuple[int, int]:
    with unit_of_work(engine) as session:
        return make_carrier(session, "Carrier C", C_USER), make_carrier(
            session, "Carrier D", D_USER
        )


def _lane_count(engine: Engine) -> int:
    with unit_of_work(engine, write=False) as session:
        return int(session.execute(select(func.count()).select_from(Lane)).scalar_one())


def test_carrier_keeps_its_own_lanes_and_every_change_is_audited(
    world: World, engine: Engine, api: Any
) -> None:
    c, _d = _carriers(engine)
    carrier = api(C_USER)
    created = carrier.post("/api/v1/logistics/lanes", json=lane_body(c))
    assert created.status_code == 201, created.text
    lane = created.json()
    assert lane["transit_days"] == 5 and lane["origin_code"] == "PYEONGTAEK"
    update = {k: v for k, v in lane_body(c).items() if k not in ("partner_id", "code")}
    changed = carrier.put(
        f"/api/v1/logistics/lanes/{lane['id']}", json=update | {"transit_days": 7}
    )
    assert changed.status_code == 200 and changed.json()["transit_days"] == 7
    # another carrier neither sees nor changes it, nor creates lanes for C
    other = api(D_USER)
    assert other.get(f"/api/v1/logistics/lanes/{lane['id']}").status_code == 404
    assert other.put(f"/api/v1/logistics/lanes/{lane['id']}", json=update).status_code == 404
    assert other.post("/api/v1/logistics/lanes", json=lane_body(c, "X")).status_code == 404
    assert other.get("/api/v1/logistics/lanes").json()["total"] == 0
    assert carrier.get("/api/v1/logistics/lanes").json()["total"] == 1
    # a manufacturer is no logistics partner: its own user cannot open a lane for it
    refused = api(world.users["partner_a"]).post(
        "/api/v1/logistics/lanes", json=lane_body(world.partner_a)
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "partner_id"
    assert carrier.delete(f"/api/v1/logistics/lanes/{lane['id']}").status_code == 204
    with unit_of_work(engine, write=False) as session:
        actions = session.execute(
            select(AuditEntry.action)
            .where(AuditEntry.entity == "logistics_lane", AuditEntry.entity_id == str(lane["id"]))
            .order_by(AuditEntry.id)
        ).scalars()
        assert list(actions) == ["create", "update", "delete"]


def test_bad_lanes_name_the_field_and_write_nothing(world: World, engine: Engine, api: Any) -> None:
    c, _d = _carriers(engine)
    carrier = api(C_USER, locale="ko")
    cases = [
        ({"transit_days": 0}, "transit_days", "계약 운송 일수"),
        ({"transit_days": -3}, "transit_days", "계약 운송 일수"),
        ({"mode": "teleport"}, "mode", "운송 수단"),
        ({"temp_min": "8"}, "temp_max", "최고 온도"),
        ({"temp_min": "8", "temp_max": "2"}, "temp_max", "최고 온도"),
        ({"origin_kind": "partner_site"}, "origin_site_id", "출발 파트너 사이트"),
        ({"currency": "usd"}, "currency", None),
    ]
    for override, field, label in cases:
        response = carrier.post("/api/v1/logistics/lanes", json=lane_body(c, **override))
        assert response.status_code == 422, (override, response.text)
        errors = response.json()["errors"]
        assert [e["field"] for e in errors] == [field], (override, errors)
        if label:
            assert label in errors[0]["label"], errors
    # a partner user may not start a lane at another partner's site
    foreign = lane_body(
        c, origin_kind="partner_site", origin_site_id=world.ids["b"]["site_id"], origin_code=None
    )
    response = carrier.post("/api/v1/logistics/lanes", json=foreign)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "origin_site_id"
    assert carrier.post("/api/v1/logistics/lanes", json=lane_body(c)).status_code == 201
    duplicate = carrier.post("/api/v1/logistics/lanes", json=lane_body(c))
    assert duplicate.status_code == 409
    assert _lane_count(engine) == 1


def _csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def test_lane_files_round_trip_and_a_bad_row_writes_nothing(
    world: World, engine: Engine, api: Any
) -> None:
    c, _d = _carriers(engine)
    with unit_of_work(engine) as session:
        make_lane(session, c, "L1")
        make_lane(
            session,
            c,
            "L2",
            mode="air",
            rate="1.25",
            rate_basis="kg",
            capacity=None,
            temp_min="2",
            temp_max="8",
            origin_kind="partner_site",
            origin_site_id=world.ids["a"]["site_id"],
            origin_code=None,
            notes='cold chain, 쉼표, "quotes"',
        )
    owner = api(world.users["manager"])
    for fmt, name in (("csv", "lanes.csv"), ("xlsx", "lanes.xlsx")):
        exported = owner.get("/api/v1/logistics/lanes/export", params={"format": fmt})
        assert exported.status_code == 200
        again = owner.post(
            "/api/v1/logistics/lanes/import", files={"file": (name, exported.content)}
        )
        assert again.status_code == 200, again.text
        assert again.json() == {"created": 0, "updated": 0, "unchanged": 2}
    # an edited file changes exactly what was edited
    rows = list(csv.DictReader(io.StringIO(owner.get("/api/v1/logistics/lanes/export").text)))
    rows[0]["transit_days"] = "9"
    rows.append(rows[1] | {"code": "L3"})
    report = owner.post("/api/v1/logistics/lanes/import", files={"file": ("l.csv", _csv(rows))})
    assert report.json() == {"created": 1, "updated": 1, "unchanged": 1}
    # one bad row (row 3 of the file: transit days 0) refuses the whole file
    rows[0]["transit_days"] = "4"
    rows[1]["transit_days"] = "0"
    bad = owner.post("/api/v1/logistics/lanes/import", files={"file": ("l.csv", _csv(rows))})
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["row 3.transit_days"]
    with unit_of_work(engine, write=False) as session:
        days = dict(session.execute(select(Lane.code, Lane.transit_days)).all())
    assert days == {"L1": 9, "L2": 5, "L3": 5}
    # a carrier's file may leave partner_id out: the lanes are its own
    carrier = api(C_USER)
    own = [{k: v for k, v in rows[0].items() if k != "partner_id"} | {"code": "L4"}]
    assert carrier.post(
        "/api/v1/logistics/lanes/import", files={"file": ("l.csv", _csv(own))}
    ).json() == {"created": 1, "updated": 0, "unchanged": 0}
