"""planning.service is the surface other domains use: every public name resolves, the live
registry builder runs the registered reader (risk's contingency activation builds a LIVE
scenario through it), and the one HiGHS runner is reachable from it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import Engine
from tests.conftest import World

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.planning import live_sources, service
from cofab.planning.engine import highs_runner
from cofab.planning.live_data import LiveData, QualityReading

TODAY = date(2026, 12, 3)


def test_every_public_name_resolves_and_covers_what_risk_and_forecast_use() -> None:
    assert all(hasattr(service, name) for name in service.__all__)
    used_elsewhere = {
        "RegistryRequest",
        "build_live_scenario",
        "create_live_from_registry",
        "what_if",
        "WhatIf",
        "enqueue_solve",
        "get_scenario",
        "create_scenario",
        "validate_input",
        "ensure_writer",
        "new_highs",
    }
    assert used_elsewhere <= set(service.__all__)
    assert service.new_highs is highs_runner.new_highs


def test_importing_live_sources_registers_its_reader() -> None:
    assert live_sources.__name__ in {r.__module__ for r in service._live_readers}


def test_live_builder_uses_the_registered_reader_and_a_what_if_takes_a_partner_out(
    engine: Engine, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = world.ids["a"]
    seen: list[Any] = []

    def reader(session: Any, actor: Any, request: Any, today: date | None) -> LiveData:
        seen.append((request.name, today))
        # partner A: 30 defective in 2,000 sampled = 15,000 PPM → defect rate 0.015
        reading = QualityReading(15_000.0, 2000, 30, date(2026, 6, 7), TODAY)
        return LiveData(
            read_at=datetime(2026, 12, 3, tzinfo=UTC), quality={a["partner_id"]: reading}
        )

    monkeypatch.setattr(service, "_live_readers", [reader])
    request = service.RegistryRequest(
        name="Contingency",
        periods=2,
        start="2027-01",
        partner_ids=[world.partner_a, world.partner_b],
    )
    with unit_of_work(engine) as session:
        built = service.build_live_scenario(
            session, actor=SYSTEM_ACTOR, request=request, today=TODAY
        )
        assert built is not None
        rates = {built.site_partners[s["id"]]: s["defect_rate"] for s in built.document["sites"]}
        assert rates[a["partner_id"]] == pytest.approx(0.015)
        stored = service.create_live_from_registry(
            session, actor=SYSTEM_ACTOR, request=request, today=TODAY
        )
        child, job = service.what_if(
            session,
            actor=SYSTEM_ACTOR,
            scenario_id=stored.id,
            change=service.WhatIf(kind="partner_out", partner_id=a["partner_id"]),
            solve=False,
        )
        assert job is None
        assert a["partner_id"] not in child.site_partners.values()
        kept = {s["id"] for s in child.input_doc["sites"]}
        assert kept == set(stored.site_partners) - set(child.what_if["sites"])
        live_rates = [s["defect_rate"] for s in stored.input_doc["sites"]]
        assert pytest.approx(0.015) in live_rates
    assert seen == [("Contingency", TODAY), ("Contingency", TODAY)]


def test_without_a_reader_the_inputs_are_generated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "_live_readers", [])
    live = service.read_live_inputs(
        None,  # type: ignore[arg-type]
        actor=SYSTEM_ACTOR,
        request=service.RegistryRequest(name="x"),
        today=TODAY,
    )
    assert (live.prices, live.quality, live.lanes, live.demand) == ({}, {}, (), None)
