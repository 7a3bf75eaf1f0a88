"""Each demo case gets a registry scenario and a demand +30 % what-if, solved, loaded once."""

from __future__ import annotations

import importlib
import pkgutil
from datetime import date

import pytest
from sqlalchemy import Engine, select

import cofab.demo
from cofab.db.session import unit_of_work
from cofab.demo import planning_demo
from cofab.demo.loader import load_case
from cofab.planning.models import Scenario


@pytest.fixture
def only_planning_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    """Registry data plus the planning demo: the other domains' demos are not this test's topic."""
    for info in pkgutil.iter_modules(cofab.demo.__path__):
        if info.name.endswith("_demo") and info.name != "planning_demo":
            module = importlib.import_module(f"cofab.demo.{info.name}")
            monkeypatch.setattr(module, "load", lambda *args, **kwargs: None)


@pytest.mark.usefixtures("only_planning_demo")
def test_demo_scenarios_are_solved_and_load_once(engine: Engine) -> None:
    today = date(2026, 11, 25)
    for _ in range(2):  # the second load adds nothing
        with unit_of_work(engine) as session:
            load_case(session, "all", today=today)
    with unit_of_work(engine) as session:
        rows = session.execute(select(Scenario).order_by(Scenario.id)).scalars().all()
        names = [s.name for s in rows if s.parent_id is None]
        assert names == list(planning_demo.TITLES.values())
        assert len(rows) == 6
        for scenario in rows:
            assert scenario.state == "solved", scenario.error
            assert scenario.result_doc is not None and scenario.result_doc["flows"]
        base, up = rows[0], rows[1]
        assert up.parent_id == base.id and up.what_if == {"kind": "demand_scale", "factor": 1.3}
        assert base.input_doc["periods"] == ["2026-12", "2027-01", "2027-02"]
        base_demand = sum(sum(m["demand"].values()) for m in base.input_doc["markets"])
        up_demand = sum(sum(m["demand"].values()) for m in up.input_doc["markets"])
        assert up_demand == pytest.approx(base_demand * 1.3, abs=1)
