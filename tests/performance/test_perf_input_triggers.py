"""Stored scorecards follow quality, training and logistics inputs as they follow operations':
an NCR, an inspection, an audit, a training record, a carrier's receipt or temperature reading
queues one background recompute per computed card it touches (debounced like operations'
trigger), and the worker's recompute changes the card."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
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
from cofab.operations.models import ShipmentLine
from cofab.performance import scorecard_refresh, scorecards
from cofab.performance.models import Scorecard
from cofab.quality import audits, lots, plans
from cofab.quality import schemas as quality_schemas
from cofab.training.models import TrainingRecord

TODAY = date.today()
QUARTER = scorecards.period_bounds("quarter", TODAY)[0]
LAST_QUARTER = scorecards.period_bounds("quarter", QUARTER - timedelta(days=1))[0]


@pytest.fixture(autouse=True)
def _wired() -> None:
    from cofab.domains import wire

    wire()


def _refresh_jobs(engine: Engine) -> list[dict[str, Any]]:
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(jobs.Job.payload, jobs.Job.status)
            .where(jobs.Job.kind == scorecard_refresh.REFRESH_JOB)
            .order_by(jobs.Job.id)
        ).all()
        return [{**payload, "status": status} for payload, status in rows]


def _queued(engine: Engine) -> list[tuple[int, str]]:
    return [
        (job["partner_id"], job["start"])
        for job in _refresh_jobs(engine)
        if job["status"] == jobs.QUEUED
    ]


def _run(engine: Engine) -> int:
    return jobs.work(engine, once=True, kinds={scorecard_refresh.REFRESH_JOB})


def _values(engine: Engine, partner_id: int, start: date) -> dict[str, Any]:
    with unit_of_work(engine) as session:
        card = session.execute(
            select(Scorecard).where(
                Scorecard.partner_id == partner_id, Scorecard.period_start == start
            )
        ).scalar_one()
        return dict(card.kpis["values"])


def _quality_card(engine: Engine, partner_id: int, *starts: date) -> None:
    """A valid training on file (so the card has a score), then the quality template's cards."""
    with unit_of_work(engine) as session:
        session.add(
            TrainingRecord(
                partner_id=partner_id,
                person_name="Kim",
                course_kind="gmp",
                course_title="GMP basics",
                completed_on=LAST_QUARTER - timedelta(days=30),
            )
        )
        session.flush()
        template = scorecards.quality_template(session)
        for start in starts or (QUARTER,):
            scorecards.compute_scorecards(
                session,
                actor=SYSTEM_ACTOR,
                period_start=start,
                template_id=template.id,
                partner_id=partner_id,
            )
    assert _refresh_jobs(engine) == []


