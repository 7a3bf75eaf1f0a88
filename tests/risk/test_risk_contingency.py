"""Contingency plans: only a qualified partner's site is an alternate source; drills and the
untested flag follow the cadence."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, func, select
from tests.conftest import World

from cofab.db.session import unit_of_work
from cofab.partners.models import Partner
from cofab.risk.models import ContingencyPlan


def _status(engine: Engine, partner_id: int, status: str) -> None:
    with unit_of_work(engine) as session:
        partner = session.get(Partner, partner_id)
        assert partner is not None
        partner.status = status


def test_alternate_source_must_be_qualified(world: World, engine: Engine, api: Any) -> None:
    owner = api(world.users["manager"])
    body = {
        "title": "Cell plant down",
        "partner_id": world.partner_b,
        "alternate_site_id": world.ids["a"]["site_id"],
        "drill_every_days": 90,
    }
    _status(engine, world.partner_a, "prospect")
    refused = owner.post("/api/v1/risk/plans", json=body)
    assert refused.status_code == 422 and "alternate_site_id" in refused.text
    missing = owner.post("/api/v1/risk/plans", json=body | {"alternate_site_id": 999999})
    assert missing.status_code == 422 and "alternate_site_id" in missing.text
    with unit_of_work(engine) as session:
        assert session.execute(select(func.count(ContingencyPlan.id))).scalar_one() == 0

    for status in ("approved", "active"):
        _status(engine, world.partner_a, status)
        made = owner.post("/api/v1/risk/plans", json=body)
        assert made.status_code == 201, made.text
        assert made.json()["untested"]  # never drilled


def test_drills_and_untested(world: World, engine: Engine, api: Any) -> None:
    _status(engine, world.partner_a, "active")
    owner = api(world.users["manager"])
    plan = owner.post(
        "/api/v1/risk/plans",
        json={"title": "x", "alternate_site_id": world.ids["a"]["site_id"], "drill_every_days": 90},
    ).json()
    recent = str(date.today() - timedelta(days=10))
    drilled = owner.post(f"/api/v1/risk/plans/{plan['id']}/drills", json={"held_on": recent})
    assert drilled.json()["last_drill_on"] == recent and not drilled.json()["untested"]
    old = str(date.today() - timedelta(days=91))  # older than the 90-day cadence
    stale = owner.post(f"/api/v1/risk/plans/{plan['id']}/drills", json={"held_on": old}).json()
    assert stale["untested"]
    future = str(date.today() + timedelta(days=1))
    refused = owner.post(f"/api/v1/risk/plans/{plan['id']}/drills", json={"held_on": future})
    assert refused.status_code == 422 and "held_on" in refused.text
    assert owner.get(f"/api/v1/risk/plans/{plan['id']}").json()["last_drill_on"] == old
    partner = api(world.users["partner_a"])
    assert partner.get(f"/api/v1/risk/plans/{plan['id']}").status_code == 404
    assert partner.get("/api/v1/risk/plans").status_code == 404
