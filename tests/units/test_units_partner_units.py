"""A partner user works in the units its company works with: the switcher offers those units
(not a third one), the user sees its company's records of each relationship and nothing of a
third unit, and what it files lands in the right unit — its parent's (an outgoing inspection in
its lot's unit), so that unit's staff see it and the other unit's do not.

Units ``ua``, ``ub``, ``uc``; "Shared Cells" works with ``ua`` and ``ub`` (an order in each, a
lot in ``ub``); "Third Cells" works with ``uc`` only (an order).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import Engine, select
from tests.conftest import World, make_partner, make_user
from tests.operations.ops_factories import make_order
from tests.quality.quality_web_factories import make_plan, open_lot

from cofab.accounts.models import User
from cofab.db.session import unit_of_work
from cofab.quality.models import Inspection
from cofab.units import service as units

CELLS_USER = "cells@shared-cells.test"
UNIT_A_ADMIN = "admin-a@owner-units.test"
UNIT_B_MANAGER = "manager-b@owner-units.test"


@dataclass
class ThreeUnits:
    ua: int
    ub: int
    uc: int
    shared: int
    order_a: int
    order_b: int
    order_c: int
    lot_b: int


@pytest.fixture
def three_units(world: World, engine: Engine) -> ThreeUnits:
    with unit_of_work(engine) as session:
        made = {
            key: units.ensure_unit(session, code=key, name_ko=ko, name_en=en).id
            for key, ko, en in (
                ("ua", "전자", "Electronics"),
                ("ub", "배터리", "Battery"),
                ("uc", "소재", "Materials"),
            )
        }
        shared = make_partner(session, "Shared Cells", "KR").id
        third = make_partner(session, "Third Cells", "KR").id
        orders = {}
        for key, partner in (("ua", shared), ("ub", shared), ("uc", third)):
            with units.working_in(session, made[key]):
                orders[key] = make_order(
                    session, partner, f"PO-{key}", [("Cell", 10, 2.0, date(2030, 1, 1))]
                ).id
        with units.working_in(session, made["ub"]):
            make_plan(session, shared)
            lot_b = open_lot(session, shared, "LOT-UB-1", 200).lot_id
        make_user(session, CELLS_USER, "partner", shared)
        for email, role, key in ((UNIT_A_ADMIN, "admin", "ua"), (UNIT_B_MANAGER, "manager", "ub")):
            make_user(session, email, role)
            user = session.execute(select(User).where(User.email == email)).scalar_one()
            units.set_user_units(
                session, None, user_id=user.id, unit_ids=[made[key]], all_units=False
            )
    return ThreeUnits(
        made["ua"],
        made["ub"],
        made["uc"],
        shared,
        orders["ua"],
        orders["ub"],
        orders["uc"],
        lot_b,
    )


def _switcher(html: str) -> list[str]:
    block = re.search(r'data-testid="unit-switch".*?</select>', html, re.S)
    assert block, "no unit switcher"
    return re.findall(r"<option[^>]*>([^<]+)</option>", block[0])


def test_a_partner_of_two_units_works_in_both_and_sees_nothing_of_a_third(
    three_units: ThreeUnits,
    api,  # type: ignore[no-untyped-def]
) -> None:
    partner = api(CELLS_USER)
    page = partner.get("/orders")
    assert page.status_code == 200
    assert _switcher(page.text) == ["Electronics", "Battery"]  # not Materials
    chosen = partner.get("/orders", headers={"X-Cofab-Unit": "ub"}).text
    assert f'<option value="{three_units.ub}" selected' in chosen
    # a unit the company does not work with cannot be chosen: the first one stays current
    refused = partner.get("/orders", headers={"X-Cofab-Unit": "uc"}).text
    assert f'<option value="{three_units.ua}" selected' in refused

    listed = partner.get("/api/v1/orders", params={"size": 100}).json()
    assert {o["id"] for o in listed["items"]} == {three_units.order_a, three_units.order_b}
    for order_id in (three_units.order_a, three_units.order_b):
        assert partner.get(f"/api/v1/orders/{order_id}").status_code == 200
    assert partner.get(f"/api/v1/orders/{three_units.order_c}").status_code == 404


def test_what_a_partner_files_lands_in_its_parents_unit(
    three_units: ThreeUnits,
    api,  # type: ignore[no-untyped-def]
    engine: Engine,
) -> None:
    partner = api(CELLS_USER)
    # the switcher is on unit A (the first), the lot is unit B's
    posted = partner.post(
        f"/api/v1/quality/lots/{three_units.lot_b}/outgoing",
        json={"sample_size": 5, "defects": [], "external_ref": "OUT-1"},
    )
    assert posted.status_code == 201, posted.text
    with unit_of_work(engine) as session:
        outgoing = session.execute(
            select(Inspection).where(Inspection.external_ref == "OUT-1")
        ).scalar_one()
        assert outgoing.unit_id == three_units.ub
        outgoing_id = outgoing.id
    seen_by_b = api(UNIT_B_MANAGER).get(f"/api/v1/quality/lots/{three_units.lot_b}")
    assert seen_by_b.status_code == 200
    assert outgoing_id in {i["id"] for i in seen_by_b.json()["inspections"]}
    assert api(UNIT_A_ADMIN).get(f"/api/v1/quality/lots/{three_units.lot_b}").status_code == 404
