"""Risk JSON API under /api/v1/risk: parse, call one register function, return.

Partner users get 404 on every route (``register.ensure_reader``), before any input is read."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Request, Response, UploadFile

from cofab.core.downloads import tabular_response
from cofab.core.errors import NotFound
from cofab.core.tabular import TableLimits, read_table
from cofab.core.uploads import read_limited
from cofab.core.web import ApiActor, DbSession
from cofab.risk import (
    activation,
    contingency,
    disruptions,
    drill_export,
    register,
    register_io,
    schemas,
    signals,
    site_recovery,
    spend,
    transitions,
)
from cofab.risk.drill_cadence import cadence_of
from cofab.risk.models import Risk
from cofab.risk.plan_steps import list_steps
from cofab.risk.single_source import single_sources as single_sources_of

router = APIRouter(prefix="/api/v1/risk", tags=["risk"])


def _detail(risk: Risk) -> schemas.RiskDetail:
    base = schemas.RiskRead.model_validate(risk).model_dump()
    return schemas.RiskDetail.model_validate(
        base
        | {
            "mitigations": [schemas.MitigationRead.model_validate(m) for m in risk.mitigations],
            "history": [schemas.StatusChangeRead.model_validate(h) for h in risk.history],
            "review_overdue": risk.review_overdue(date.today()),
        }
    )


def _filter(
    partner_id: int | None,
    category: str | None,
    owner: str | None,
    status: str | None,
    overdue: bool,
) -> register.RiskFilter:
    return register.RiskFilter(partner_id, category, owner, status, overdue)


@router.get("/risks", response_model=list[schemas.RiskRead])
def list_risks(
    session: DbSession,
    actor: ApiActor,
    partner_id: int | None = None,
    category: str | None = None,
    owner: str | None = None,
    status: str | None = None,
    overdue: bool = False,
) -> Any:
    flt = _filter(partner_id, category, owner, status, overdue)
    return register.list_risks(session, actor=actor, flt=flt)


@router.post("/risks", response_model=schemas.RiskDetail, status_code=201)
def create_risk(session: DbSession, actor: ApiActor, body: schemas.RiskCreate) -> Any:
    return _detail(register.create_risk(session, actor=actor, data=body))


@router.get("/heatmap")
def heat_map(
    session: DbSession,
    actor: ApiActor,
    basis: schemas.HeatBasis = "inherent",
    partner_id: int | None = None,
    category: str | None = None,
    owner: str | None = None,
) -> dict[str, Any]:
    flt = _filter(partner_id, category, owner, None, False)
    risks = register.list_risks(session, actor=actor, flt=flt)
    grid = register.heat_map(risks, residual=basis == "residual")
    return {"basis": basis, "likelihood_rows": [5, 4, 3, 2, 1], "grid": grid}


@router.get("/export")
def export_register(
    session: DbSession,
    actor: ApiActor,
    format: Literal["csv", "xlsx"] = "csv",
) -> Response:
    risks = register.list_risks(session, actor=actor, flt=register.RiskFilter())
    rows = register_io.export_rows(risks)
    return tabular_response(list(register_io.COLUMNS), rows, "risks", format)


@router.post("/import")
def import_register(
    request: Request,
    session: DbSession,
    actor: ApiActor,
    file: Annotated[UploadFile, File()],
) -> dict[str, int]:
    register.ensure_writer(actor)
    settings = request.app.state.settings
    content = read_limited(file, settings.max_upload_mb)
    rows = read_table(content, file.filename or "upload.csv", TableLimits.of(settings))
    result = register_io.import_rows(session, actor=actor, rows=rows)
    return {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}


SpendQueryDep = Annotated[spend.SpendQuery, Depends()]


@router.get("/concentration")
def concentration(session: DbSession, actor: ApiActor, query: SpendQueryDep) -> dict[str, Any]:
    """HHI of received spend or volume by partner, country, region or product family."""
    return spend.concentration_report(session, actor=actor, query=query)


@router.get("/concentration/trend")
def concentration_trend(
    session: DbSession, actor: ApiActor, query: SpendQueryDep
) -> dict[str, Any]:
    """HHI per calendar quarter with its top contributors and the DOJ/FTC band limits."""
    return spend.concentration_trend(session, actor=actor, query=query)


@router.get("/disruptions")
def disruption_profiles(
    session: DbSession, actor: ApiActor, period_weeks: float = disruptions.MONTH_WEEKS
) -> list[dict[str, Any]]:
    """Each site's disruption probability per period and outage from the open risks, with the
    planner's ``disruption`` object ready to put on the site (mapping in ``risk/disruptions``)."""
    if not 0 < period_weeks <= 52:
        period_weeks = disruptions.MONTH_WEEKS
    return [
        {
            "site_id": p.site_id,
            "site": p.site,
            "partner": p.partner,
            "probability": p.probability,
            "weeks_down": p.weeks_down,
            "risks": p.risks,
            "disruption": p.disruption(period_weeks),
        }
        for p in disruptions.site_profiles(session, actor=actor, period_weeks=period_weeks)
    ]


