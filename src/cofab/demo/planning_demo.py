"""Planning demo data: one scenario per demo case, built from that case's registry data.

Each case gets "<case>: next quarter from the registry" (its active and approved partners'
sites, built on the live data the demo loaded before it — contract prices, quality's PPM per
site, capacity declarations such as the JV's ramp, the carriers' lanes; what is still missing is
generated and listed as defaulted, see ``cofab.planning.registry_scenario``) plus a
"demand +30 %" what-if of it, so the compare page has something to show. ``demo/loader.py``
runs it after the quality, logistics and forecast data, so "refresh from live data" on a demo
plan reads the same sources. Planning's conversion tables get rough exchange rates and each
demo family's weight and units per container once, so the carriers' lanes priced per kg or
container and in EUR plan as live lanes. Both scenarios are solved at load time when the solve
is quick (well under a second on these sizes); a solve that needs longer than
``INLINE_SOLVE_S`` is left queued for the worker that ``cofab up`` starts.
"""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core.access import SYSTEM_ACTOR
from cofab.partners.models import Partner
from cofab.planning import conversion_tables, live_sources, service
from cofab.planning.jobs import plan_for
from cofab.planning.models import Scenario
from cofab.planning.registry_scenario import PLANNABLE_STATUSES, RegistryRequest

INLINE_SOLVE_S = 2.0
#: US dollars per unit (rough 2026 rates) for the cases' EUR lanes and KRW contracts
DEMO_RATES = {"CNY": "0.14", "EUR": "1.08", "JPY": "0.0067", "KRW": "0.00072"}
#: family → (kg a unit, units a container) so the carriers' kg and container lanes plan
DEMO_FREIGHT = {
    "smartphone": ("0.4", "10000"),
    "tablet": ("0.8", "5000"),
    "laptop": ("2.5", "1500"),
    "wearable": ("0.1", "30000"),
    "camera module": ("0.02", "100000"),
    "cover glass": ("0.03", "80000"),
    "enclosures": ("0.2", "20000"),
    "NMC pouch cell": ("0.9", "20000"),
    "NCM cathode": ("1", "20000"),
    "battery module": ("30", "500"),
    "monoclonal antibody": ("0.05", "40000"),
    "vial": ("0.02", "100000"),
    "prefilled syringe": ("0.03", "80000"),
    "cartridge": ("0.03", "80000"),
    "clinical kit": ("0.5", "4000"),
}
TITLES = {
    "electronics": "Electronics: next quarter from the registry",
    "automotive": "Automotive: next quarter from the registry",
    "pharma": "Pharma: next quarter from the registry",
}


def _solve_inline_or_queue(session: Session, scenario: Scenario) -> None:
    document = dict(scenario.input_doc)
    document["policy"] = {**document.get("policy", {}), "time_limit_s": INLINE_SOLVE_S}
    started = time.perf_counter()
    plan = plan_for(document)
    quick = time.perf_counter() - started < INLINE_SOLVE_S
    if quick and plan["status"] in ("optimal", "infeasible"):
        service.record_plan(session, scenario=scenario, plan=plan)
    else:
        service.enqueue_solve(session, actor=SYSTEM_ACTOR, scenario_id=scenario.id)


def _conversion_tables(session: Session) -> None:
    """Exchange rates and freight units, once (an owner's own table is left as it is)."""
    if not conversion_tables.list_rates(session, actor=SYSTEM_ACTOR):
        rates = [conversion_tables.RateRow(c, Decimal(v)) for c, v in DEMO_RATES.items()]
        conversion_tables.replace_rates(session, actor=SYSTEM_ACTOR, rows=rates)
    if not conversion_tables.list_freight(session, actor=SYSTEM_ACTOR):
        units = [
            conversion_tables.FreightRow(family, Decimal(kg), Decimal(per))
            for family, (kg, per) in DEMO_FREIGHT.items()
        ]
        conversion_tables.replace_freight(session, actor=SYSTEM_ACTOR, rows=units)


def load(session: Session, case_name: str, refs: dict[str, int], today: date) -> None:
    """Add the case's planning scenarios once; a second load leaves them alone."""
    title = TITLES.get(case_name)
    if title is None:
        return
    _conversion_tables(session)
    if session.execute(select(Scenario.id).where(Scenario.name == title)).first():
        return
    partner_ids = list(
        session.execute(
            select(Partner.id).where(
                Partner.id.in_(list(refs.values())), Partner.status.in_(PLANNABLE_STATUSES)
            )
        ).scalars()
    )
    if not partner_ids:
        return
    month = (today.month % 12) + 1
    year = today.year + (1 if today.month == 12 else 0)
    request = RegistryRequest(
        name=title, periods=3, start=f"{year:04d}-{month:02d}", partner_ids=partner_ids
    )
    live = live_sources.read_live(session, actor=SYSTEM_ACTOR, request=request, today=today)
    scenario = service.create_from_registry(session, actor=SYSTEM_ACTOR, request=request, live=live)
    _solve_inline_or_queue(session, scenario)
    child, _job = service.what_if(
        session,
        actor=SYSTEM_ACTOR,
        scenario_id=scenario.id,
        change=service.WhatIf("demand_scale", factor=1.3),
        solve=False,
    )
    _solve_inline_or_queue(session, child)
