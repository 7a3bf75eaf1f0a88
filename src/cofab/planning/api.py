"""Planning JSON API under /api/v1/plans: parse, call one service function, return.

A typical session with a personal API token (owner roles; admin/manager to write)::

    POST /api/v1/plans {"name": "Q1", "input": {...planner input document...}}   → 201 scenario
    POST /api/v1/plans/{id}/solve                        → 202 {"job_id", "job_url"}
    GET  /api/v1/jobs/{job_id}                           → status, progress, message
    GET  /api/v1/plans/{id}/result                       → the plan document (as `cofab plan solve`)
    POST /api/v1/plans/{id}/simulate {"scenarios": 5000, "seed": 1}   → 202 job
    POST /api/v1/plans/{id}/what-if {"kind": "partner_out", "partner_id": 7}  → 201 child + job
    GET  /api/v1/plans/compare?ids=1&ids=2               → side-by-side figures
    POST /api/v1/plans/{id}/refresh                      → 201 the next version (live inputs)
    GET  /api/v1/plans/compare/inputs?ids=1&ids=2        → inputs diff next to allocation diff
    PUT  /api/v1/plans/settings/exchange-rates {"rates": [{"currency": "KRW", "usd_value": 0.0007}]}
    PUT  /api/v1/plans/settings/freight-units {"units": [{"product": "P-A", "unit_kg": 2.5}]}

A bad input document answers 422 problem+json listing every problem with its JSON path.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from cofab.core.access import viewer_may_call
from cofab.core.errors import Conflict, FieldProblem, ValidationFailed
from cofab.core.i18n import N_
from cofab.core.jobs import Job
from cofab.core.web import ApiActor, DbSession
from cofab.planning import conversion_tables, live_sources, schemas, service

router = APIRouter(prefix="/api/v1/plans", tags=["planning"])
NO_RESULT = N_("This scenario has no plan yet: solve it first.")


def _started(scenario_id: int, job: Job) -> schemas.JobStarted:
    url = f"/api/v1/jobs/{job.id}"
    return schemas.JobStarted(scenario_id=scenario_id, job_id=job.id, job_url=url)


@router.get("", response_model=list[schemas.ScenarioSummary])
def list_scenarios(session: DbSession, actor: ApiActor) -> list[schemas.ScenarioSummary]:
    return [schemas.ScenarioSummary.of(s) for s in service.list_scenarios(session, actor=actor)]


@router.post("", response_model=schemas.ScenarioRead, status_code=201)
def create_scenario(
    session: DbSession, actor: ApiActor, body: schemas.ScenarioCreate
) -> schemas.ScenarioRead:
    scenario = service.create_scenario(
        session, actor=actor, document=body.input, name=body.name, description=body.description
    )
    return schemas.ScenarioRead.full(scenario)


@router.post("/from-registry", response_model=schemas.ScenarioRead, status_code=201)
def create_from_registry(
    session: DbSession, actor: ApiActor, body: schemas.RegistryScenarioCreate
) -> schemas.ScenarioRead:
    scenario = service.create_live_from_registry(session, actor=actor, request=body.request())
    return schemas.ScenarioRead.full(scenario)


@router.get("/compare/inputs")
def compare_inputs(
    session: DbSession, actor: ApiActor, ids: Annotated[list[int], Query()]
) -> dict[str, Any]:
    """Inputs diff (values and origins) next to the allocation diff, for two scenarios."""
    if len(ids) != 2:
        raise ValidationFailed(problems=[FieldProblem("ids", service.COMPARE_NEEDS_TWO)])
    return service.compare_inputs(session, actor=actor, base_id=ids[0], other_id=ids[1])


@router.get("/compare", response_model=list[schemas.CompareRow])
def compare(
    session: DbSession, actor: ApiActor, ids: Annotated[list[int], Query()]
) -> list[schemas.CompareRow]:
    rows = service.compare(session, actor=actor, scenario_ids=ids)
    return [
        schemas.CompareRow(
            scenario_id=scenario.id,
            name=scenario.name,
            state=scenario.state,
            figures=None if figures is None else asdict(figures),
        )
        for scenario, figures in rows
    ]


@router.post("/make-or-buy")
@viewer_may_call
def make_or_buy(actor: ApiActor, body: schemas.MakeOrBuyCase) -> dict[str, Any]:
    return service.make_or_buy(actor=actor, case=body.root)


def _rates(rows: list[Any]) -> list[schemas.PlanningRateRead]:
    return [
        schemas.PlanningRateRead(
            currency=r.currency, usd_value=r.usd_value, updated_at=r.updated_at
        )
        for r in rows
    ]


def _freight(rows: list[Any]) -> list[schemas.PlanningFreightRead]:
    return [
        schemas.PlanningFreightRead(
            product=r.product,
            unit_kg=r.unit_kg,
            units_per_container=r.units_per_container,
            updated_at=r.updated_at,
        )
        for r in rows
    ]


@router.get("/settings/exchange-rates", response_model=list[schemas.PlanningRateRead])
def exchange_rates(session: DbSession, actor: ApiActor) -> list[schemas.PlanningRateRead]:
    """The owner's exchange rates (US dollars per unit) live scenarios convert with."""
    return _rates(conversion_tables.list_rates(session, actor=actor))


