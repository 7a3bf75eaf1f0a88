"""Background handlers: solve a scenario, simulate its plan (run by ``cofab worker``).

No database session is open while HiGHS or the Monte Carlo runs: the handler reads the scenario
in one short transaction, computes, and writes the result in another. A result is stored only if
the scenario still points at this job (a newer solve, or a deletion, wins).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cofab.core.i18n import N_, translate
from cofab.core.jobs import JobContext, register
from cofab.db.session import unit_of_work
from cofab.planning.engine.disruption import simulate
from cofab.planning.engine.solve import SolveEvent, solve_plan
from cofab.planning.live_data import with_register_disruptions
from cofab.planning.loader import load_document
from cofab.planning.models import Scenario, ScenarioState
from cofab.planning.plan_document import plan_document
from cofab.planning.problems import render
from cofab.planning.service import SIMULATE_JOB, SOLVE_JOB, record_plan, record_simulation
from cofab.planning.simulation_setup import build_network, simulation_document

STAGES = {
    "build": (0.05, N_("Building the model")),
    "solve": (0.15, N_("Solving the MILP")),
    "shadow_prices": (0.85, N_("Computing shadow prices")),
    "explain": (0.85, N_("Explaining why the model is infeasible")),
    "done": (0.95, N_("Done")),
}
SOLVING_DETAIL = N_("Solving the MILP: best {best}, gap {gap}")
SIMULATING = N_("Simulating disruptions")
SAVING = N_("Saving the result")


def _read(context: JobContext, scenario_id: int) -> tuple[dict[str, Any], dict[str, Any] | None]:
    with unit_of_work(context.engine) as session:
        scenario = session.get(Scenario, scenario_id)
        if scenario is None:
            raise LookupError(f"scenario {scenario_id} no longer exists")
        return dict(scenario.input_doc), scenario.result_doc


def _fail(context: JobContext, scenario_id: int, error: Exception) -> None:
    with unit_of_work(context.engine) as session:
        scenario = session.get(Scenario, scenario_id)
        if scenario is not None and scenario.solve_job_id == context.job_id:
            scenario.state = ScenarioState.FAILED.value
            scenario.error = f"{type(error).__name__}: {error}"[:2000]


def plan_for(
    document: dict[str, Any], progress: Callable[[SolveEvent], None] | None = None
) -> dict[str, Any]:
    """Validate, solve and report one input document: the plan document ``cofab plan`` writes."""
    loaded = load_document(document)
    if isinstance(loaded, list):
        raise ValueError("; ".join(render(loaded)))
    return plan_document(loaded, solve_plan(loaded.model, progress=progress))


@register(SOLVE_JOB)
def solve_scenario(context: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    import numpy as np

    scenario_id = int(payload["scenario_id"])
    locale = str(payload.get("locale") or "en")

    def report(event: SolveEvent) -> None:
        fraction, message = STAGES.get(event.stage, (0.5, event.stage))
        text = translate(message, locale)
        if event.mip is not None and np.isfinite(event.mip.primal_bound):
            gap = event.mip.gap if np.isfinite(event.mip.gap) else 1.0
            fraction = 0.15 + 0.7 * max(0.0, 1.0 - min(1.0, gap))
            text = translate(
                SOLVING_DETAIL, locale, best=f"{event.mip.primal_bound:,.0f}", gap=f"{gap:.2%}"
            )
        context.progress(fraction, text, force=event.mip is None)

    try:
        document, _ = _read(context, scenario_id)
        plan = plan_for(document, report)
    except Exception as error:
        _fail(context, scenario_id, error)
        raise
    context.progress(0.97, translate(SAVING, locale), force=True)
    with unit_of_work(context.engine) as session:
        scenario = session.get(Scenario, scenario_id)
        stored = scenario is not None and scenario.solve_job_id == context.job_id
        if scenario is not None and stored:
            record_plan(session, scenario=scenario, plan=plan)
    return {
        "scenario_id": scenario_id,
        "status": plan["status"],
        "objective": plan["objective"],
        "stored": stored,
    }


@register(SIMULATE_JOB)
def simulate_scenario(context: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    scenario_id = int(payload["scenario_id"])
    locale = str(payload.get("locale") or "en")
    count = int(payload.get("scenarios", 2000))
    seed = int(payload.get("seed", 1))
    document, plan = _read(context, scenario_id)
    profiles = payload.get("register_disruptions") or {}
    document, from_register = with_register_disruptions(document, profiles)
    loaded = load_document(document)
    if isinstance(loaded, list):
        raise ValueError("; ".join(render(loaded)))
    network = build_network(loaded, plan)
    if isinstance(network, list):
        raise ValueError("; ".join(render(network)))
    message = translate(SIMULATING, locale)
    context.progress(0.02, message, force=True)
    result = simulate(
        network,
        loaded.disruption,
        scenarios=count,
        seed=seed,
        progress=lambda done, total: context.progress(0.02 + 0.93 * done / max(1, total), message),
    )
    doc = simulation_document(loaded, result)
    if profiles:
        doc["register_disruptions"] = {
            site: {**profiles[site]["disruption"], "risks": profiles[site].get("risks", [])}
            for site in from_register
        }
    with unit_of_work(context.engine) as session:
        scenario = session.get(Scenario, scenario_id)
        stored = scenario is not None and scenario.solve_job_id == payload.get("solve_job_id")
        if scenario is not None and stored:
            record_simulation(session, scenario=scenario, simulation=doc, job_id=context.job_id)
    return {"scenario_id": scenario_id, "fill_rate": doc["fill_rate"], "stored": stored}
