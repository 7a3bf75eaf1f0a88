"""The quality demo module tells each case's story and loads only once."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, func, select
from tests.conftest import World

from cofab.db.session import unit_of_work
from cofab.demo import quality_demo
from cofab.quality.models import EightDStep, Lot, NonConformance, PartnerAudit


def test_demo_case_story_loads_once(world: World, engine: Engine) -> None:
    for _ in range(2):
        with unit_of_work(engine) as session:
            quality_demo.load(
                session, "automotive", {"DEMO-A-NCP": world.partner_a}, date(2026, 6, 1)
            )
    with unit_of_work(engine) as session:
        statuses = [s for (s,) in session.execute(select(Lot.status).order_by(Lot.id))]
        assert statuses == ["accepted"] * 3 + ["rejected", "accepted"]
        ncr = session.execute(select(NonConformance)).scalar_one()
        assert (ncr.defect_code, ncr.quantity) == ("CAPACITY-LOW", 3)
        approved = session.execute(
            select(func.count()).select_from(EightDStep).where(EightDStep.status == "approved")
        ).scalar_one()
        assert approved == 4
        audits = session.execute(select(PartnerAudit).order_by(PartnerAudit.id)).scalars().all()
        # weights 2,1,2,1 and scores 10,8,8,6: (20 + 8 + 16 + 6) / 60 = 83.33 % → B
        assert (audits[0].score, audits[0].grade) == (83.33, "B")
        assert (audits[1].status, str(audits[1].planned_on)) == ("planned", "2026-10-24")


def test_pharma_story_carries_a_certificate_of_analysis(world: World, engine: Engine) -> None:
    from cofab.quality.models import Certificate

    with unit_of_work(engine) as session:
        quality_demo.load(session, "pharma", {"DEMO-P-IBL": world.partner_a}, date(2026, 6, 1))
    with unit_of_work(engine) as session:
        coa = session.execute(select(Certificate)).scalar_one()
        assert (coa.kind, coa.external_ref, coa.file_id) == ("coa", "CoA-DEMO-P-IBL-2606-01", None)
        assert coa.values[0]["name"] == "Assay potency"
