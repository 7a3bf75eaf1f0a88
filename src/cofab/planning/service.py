"""Scenario rules: who may plan, validation before anything is stored, jobs, what-ifs, compare.

The maths lives in ``cofab.planning`` (loader, engine, plan_document, compare); this module only
decides what is allowed, stores documents and queues work. A partner user gets 404 everywhere:
scenarios rank partners against each other and drop them in what-ifs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from cofab.core import audit, jobs
from cofab.core.access import Actor, ensure_owner_staff
from cofab.core.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from cofab.core.i18n import N_
from cofab.core.wiring import ensure_wired
from cofab.planning.compare import PlanFigures, plan_figures
from cofab.planning.engine.highs_runner import new_highs
from cofab.planning.engine.make_or_buy import analyse
from cofab.planning.input_diff import (
    allocation_changes,
    input_changes,
    origin_changes,
    plan_cost,
)
from cofab.planning.live_data import LiveData, convert, no_live_data
from cofab.planning.loader import load_document
from cofab.planning.make_or_buy_input import load_make_or_buy, make_or_buy_document
from cofab.planning.models import ExchangeRate, Scenario, ScenarioSource, ScenarioState
from cofab.planning.plan_rows import periods_of, store_plan_rows
from cofab.planning.plan_views import currency_of
from cofab.planning.problems import Problem
from cofab.planning.registry_scenario import (
    MarketSpec,
    RegistryRequest,
    RegistryScenario,
    build_from_registry,
    match_registry_sites,
)
from cofab.planning.what_if import dropout_penalty, scale_demand, without_sites

#: what other domains (forecast, risk, the demo) may use; everything else is planning's own
__all__ = [
    "LiveData",
    "LiveReader",
    "MarketSpec",
    "RegistryRequest",
    "RegistryScenario",
    "WhatIf",
    "build_from_registry",
    "build_live_scenario",
    "children",
    "compare",
    "compare_inputs",
    "convert",
    "create_from_registry",
    "create_live_from_registry",
    "create_scenario",
    "delete_scenario",
    "enqueue_simulate",
    "enqueue_solve",
    "ensure_reader",
    "ensure_writer",
    "get_scenario",
    "list_scenarios",
    "make_or_buy",
    "new_highs",
    "periods_of",
    "plan_with_simulation",
    "read_live_inputs",
    "record_plan",
    "record_simulation",
    "refresh_from_live",
    "refreshable_request",
    "register_live_reader",
    "store_plan_rows",
    "usd_values",
    "validate_input",
    "what_if",
]


WRITERS = frozenset({"admin", "manager"})
SOLVE_JOB = "planning.solve"
SIMULATE_JOB = "planning.simulate"
SOLVED_STATUSES = frozenset({"optimal", "feasible"})

NO_REGISTRY_SITES = N_(
    "No active or approved partner has a site with a capacity per product family."
)
NOT_SOLVED = N_("Solve the scenario first: there is no feasible plan to simulate.")
NO_PARTNER_SITES = N_("This scenario has no sites of that partner.")
NO_SITES_CHOSEN = N_("Choose at least one site.")
COMPARE_NEEDS_TWO = N_("Choose at least two scenarios to compare.")
WHAT_IF_INVALID = N_("The what-if scenario is not valid: {count} problem(s).")
INPUT_INVALID = N_("The input document has {count} problem(s).")
SOLVE_RUNNING = N_("A solve of this scenario is already queued or running.")
NOT_REFRESHABLE = N_("Only a scenario built from the registry can be refreshed from live data.")
DEMAND_FACTOR = N_("The demand factor must be between 0 and 10.")


def ensure_reader(actor: Actor) -> None:
    ensure_owner_staff(actor)


def ensure_writer(actor: Actor) -> None:
    ensure_owner_staff(actor, WRITERS)


def _field_problems(problems: Sequence[Problem]) -> list[FieldProblem]:
    return [FieldProblem(p.path, p.message, dict(p.params)) for p in problems]


def validate_input(document: Any, message: str = INPUT_INVALID) -> None:
    """Raise ValidationFailed listing every problem the loader finds (nothing is stored)."""
    loaded = load_document(document)
    if isinstance(loaded, list):
        raise ValidationFailed(message, problems=_field_problems(loaded), count=len(loaded))


def _summary(scenario: Scenario) -> dict[str, Any]:
    return {"name": scenario.name, "source": scenario.source, "state": scenario.state}


# --- reading --------------------------------------------------------------------------------


#: plan documents can be megabytes: lists read the summary column instead
LIGHT = (
    defer(Scenario.input_doc, raiseload=True),
    defer(Scenario.result_doc, raiseload=True),
    defer(Scenario.simulation_doc, raiseload=True),
)


def list_scenarios(session: Session, *, actor: Actor, limit: int = 500) -> list[Scenario]:
    ensure_reader(actor)
    stmt = select(Scenario).options(*LIGHT).order_by(Scenario.id.desc()).limit(limit)
    return list(session.execute(stmt).scalars())


def get_scenario(session: Session, *, actor: Actor, scenario_id: int) -> Scenario:
    ensure_reader(actor)
    scenario = session.get(Scenario, scenario_id)
    if scenario is None:
        raise NotFound()
    return scenario


def children(session: Session, *, actor: Actor, scenario_id: int) -> list[Scenario]:
    ensure_reader(actor)
    stmt = select(Scenario).options(*LIGHT).where(Scenario.parent_id == scenario_id)
    return list(session.execute(stmt.order_by(Scenario.id)).scalars())


def plan_with_simulation(scenario: Scenario) -> dict[str, Any] | None:
    """The stored plan with its simulation attached, the shape ``compare`` reads."""
    if scenario.result_doc is None:
        return None
    plan = dict(scenario.result_doc)
    if scenario.simulation_doc is not None:
        plan["simulation"] = scenario.simulation_doc
    return plan


# --- writing --------------------------------------------------------------------------------


def create_scenario(
    session: Session,
    *,
    actor: Actor,
    document: Any,
    name: str | None = None,
    description: str | None = None,
    source: ScenarioSource = ScenarioSource.UPLOAD,
    site_partners: dict[str, int] | None = None,
    parent: Scenario | None = None,
    what_if: dict[str, Any] | None = None,
    invalid_message: str = INPUT_INVALID,
    extra_audit: dict[str, Any] | None = None,
) -> Scenario:
    ensure_writer(actor)
    validate_input(document, invalid_message)
    if site_partners is None:
        site_ids = [str(site.get("id")) for site in document.get("sites", [])]
        site_partners = match_registry_sites(session, actor=actor, site_ids=site_ids)
    label = name or (document.get("name") if isinstance(document, dict) else None) or "Scenario"
    scenario = Scenario(
        name=str(label)[:200],
        description=description or document.get("description"),
        source=source.value,
        state=ScenarioState.DRAFT.value,
        parent_id=parent.id if parent is not None else None,
        what_if=what_if,
        input_doc=document,
        site_partners=site_partners or {},
        created_by=actor.user_id or None,
    )
    session.add(scenario)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="plan_scenario",
        entity_id=scenario.id,
        after=_summary(scenario) | ({"what_if": what_if} if what_if else {}) | (extra_audit or {}),
    )
    return scenario


def create_from_registry(
    session: Session,
    *,
    actor: Actor,
    request: RegistryRequest,
    live: LiveData | None = None,
    refreshed_from: Scenario | None = None,
) -> Scenario:
    """A registry scenario; ``live`` (read by ``live_sources``) replaces generated inputs, and
    ``refreshed_from`` makes it the next version of that scenario."""
    ensure_writer(actor)
    built = build_from_registry(session, actor=actor, request=request, live=live)
    if built is None:
        raise ValidationFailed(NO_REGISTRY_SITES)
    stored_request = request.to_json() | {"start": built.document["periods"][0]}
    scenario = create_scenario(
        session,
        actor=actor,
        document=built.document,
        name=request.name,
        source=ScenarioSource.REGISTRY,
        site_partners=built.site_partners,
        parent=refreshed_from,
        extra_audit=None
        if refreshed_from is None
        else {"refreshed_from": refreshed_from.id, "version": refreshed_from.version + 1},
    )
    scenario.registry_request = stored_request
    scenario.live_inputs = built.live_inputs
    scenario.version = 1 if refreshed_from is None else refreshed_from.version + 1
    session.flush()
    return scenario


# --- live inputs ----------------------------------------------------------------------------
#
# The readers of the live domains (``live_sources``) import forecast, quality, logistics, risk
# and contracts, and forecast and risk import this module: so this module keeps a registry that
# ``live_sources`` fills when it is imported (``PARTS.hooks``), and every caller — planning's
# own API, pages and CLI, risk's contingency activation — builds live scenarios through here.

#: (session, actor, request, today) -> what the live domains say for that request
LiveReader = Callable[[Session, Actor, RegistryRequest, "date | None"], LiveData]
_live_readers: list[LiveReader] = []


def register_live_reader(reader: LiveReader) -> None:
    """The function that reads the live domains (``live_sources`` registers itself)."""
    _live_readers[:] = [reader]


def read_live_inputs(
    session: Session, *, actor: Actor, request: RegistryRequest, today: date | None = None
) -> LiveData:
    """Live prices, PPM, capacities, lanes and demand for the request's partners. A process
    that wired no domain (a script using planning alone) gets generated inputs, listed as
    defaulted like any other missing input."""
    ensure_wired()
    if not _live_readers:
        return no_live_data(today or date.today())
    return _live_readers[0](session, actor, request, today)


def build_live_scenario(
    session: Session, *, actor: Actor, request: RegistryRequest, today: date | None = None
) -> RegistryScenario | None:
    """The live registry input document, not stored (None when no site has capacity)."""
    live = read_live_inputs(session, actor=actor, request=request, today=today)
    return build_from_registry(session, actor=actor, request=request, today=today, live=live)


def create_live_from_registry(
    session: Session, *, actor: Actor, request: RegistryRequest, today: date | None = None
) -> Scenario:
    """A stored registry scenario on live inputs (what the API, page, CLI and risk's
    contingency activation create); a what-if on it takes a partner or site out."""
    ensure_writer(actor)
    live = read_live_inputs(session, actor=actor, request=request, today=today)
    return create_from_registry(session, actor=actor, request=request, live=live)


def refresh_from_live(
    session: Session, *, actor: Actor, scenario_id: int, today: date | None = None
) -> Scenario:
    """ "Refresh from live data": the same request read again, stored as the next version."""
    old = get_scenario(session, actor=actor, scenario_id=scenario_id)
    ensure_writer(actor)
    request = refreshable_request(old)
    live = read_live_inputs(session, actor=actor, request=request, today=today)
    return create_from_registry(
        session, actor=actor, request=request, live=live, refreshed_from=old
    )


def refreshable_request(scenario: Scenario) -> RegistryRequest:
    """The request a registry scenario was built from (same months, partners and markets)."""
    if scenario.source != ScenarioSource.REGISTRY.value or not scenario.registry_request:
        raise Conflict(NOT_REFRESHABLE)
    return RegistryRequest.from_json(scenario.registry_request, name=scenario.name)


def delete_scenario(session: Session, *, actor: Actor, scenario_id: int) -> None:
    scenario = get_scenario(session, actor=actor, scenario_id=scenario_id)
    ensure_writer(actor)
    before = _summary(scenario)
    session.delete(scenario)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="delete",
        entity="plan_scenario",
        entity_id=scenario_id,
        before=before,
    )


def enqueue_solve(session: Session, *, actor: Actor, scenario_id: int) -> jobs.Job:
    scenario = get_scenario(session, actor=actor, scenario_id=scenario_id)
    ensure_writer(actor)
    if scenario.solve_job_id is not None:
        running = session.get(jobs.Job, scenario.solve_job_id)
        if running is not None and running.status not in jobs.FINISHED:
            raise Conflict(SOLVE_RUNNING)
    job = jobs.enqueue(
        session,
        actor=actor,
        kind=SOLVE_JOB,
        payload={"scenario_id": scenario.id, "locale": actor.locale},
    )
    scenario.solve_job_id = job.id
    scenario.state = ScenarioState.QUEUED.value
    scenario.error = None
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="solve",
        entity="plan_scenario",
        entity_id=scenario.id,
        after={"job_id": job.id},
    )
    return job


def _summarise(scenario: Scenario) -> None:
    plan = plan_with_simulation(scenario)
    if plan is None:
        scenario.summary = None
        return
    figures = plan_figures(scenario.name, plan)
    scenario.summary = {
        "total_cost": figures.total_cost,
        "currency": currency_of(scenario.input_doc),
        "engaged_sites": list(plan.get("engaged_sites") or []),
        "unmet_units": figures.unmet_units,
        "hhi_sites": figures.hhi_sites,
        "largest_site_share": figures.largest_site_share,
        "fill_rate_p5": figures.fill_rate_p5,
    }


def record_plan(session: Session, *, scenario: Scenario, plan: dict[str, Any]) -> None:
    """Store a finished plan (by the solve job, or inline for small demo scenarios)."""
    scenario.result_doc = plan
    scenario.simulation_doc = None
    scenario.plan_status = str(plan["status"])
    scenario.state = ScenarioState.SOLVED.value
    scenario.error = None
    _summarise(scenario)
    store_plan_rows(session, scenario)  # flushes
    audit.record(
        session,
        actor=None,
        action="solved",
        entity="plan_scenario",
        entity_id=scenario.id,
        after={"job_id": scenario.solve_job_id, "status": plan["status"]},
    )


def record_simulation(
    session: Session, *, scenario: Scenario, simulation: dict[str, Any], job_id: int | None
) -> None:
    """Attach a Monte Carlo result to the plan it was run on."""
    scenario.simulation_doc = simulation
    _summarise(scenario)
    session.flush()
    audit.record(
        session,
        actor=None,
        action="simulated",
        entity="plan_scenario",
        entity_id=scenario.id,
        after={"job_id": job_id, "scenarios": simulation.get("scenarios")},
    )


def enqueue_simulate(
    session: Session,
    *,
    actor: Actor,
    scenario_id: int,
    scenarios: int,
    seed: int,
    register_disruptions: dict[str, dict[str, Any]] | None = None,
) -> jobs.Job:
    """Queue the Monte Carlo. ``register_disruptions`` (``live_sources.register_disruptions``)
    gives sites without a ``disruption`` of their own the risk register's profile."""
    scenario = get_scenario(session, actor=actor, scenario_id=scenario_id)
    ensure_writer(actor)
    if scenario.plan_status not in SOLVED_STATUSES or scenario.result_doc is None:
        raise Conflict(NOT_SOLVED)
    job = jobs.enqueue(
        session,
        actor=actor,
        kind=SIMULATE_JOB,
        payload={
            "scenario_id": scenario.id,
            "scenarios": scenarios,
            "seed": seed,
            "solve_job_id": scenario.solve_job_id,
            "locale": actor.locale,
            "register_disruptions": register_disruptions or {},
        },
    )
    scenario.simulate_job_id = job.id
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="simulate",
        entity="plan_scenario",
        entity_id=scenario.id,
        after={
            "job_id": job.id,
            "scenarios": scenarios,
            "seed": seed,
            "register_sites": sorted(register_disruptions or {}),
        },
    )
    return job


