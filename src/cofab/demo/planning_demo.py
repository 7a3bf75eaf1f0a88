"""Planning demo data: one scenario per demo case, built from that case's registry data.

Each case gets "<case>: next quarter from the registry" (its active and approved partners'
sites and capacities, generated markets, demand, costs and freight — see
``cofab.planning.registry_scenario``) plus a "demand +30 %" what-if of it, so the compare page
has something to show. Both are solved at load time when the solve is quick (it takes well
under a second on these sizes); a solve that needs longer than ``INLINE_SOLVE_S`` is left
queued for the worker that ``cofab up`` starts.
"""

from __future__ import annotations

import time
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core.access import SYSTEM_ACTOR
from cofab.partners.models import Partner
from cofab.planning import service
from cofab.planning.jobs import plan_for
from cofab.planning.models import Scenario
from cofab.planning.registry_scenario import PLANNABLE_STATUSES, RegistryRequest

INLINE_SOLVE_S = 2.0
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


def load(session: Session, case_name: str, refs: dict[str, int], today: date) -> None:
    """Add the case's planning scenarios once; a second load leaves them alone."""
    title = TITLES.get(case_name)
    if title is None:
        return
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
    scenario = service.create_from_registry(session, actor=SYSTEM_ACTOR, request=request)
    _solve_inline_or_queue(session, scenario)
    child, _job = service.what_if(
        session,
        actor=SYSTEM_ACTOR,
        scenario_id=scenario.id,
        change=service.WhatIf("demand_scale", factor=1.3),
        solve=False,
    )
    _solve_inline_or_queue(session, child)
