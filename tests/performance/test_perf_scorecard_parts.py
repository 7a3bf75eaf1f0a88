"""Scorecard metrics from other domains: quality's inspection PPM, NCR count and latest audit
score, training's collaboration score (hand-computed), and the audience rule that keeps carriers
on logistics templates and makers on manufacturing ones."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine
from tests.conftest import World
from tests.quality.quality_web_factories import inspect, make_plan, open_lot

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.performance import schemas, scorecard_parts, scorecards
from cofab.performance.models import Scorecard
from cofab.quality import ncrs
from cofab.quality import schemas as quality_schemas
from cofab.quality.models import AuditChecklist, PartnerAudit
from cofab.training.models import TrainingRecord

BANDS = [
    {"grade": "A", "min_score": 85, "action": "none"},
    {"grade": "B", "min_score": 60, "action": "warning"},
    {"grade": "D", "min_score": 0, "action": "block"},
]
QUALITY_TEMPLATE: dict[str, Any] = {
    "name": "Quality and collaboration",
    "period": "month",
    "metrics": [
        {"kpi": "inspection_ppm", "weight": 2, "full_at": 0, "zero_at": 20000},
        {"kpi": "ncr_count", "weight": 1, "full_at": 0, "zero_at": 4},
        {"kpi": "audit_score", "weight": 1, "full_at": 100, "zero_at": 50},
        {"kpi": "collaboration", "weight": 1, "full_at": 100, "zero_at": 0},
    ],
    "bands": BANDS,
}


def _quality_and_training(session: Any, partner_id: int, today: date) -> None:
    make_plan(session, partner_id)
    # lot size 500 → 125 sampled per lot (quality's own test): 2 defective of 250 sampled
    inspect(
        session,
        open_lot(session, partner_id, "P-1", 500).id,
        [{"defect_code": "S", "defect_class": "major", "quantity": 2}],
    )
    inspect(session, open_lot(session, partner_id, "P-2", 500).id, [])
    ncrs.create_ncr(
        session,
        actor=SYSTEM_ACTOR,
        data=quality_schemas.NcrCreate(
            partner_id=partner_id, product="PCB-1", defect_code="S", quantity=2
        ),
    )
    checklist = AuditChecklist(name="Process audit", kind="process")
    session.add(checklist)
    session.flush()
    for performed, score in ((today - timedelta(days=400), 95.0), (today, 80.0)):
        session.add(
            PartnerAudit(
                partner_id=partner_id,
                checklist_id=checklist.id,
                kind="process",
                planned_on=performed,
                performed_on=performed,
                status="done",
                score=score,
            )
        )
    for person, valid_until in (("Kim", today + timedelta(days=365)), ("Lee", today)):
        session.add(
            TrainingRecord(
                partner_id=partner_id,
                person_name=person,
                course_kind="gmp",
                course_title="GMP basics",
                completed_on=today - timedelta(days=30),
                valid_until=valid_until - timedelta(days=1),  # Lee's expired yesterday
            )
        )
    session.flush()


def test_quality_and_collaboration_parts_score_by_hand(world: World, engine: Engine) -> None:
    today = date.today()
    with unit_of_work(engine) as session:
        _quality_and_training(session, world.partner_a, today)
        template = scorecards.save_template(
            session,
            actor=SYSTEM_ACTOR,
            data=schemas.ScorecardTemplateIn.model_validate(QUALITY_TEMPLATE),
        )
        result = scorecards.compute_scorecards(
            session, actor=SYSTEM_ACTOR, period_start=today, template_id=template.id
        )
        cards = session.query(Scorecard).filter(Scorecard.template_id == template.id).all()
        assert result.computed == 1  # partner B has nothing to score: no card
        (card,) = cards
        values = card.kpis["values"]
        points = {code: p["points"] for code, p in card.kpis["points"].items()}
        score, grade = card.score, card.grade
    assert card.partner_id == world.partner_a
    # 2 defective in 250 sampled = 8,000 PPM; one NCR; newest audit 80 (not the older 95);
    # Kim valid, Lee expired: 1 of 2 = 50 %
    assert values["inspection_ppm"] == pytest.approx(8000)
    assert values["ncr_count"] == 1 and values["audit_score"] == 80
    assert values["collaboration"] == 50
    # points: (8000 − 20000)/(0 − 20000) = 60; (1 − 4)/(0 − 4) = 75; (80 − 50)/50 = 60; 50
    assert points == {"inspection_ppm": 60, "ncr_count": 75, "audit_score": 60, "collaboration": 50}
    # weighted: (2·60 + 75 + 60 + 50) / 5 = 61
    assert score == Decimal("61.00") and grade == "B"


def test_parts_mix_with_kpis_and_leave_idle_partners_unscored(world: World, engine: Engine) -> None:
    """A template with a KPI and a part: an idle partner gets no card; a partner with only a
    collaboration score is scored on it alone (the KPI has no data, so its weight drops out)."""
    today = date.today()
    with unit_of_work(engine) as session:
        session.add(
            TrainingRecord(
                partner_id=world.partner_b,
                person_name="Park",
                course_kind="gmp",
                course_title="GMP",
                completed_on=today - timedelta(days=10),
                valid_until=None,
            )
        )
        session.flush()
        template = scorecards.save_template(
            session,
            actor=SYSTEM_ACTOR,
            data=schemas.ScorecardTemplateIn.model_validate(
                {
                    "name": "OTD and collaboration",
                    "period": "quarter",
                    "metrics": [
                        {"kpi": "otd_lines", "weight": 3, "full_at": 98, "zero_at": 85},
                        {"kpi": "collaboration", "weight": 1, "full_at": 100, "zero_at": 50},
                    ],
                    "bands": BANDS,
                }
            ),
        )
        result = scorecards.compute_scorecards(
            session, actor=SYSTEM_ACTOR, period_start=today, template_id=template.id
        )
        (card,) = session.query(Scorecard).filter(Scorecard.template_id == template.id).all()
        partner, score = card.partner_id, card.score
    assert result.computed == 1 and partner == world.partner_b
    assert score == Decimal("100.00")  # 1 of 1 valid = 100 % → 100 points, the only weight


def test_template_audience_rules(world: World, api: Any) -> None:
    manager = api(world.users["manager"])
    carrier_kpi = manager.post(
        "/api/v1/scorecard-templates",
        json={
            "name": "Carriers on OTD",
            "applies_to": "logistics",
            "metrics": [{"kpi": "otd_lines", "weight": 1, "full_at": 98, "zero_at": 85}],
            "bands": BANDS,
        },
    )
    assert carrier_kpi.status_code == 422
    assert carrier_kpi.json()["errors"][0]["field"] == "metrics.0.kpi"
    maker_on_damage = manager.post(
        "/api/v1/scorecard-templates",
        json={
            "name": "Makers on damage",
            "metrics": [{"kpi": "damage_pct", "weight": 1, "full_at": 0, "zero_at": 2}],
            "bands": BANDS,
        },
    )
    assert maker_on_damage.status_code == 422
    default_carrier = manager.post(
        "/api/v1/scorecard-templates",
        json={**scorecards.LOGISTICS_TEMPLATE, "is_default": True},
    )
    assert default_carrier.status_code == 422
    assert default_carrier.json()["errors"][0]["field"] == "is_default"
    unknown = manager.post(
        "/api/v1/scorecard-templates",
        json={
            **QUALITY_TEMPLATE,
            "metrics": [{"kpi": "x", "weight": 1, "full_at": 1, "zero_at": 0}],
        },
    )
    assert unknown.status_code == 422 and "inspection_ppm" in unknown.text
    made = manager.post("/api/v1/scorecard-templates", json=QUALITY_TEMPLATE)
    assert made.status_code == 201 and made.json()["applies_to"] == "manufacturing"


def test_metric_table_is_consistent() -> None:
    assert not set(scorecard_parts.PART_CODES) & set(scorecards.kpis.KPI_CODES)
    assert scorecard_parts.fits("audit_score", "logistics", scorecards.kpis.KPI_CODES)
    assert scorecard_parts.fits("collaboration", "manufacturing", scorecards.kpis.KPI_CODES)
    assert not scorecard_parts.fits("inspection_ppm", "logistics", scorecards.kpis.KPI_CODES)
    assert set(scorecards.METRIC_CODES) <= set(scorecards.METRIC_NAMES)


def test_demo_scores_makers_with_the_quality_template(world: World, engine: Engine) -> None:
    from cofab.demo import performance_demo

    today = date.today()
    with unit_of_work(engine) as session:
        _quality_and_training(session, world.partner_a, today)
        refs = {"DEMO-A": world.partner_a, "DEMO-B": world.partner_b}
        for _ in range(2):  # loading twice changes nothing
            performance_demo.load(session, "electronics", refs, today)
        template = scorecards.quality_template(session)
        cards = session.query(Scorecard).filter(Scorecard.template_id == template.id).all()
        current = [c for c in cards if c.period_start <= today <= c.period_end]
        assert {c.partner_id for c in cards} == {world.partner_a} and len(current) == 1
        score, grade = current[0].score, current[0].grade
    # no orders: delivery has no data. PPM 8000 → (8000 − 10000)/(500 − 10000) = 21.0526;
    # 1 NCR → (1 − 5)/(0 − 5) = 80; audit 80 → 20/30 = 66.6667; collaboration 50 % → 0.
    # (20·21.0526 + 10·80 + 20·66.6667 + 10·0) / 60 = 42.57 → D
    assert score == Decimal("42.57") and grade == "D"
