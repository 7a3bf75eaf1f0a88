"""Registry scenarios take the owner's offtake commitments to a JV (ventures) as a floor on
what the JV's sites ship (``sites[].min_volume``), listed as live inputs. Numbers by hand:

world: Alpha (VN, index 0.9 → unit 9) and Bravo (KR, index 1.6 → unit 16), 100 F1 a month
each, defect 1 % → 99 shipped; no forecast → demand 60 % × 200 = 120 F1 a month over three
markets. Bravo is the JV; the owner holds 60 %, Alpha 40 %."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine
from tests.conftest import World

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.planning import live_sources, registry_scenario, service
from cofab.planning.engine import solve_plan
from cofab.planning.loader import load_document
from cofab.planning.registry_scenario import RegistryRequest
from cofab.ventures import jv, offtake, schemas
from cofab.ventures import service as ventures_service

assert live_sources  # registers the live reader with planning.service
TODAY = date(2026, 12, 3)


def _venture(engine: Engine, world: World) -> None:
    with unit_of_work(engine) as session:
        venture = jv.create_venture(
            session,
            actor=SYSTEM_ACTOR,
            data=schemas.VentureCreate(
                partner_id=world.partner_b,
                name="Cell JV",
                currency="EUR",
                parents=[
                    schemas.ParentIn(partner_id=None, equity_pct=Decimal(60), board_seats=2),
                    schemas.ParentIn(
                        partner_id=world.partner_a, equity_pct=Decimal(40), board_seats=1
                    ),
                ],
            ),
        )
        owner, alpha = venture.parents[0].id, venture.parents[1].id
        for parent, period, family, volume, uom in (
            (owner, "2027-Q1", "F1", "90", "units"),  # 30 a month
            (owner, "2027-02", "F1", "200", "units"),  # Feb: only 69 more fit (99 − 30)
            (owner, "2027-04", "F1", "500", "units"),  # outside the scenario
            (owner, "2027-Q1", "F2", "10", "tonnes"),  # not in units
            (alpha, "2027-Q1", "F1", "900", "units"),  # Alpha's own purchase, not the owner's
        ):
            offtake.add_offtake(
                session,
                actor=SYSTEM_ACTOR,
                venture_id=venture.id,
                data=schemas.OfftakeIn(
                    parent_id=parent,
                    period=period,
                    product_family=family,
                    volume=Decimal(volume),
                    uom=uom,
                ),
            )


def test_owner_offtake_lists_only_the_owner_parents_commitments(
    engine: Engine, world: World
) -> None:
    _venture(engine, world)
    with unit_of_work(engine) as session:
        found = ventures_service.owner_offtake(session, actor=SYSTEM_ACTOR)
    assert [(o.period, o.product_family, o.volume) for o in found] == [
        ("2027-02", "F1", Decimal(200)),
        ("2027-04", "F1", Decimal(500)),
        ("2027-Q1", "F1", Decimal(90)),
        ("2027-Q1", "F2", Decimal(10)),
    ]
    assert found[2].months == ("2027-01", "2027-02", "2027-03")
    assert {o.jv_partner_id for o in found} == {world.partner_b}


def test_offtake_becomes_a_floor_on_the_jv_site_and_the_plan_keeps_it(
    engine: Engine, world: World
) -> None:
    _venture(engine, world)
    request = RegistryRequest(
        name="Offtake", periods=3, start="2027-01", partner_ids=[world.partner_a, world.partner_b]
    )
    with unit_of_work(engine) as session:
        built = service.build_live_scenario(
            session, actor=SYSTEM_ACTOR, request=request, today=TODAY
        )
    assert built is not None
    sites = {s["id"]: s for s in built.document["sites"]}
    jv_site, other = sites["Bravo Bioworks Site"], sites["Alpha Assembly Site"]
    # Jan and Mar 30; Feb 30 + min(200, 120 − 30 = 90 demand left, 99 − 30 = 69 room) = 99
    assert jv_site["min_volume"] == {"2027-01": 30.0, "2027-02": 99.0, "2027-03": 30.0}
    assert "min_volume" not in other
    rows = [e for e in built.live_inputs["inputs"] if e["input"] == "offtake"]
    by = {(e["subject"], e["source"]): e for e in rows}
    plain = by[("Bravo Bioworks Site · F1", registry_scenario.LIVE_OFFTAKE)]
    assert plain["live"] and plain["params"]["venture"] == "Cell JV"
    assert plain["params"]["floors"] == "2027-01: 30, 2027-02: 30, 2027-03: 30"
    assert plain["as_of"] is not None
    capped = by[("Bravo Bioworks Site · F1", registry_scenario.CAPPED_OFFTAKE)]
    assert capped["params"]["floors"] == "2027-02: 69" and capped["params"]["capped"] == "2027-02"
    unit = by[("Cell JV · F2", registry_scenario.OFFTAKE_UOM)]
    assert not unit["live"] and unit["params"]["uom"] == "tonnes"
    assert len(rows) == 3  # April is outside the months, Alpha's commitment is not the owner's

    # Alpha is cheaper (9 against 16), so Bravo ships exactly its floor: 30, 99, 30
    loaded = load_document(built.document)
    assert not isinstance(loaded, list), [p.text() for p in loaded]
    result = solve_plan(loaded.model)
    assert result.status == "optimal"
    shipped: dict[tuple[str, str], float] = {}
    for s, t, q in zip(
        result.flows.site.tolist(),
        result.flows.period.tolist(),
        result.flow_qty.tolist(),
        strict=True,
    ):
        key = (loaded.site_ids[s], loaded.period_ids[t])
        shipped[key] = shipped.get(key, 0.0) + q
    bravo = [shipped.get(("Bravo Bioworks Site", p), 0.0) for p in loaded.period_ids]
    assert bravo == pytest.approx([30.0, 99.0, 30.0])


def test_a_scenario_page_lists_the_offtake_input(engine: Engine, world: World, api) -> None:
    _venture(engine, world)
    manager = api(world.users["manager"])
    made = manager.post(
        "/api/v1/plans/from-registry",
        json={
            "name": "Offtake live",
            "periods": 2,
            "start": "2027-01",
            "partner_ids": [world.partner_a, world.partner_b],
        },
    )
    assert made.status_code in (200, 201), made.text
    detail = manager.get(f"/api/v1/plans/{made.json()['id']}").json()
    inputs = detail["live_inputs"]["inputs"]
    offtake_rows = [i for i in inputs if i["input"] == "offtake" and i["live"]]
    assert [i["subject"] for i in offtake_rows] == ["Bravo Bioworks Site · F1"] * 2


def test_a_floor_never_exceeds_what_the_jv_sites_lanes_carry(engine: Engine, world: World) -> None:
    """Bravo's only lane carries 20 a month: the floor is 20 in each month (capped), not 30/99."""
    _venture(engine, world)
    lanes: list[dict[str, Any]] = [
        {"site": "Alpha Assembly Site", "market": m, "unit_cost": 1} for m in ("KR", "US", "EU")
    ]
    lanes.append({"site": "Bravo Bioworks Site", "market": "KR", "unit_cost": 1, "capacity": 20})
    request = RegistryRequest(
        name="Lanes",
        periods=3,
        start="2027-01",
        partner_ids=[world.partner_a, world.partner_b],
        lanes=lanes,
    )
    with unit_of_work(engine) as session:
        built = service.build_live_scenario(
            session, actor=SYSTEM_ACTOR, request=request, today=TODAY
        )
    assert built is not None
    sites = {s["id"]: s for s in built.document["sites"]}
    assert sites["Bravo Bioworks Site"]["min_volume"] == {
        "2027-01": 20.0,
        "2027-02": 20.0,
        "2027-03": 20.0,
    }
    loaded = load_document(built.document)
    assert not isinstance(loaded, list)
    assert solve_plan(loaded.model).status == "optimal"
