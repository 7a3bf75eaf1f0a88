"""Dashboard alerts: a chart rule fired or Cpk below target, and discontinued plans, on the owner
dashboard (every partner) and the partner's (its own only); the flag on the partner page.

Subgroups of two, each (74.000, 74.010): R̄ = 0.010, σ_within = R̄/d2 = 0.010/1.128 = 0.008865,
mean 74.005. With LSL 73.995 / USL 74.015: Cpk = 0.010/(3·0.008865) = 0.376 < 1.33. Eleven
such subgroups and a twelfth at (75.000, 75.010): that X̄ lies far beyond UCL (Nelson rule 1).
"""

from __future__ import annotations

from sqlalchemy import Engine, update
from tests.conftest import World, login
from tests.quality.quality_web_factories import make_plan
from tests.quality.spc_factories import actor_of, add_measurements, make_characteristic

from cofab.db.session import unit_of_work
from cofab.quality.alerts import spc_alerts
from cofab.quality.models import InspectionPlan


def _measure(engine: Engine, char_id: int, partner_id: int, outlier: bool = False) -> None:
    groups = [(74.0, 74.01)] * 11 + ([(75.0, 75.01)] if outlier else [])
    add_measurements(engine, char_id, partner_id, groups)


def test_alerts_for_each_side_and_the_partner_page_flag(
    world: World, engine: Engine, base_url: str
) -> None:
    tight = {"lsl": 73.995, "usl": 74.015, "subgroup_size": 2}
    a_cpk = make_characteristic(engine, world.partner_a, name_en="Bore A", **tight)
    a_rule = make_characteristic(
        engine, world.partner_a, name_en="Runout A", lsl=70.0, usl=80.0, subgroup_size=2
    )
    b_cpk = make_characteristic(engine, world.partner_b, name_en="Bore B", **tight)
    _measure(engine, a_cpk, world.partner_a)
    _measure(engine, a_rule, world.partner_a, outlier=True)
    _measure(engine, b_cpk, world.partner_b)
    viewer, partner = (actor_of(engine, world.users[k]) for k in ("viewer", "partner_a"))
    with unit_of_work(engine) as session:
        owner = {a.name_en: a for a in spc_alerts(session, viewer)}
        own = spc_alerts(session, partner)
    assert set(owner) == {"Bore A", "Runout A", "Bore B"}
    assert owner["Bore A"].cpk is not None and abs(owner["Bore A"].cpk - 0.376) < 0.001
    assert owner["Bore A"].cpk_low and not owner["Runout A"].cpk_low
    assert "N1" in owner["Runout A"].rules
    assert {a.name_en for a in own} == {"Bore A", "Runout A"}
    with unit_of_work(engine) as session:
        plan = make_plan(session, world.partner_a, product="PCB-STOP")
        session.execute(
            update(InspectionPlan)
            .where(InspectionPlan.id == plan.id)
            .values(switching_state="discontinued")
        )
    owner_page = login(base_url, world.users["quality"]).get("/").text
    assert "Bore B" in owner_page and "Runout A" in owner_page and "PCB-STOP" in owner_page
    partner_a = login(base_url, world.users["partner_a"])
    page_a = partner_a.get("/portal").text
    assert "Bore A" in page_a and "PCB-STOP" in page_a and "Bore B" not in page_a
    page_b = login(base_url, world.users["partner_b"]).get("/portal").text
    assert "Bore B" in page_b and "Bore A" not in page_b and "PCB-STOP" not in page_b
    panel = partner_a.get(f"/quality/partners/{world.partner_a}/panel")
    assert panel.status_code == 200 and "PCB-STOP" in panel.text
    other = login(base_url, world.users["partner_b"]).get(
        f"/quality/partners/{world.partner_a}/panel"
    )
    assert other.status_code == 404
    quiet = login(base_url, world.users["quality"]).get(
        f"/quality/partners/{world.partner_b}/panel"
    )
    assert quiet.status_code == 200 and "quality-partner-flag" not in quiet.text
