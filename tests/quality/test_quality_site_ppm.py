"""Defect PPM per site (``quality.service.site_defect_ppm``), the planner's per-site yield.

Sample sizes by hand from ISO 2859-1 (see test_quality_web_inspection.py): a lot of 500 with
AQLs 0.1/1.0/2.5 samples n = 125 (the critical class's arrow to K, the largest n of the three).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine
from tests.conftest import World
from tests.quality.quality_web_factories import inspect, make_plan

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.quality import lots, schemas, service


def _site_lot(session, partner_id: int, site_id: int | None, lot_no: str):  # type: ignore[no-untyped-def]
    return lots.create_lot(
        session,
        actor=SYSTEM_ACTOR,
        data=schemas.LotCreate(
            partner_id=partner_id, site_id=site_id, product="PCB-1", lot_no=lot_no, lot_size=500
        ),
    )


def test_site_defect_ppm_by_hand(world: World, engine: Engine) -> None:
    site_a, site_b = world.ids["a"]["site_id"], world.ids["b"]["site_id"]
    major = {"defect_class": "major", "defect_code": "SOLDER"}
    with unit_of_work(engine) as session:
        make_plan(session, world.partner_a)
        make_plan(session, world.partner_b)
        # site A: 3 + 1 defective in 125 + 125 sampled → 4 / 250 = 16,000 PPM
        inspect(
            session,
            _site_lot(session, world.partner_a, site_a, "A-1").id,
            [{**major, "quantity": 3}],
        )
        inspect(
            session,
            _site_lot(session, world.partner_a, site_a, "A-2").id,
            [{**major, "quantity": 1}],
        )
        # a lot without a site counts for the partner, not for any site
        inspect(
            session, _site_lot(session, world.partner_a, None, "A-3").id, [{**major, "quantity": 9}]
        )
        # site B: 0 of 125
        inspect(session, _site_lot(session, world.partner_b, site_b, "B-1").id, [])
        # a pending inspection (no verdict yet) is not counted
        _site_lot(session, world.partner_b, site_b, "B-2")
        today = date.today()
        got = service.site_defect_ppm(session, [site_a, site_b, 999_999], today, today)
        later = service.site_defect_ppm(session, [site_a], today + timedelta(days=1), today)
        partner = service.figures_for(session, partner_id=world.partner_a, start=today, end=today)
    assert (got[site_a].inspected_units, got[site_a].defective_units) == (250, 4)
    assert got[site_a].ppm == 16_000.0
    assert (got[site_b].inspected_units, got[site_b].ppm) == (125, 0.0)
    assert (got[999_999].inspected_units, got[999_999].ppm) == (0, None)
    assert later[site_a].ppm is None  # outside the window
    assert (partner.inspected_units, partner.defective_units) == (375, 13)  # the site-less lot too