@router.post("/signals", response_model=list[schemas.RiskRead])
def raise_signals(session: DbSession, actor: ApiActor) -> Any:
    """Open the risks that certificates and scorecards signal (idempotent)."""
    return signals.raise_signals(session, actor=actor)


@router.get("/single-sources")
def single_sources(session: DbSession, actor: ApiActor) -> list[dict[str, Any]]:
    """Product families only one active partner supplies, with spend and unused alternatives."""
    return [asdict(s) for s in single_sources_of(session, actor=actor)]


@router.get("/risks/{risk_id}", response_model=schemas.RiskDetail)
def get_risk(session: DbSession, actor: ApiActor, risk_id: int) -> Any:
    return _detail(register.get_risk(session, actor=actor, risk_id=risk_id))


@router.patch("/risks/{risk_id}", response_model=schemas.RiskDetail)
def update_risk(session: DbSession, actor: ApiActor, risk_id: int, body: schemas.RiskUpdate) -> Any:
    return _detail(register.update_risk(session, actor=actor, risk_id=risk_id, data=body))


@router.delete("/risks/{risk_id}", status_code=204)
def delete_risk(session: DbSession, actor: ApiActor, risk_id: int) -> Response:
    register.delete_risk(session, actor=actor, risk_id=risk_id)
    return Response(status_code=204)


@router.post("/risks/{risk_id}/status", response_model=schemas.RiskDetail)
def change_status(
    session: DbSession, actor: ApiActor, risk_id: int, body: schemas.RiskStatusIn
) -> Any:
    risk = register.change_status(
        session, actor=actor, risk_id=risk_id, status=body.status, note=body.note
    )
    return _detail(risk)


@router.post("/risks/{risk_id}/review", response_model=schemas.RiskDetail)
def mark_reviewed(session: DbSession, actor: ApiActor, risk_id: int) -> Any:
    return _detail(register.mark_reviewed(session, actor=actor, risk_id=risk_id))


@router.post("/risks/{risk_id}/mitigations", response_model=schemas.MitigationRead, status_code=201)
def add_mitigation(
    session: DbSession, actor: ApiActor, risk_id: int, body: schemas.MitigationIn
) -> Any:
    return register.add_mitigation(session, actor=actor, risk_id=risk_id, data=body)


@router.patch("/mitigations/{mitigation_id}", response_model=schemas.MitigationRead)
def update_mitigation(
    session: DbSession, actor: ApiActor, mitigation_id: int, body: schemas.MitigationUpdate
) -> Any:
    return register.update_mitigation(session, actor=actor, mitigation_id=mitigation_id, data=body)


