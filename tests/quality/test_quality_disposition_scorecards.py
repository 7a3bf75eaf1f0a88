"""A verdict or disposition that changes a receipt's quantities re-scores both partners it moves:
the maker (defect PPM, through operations' KPI hook) and the carrier whose lane moved the
shipment (damage rate, through ``core.partner_inputs``) — one background recompute each.

100 units of P1 ship on the quarter's first day on carrier C's lane and arrive 4 days later; the
lot is rejected at incoming inspection (all 100 rejected: PPM 1,000,000, damage 100 %), used as
is (0 rejected: 0 and 0 %), then sorted with 8 found bad (80,000 PPM, 8 %).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select
from tests.conftest import World
from tests.logistics.logistics_factories import make_carrier, make_lane
from tests.operations.ops_factories import line_ids, make_order, receive, ship

from cofab.core import jobs
from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.logistics import schemas as logistics_schemas
from cofab.logistics import service as logistics_service
from cofab.performance import scorecard_refresh, scorecards
from cofab.performance.models import Scorecard
from cofab.quality import lots, plans, schemas
from cofab.quality.models import Inspection, Lot

D0 = scorecards.period_bounds("quarter", date.today() - timedelta(days=100))[0]


@pytest.fixture(autouse=True)
def _wired() -> None:
    from cofab.domains import wire

    wire()


def _queued(engine: Engine) -> set[tuple[int, str]]:
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(jobs.Job.payload).where(
                jobs.Job.kind == scorecard_refresh.REFRESH_JOB, jobs.Job.status == jobs.QUEUED
            )
        ).scalars()
        return {(p["partner_id"], p["start"]) for p in rows}


def _value(engine: Engine, partner_id: int, kpi: str) -> Any:
    with unit_of_work(engine) as session:
        mine = Scorecard.partner_id == partner_id
        card = session.execute(
            select(Scorecard).where(mine, Scorecard.period_start == D0)
        ).scalar_one()
        return card.kpis["values"][kpi]


def _dispose(engine: Engine, lot_id: int, disposition: str, bad: int | None = None) -> None:
    with unit_of_work(engine) as session:
        lots.set_disposition(
            session,
            actor=SYSTEM_ACTOR,
            lot_id=lot_id,
            data=schemas.DispositionIn(disposition=disposition, rejected_qty=bad),  # type: ignore[arg-type]
        )


def test_disposition_rescores_the_maker_and_the_carrier(world: World, engine: Engine) -> None:
    a = world.partner_a
    with unit_of_work(engine) as session:
        carrier = make_carrier(session, "Carrier Disposition", "ops@carrier-dispo.test")
        lane = make_lane(session, carrier, "LD1")
        plans.create_plan(
            session,
            actor=SYSTEM_ACTOR,
            data=schemas.PlanCreate.model_validate(
                {
                    "partner_id": a,
                    "product": "P1",
                    "aql_critical": 0.1,
                    "aql_major": 1.0,
                    "aql_minor": 2.5,
                    "characteristics": [
                        {"name_ko": "납땜", "name_en": "Solder", "defect_class": "major"}
                    ],
                }
            ),
        )
        order = make_order(session, a, "DISPO", [("P1", 100, 1.0, D0)])
        (line,) = line_ids(session, order)
        shipment = ship(session, "SD1", [(line, 100)], D0)
        logistics_service.link_shipment(
            session,
            actor=SYSTEM_ACTOR,
            shipment_id=shipment.id,
            data=logistics_schemas.ShipmentLaneIn(lane_id=lane.id),
        )
        receive(session, shipment, line, D0 + timedelta(days=4), 100)
        lot = session.execute(select(Lot)).scalar_one()  # opened by the receipt
        inspection_id = session.execute(
            select(Inspection.id).where(Inspection.lot_id == lot.id)
        ).scalar_one()
        lot_id = lot.id
        for partner_id, template in (
            (a, scorecards.default_template(session)),
            (carrier, scorecards.logistics_template(session)),
        ):
            scorecards.compute_scorecards(
                session,
                actor=SYSTEM_ACTOR,
                period_start=D0,
                template_id=template.id,
                partner_id=partner_id,
            )
    assert (_value(engine, a, "defect_ppm"), _value(engine, carrier, "damage_pct")) == (0.0, 0.0)
    assert _queued(engine) == set()

    with unit_of_work(engine) as session:
        lots.record_inspection(
            session,
            actor=SYSTEM_ACTOR,
            inspection_id=inspection_id,
            data=schemas.InspectionResult.model_validate(
                {"defects": [{"defect_code": "BRIDGE", "defect_class": "major", "quantity": 3}]}
            ),
        )
    expected = [(1_000_000.0, 100.0), (0.0, 0.0), (80_000.0, 8.0)]
    steps = [
        lambda: None,
        lambda: _dispose(engine, lot_id, "use_as_is"),
        lambda: _dispose(engine, lot_id, "sort", 8),
    ]
    for change, (ppm, damage) in zip(steps, expected, strict=True):
        change()
        assert _queued(engine) == {(a, D0.isoformat()), (carrier, D0.isoformat())}
        assert jobs.work(engine, once=True, kinds={scorecard_refresh.REFRESH_JOB}) == 2
        assert _value(engine, a, "defect_ppm") == pytest.approx(ppm)
        assert _value(engine, carrier, "damage_pct") == pytest.approx(damage)
