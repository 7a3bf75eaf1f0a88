"""The demo's operations history: late and rejected deliveries, scorecards of past quarters, an
overdue review action item — loaded through the services, once."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from tests.conftest import sealed_chain_is_sound

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.demo.loader import load_case
from cofab.operations import dashboard
from cofab.operations.models import Order, Receipt
from cofab.performance import kpis, reviews
from cofab.performance.models import Scorecard


def test_demo_operations_history(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # other domains' demo data is theirs to test; skipping it keeps this test quick
    from cofab.demo import contracts_demo, selection_demo

    monkeypatch.setattr(contracts_demo, "load", lambda *args, **kwargs: None)
    monkeypatch.setattr(selection_demo, "load", lambda *args, **kwargs: None)
    today = date.today()
    with unit_of_work(engine) as session:
        load_case(session, "electronics", today=today)
    with unit_of_work(engine) as session:
        orders_before = session.execute(select(func.count()).select_from(Order)).scalar_one()
        load_case(session, "electronics", today=today)  # second load adds nothing
        assert (
            session.execute(select(func.count()).select_from(Order)).scalar_one() == orders_before
        )
    with unit_of_work(engine) as session:
        assert orders_before > 20
        rejected = session.execute(
            select(func.count()).select_from(Receipt).where(Receipt.rejected_qty > 0)
        ).scalar_one()
        assert rejected > 0
        groups = kpis.compute(
            session,
            actor=SYSTEM_ACTOR,
            query=kpis.KpiQuery(today - timedelta(days=180), today, "partner", 2),
        )
        otd = [g.values["otd_lines"] for g in groups if g.values["otd_lines"] is not None]
        assert len(otd) >= 4 and min(otd) < 90 < max(otd)  # some partners deliver late
        grades = set(session.execute(select(Scorecard.grade)).scalars())
        assert {"A", "D"} <= grades
        assert reviews.overdue_items(session, actor=SYSTEM_ACTOR)
        assert dashboard.live_view(session, actor=SYSTEM_ACTOR)["inventory"]
    assert sealed_chain_is_sound(engine, tmp_path)
