"""The forecast demo: a case's plan published once, frozen lines committed, one counter-proposal
in the electronics case, the automotive JV's ramp declared; loading twice adds nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Engine, func, select
from tests.conftest import World
from tests.forecast.forecast_factories import flow, solved_scenario

from cofab.db.session import unit_of_work
from cofab.demo import forecast_demo
from cofab.demo.planning_demo import TITLES
from cofab.forecast.models import CapacityDeclaration, ForecastLine, Publication
from cofab.planning.models import Scenario

MONTHS = ["2027-01", "2027-02", "2027-03"]


def _counts(engine: Engine) -> tuple[int, ...]:
    with unit_of_work(engine) as session:
        return tuple(
            session.execute(select(func.count()).select_from(model)).scalar_one()
            for model in (Publication, ForecastLine, CapacityDeclaration)
        )


def test_electronics_demo_publishes_commits_and_counters(world: World, engine: Engine) -> None:
    flows = [flow("A1", "P1", t, 100) for t in MONTHS] + [flow("B1", "P1", "2027-03", 40)]
    scenario_id = solved_scenario(
        engine, {"A1": world.partner_a, "B1": world.partner_b}, flows, periods=MONTHS
    )
    with unit_of_work(engine) as session:
        session.get_one(Scenario, scenario_id).name = TITLES["electronics"]
    with unit_of_work(engine) as session:
        forecast_demo.load(session, "electronics", {}, date(2026, 12, 3))
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(
                ForecastLine.partner_id,
                ForecastLine.period,
                ForecastLine.status,
                ForecastLine.proposed_qty,
            ).order_by(ForecastLine.partner_id, ForecastLine.period_index)
        ).all()
    # two frozen months committed; the first firm line (A's March 100) countered at 80
    assert [(p, t, s, q) for p, t, s, q in rows] == [
        (world.partner_a, "2027-01", "committed", None),
        (world.partner_a, "2027-02", "committed", None),
        (world.partner_a, "2027-03", "countered", Decimal(80)),
        (world.partner_b, "2027-03", "open", None),
    ]
    before = _counts(engine)
    with unit_of_work(engine) as session:
        forecast_demo.load(session, "electronics", {}, date(2026, 12, 3))
    assert _counts(engine) == before


def test_automotive_demo_declares_the_jv_ramp(world: World, engine: Engine) -> None:
    refs = {forecast_demo.JV_REF: world.partner_a}
    for _ in range(2):
        with unit_of_work(engine) as session:
            forecast_demo.load(session, "automotive", refs, date(2026, 12, 3))
    with unit_of_work(engine) as session:
        declarations = list(session.execute(select(CapacityDeclaration)).scalars())
    assert len(declarations) == 1
    ramp = declarations[0]
    assert (ramp.partner_id, ramp.family, ramp.first_period, ramp.ramp_months) == (
        world.partner_a,
        "NMC pouch cell",
        date(2027, 1, 1),
        18,
    )
    assert ramp.nameplate == Decimal(2_500_000)