def test_ncrs_queue_one_recompute_and_change_the_card(world: World, api, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    a = world.partner_a
    _quality_card(engine, a)
    assert _values(engine, a, QUARTER)["ncr_count"] is None  # nothing counted yet
    quality = api(world.users["quality"])
    body = {"partner_id": a, "product": "P", "defect_code": "X", "quantity": 1}
    for _ in range(2):  # two requests while the first job waits: still one job
        assert quality.post("/api/v1/quality/ncrs", json=body).status_code == 201
    assert _queued(engine) == [(a, QUARTER.isoformat())]
    assert _run(engine) == 1
    assert _values(engine, a, QUARTER)["ncr_count"] == 2.0
    # partner B has no card: its NCR queues nothing
    assert quality.post("/api/v1/quality/ncrs", json=body | {"partner_id": world.partner_b})
    assert _queued(engine) == []


def test_an_inspection_verdict_queues_one_recompute(world: World, engine: Engine) -> None:
    a = world.partner_a
    _quality_card(engine, a)
    with unit_of_work(engine) as session:
        plans.create_plan(
            session,
            actor=SYSTEM_ACTOR,
            data=quality_schemas.PlanCreate.model_validate(
                {
                    "partner_id": a,
                    "product": "PCB-1",
                    "aql_critical": 0.1,
                    "aql_major": 1.0,
                    "aql_minor": 2.5,
                    "characteristics": [
                        {"name_ko": "납땜", "name_en": "Solder", "defect_class": "major"}
                    ],
                }
            ),
        )
        inspection = lots.create_lot(
            session,
            actor=SYSTEM_ACTOR,
            data=quality_schemas.LotCreate(
                partner_id=a, product="PCB-1", lot_no="L-1", lot_size=500
            ),
        )
        inspection_id, sample = inspection.id, inspection.sample_size
    assert _queued(engine) == []  # a lot alone measures nothing
    with unit_of_work(engine) as session:
        lots.record_inspection(
            session,
            actor=SYSTEM_ACTOR,
            inspection_id=inspection_id,
            data=quality_schemas.InspectionResult.model_validate(
                {"defects": [{"defect_code": "SOLDER", "defect_class": "major", "quantity": 2}]}
            ),
        )
    assert _queued(engine) == [(a, QUARTER.isoformat())]
    assert _run(engine) == 1
    assert _values(engine, a, QUARTER)["inspection_ppm"] == pytest.approx(2e6 / sample)


def test_an_audit_recomputes_its_period_and_every_later_card(world: World, engine: Engine) -> None:
    a = world.partner_a
    _quality_card(engine, a, LAST_QUARTER, QUARTER)
    with unit_of_work(engine) as session:
        checklist = audits.create_checklist(
            session,
            actor=SYSTEM_ACTOR,
            data=quality_schemas.ChecklistCreate.model_validate(
                {
                    "name": "Process",
                    "kind": "process",
                    "questions": [{"text_ko": "가", "text_en": "A"}],
                }
            ),
        )
        question_id = audits.questions_of(session, checklist.id)[0].id
        planned = audits.plan_audit(
            session,
            actor=SYSTEM_ACTOR,
            data=quality_schemas.AuditCreate(
                partner_id=a, checklist_id=checklist.id, planned_on=LAST_QUARTER
            ),
        )
        planned_id = planned.id
    assert _queued(engine) == []
    with unit_of_work(engine) as session:
        audits.record_result(
            session,
            actor=SYSTEM_ACTOR,
            audit_id=planned_id,
            data=quality_schemas.AuditResult.model_validate(
                {
                    "performed_on": LAST_QUARTER.isoformat(),
                    "answers": [{"question_id": question_id, "score": 8}],
                }
            ),
        )
    assert sorted(_queued(engine)) == [(a, LAST_QUARTER.isoformat()), (a, QUARTER.isoformat())]
    assert _run(engine) == 2
    for start in (LAST_QUARTER, QUARTER):  # one question scored 8 of 10: 80 %
        assert _values(engine, a, start)["audit_score"] == 80.0


def test_a_training_record_queues_one_recompute(world: World, api, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    a = world.partner_a
    _quality_card(engine, a)
    assert _values(engine, a, QUARTER)["collaboration"] == 100.0
    lapsed = {
        "partner_id": a,
        "person_name": "Lee",
        "course_kind": "security",
        "course_title": "Information security",
        "completed_on": str(TODAY - timedelta(days=400)),
        "valid_until": str(TODAY - timedelta(days=35)),
    }
    made = api(world.users["partner_a"]).post("/api/v1/training/records", json=lapsed)
    assert made.status_code == 201, made.text
    assert _queued(engine) == [(a, QUARTER.isoformat())]  # the only card from then on
    assert _run(engine) == 1
    # Kim valid, Lee lapsed (as of today, inside this quarter): 1 of 2
    assert _values(engine, a, QUARTER)["collaboration"] == 50.0


def test_a_carriers_receipt_and_reading_queue_its_recompute(
    world: World, api, engine: Engine
) -> None:  # type: ignore[no-untyped-def]
    """Carrier C, lane 5 days, 2–8 °C. S1 ships on the quarter's first day and arrives after 4
    days; S2 ships the day after and is still on its way: adherence 1/1 = 100 %. S2 then arrives
    after 8 days (late): 1/2 = 50 %. A 9.5 °C reading on S1: 1 of 2 shipments out of range."""
    a, d0 = world.partner_a, LAST_QUARTER
    with unit_of_work(engine) as session:
        carrier = make_carrier(session, "Carrier Trigger", "ops@carrier-trigger.test")
        lane = make_lane(session, carrier, "L1", temp_min="2", temp_max="8")
        order = make_order(session, a, "TRG", [("P1", 100, 1.0, d0), ("P2", 100, 1.0, d0)])
        p1, p2 = line_ids(session, order)
        s1 = ship(session, "S1", [(p1, 100)], d0)
        s2 = ship(session, "S2", [(p2, 100)], d0 + timedelta(days=1))
        receive(session, s1, p1, d0 + timedelta(days=4), 100)
        for shipment in (s1, s2):
            logistics_service.link_shipment(
                session,
                actor=SYSTEM_ACTOR,
                shipment_id=shipment.id,
                data=logistics_schemas.ShipmentLaneIn(lane_id=lane.id),
            )
        s1_id, s2_id = s1.id, s2.id
        s2_line = session.execute(
            select(ShipmentLine.id).where(ShipmentLine.shipment_id == s2_id)
        ).scalar_one()
        template = scorecards.logistics_template(session)
        scorecards.compute_scorecards(
            session,
            actor=SYSTEM_ACTOR,
            period_start=d0,
            template_id=template.id,
            partner_id=carrier,
        )
    assert _values(engine, carrier, d0)["adherence_pct"] == 100.0
    assert _queued(engine) == []

    posted = api(world.users["manager"]).post(
        f"/api/v1/shipments/{s2_id}/receipts",
        json={
            "received_date": (d0 + timedelta(days=9)).isoformat(),
            "lines": [{"shipment_line_id": s2_line, "accepted_qty": "100", "currency": "USD"}],
        },
    )
    assert posted.status_code == 201, posted.text
    assert _queued(engine) == [(carrier, d0.isoformat())]  # A has no card: the carrier's only
    assert _run(engine) == 1
    assert _values(engine, carrier, d0)["adherence_pct"] == 50.0

    with unit_of_work(engine) as session:
        logistics_service.add_reading(
            session,
            actor=SYSTEM_ACTOR,
            shipment_id=s1_id,
            data=logistics_schemas.ReadingIn(
                measured_at=datetime.combine(d0, datetime.min.time(), UTC) + timedelta(hours=30),
                celsius=Decimal("9.5"),
            ),
        )
    assert _queued(engine) == [(carrier, d0.isoformat())]
    assert _run(engine) == 1
    assert _values(engine, carrier, d0)["excursion_pct"] == 50.0
