"""The risk demo per case: the JV cell plant as a single source with a 26-week TTR, the CDMO's
drilled plan to its qualified second site, the electronics CM concentration with an untested
plan and an exit transition — loaded once, through the risk service."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, func, select

from cofab.db.session import unit_of_work
from cofab.demo.loader import load_case
from cofab.partners.models import Partner, Site
from cofab.risk.models import (
    ContingencyPlan,
    ContingencyStep,
    Risk,
    SiteRecovery,
    TransitionPlan,
)

OTHER_DEMOS = (
    "selection_demo",
    "contracts_demo",
    "operations_demo",
    "vault_demo",
    "planning_demo",
    "quality_demo",
    "logistics_demo",
    "ventures_demo",
    "governance_demo",
    "development_demo",
    "training_demo",
    "discussions_demo",
)


def test_risk_demo_per_case(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    for name in OTHER_DEMOS:  # other domains' demo data is theirs to test
        module = importlib.import_module(f"cofab.demo.{name}")
        monkeypatch.setattr(module, "load", lambda *args, **kwargs: None)
    today = date.today()
    for case in ("automotive", "pharma", "electronics"):
        with unit_of_work(engine) as session:
            load_case(session, case, today=today)
    with unit_of_work(engine) as session:
        counts = [
            session.execute(select(func.count()).select_from(m)).scalar_one()
            for m in (Risk, ContingencyPlan, TransitionPlan, SiteRecovery, ContingencyStep)
        ]
        load_case(session, "electronics", today=today)  # a second load adds nothing
        again = [
            session.execute(select(func.count()).select_from(m)).scalar_one()
            for m in (Risk, ContingencyPlan, TransitionPlan, SiteRecovery, ContingencyStep)
        ]
        assert counts == again == [4, 2, 1, 5, 6]

        cells = session.execute(select(Risk).where(Risk.external_ref == "DEMO-RSK-A1")).scalar_one()
        jv = session.get(Partner, cells.partner_id)
        assert jv is not None and jv.name_en == "Nordic Cell Power JV"
        assert "26 weeks" in cells.title and cells.inherent_score == 15
        assert len(cells.mitigations) == 2 and cells.unit_id is not None
        jv_ttr = session.execute(
            select(SiteRecovery.ttr_weeks)
            .join(Site, Site.id == SiteRecovery.site_id)
            .where(Site.partner_id == jv.id)
        ).scalar_one()
        assert jv_ttr == 26.0

        plans = {p.title: p for p in session.execute(select(ContingencyPlan)).scalars()}
        assert not plans["Fill-finish moves to Basel"].is_untested(today)  # drilled 100 days ago
        assert plans["Smartphones move from Shenzhen to Saigon"].is_untested(today)

        exit_plan = session.execute(select(TransitionPlan)).scalar_one()
        leaving = session.get(Partner, exit_plan.partner_id)
        assert leaving is not None and leaving.name_en == "Taoyuan Battery Pack"
        kinds = [s.kind for s in exit_plan.steps]
        assert kinds[-6:] == ["tooling", *["dual_running"] * 3, "knowledge", "exit_report"]
        assert "alternate" in kinds and exit_plan.open_mandatory
