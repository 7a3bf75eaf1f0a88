"""Business units: a unit user can be mentioned only on a subject of one of their units, and
never reaches a thread of another unit."""

from __future__ import annotations

from sqlalchemy import Engine, select, update
from tests.conftest import World, make_user
from tests.discussions.discussion_factories import order_of

from cofab.accounts.models import User
from cofab.db.session import unit_of_work
from cofab.operations.models import Order
from cofab.units import service as units

UNIT_A_USER = "unit-a-quality@owner.test"


def test_a_unit_user_is_mentioned_only_on_their_units_subjects(
    world: World, engine: Engine, api
) -> None:
    in_a = order_of(engine, world.partner_a, "PO-UNIT-A")
    in_b = order_of(engine, world.partner_a, "PO-UNIT-B")
    with unit_of_work(engine) as session:
        unit_a = units.ensure_unit(session, code="unit-a", name_ko="에이", name_en="A").id
        unit_b = units.ensure_unit(session, code="unit-b", name_ko="비", name_en="B").id
        for unit in (unit_a, unit_b):
            units.link_partner(session, partner_id=world.partner_a, unit_id=unit)
        make_user(session, UNIT_A_USER, "quality")
        user_id = session.execute(select(User.id).where(User.email == UNIT_A_USER)).scalar_one()
        units.set_user_units(session, None, user_id=user_id, unit_ids=[unit_a], all_units=False)
        session.execute(update(Order).where(Order.id == in_a).values(unit_id=unit_a))
        session.execute(update(Order).where(Order.id == in_b).values(unit_id=unit_b))
    manager = api(world.users["manager"])
    ok = manager.post(
        f"/api/v1/discussions/order/{in_a}/messages", json={"body": f"@{UNIT_A_USER} please"}
    )
    assert ok.status_code == 201, ok.text
    refused = manager.post(
        f"/api/v1/discussions/order/{in_b}/messages", json={"body": f"@{UNIT_A_USER} please"}
    )
    assert refused.status_code == 422 and "PO-UNIT-B" in refused.text
    assert (
        manager.post(
            f"/api/v1/discussions/order/{in_b}/messages", json={"body": "unit B only"}
        ).status_code
        == 201
    )
    unit_user = api(UNIT_A_USER)
    assert unit_user.get(f"/api/v1/discussions/order/{in_a}/messages").status_code == 200
    assert unit_user.get(f"/api/v1/discussions/order/{in_b}/messages").status_code == 404
    listed = unit_user.get("/api/v1/discussions").json()
    assert [t["subject"]["title"] for t in listed] == ["PO-UNIT-A"]