def _plan(session: Any, plan: Any) -> schemas.PlanRead:
    steps = [schemas.StepRead.model_validate(s) for s in list_steps(session, plan_id=plan.id)]
    read = schemas.PlanRead.model_validate(plan)
    cadence = cadence_of(session, plan)
    return read.model_copy(
        update={
            "untested": plan.is_untested(date.today(), cadence.days),
            "drill_cadence_days": cadence.days,
            "drill_cadence_source": cadence.source,
            "next_drill_due": plan.drill_due(cadence.days),
            "steps": steps,
        }
    )


@router.get("/plans", response_model=list[schemas.PlanRead])
def list_plans(session: DbSession, actor: ApiActor) -> Any:
    return [_plan(session, p) for p in contingency.list_plans(session, actor=actor)]


@router.post("/plans", response_model=schemas.PlanRead, status_code=201)
def create_plan(session: DbSession, actor: ApiActor, body: schemas.PlanCreate) -> Any:
    """The plan with its switch-over steps (``steps``, in order); a bad step or alternate
    source is refused by field and nothing is written."""
    return _plan(session, contingency.create_plan(session, actor=actor, data=body))


@router.get("/plans/{plan_id}", response_model=schemas.PlanRead)
def get_plan(session: DbSession, actor: ApiActor, plan_id: int) -> Any:
    return _plan(session, contingency.get_plan(session, actor=actor, plan_id=plan_id))


@router.patch("/plans/{plan_id}", response_model=schemas.PlanRead)
def update_plan(
    session: DbSession, actor: ApiActor, plan_id: int, body: schemas.ContingencyPlanUpdate
) -> Any:
    """Change the fields given; a new alternate source (or family) is checked again."""
    plan = contingency.update_plan(session, actor=actor, plan_id=plan_id, data=body)
    return _plan(session, plan)


@router.get("/plans/{plan_id}/drills", response_model=list[schemas.DrillRead])
def list_drills(session: DbSession, actor: ApiActor, plan_id: int) -> Any:
    """The drills held, latest first, each with the actual days per timed step, the gap to
    the planned days and the totals."""
    plan = contingency.get_plan(session, actor=actor, plan_id=plan_id)
    return contingency.list_drills(session, plan_id=plan.id)


@router.get("/plans/{plan_id}/drills/export")
def export_drills(
    session: DbSession,
    actor: ApiActor,
    plan_id: int,
    format: Literal["csv", "xlsx"] = "csv",
) -> Response:
    """One row per timed step of every drill (a drill that timed none: one row without a
    step), with planned and actual days and the gap."""
    plan = contingency.get_plan(session, actor=actor, plan_id=plan_id)
    rows = drill_export.rows(contingency.list_drills(session, plan_id=plan.id))
    return tabular_response(list(drill_export.COLUMNS), rows, f"drills-{plan.id}", format)


@router.post("/plans/{plan_id}/drills", response_model=schemas.PlanRead)
def record_drill(session: DbSession, actor: ApiActor, plan_id: int, body: schemas.DrillIn) -> Any:
    """A drill held; ``steps`` gives the actual days each switch-over step took."""
    plan = contingency.record_drill(session, actor=actor, plan_id=plan_id, data=body)
    return _plan(session, plan)


@router.get("/plans/{plan_id}/steps", response_model=list[schemas.StepRead])
def list_plan_steps(session: DbSession, actor: ApiActor, plan_id: int) -> Any:
    plan = contingency.get_plan(session, actor=actor, plan_id=plan_id)
    return list_steps(session, plan_id=plan.id)


@router.post("/plans/{plan_id}/steps", response_model=schemas.StepRead, status_code=201)
def add_step(session: DbSession, actor: ApiActor, plan_id: int, body: schemas.StepIn) -> Any:
    """A switch-over step with its owner (and partner, whose users then see its task) and the
    days it is planned to take."""
    return contingency.add_step(session, actor=actor, plan_id=plan_id, data=body)


def _activation(session: Any, actor: Any, found: Any) -> dict[str, Any]:
    result = activation.report(session, actor=actor, activation=found)
    result["tasks"] = [
        schemas.TaskRead.model_validate(t).model_dump(mode="json") for t in found.tasks
    ]
    return result


