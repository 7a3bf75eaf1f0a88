"""A signal about a partner is filed under the units that work with that partner, not under
the unit the clicking group admin happens to stand in (which would also link the partner to
that unit and show it to the unit's users)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine, select
from tests.conftest import World

from cofab.core.access import Actor
from cofab.db.session import unit_of_work
from cofab.partners.models import Certification
from cofab.risk import signals
from cofab.risk.models import Risk
from cofab.units import service as units


def test_signals_go_to_the_partners_units(world: World, engine: Engine) -> None:
    with unit_of_work(engine) as session:
        unit_a = units.ensure_unit(session, code="u-a", name_ko="가", name_en="A").id
        unit_b = units.ensure_unit(session, code="u-b", name_ko="나", name_en="B").id
        units.link_partner(session, partner_id=world.partner_b, unit_id=unit_b)
        for cert in session.execute(select(Certification)).scalars():
            # B's expires in 10 days; A's (no unit works with A) in 20
            days = 10 if cert.partner_id == world.partner_b else 20
            cert.valid_to = date.today() + timedelta(days=days)
    group_admin = Actor(
        user_id=0,
        email="group@owner.test",
        display_name="group",
        role="admin",
        partner_id=None,
        unit_ids=None,
        current_unit_id=unit_a,
    )
    with unit_of_work(engine) as session:
        opened = signals.raise_signals(session, actor=group_admin)
        filed = sorted((r.partner_id, r.unit_id, r.external_ref.rsplit("-", 1)[1]) for r in opened)
    assert filed == sorted(
        [(world.partner_b, unit_b, f"U{unit_b}"), (world.partner_a, unit_a, f"U{unit_a}")]
    )
    with unit_of_work(engine) as session:
        assert [u.id for u in units.units_of_partner(session, world.partner_b)] == [unit_b]
        again = signals.raise_signals(session, actor=group_admin)
        assert again == []
        assert len(session.execute(select(Risk)).scalars().all()) == 2
