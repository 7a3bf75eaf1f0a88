"""A recorded plan keeps its flows and pool use as rows (planning.plan_rows): per site, product
and period over markets, each flow to the thousandth with ties to even, with the product's
family from the input; replaced when the plan is recorded again, gone with the scenario."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, select
from tests.conftest import World

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.planning import service
from cofab.planning.models import PlanFlow, PlanPoolUse

DOC = {
    "name": "Rows",
    "periods": ["2027-01", "2027-02"],
    "products": [{"id": "P1", "family": "F1"}],
    "sites": [{"id": "A1", "capacity": 100}],
    "markets": [{"id": "M1", "demand": {"P1": 1}}, {"id": "M2", "demand": {"P1": 1}}],
    "lanes": [{"site": "A1", "market": "M1"}, {"site": "A1", "market": "M2"}],
}


def _flow(market: str, product: str, period: str, qty: float | None) -> dict[str, Any]:
    return {"site": "A1", "market": market, "product": product, "period": period, "qty": qty}


def _rows(engine: Engine, scenario_id: int) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    with unit_of_work(engine) as session:
        flows = session.execute(
            select(PlanFlow.site, PlanFlow.product, PlanFlow.period, PlanFlow.family, PlanFlow.qty)
            .where(PlanFlow.scenario_id == scenario_id)
            .order_by(PlanFlow.product, PlanFlow.period)
        ).all()
        pools = session.execute(
            select(PlanPoolUse.site, PlanPoolUse.family, PlanPoolUse.period, PlanPoolUse.used)
            .where(PlanPoolUse.scenario_id == scenario_id)
            .order_by(PlanPoolUse.period)
        ).all()
    return [tuple(r) for r in flows], [tuple(r) for r in pools]


def test_recorded_plan_rows_round_each_flow_half_even_and_sum_markets(
    world: World, engine: Engine
) -> None:
    plan = {
        "status": "optimal",
        "flows": [
            # 1.0005 → 1.000 and 2.0015 → 2.002 (ties to even), summed: 3.002 (rounding the sum
            # 3.0020 would give the same here, so the third pair tells them apart)
            _flow("M1", "P1", "2027-01", 1.0005),
            _flow("M2", "P1", "2027-01", 2.0015),
            # 0.0025 → 0.002 twice = 0.004, where the rounded sum (0.005) would be 0.005
            _flow("M1", "P1", "2027-02", 0.0025),
            _flow("M2", "P1", "2027-02", 0.0025),
            _flow("M1", "PX", "2027-02", None),  # not in the input's products: no family
        ],
        "pool_utilisation": [{"site": "A1", "family": None, "period": "2027-01", "used": 0.0125}],
    }
    with unit_of_work(engine) as session:
        scenario = service.create_scenario(session, actor=SYSTEM_ACTOR, document=DOC)
        service.record_plan(session, scenario=scenario, plan=plan)
        scenario_id = scenario.id
    flows, pools = _rows(engine, scenario_id)
    assert flows == [
        ("A1", "P1", "2027-01", "F1", Decimal("3.002")),
        ("A1", "P1", "2027-02", "F1", Decimal("0.004")),
        ("A1", "PX", "2027-02", None, Decimal("0.000")),
    ]
    assert pools == [("A1", None, "2027-01", Decimal("0.012"))]

    again = {"status": "optimal", "flows": [_flow("M1", "P1", "2027-02", 7)]}
    with unit_of_work(engine) as session:
        scenario = service.get_scenario(session, actor=SYSTEM_ACTOR, scenario_id=scenario_id)
        service.record_plan(session, scenario=scenario, plan=again)
    assert _rows(engine, scenario_id) == ([("A1", "P1", "2027-02", "F1", Decimal(7))], [])

    with unit_of_work(engine) as session:
        service.delete_scenario(session, actor=SYSTEM_ACTOR, scenario_id=scenario_id)
    assert _rows(engine, scenario_id) == ([], [])
