"""Planning objects for other test modules (the shared partner-isolation sweep)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine
from tests.conftest import World

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.planning import service

PLANNING_SAMPLE_BODIES = {
    "ScenarioCreate": {
        "input": {
            "products": [{"id": "P1", "family": "F1"}],
            "sites": [{"id": "S1", "capacity": 1}],
            "markets": [{"id": "M1", "demand": {"P1": 1}}],
            "lanes": [{"site": "S1", "market": "M1"}],
        }
    },
    "RegistryScenarioCreate": {"name": "Intrusion"},
    "SimulateRequest": {"scenarios": 10},
    "WhatIfRequest": {"kind": "partner_out", "partner_id": 0},
    "MakeOrBuyCase": {
        "periods": 1,
        "own": {"capex": 1, "unit_cost": 1},
        "outsource": {"unit_price": 1},
    },
    "PlanningRatesIn": {"rates": [{"currency": "KRW", "usd_value": 0.0007}]},
    "PlanningFreightIn": {"units": [{"product": "F1", "unit_kg": 1}]},
}


def scenario_with_partner_b(world: World, engine: Engine) -> int:
    """An owner scenario whose only site belongs to partner B."""
    doc = {
        "name": "Bravo plan",
        "products": [{"id": "P1", "family": "F1"}],
        "sites": [{"id": "B1", "capacity": 10}],
        "markets": [{"id": "M1", "demand": {"P1": 5}}],
        "lanes": [{"site": "B1", "market": "M1"}],
    }
    with unit_of_work(engine) as session:
        scenario = service.create_scenario(
            session, actor=SYSTEM_ACTOR, document=doc, site_partners={"B1": world.partner_b}
        )
        return scenario.id


def isolation_resolvers(world: World, engine: Engine) -> dict[str, Callable[[World, Engine], int]]:
    return {"scenario_id": scenario_with_partner_b}