@dataclass(frozen=True)
class WhatIf:
    kind: str  # partner_out | sites_out | demand_scale
    partner_id: int | None = None
    site_ids: tuple[str, ...] = ()
    factor: float | None = None


def what_if(
    session: Session, *, actor: Actor, scenario_id: int, change: WhatIf, solve: bool = True
) -> tuple[Scenario, jobs.Job | None]:
    """Clone the scenario with one change, store it as a child and (by default) queue a solve."""
    parent = get_scenario(session, actor=actor, scenario_id=scenario_id)
    ensure_writer(actor)
    doc = parent.input_doc
    site_partners = dict(parent.site_partners or {})
    record: dict[str, Any] = {"kind": change.kind}
    if change.kind == "demand_scale":
        factor = change.factor if change.factor is not None else 1.3
        if not 0 < factor <= 10:
            raise ValidationFailed(problems=[FieldProblem("factor", DEMAND_FACTOR)])
        new_doc = scale_demand(doc, factor)
        record["factor"] = factor
        label = f"{parent.name} · demand {factor - 1:+.0%}"
    else:
        if change.kind == "partner_out":
            gone = {site for site, pid in site_partners.items() if pid == change.partner_id}
            if not gone:
                raise ValidationFailed(problems=[FieldProblem("partner_id", NO_PARTNER_SITES)])
            record["partner_id"] = change.partner_id
        else:
            gone = set(change.site_ids)
            if not gone:
                raise ValidationFailed(problems=[FieldProblem("site_ids", NO_SITES_CHOSEN)])
        record["sites"] = sorted(gone)
        new_doc = without_sites(doc, gone)
        if any(m.get("unmet_penalty") is None for m in doc.get("markets", [])):
            record["unmet_penalty"] = dropout_penalty(doc)  # shown next to the unmet demand
        site_partners = {k: v for k, v in site_partners.items() if k not in gone}
        label = f"{parent.name} · {', '.join(sorted(gone))} out"
    new_doc["name"] = label[:200]
    child = create_scenario(
        session,
        actor=actor,
        document=new_doc,
        name=label,
        source=ScenarioSource.WHAT_IF,
        site_partners=site_partners,
        parent=parent,
        what_if=record,
        invalid_message=WHAT_IF_INVALID,
    )
    job = enqueue_solve(session, actor=actor, scenario_id=child.id) if solve else None
    return child, job


