"""Business units keep the group's businesses apart, also around a partner they share.

Set-up: units ``ua`` and ``ub``; partner A works with ``ua`` only, partner B with ``ub`` only,
and a third partner, "Shared Cells", with both. Each unit has a contract and an order with the
shared partner. A unit user sees his unit's records and nothing of the other's; a group user
sees everything; partner users are not affected by units at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import Engine, select
from tests.conftest import World, make_partner, make_user
from tests.contracts.contract_factories import make_contract
from tests.operations.ops_factories import make_order

from cofab.accounts.models import User
from cofab.contracts.models import Contract
from cofab.db.session import unit_of_work
from cofab.operations.models import Order
from cofab.units import service as units
from cofab.units.models import PartnerUnit


@dataclass
class Units:
    ua: int
    ub: int
    shared: int
    contract_a: int
    contract_b: int
    order_a: int
    order_b: int


UNIT_A_ADMIN = "admin-a@owner.test"
UNIT_B_MANAGER = "manager-b@owner.test"


@pytest.fixture
def two_units(world: World, engine: Engine) -> Units:
    with unit_of_work(engine) as session:
        ua = units.ensure_unit(session, code="ua", name_ko="전자", name_en="Electronics").id
        ub = units.ensure_unit(session, code="ub", name_ko="배터리", name_en="Battery").id
        units.link_partner(session, partner_id=world.partner_a, unit_id=ua)
        units.link_partner(session, partner_id=world.partner_b, unit_id=ub)
        shared = make_partner(session, "Shared Cells", "KR").id
        made = {}
        for key, unit_id in (("a", ua), ("b", ub)):
            with units.working_in(session, unit_id):
                made[f"contract_{key}"] = make_contract(
                    session, [shared], title=f"Unit {key} cell supply"
                ).id
                made[f"order_{key}"] = make_order(
                    session, shared, f"PO-UNIT-{key}", [("Cell", 10, 2.0, date(2030, 1, 1))]
                ).id
        make_user(session, UNIT_A_ADMIN, "admin")
        make_user(session, UNIT_B_MANAGER, "manager")
        for email, unit_id in ((UNIT_A_ADMIN, ua), (UNIT_B_MANAGER, ub)):
            user = session.execute(select(User).where(User.email == email)).scalar_one()
            units.set_user_units(
                session, None, user_id=user.id, unit_ids=[unit_id], all_units=False
            )
    return Units(ua, ub, shared, **made)


def _ids(page: dict) -> set[int]:  # type: ignore[type-arg]
    return {item["id"] for item in page["items"]}


def test_records_made_in_a_unit_carry_it_and_start_the_relationship(
    two_units: Units, engine: Engine
) -> None:
    with unit_of_work(engine) as session:
        assert session.get(Contract, two_units.contract_a).unit_id == two_units.ua  # type: ignore[union-attr]
        assert session.get(Order, two_units.order_b).unit_id == two_units.ub  # type: ignore[union-attr]
        links = {
            tuple(r) for r in session.execute(select(PartnerUnit.partner_id, PartnerUnit.unit_id))
        }
    assert (two_units.shared, two_units.ua) in links
    assert (two_units.shared, two_units.ub) in links


def test_unit_user_sees_only_his_units_partners_and_records(
    two_units: Units,
    world: World,
    api,  # type: ignore[no-untyped-def]
) -> None:
    client = api(UNIT_A_ADMIN)
    partners = _ids(client.get("/api/v1/partners", params={"size": 100}).json())
    assert partners == {world.partner_a, two_units.shared}
    assert client.get(f"/api/v1/partners/{world.partner_b}").status_code == 404
    assert client.get(f"/api/v1/sites/{world.ids['b']['site_id']}").status_code == 404
    contracts = _ids(client.get("/api/v1/contracts", params={"size": 100}).json())
    assert contracts == {two_units.contract_a}
    assert client.get(f"/api/v1/contracts/{two_units.contract_b}").status_code == 404
    orders = _ids(client.get("/api/v1/orders", params={"size": 100}).json())
    assert orders == {two_units.order_a}
    assert client.get(f"/api/v1/orders/{two_units.order_b}").status_code == 404
    # Positive control: his own unit's order opens.
    assert client.get(f"/api/v1/orders/{two_units.order_a}").status_code == 200


def test_unit_user_cannot_write_into_another_unit(
    two_units: Units,
    world: World,
    api,
    engine: Engine,  # type: ignore[no-untyped-def]
) -> None:
    client = api(UNIT_A_ADMIN)
    changed = client.patch(f"/api/v1/contracts/{two_units.contract_b}", json={"title": "hijacked"})
    assert changed.status_code == 404
    order = {
        "partner_id": world.partner_b,
        "external_ref": "PO-INTRUDE",
        "currency": "USD",
        "incoterm": "FCA",
        "lines": [
            {"product": "X", "quantity": "1", "unit_price": "1", "requested_date": "2030-01-01"}
        ],
    }
    refused = client.post("/api/v1/orders", json=order)
    assert refused.status_code in (404, 422), refused.text  # B is unknown to unit A
    made = client.post("/api/v1/orders", json=order | {"partner_id": two_units.shared})
    assert made.status_code == 201, made.text
    with unit_of_work(engine) as session:
        assert session.get(Order, made.json()["id"]).unit_id == two_units.ua  # type: ignore[union-attr]
        title = session.get(Contract, two_units.contract_b).title  # type: ignore[union-attr]
    assert title == "Unit b cell supply"


def test_group_user_sees_every_unit_and_partner_users_are_unaffected(
    two_units: Units,
    world: World,
    api,  # type: ignore[no-untyped-def]
) -> None:
    group = api(world.users["admin"])
    contracts = _ids(group.get("/api/v1/contracts", params={"size": 100}).json())
    assert {two_units.contract_a, two_units.contract_b} <= contracts
    other = api(UNIT_B_MANAGER)
    assert _ids(other.get("/api/v1/orders", params={"size": 100}).json()) == {two_units.order_b}
    partner = api(world.users["partner_a"])
    assert partner.get(f"/api/v1/partners/{world.partner_a}").status_code == 200


def test_unit_switcher_files_new_records_under_the_chosen_unit(
    two_units: Units,
    world: World,
    api,
    engine: Engine,  # type: ignore[no-untyped-def]
) -> None:
    group = api(world.users["admin"])
    order = {
        "partner_id": world.partner_b,
        "external_ref": "PO-GROUP-B",
        "currency": "USD",
        "incoterm": "FCA",
        "lines": [
            {"product": "X", "quantity": "1", "unit_price": "1", "requested_date": "2030-01-01"}
        ],
    }
    made = group.post("/api/v1/orders", json=order, headers={"X-Cofab-Unit": "ub"})
    assert made.status_code == 201, made.text
    with unit_of_work(engine) as session:
        assert session.get(Order, made.json()["id"]).unit_id == two_units.ub  # type: ignore[union-attr]
    assert api(UNIT_B_MANAGER).get(f"/api/v1/orders/{made.json()['id']}").status_code == 200
    assert api(UNIT_A_ADMIN).get(f"/api/v1/orders/{made.json()['id']}").status_code == 404


def test_kpis_of_a_unit_user_count_only_his_units_records(
    two_units: Units,
    world: World,
    api,  # type: ignore[no-untyped-def]
) -> None:
    params = {"start": "2029-12-01", "end": "2030-02-01", "group_by": "partner"}
    group = api(world.users["admin"]).get("/api/v1/kpis", params=params)
    unit_a = api(UNIT_A_ADMIN).get("/api/v1/kpis", params=params)
    assert group.status_code == 200 and unit_a.status_code == 200, unit_a.text
    counts = {g["key"]: g["counts"] for g in group.json()["groups"]}
    mine = {g["key"]: g["counts"] for g in unit_a.json()["groups"]}
    shared = str(two_units.shared)
    assert counts[shared]["lines_due"] == 2  # one line per unit's order
    assert mine[shared]["lines_due"] == 1  # only unit A's
    assert str(world.partner_b) not in mine
