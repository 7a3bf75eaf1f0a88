"""The selection demo data loads through the services and shows each state of the gate."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, select

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.demo.loader import load_case
from cofab.partners.models import Partner
from cofab.selection import service
from cofab.selection.models import Evaluation


def test_demo_cases_load_evaluations_in_every_state(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        load_case(session, "all", today=date(2026, 11, 1))
    with unit_of_work(engine) as session:
        load_case(session, "all", today=date(2026, 11, 1))  # idempotent
    with unit_of_work(engine) as session:
        evaluations = {e.title: e for e in session.execute(select(Evaluation)).scalars()}
        assert len(evaluations) == 3
        closed = evaluations["Module assembly partner for the Silesia ramp-up"]
        assert closed.status == "closed"
        ids = {p.external_ref: p.id for p in session.execute(select(Partner)).scalars()}
        assert service.qualification(session, ids["DEMO-A-SBM"]).may_approve
        chennai = service.qualification(session, ids["DEMO-E-CHN"])
        assert chennai.applies and not chennai.may_approve
        assert {b.kind for b in chennai.blockers} == {"evaluation_open", "item_open"}
        for evaluation in evaluations.values():
            results = service.compute_results(
                session, actor=SYSTEM_ACTOR, evaluation_id=evaluation.id, locale="ko"
            )
            assert results.errors == [] and results.analysis is not None
        pharma = service.compute_results(
            session,
            actor=SYSTEM_ACTOR,
            evaluation_id=evaluations["Fill-finish CDMO for the phase III biologic"].id,
        )
        incomplete = [r["name"] for r in pharma.rows if not r["complete"]]
        assert incomplete == ["Singapore CellTherapy Centre"]
        assert pharma.analysis is not None and pharma.analysis.ahp is not None
        assert pharma.analysis.ahp.consistency_ratio < 0.1
