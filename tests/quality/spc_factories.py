"""Characteristics and measurements for the SPC tests (and partner B's for the isolation test)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, select

from cofab.accounts.models import User
from cofab.accounts.service import actor_for
from cofab.core.access import Actor
from cofab.db.session import unit_of_work
from cofab.quality.models import Characteristic


def make_characteristic(engine: Engine, partner_id: int, **values: Any) -> int:
    fields: dict[str, Any] = {
        "partner_id": partner_id,
        "product": "Piston ring",
        "name_ko": "내경",
        "name_en": "Inside diameter",
        "kind": "variable",
        "uom": "mm",
        "nominal": 74.0,
        "lsl": 73.95,
        "usl": 74.05,
        "defect_class": "major",
        "subgroup_size": 5,
        "cpk_target": 1.33,
    } | values
    with unit_of_work(engine) as session:
        char = Characteristic(**fields)
        session.add(char)
        session.flush()
        return char.id


def actor_of(engine: Engine, email: str) -> Actor:
    with unit_of_work(engine) as session:
        user = session.execute(select(User).where(User.email == email)).scalar_one()
        return actor_for(user)


def add_measurements(
    engine: Engine, char_id: int, partner_id: int, groups: Sequence[Sequence[float]]
) -> None:
    """Store subgroups 1, 2, … of values as a writer does: the rows and their statistics."""
    from cofab.quality import subgroups
    from cofab.quality.models import Measurement

    with unit_of_work(engine) as session:
        session.add_all(
            Measurement(
                characteristic_id=char_id, partner_id=partner_id, subgroup=g, seq=s, value=v
            )
            for g, values in enumerate(groups, start=1)
            for s, v in enumerate(values, start=1)
        )
        session.flush()
        subgroups.refresh(session, characteristic_id=char_id, first=1, last=len(groups))


def isolation_resolvers(world: Any, engine: Engine) -> dict[str, Any]:
    """Partner B's characteristic with two complete subgroups (for every SPC route)."""
    char_id = make_characteristic(engine, world.partner_b, subgroup_size=2)
    add_measurements(engine, char_id, world.partner_b, [(2.0, 3.0), (3.0, 4.0)])
    return {"quality:characteristic_id": lambda w, e: char_id}
