"""Forecast objects for the forecast tests and the shared partner-isolation sweep."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, select
from tests.conftest import World

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.forecast import schemas, service
from cofab.forecast.models import CapacityDeclaration, ForecastLine
from cofab.planning import service as planning_service

FORECAST_SAMPLE_BODIES: dict[str, dict[str, Any]] = {
    "DeclarationCreate": {
        "partner_id": 0,
        "site_id": 0,
        "family": "F1",
        "first_period": "2027-01",
        "last_period": "2027-03",
        "nameplate": 10,
    },
    "ProductUpsert": {"code": "X1", "family": "F1"},
    "DemandCreate": {
        "name": "Intrusion",
        "lines": [{"product": "X1", "market": "M1", "period": "2027-01", "qty": 1}],
    },
    "PublishRequest": {"scenario_id": 0},
    "LineResponse": {"action": "counter", "qty": 1, "reason": "hijack"},
    "ResolveRequest": {"release": 1},
}

PERIODS = ["2027-01", "2027-02", "2027-03", "2027-04", "2027-05", "2027-06", "2027-07"]


def flow(site: str, product: str, period: str, qty: float) -> dict[str, Any]:
    return {"site": site, "market": "M1", "product": product, "period": period, "qty": qty}


def solved_scenario(
    engine: Engine,
    site_partners: dict[str, int],
    flows: list[dict[str, Any]],
    *,
    periods: list[str] | None = None,
    pools: list[dict[str, Any]] | None = None,
) -> int:
    """An owner scenario whose plan (written as the solver writes it) has exactly ``flows``."""
    periods = periods or PERIODS
    site_ids = sorted({*site_partners, *(f["site"] for f in flows)})
    doc = {
        "name": "Forecast plan",
        "periods": periods,
        "products": [{"id": "P1", "family": "F1"}, {"id": "P2", "family": "F2"}],
        "sites": [{"id": site, "capacity": 1000} for site in site_ids],
        "markets": [{"id": "M1", "demand": {"P1": 1}}],
        "lanes": [{"site": site, "market": "M1"} for site in site_ids],
    }
    plan = {
        "status": "optimal",
        "flows": flows,
        "pool_utilisation": pools or [],
        "engaged_sites": site_ids,
        "sites": [],
        "unmet": [],
        "cost": {},
    }
    with unit_of_work(engine) as session:
        scenario = planning_service.create_scenario(
            session, actor=SYSTEM_ACTOR, document=doc, site_partners=site_partners
        )
        planning_service.record_plan(session, scenario=scenario, plan=plan)
        return scenario.id


def publish(engine: Engine, scenario_id: int, **zones: int) -> list[int]:
    with unit_of_work(engine) as session:
        made = service.publish(
            session,
            actor=SYSTEM_ACTOR,
            request=schemas.PublishRequest(scenario_id=scenario_id, **zones),
        )
        return [p.id for p in made]


def publication_of_partner_b(world: World, engine: Engine) -> int:
    scenario = solved_scenario(engine, {"B1": world.partner_b}, [flow("B1", "P1", "2027-03", 5)])
    return publish(engine, scenario)[0]


def line_of_partner_b(world: World, engine: Engine) -> int:
    publication_id = publication_of_partner_b(world, engine)
    with unit_of_work(engine) as session:
        return session.execute(
            select(ForecastLine.id).where(ForecastLine.publication_id == publication_id)
        ).scalar_one()


def declaration_of_partner_b(world: World, engine: Engine) -> int:
    """Partner B's declaration (the same one on every call: a second would overlap it)."""
    with unit_of_work(engine) as session:
        existing = session.execute(
            select(CapacityDeclaration.id).where(CapacityDeclaration.partner_id == world.partner_b)
        ).scalar()
        if existing is not None:
            return int(existing)
        return service.create_declaration(
            session,
            actor=SYSTEM_ACTOR,
            data=schemas.DeclarationCreate(
                partner_id=world.partner_b,
                site_id=world.ids["b"]["site_id"],
                family="F1",
                first_period="2027-01",
                last_period="2027-12",
                nameplate=Decimal(100),
            ),
        ).id


def owner_demand_forecast(world: World, engine: Engine) -> int:
    with unit_of_work(engine) as session:
        service.upsert_product(
            session, actor=SYSTEM_ACTOR, data=schemas.ProductUpsert(code="P1", family="F1")
        )
        return service.create_demand(
            session,
            actor=SYSTEM_ACTOR,
            data=schemas.DemandCreate(
                name="Owner",
                lines=[
                    schemas.DemandLineIn(
                        product="P1", market="M1", period="2027-01", qty=Decimal(3)
                    )
                ],
            ),
        ).id


def isolation_resolvers(world: World, engine: Engine) -> dict[str, Callable[[World, Engine], int]]:
    return {
        "forecast:declaration_id": declaration_of_partner_b,
        "forecast:publication_id": publication_of_partner_b,
        "forecast:line_id": line_of_partner_b,
        "forecast:forecast_id": owner_demand_forecast,
    }