@router.post("/plans/{plan_id}/activate", status_code=201)
def activate_plan(
    session: DbSession, actor: ApiActor, plan_id: int, body: schemas.ActivateIn
) -> dict[str, Any]:
    """Run the planner's what-if with the plan's partner or site out (a new registry scenario,
    or the solved one given) and open the tasks of its switch-over steps."""
    found = activation.activate(session, actor=actor, plan_id=plan_id, data=body)
    return _activation(session, actor, found)


@router.get("/plans/{plan_id}/activation")
def plan_activation(session: DbSession, actor: ApiActor, plan_id: int) -> dict[str, Any]:
    """The latest activation: ``status`` solving | failed | ready; when ready, the
    re-allocation per site, the cost delta and the unmet demand."""
    plan = contingency.get_plan(session, actor=actor, plan_id=plan_id)
    found = activation.latest_activation(session, plan_id=plan.id)
    if found is None:
        raise NotFound()
    return _activation(session, actor, found)


@router.get("/site-recovery", response_model=list[schemas.SiteRecoveryRead])
def list_site_recovery(session: DbSession, actor: ApiActor) -> Any:
    """The live network's sites with their time to recover (weeks; null: none declared)."""
    return site_recovery.list_site_ttrs(session, actor=actor)


@router.put("/site-recovery", response_model=schemas.SiteRecoveryRead)
def set_site_recovery(session: DbSession, actor: ApiActor, body: schemas.SiteRecoveryIn) -> Any:
    """Declare a site's time to recover; the live TTS network uses it for that site."""
    return site_recovery.set_site_ttr(
        session, actor=actor, site_id=body.site_id, ttr_weeks=body.ttr_weeks, note=body.note
    )


def _transition(plan: Any) -> schemas.TransitionRead:
    fields = {name: getattr(plan, name) for name in schemas.TransitionRead.model_fields}
    fields["steps"] = [schemas.TransitionStepRead.model_validate(s) for s in plan.steps]
    fields["open_mandatory"] = len(plan.open_mandatory)
    return schemas.TransitionRead.model_validate(fields)


@router.get("/transitions", response_model=list[schemas.TransitionRead])
def list_transitions(session: DbSession, actor: ApiActor) -> Any:
    return [_transition(p) for p in transitions.list_transitions(session, actor=actor)]


@router.post("/transitions", response_model=schemas.TransitionRead, status_code=201)
def start_transition(session: DbSession, actor: ApiActor, body: schemas.TransitionCreate) -> Any:
    """Snapshot what the partner holds (orders, forecast, contracts, documents) and where its
    work goes (contingency alternates) as a checklist; mandatory steps gate its exit."""
    return _transition(transitions.start_transition(session, actor=actor, data=body))


@router.get("/transitions/{transition_id}", response_model=schemas.TransitionRead)
def get_transition(session: DbSession, actor: ApiActor, transition_id: int) -> Any:
    return _transition(
        transitions.get_transition(session, actor=actor, transition_id=transition_id)
    )


@router.patch("/transition-steps/{transition_step_id}", response_model=schemas.TransitionStepRead)
def update_transition_step(
    session: DbSession,
    actor: ApiActor,
    transition_step_id: int,
    body: schemas.TransitionStepUpdate,
) -> Any:
    return transitions.update_step(session, actor=actor, step_id=transition_step_id, data=body)


@router.post("/tts")
def time_to_survive(actor: ApiActor, body: schemas.TtsRequest) -> dict[str, Any]:
    """TTS and performance impact per site and partner, worst first (same as ``cofab risk tts``);
    with ``what_if``, each node also carries ``before``, its figures without the what-if."""
    from cofab.risk.tts_runs import analyse_document

    register.ensure_reader(actor)
    what_if = body.what_if.model_dump(exclude_none=True) if body.what_if else None
    return analyse_document(body.network, body.node, what_if=what_if)