@router.put("/settings/exchange-rates", response_model=list[schemas.PlanningRateRead])
def replace_exchange_rates(
    session: DbSession, actor: ApiActor, body: schemas.PlanningRatesIn
) -> list[schemas.PlanningRateRead]:
    rows = [conversion_tables.RateRow(r.currency, r.usd_value) for r in body.rates]
    return _rates(conversion_tables.replace_rates(session, actor=actor, rows=rows))


@router.get("/settings/freight-units", response_model=list[schemas.PlanningFreightRead])
def freight_units(session: DbSession, actor: ApiActor) -> list[schemas.PlanningFreightRead]:
    """Unit weights and units per container: lanes priced per kg or container become per unit."""
    return _freight(conversion_tables.list_freight(session, actor=actor))


@router.put("/settings/freight-units", response_model=list[schemas.PlanningFreightRead])
def replace_freight_units(
    session: DbSession, actor: ApiActor, body: schemas.PlanningFreightIn
) -> list[schemas.PlanningFreightRead]:
    rows = [
        conversion_tables.FreightRow(u.product, u.unit_kg, u.units_per_container)
        for u in body.units
    ]
    return _freight(conversion_tables.replace_freight(session, actor=actor, rows=rows))


@router.get("/{scenario_id}", response_model=schemas.ScenarioRead)
def get_scenario(session: DbSession, actor: ApiActor, scenario_id: int) -> schemas.ScenarioRead:
    return schemas.ScenarioRead.full(
        service.get_scenario(session, actor=actor, scenario_id=scenario_id)
    )


@router.delete("/{scenario_id}", status_code=204)
def delete_scenario(session: DbSession, actor: ApiActor, scenario_id: int) -> Response:
    service.delete_scenario(session, actor=actor, scenario_id=scenario_id)
    return Response(status_code=204)


@router.post("/{scenario_id}/solve", response_model=schemas.JobStarted, status_code=202)
def solve(session: DbSession, actor: ApiActor, scenario_id: int) -> schemas.JobStarted:
    job = service.enqueue_solve(session, actor=actor, scenario_id=scenario_id)
    return _started(scenario_id, job)


@router.get("/{scenario_id}/result")
def get_result(session: DbSession, actor: ApiActor, scenario_id: int) -> dict[str, Any]:
    scenario = service.get_scenario(session, actor=actor, scenario_id=scenario_id)
    plan = service.plan_with_simulation(scenario)
    if plan is None:
        raise Conflict(NO_RESULT)
    return plan


@router.post("/{scenario_id}/simulate", response_model=schemas.JobStarted, status_code=202)
def simulate(
    session: DbSession, actor: ApiActor, scenario_id: int, body: schemas.SimulateRequest
) -> schemas.JobStarted:
    scenario = service.get_scenario(session, actor=actor, scenario_id=scenario_id)
    profiles = live_sources.register_disruptions(session, actor=actor, scenario=scenario)
    job = service.enqueue_simulate(
        session,
        actor=actor,
        scenario_id=scenario_id,
        scenarios=body.scenarios,
        seed=body.seed,
        register_disruptions=profiles,
    )
    return _started(scenario_id, job)


@router.post("/{scenario_id}/refresh", response_model=schemas.ScenarioRead, status_code=201)
def refresh(session: DbSession, actor: ApiActor, scenario_id: int) -> schemas.ScenarioRead:
    """Refresh from live data: the next version of a registry scenario, linked to this one."""
    return schemas.ScenarioRead.full(
        service.refresh_from_live(session, actor=actor, scenario_id=scenario_id)
    )


@router.post("/{scenario_id}/what-if", response_model=schemas.WhatIfCreated, status_code=201)
def what_if(
    session: DbSession, actor: ApiActor, scenario_id: int, body: schemas.WhatIfRequest
) -> schemas.WhatIfCreated:
    change = service.WhatIf(
        kind=body.kind,
        partner_id=body.partner_id,
        site_ids=tuple(body.site_ids),
        factor=body.factor,
    )
    child, job = service.what_if(
        session, actor=actor, scenario_id=scenario_id, change=change, solve=body.solve
    )
    return schemas.WhatIfCreated(
        scenario=schemas.ScenarioSummary.of(child), job_id=None if job is None else job.id
    )
