"""The selection demo data loads through the services and shows each state of the gate."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, select

from cofab.accounts import service as accounts_service
from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.demo import selection_demo
from cofab.demo.cases import CASES, OWNER_ROLES
from cofab.partners import schemas as partner_schemas
from cofab.partners import service as partners_service
from cofab.partners.models import Partner
from cofab.selection import service
from cofab.selection.models import Evaluation

TODAY = date(2026, 11, 1)


def _cases_without_other_domains(engine: Engine) -> None:
    """The demo partners and owner users only, then the selection demo — the full demo loader
    would also run every other domain's demo, which this test is not about."""
    with unit_of_work(engine) as session:
        for name, case in CASES.items():
            refs = {}
            for ref, name_ko, name_en, types, form, _status, country, _sites in case["partners"]:
                refs[f"DEMO-{ref}"] = partners_service.create_partner(
                    session,
                    actor=SYSTEM_ACTOR,
                    data=partner_schemas.PartnerCreate(
                        name_ko=name_ko,
                        name_en=name_en,
                        types=types,
                        form=form,
                        country=country,
                        external_ref=f"DEMO-{ref}",
                    ),
                ).id
            for role in OWNER_ROLES:
                accounts_service.create_user(
                    session,
                    actor=None,
                    email=f"{role}@{case['domain']}",
                    password="demo-password-1",
                    display_name=f"{role.title()} ({name})",
                    role=role,
                )
            selection_demo.load(session, name, refs, TODAY)
            selection_demo.load(session, name, refs, TODAY)  # idempotent


def test_demo_cases_load_evaluations_in_every_state(engine: Engine) -> None:
    _cases_without_other_domains(engine)
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
