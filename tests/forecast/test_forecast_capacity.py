"""Capacity declarations: the ramp and shutdowns month by month, and what is refused."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Engine, func, select
from tests.conftest import World

from cofab.forecast.models import CapacityDeclaration


def _body(world: World, **changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "site_id": world.ids["a"]["site_id"],
        "family": "cells",
        "first_period": "2027-01",
        "last_period": "2027-06",
        "nameplate": "1000",
        "ramp_start_share": "0.2",
        "ramp_months": 4,
        "shutdowns": ["2027-06"],
    }
    return body | changes


def _count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(CapacityDeclaration)).scalar_one())


def test_partner_declares_a_ramp_and_a_shutdown(world: World, api, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    client = api(world.users["partner_a"])
    created = client.post("/api/v1/forecast/declarations", json=_body(world))
    assert created.status_code == 201, created.text
    assert created.json()["partner_id"] == world.partner_a
    points = client.get("/api/v1/forecast/capacity").json()
    series = {p["period"]: Decimal(p["capacity"]) for p in points}
    # 20 % rising by (100 - 20) / 4 = 20 points a month to nameplate in month 4; June shut.
    assert series == {
        "2027-01": Decimal(200),
        "2027-02": Decimal(400),
        "2027-03": Decimal(600),
        "2027-04": Decimal(800),
        "2027-05": Decimal(1000),
        "2027-06": Decimal(0),
    }
    # partner B sees nothing of it
    assert api(world.users["partner_b"]).get("/api/v1/forecast/capacity").json() == []


def test_overlapping_declaration_is_refused_naming_the_field(
    world: World, api, engine: Engine
) -> None:  # type: ignore[no-untyped-def]
    client = api(world.users["partner_a"])
    assert client.post("/api/v1/forecast/declarations", json=_body(world)).status_code == 201
    clash = client.post(
        "/api/v1/forecast/declarations",
        json=_body(world, first_period="2027-06", last_period="2027-09", shutdowns=[]),
    )
    assert clash.status_code == 422
    assert [e["field"] for e in clash.json()["errors"]] == ["first_period"]
    # the next span, or another family, is fine
    later = _body(world, first_period="2027-07", last_period="2027-09", shutdowns=[])
    assert client.post("/api/v1/forecast/declarations", json=later).status_code == 201
    other = _body(world, family="modules", shutdowns=[])
    assert client.post("/api/v1/forecast/declarations", json=other).status_code == 201
    assert _count(engine) == 3


def test_another_partners_site_is_refused(world: World, api, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    client = api(world.users["partner_a"])
    response = client.post(
        "/api/v1/forecast/declarations", json=_body(world, site_id=world.ids["b"]["site_id"])
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["site_id"]
    owner = api(world.users["manager"])
    mismatch = owner.post(
        "/api/v1/forecast/declarations",
        json=_body(world, partner_id=world.partner_b),  # partner B, partner A's site
    )
    assert mismatch.status_code == 422
    assert _count(engine) == 0


def test_bad_months_and_shutdowns_are_named(world: World, api, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    client = api(world.users["partner_a"], locale="ko")
    response = client.post(
        "/api/v1/forecast/declarations",
        json=_body(world, last_period="2026-12", shutdowns=["2030-01", "June"]),
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {e["field"] for e in errors} == {"last_period", "shutdowns.0", "shutdowns.1"}
    labels = {e["field"]: e["label"] for e in errors}
    assert labels["last_period"] == "마지막 달"  # named by its Korean label
    not_month = client.post(
        "/api/v1/forecast/declarations", json=_body(world, first_period="2027-13")
    )
    assert [e["field"] for e in not_month.json()["errors"]] == ["first_period"]
    assert _count(engine) == 0


def test_partner_deletes_only_its_own(world: World, api) -> None:  # type: ignore[no-untyped-def]
    a = api(world.users["partner_a"])
    made = a.post("/api/v1/forecast/declarations", json=_body(world)).json()
    b = api(world.users["partner_b"])
    assert b.get(f"/api/v1/forecast/declarations/{made['id']}").status_code == 404
    assert b.delete(f"/api/v1/forecast/declarations/{made['id']}").status_code == 404
    assert a.delete(f"/api/v1/forecast/declarations/{made['id']}").status_code == 204
    assert a.get("/api/v1/forecast/declarations").json() == []