def compare(
    session: Session, *, actor: Actor, scenario_ids: Sequence[int]
) -> list[tuple[Scenario, PlanFigures | None]]:
    ensure_reader(actor)
    ids = list(dict.fromkeys(scenario_ids))
    if len(ids) < 2:
        raise ValidationFailed(problems=[FieldProblem("ids", COMPARE_NEEDS_TWO)])
    rows = []
    for scenario_id in ids:
        scenario = get_scenario(session, actor=actor, scenario_id=scenario_id)
        plan = plan_with_simulation(scenario)
        rows.append((scenario, None if plan is None else plan_figures(scenario.name, plan)))
    return rows


def compare_inputs(
    session: Session, *, actor: Actor, base_id: int, other_id: int
) -> dict[str, Any]:
    """What changed in the inputs from ``base`` to ``other`` (values and origins) next to how
    the allocation moved and why (``input_diff``)."""
    ensure_reader(actor)
    base = get_scenario(session, actor=actor, scenario_id=base_id)
    other = get_scenario(session, actor=actor, scenario_id=other_id)
    inputs = input_changes(base.input_doc, other.input_doc)
    return {
        "base": {"id": base.id, "name": base.name, "version": base.version},
        "other": {"id": other.id, "name": other.name, "version": other.version},
        "inputs": inputs,
        "origins": origin_changes(base.live_inputs, other.live_inputs),
        "allocation": allocation_changes(base.result_doc, other.result_doc, inputs),
        "cost": {"before": plan_cost(base.result_doc), "after": plan_cost(other.result_doc)},
        "solved": [base.result_doc is not None, other.result_doc is not None],
    }


def make_or_buy(*, actor: Actor, case: Any) -> dict[str, Any]:
    """Own capacity or a contract manufacturer (no data stored, so nothing to audit)."""
    import numpy as np

    ensure_reader(actor)
    loaded = load_make_or_buy(case)
    if isinstance(loaded, list):
        raise ValidationFailed(INPUT_INVALID, problems=_field_problems(loaded), count=len(loaded))
    levels = None if loaded.levels is None else np.array(loaded.levels)
    return make_or_buy_document(loaded, analyse(loaded.case, levels))


def usd_values(session: Session) -> dict[str, float]:
    """Planning's exchange-rate table (currency → US dollars per unit), as :func:`convert`
    reads it: live registry scenarios and other domains (risk's spend) convert alike."""
    rows = session.execute(select(ExchangeRate.currency, ExchangeRate.usd_value)).all()
    return {str(code).upper(): float(value) for code, value in rows}
