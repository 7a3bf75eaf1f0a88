"""Planning pages: scenarios, upload or build from the registry, the plan, what-ifs, compare.

Every handler asks the service first, so a partner user gets the same 404 everywhere. Solves and
simulations run in the worker; the page shows the job's progress fragment (htmx polling).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.datastructures import UploadFile as StarletteUpload

from cofab.core import jobs
from cofab.core.access import Actor, viewer_may_call
from cofab.core.dashboard import register_dashboard_widget
from cofab.core.errors import CofabError, Conflict, FieldProblem, ValidationFailed
from cofab.core.forms import FormDep
from cofab.core.i18n import N_, translate
from cofab.core.uploads import read_limited
from cofab.core.validation import register_field_labels
from cofab.core.web import DbSession, PageActor, error_context, render
from cofab.partners.models import Partner, PartnerStatus
from cofab.planning import live_sources, plan_views, service
from cofab.planning.input_bounds import MAX_MAGNITUDE
from cofab.planning.live_view import live_rows
from cofab.planning.models import Scenario
from cofab.planning.plan_document import infeasibility_messages
from cofab.planning.problems import MISSING_FIELD, NOT_JSON
from cofab.planning.registry_scenario import PRODUCING_TYPES, MarketSpec, RegistryRequest

router = APIRouter(include_in_schema=False)

PREVIEW_CHARS = 200_000
UNMET_ROWS_SHOWN = 50
NO_DOCUMENT = N_("Choose a JSON file or paste the document.")
NOT_A_NUMBER = N_("Must be a number.")
AT_MOST = N_("Must be at most {le}.")
COST_LABELS = {
    "production": N_("Production"),
    "scrap": N_("Scrap (defects)"),
    "transport": N_("Transport"),
    "fixed": N_("Fixed engagement"),
    "capex": N_("New-plant capex"),
    "unmet_penalty": N_("Unmet-demand penalty"),
}
INPUT_LABELS = {
    "demand": N_("Demand"),
    "unit_cost": N_("Unit price"),
    "defect_rate": N_("Defect rate"),
    "capacity": N_("Capacity"),
    "lane": N_("Lane"),
    "fixed_cost": N_("Fixed engagement cost"),
    "unmet_penalty": N_("Unmet-demand penalty"),
    "offtake": N_("Offtake commitment"),
}
CHANGE_LABELS = {
    **INPUT_LABELS,
    "site": N_("Site"),
    "lane.unit_cost": N_("Lane cost per unit"),
    "lane.lead_time_days": N_("Lane lead time (days)"),
    "lane.capacity": N_("Lane capacity"),
    "origin": N_("Source"),
}
STATE_LABELS = {
    "draft": N_("Not solved"),
    "queued": N_("Solving"),
    "solved": N_("Solved"),
    "failed": N_("Failed"),
    "optimal": N_("optimal"),
    "feasible": N_("feasible"),
    "infeasible": N_("infeasible"),
    "no_solution": N_("no_solution"),
    "upload": N_("Uploaded document"),
    "registry": N_("From the registry"),
    "what_if": N_("What-if"),
    "own": N_("Own plant"),
    "partner": N_("Partner site"),
    "new_plant": N_("Candidate new plant"),
}


# the planning forms' fields by the labels the forms show, so a problem names them that way
register_field_labels(
    {
        "capex": N_("Own plant: capex"),
        "demand": N_("Demand"),
        "demand_share": N_("Generated demand, % of capacity"),
        "discount_rate": N_("Discount rate per period, %"),
        "document": N_("… or paste the document"),
        "factor": N_("Demand factor"),
        "family": N_("Product family"),
        "fixed_opex": N_("Own plant: fixed cost per period"),
        "levels": N_("Volumes per period to compare (comma separated)"),
        "max_share_per_site": N_("Max share per site, %"),
        "min_sources": N_("Min sources per product"),
        "own_unit_cost": N_("Own plant: unit cost"),
        "partner_fee": N_("Partner: fixed fee per period"),
        "partner_price": N_("Partner: unit price"),
        "periods": N_("Periods (months)"),
        "ramp_up": N_("Own plant: ramp-up periods"),
        "scenarios": N_("Scenarios"),
        "seed": N_("Seed"),
        "setup_fee": N_("Partner: one-off setup fee"),
        "site_ids": N_("Sites"),
        "start": N_("First month (YYYY-MM)"),
        "unmet_penalty": N_("Unmet-demand penalty"),
    }
)
#: the make-or-buy case's JSON paths → the form fields a person filled in
MOB_FIELDS = {
    "$.periods": "periods",
    "$.discount_rate": "discount_rate",
    "$.family": "family",
    "$.levels": "levels",
    "$.own.capex": "capex",
    "$.own.fixed_opex": "fixed_opex",
    "$.own.unit_cost": "own_unit_cost",
    "$.own.ramp_up_periods": "ramp_up",
    "$.outsource.unit_price": "partner_price",
    "$.outsource.fixed_fee": "partner_fee",
    "$.outsource.setup_fee": "setup_fee",
}


def _helpers(locale: str) -> dict[str, Any]:
    def pl(code: object) -> str:
        text = str(code)
        label = STATE_LABELS.get(text) or COST_LABELS.get(text) or CHANGE_LABELS.get(text)
        return translate(label or text, locale)

    def num(value: Any, digits: int = 0) -> str:
        if value is None:
            return "–"
        return f"{float(value):,.{digits}f}"

    def pct(value: Any, digits: int = 1) -> str:
        if value is None:
            return "–"
        return f"{float(value) * 100:.{digits}f} %"

    return {"PL": pl, "num": num, "pct": pct}


def _page(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
    error: CofabError | None = None,
) -> HTMLResponse:
    locale = request.state.locale
    ctx = _helpers(locale) | context
    if error is not None:
        ctx |= error_context(error, locale)
        status_code = error.status
    return render(request, template, ctx, status_code=status_code)


def _partners(session: Session) -> list[Partner]:
    """Partners that make things and have not exited: choosing a prospect on purpose plans
    with a partner still being qualified."""
    stmt = select(Partner).where(Partner.status != PartnerStatus.EXITED.value)
    rows = session.execute(stmt.order_by(Partner.name_en)).scalars()
    return [p for p in rows if PRODUCING_TYPES.intersection(p.types or [])]


def _index(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    error: CofabError | None = None,
    form: dict[str, Any] | None = None,
) -> HTMLResponse:
    scenarios = service.list_scenarios(session, actor=actor)
    return _page(
        request,
        "planning/index.html",
        {
            "scenarios": scenarios,
            "partners": _partners(session),
            "can_write": actor.role in service.WRITERS,
            "form": form or {},
            "default_currency": plan_views.DEFAULT_CURRENCY,
        },
        error=error,
    )


@router.get("/planning", response_class=HTMLResponse)
def index(request: Request, session: DbSession, actor: PageActor) -> Response:
    return _index(request, session, actor)


def _document_from_form(request: Request, form: FormData) -> tuple[Any, str | None]:
    upload = form.get("file")
    text = str(form.get("document") or "").strip()
    if isinstance(upload, StarletteUpload) and upload.filename:
        limit = request.app.state.settings.max_upload_mb
        raw = read_limited(upload, limit)
        text = raw.decode("utf-8", errors="replace")
    if not text:
        raise ValidationFailed(problems=[FieldProblem("file", NO_DOCUMENT)])
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        detail = f"{exc.msg} (line {exc.lineno}, column {exc.colno})"
        raise ValidationFailed(problems=[FieldProblem("$", NOT_JSON, {"detail": detail})]) from exc
    name = str(form.get("name") or "").strip() or None
    return document, name


@router.post("/planning/upload", response_class=HTMLResponse)
def upload(request: Request, session: DbSession, actor: PageActor, form: FormDep) -> Response:
    service.ensure_writer(actor)
    try:
        document, name = _document_from_form(request, form)
        scenario = service.create_scenario(session, actor=actor, document=document, name=name)
    except CofabError as exc:
        session.rollback()
        return _index(request, session, actor, error=exc)
    return RedirectResponse(f"/planning/{scenario.id}", status_code=303)


def _float(value: str, field: str) -> float | None:
    if not value.strip():
        return None
    try:
        number = float(value)
    except ValueError as exc:
        raise ValidationFailed(problems=[FieldProblem(field, NOT_A_NUMBER)]) from exc
    if not math.isfinite(number):  # float() reads "nan" and "inf"
        raise ValidationFailed(problems=[FieldProblem(field, NOT_A_NUMBER)])
    if abs(number) > MAX_MAGNITUDE:
        raise ValidationFailed(
            problems=[FieldProblem(field, AT_MOST, {"le": f"{MAX_MAGNITUDE:,.0f}"})]
        )
    return number


def _registry_request(form: FormData) -> tuple[RegistryRequest, dict[str, Any]]:
    values = {key: str(form.get(key) or "").strip() for key in form if key != "csrf_token"}
    markets = []
    for row, (m_id, region, demand, penalty) in enumerate(
        zip(
            form.getlist("m_id"),
            form.getlist("m_region"),
            form.getlist("m_demand"),
            form.getlist("m_penalty"),
            strict=False,
        )
    ):
        m_id, region = str(m_id).strip(), str(region).strip()
        if not m_id:
            continue
        markets.append(
            MarketSpec(
                m_id[:64],
                (region or m_id)[:64],
                _float(str(demand), f"markets[{row}].demand"),
                _float(str(penalty), f"markets[{row}].unmet_penalty"),
            )
        )
    policy: dict[str, Any] = {}
    share = _float(values.get("max_share_per_site", ""), "max_share_per_site")
    if share is not None:
        policy["max_share_per_site"] = share / 100
    sources = _float(values.get("min_sources", ""), "min_sources")
    if sources is not None:
        policy["min_sources"] = int(sources)
    periods = _float(values.get("periods", ""), "periods")
    demand_share = _float(values.get("demand_share", ""), "demand_share")
    partner_ids = [int(str(v)) for v in form.getlist("partner_ids") if str(v).isdigit()]
    req = RegistryRequest(
        name=(values.get("name") or "Registry plan")[:200],
        periods=max(1, min(36, int(periods or 3))),
        start=values.get("start") or None,
        partner_ids=partner_ids or None,
        markets=markets,
        demand_share=max(0.0, min(5.0, (demand_share if demand_share is not None else 60) / 100)),
        policy=policy,
    )
    return req, values


@router.post("/planning/from-registry", response_class=HTMLResponse)
def from_registry(
    request: Request, session: DbSession, actor: PageActor, form: FormDep
) -> Response:
    service.ensure_writer(actor)
    values: dict[str, Any] = {}
    try:
        req, values = _registry_request(form)
        scenario = service.create_live_from_registry(session, actor=actor, request=req)
    except (CofabError, ValueError) as exc:
        session.rollback()
        error = exc if isinstance(exc, CofabError) else ValidationFailed()
        return _index(request, session, actor, error=error, form=values)
    return RedirectResponse(f"/planning/{scenario.id}", status_code=303)


@router.get("/planning/compare", response_class=HTMLResponse)
def compare(request: Request, session: DbSession, actor: PageActor) -> Response:
    ids = [int(v) for v in request.query_params.getlist("ids") if v.isdigit()]
    try:
        rows = service.compare(session, actor=actor, scenario_ids=ids)
    except ValidationFailed as exc:
        return _index(request, session, actor, error=exc)
    figures = [(scenario, None if f is None else asdict(f)) for scenario, f in rows]
    cost_keys = [
        key
        for key in plan_views.COST_ORDER
        if any(f and abs(f["cost"].get(key) or 0.0) > 1e-9 for _s, f in figures)
    ]
    currencies = {scenario.id: plan_views.currency_of(scenario.input_doc) for scenario, _f in rows}
    changes = None
    if len(rows) == 2:
        changes = service.compare_inputs(
            session, actor=actor, base_id=rows[0][0].id, other_id=rows[1][0].id
        )
    return _page(
        request,
        "planning/compare.html",
        {
            "rows": figures,
            "cost_keys": cost_keys,
            "currencies": currencies,
            "changes": changes,
            "change_labels": CHANGE_LABELS,
        },
    )


def _job(session: Session, job_id: int | None) -> jobs.Job | None:
    return None if job_id is None else session.get(jobs.Job, job_id)


def _detail(
    request: Request,
    session: Session,
    actor: Actor,
    scenario: Scenario,
    *,
    make_or_buy: dict[str, Any] | None = None,
    mob_form: dict[str, Any] | None = None,
    error: CofabError | None = None,
) -> HTMLResponse:
    plan = scenario.result_doc
    solve_job = _job(session, scenario.solve_job_id)
    simulate_job = _job(session, scenario.simulate_job_id)
    partner_ids = set((scenario.site_partners or {}).values())
    partners = (
        list(
            session.execute(
                select(Partner).where(Partner.id.in_(partner_ids)).order_by(Partner.name_en)
            ).scalars()
        )
        if partner_ids
        else []
    )
    state = scenario.state
    if state == "queued" and solve_job is not None and solve_job.status in jobs.FINISHED:
        # the worker never stored a plan: the job failed before it started, or was cancelled
        state = "failed" if solve_job.status != jobs.SUCCEEDED else "solved"
    ctx: dict[str, Any] = {
        "scenario": scenario,
        "state": state,
        "plan": plan,
        "solve_job": solve_job,
        "solve_running": solve_job is not None and solve_job.status not in jobs.FINISHED,
        "simulate_job": simulate_job,
        "simulate_running": simulate_job is not None and simulate_job.status not in jobs.FINISHED,
        "parent": session.get(Scenario, scenario.parent_id) if scenario.parent_id else None,
        "children": service.children(session, actor=actor, scenario_id=scenario.id),
        "partners": partners,
        "site_ids": [s.get("id") for s in scenario.input_doc.get("sites", [])],
        "can_write": actor.role in service.WRITERS,
        "simulation": scenario.simulation_doc,
        "make_or_buy": make_or_buy,
        "mob": mob_form or _mob_defaults(scenario),
        "input_preview": _preview(scenario.input_doc),
        "live_rows": live_rows(scenario.live_inputs, request.state.locale),
        "refreshable": scenario.source == "registry" and bool(scenario.registry_request),
        "currency": plan_views.currency_of(scenario.input_doc),
    }
    if plan is not None:
        periods, heat = plan_views.heatmap(plan)
        unmet = plan_views.unmet_rows(plan)
        ctx |= {
            "diagram": plan_views.flow_diagram(plan),
            "heat_periods": periods,
            "heat_rows": heat,
            "cost_rows": plan_views.cost_rows(plan),
            "prices": plan_views.shadow_price_rows(plan),
            "unmet": unmet[:UNMET_ROWS_SHOWN],
            "unmet_total": sum(float(row["qty"]) for row in unmet),
            "unmet_hidden": max(0, len(unmet) - UNMET_ROWS_SHOWN),
            "infeasible_lines": infeasibility_messages(plan, request.state.locale),
        }
    return _page(request, "planning/detail.html", ctx, error=error)


def _preview(document: dict[str, Any]) -> str | None:
    """The input document for the page, unless it is too big to be worth reading there."""
    text = json.dumps(document, ensure_ascii=False, indent=1)
    return text if len(text) <= PREVIEW_CHARS else None


def _mob_defaults(scenario: Scenario) -> dict[str, Any]:
    """Prefill make-or-buy with the scenario's horizon and first family's demand per period."""
    doc = scenario.input_doc
    periods = len(doc.get("periods") or []) or 1
    products = doc.get("products") or []
    family = products[0]["family"] if products else ""
    demand = 0.0
    for market in doc.get("markets") or []:
        for product in products:
            if product["family"] != family:
                continue
            value = (market.get("demand") or {}).get(product["id"], 0)
            demand += sum(value.values()) / periods if isinstance(value, dict) else float(value)
    return {
        "family": family,
        "periods": periods,
        "levels": f"{demand * 0.5:.0f},{demand:.0f},{demand * 1.5:.0f}" if demand else "",
    }


@router.get("/planning/{scenario_id}", response_class=HTMLResponse)
def detail(request: Request, session: DbSession, actor: PageActor, scenario_id: int) -> Response:
    scenario = service.get_scenario(session, actor=actor, scenario_id=scenario_id)
    return _detail(request, session, actor, scenario)


@router.get("/planning/{scenario_id}/input.json")
def input_json(session: DbSession, actor: PageActor, scenario_id: int) -> Response:
    scenario = service.get_scenario(session, actor=actor, scenario_id=scenario_id)
    headers = {"Content-Disposition": f'attachment; filename="scenario-{scenario.id}-input.json"'}
    return JSONResponse(scenario.input_doc, headers=headers)


@router.get("/planning/{scenario_id}/plan.json")
def plan_json(session: DbSession, actor: PageActor, scenario_id: int) -> Response:
    scenario = service.get_scenario(session, actor=actor, scenario_id=scenario_id)
    plan = service.plan_with_simulation(scenario) or {}
    headers = {"Content-Disposition": f'attachment; filename="scenario-{scenario.id}-plan.json"'}
    return JSONResponse(plan, headers=headers)


@router.post("/planning/{scenario_id}/solve")
def solve(session: DbSession, actor: PageActor, scenario_id: int) -> Response:
    service.enqueue_solve(session, actor=actor, scenario_id=scenario_id)
    return RedirectResponse(f"/planning/{scenario_id}", status_code=303)


@router.post("/planning/{scenario_id}/simulate")
def simulate(
    request: Request, session: DbSession, actor: PageActor, form: FormDep, scenario_id: int
) -> Response:
    scenario = service.get_scenario(session, actor=actor, scenario_id=scenario_id)
    count = _float(str(form.get("scenarios") or "2000"), "scenarios") or 2000
    seed = _float(str(form.get("seed") or "1"), "seed") or 1
    service.enqueue_simulate(
        session,
        actor=actor,
        scenario_id=scenario_id,
        scenarios=max(1, min(200_000, int(count))),
        seed=max(0, int(seed)),
        register_disruptions=live_sources.register_disruptions(
            session, actor=actor, scenario=scenario
        ),
    )
    return RedirectResponse(f"/planning/{scenario_id}#risk", status_code=303)


@router.post("/planning/{scenario_id}/refresh", response_class=HTMLResponse)
def refresh(request: Request, session: DbSession, actor: PageActor, scenario_id: int) -> Response:
    """Refresh from live data: the next version, shown next to this one in compare."""
    scenario = service.get_scenario(session, actor=actor, scenario_id=scenario_id)
    try:
        fresh = service.refresh_from_live(session, actor=actor, scenario_id=scenario_id)
    except (Conflict, ValidationFailed) as exc:
        session.rollback()
        scenario = service.get_scenario(session, actor=actor, scenario_id=scenario_id)
        return _detail(request, session, actor, scenario, error=exc)
    return RedirectResponse(f"/planning/compare?ids={scenario.id}&ids={fresh.id}", status_code=303)


@router.post("/planning/{scenario_id}/what-if", response_class=HTMLResponse)
def what_if(
    request: Request, session: DbSession, actor: PageActor, form: FormDep, scenario_id: int
) -> Response:
    scenario = service.get_scenario(session, actor=actor, scenario_id=scenario_id)
    kind = str(form.get("kind") or "")
    partner = str(form.get("partner_id") or "")
    try:
        if kind == "partner_out":
            change = service.WhatIf(kind, partner_id=int(partner) if partner.isdigit() else None)
        elif kind == "sites_out":
            change = service.WhatIf(kind, site_ids=tuple(str(s) for s in form.getlist("site_ids")))
        else:
            factor = _float(str(form.get("factor") or "130"), "factor")
            change = service.WhatIf("demand_scale", factor=(factor or 130) / 100)
        child, _job_row = service.what_if(
            session, actor=actor, scenario_id=scenario_id, change=change
        )
    except ValidationFailed as exc:
        session.rollback()
        return _detail(request, session, actor, scenario, error=exc)
    return RedirectResponse(f"/planning/{child.id}", status_code=303)


@router.post("/planning/{scenario_id}/make-or-buy", response_class=HTMLResponse)
@viewer_may_call
def make_or_buy(
    request: Request, session: DbSession, actor: PageActor, form: FormDep, scenario_id: int
) -> Response:
    scenario = service.get_scenario(session, actor=actor, scenario_id=scenario_id)
    values = {key: str(form.get(key) or "").strip() for key in form if key != "csrf_token"}
    try:
        case = _mob_case(values)
        result = service.make_or_buy(actor=actor, case=case)
    except ValidationFailed as exc:
        exc.problems = [_form_problem(p) for p in exc.problems]
        return _detail(request, session, actor, scenario, mob_form=values, error=exc)
    return _detail(request, session, actor, scenario, make_or_buy=result, mob_form=values)


def _form_problem(problem: FieldProblem) -> FieldProblem:
    """A make-or-buy problem named by the form field it came from (not the case's JSON path)."""
    field = MOB_FIELDS.get(re.sub(r"\[\d+\]$", "", problem.field))
    if field is None:
        return problem
    if problem.message == MISSING_FIELD:  # "missing field 'capex'" names the key: say it plainly
        return FieldProblem(field, N_("This field is required."))
    return FieldProblem(field, problem.message, problem.params)


def _mob_case(values: dict[str, str]) -> dict[str, Any]:
    def number(key: str, default: float | None = None) -> float | None:
        value = _float(values.get(key, ""), key)
        return default if value is None else value

    case: dict[str, Any] = {
        "periods": int(number("periods", 12) or 12),
        "discount_rate": (number("discount_rate", 0.0) or 0.0) / 100,
        "own": {
            "capex": number("capex"),
            "fixed_opex": number("fixed_opex", 0.0),
            "unit_cost": number("own_unit_cost"),
            "ramp_up_periods": int(number("ramp_up", 0) or 0),
        },
        "outsource": {
            "unit_price": number("partner_price"),
            "fixed_fee": number("partner_fee", 0.0),
            "setup_fee": number("setup_fee", 0.0),
        },
    }
    if values.get("family"):
        case["family"] = values["family"]
    levels = [v for v in values.get("levels", "").replace(";", ",").split(",") if v.strip()]
    if levels:
        case["levels"] = [_float(v, "levels") for v in levels]
    for part in ("own", "outsource"):
        case[part] = {k: v for k, v in case[part].items() if v is not None}
    return case


@router.post("/planning/{scenario_id}/delete")
def delete(session: DbSession, actor: PageActor, scenario_id: int) -> Response:
    service.delete_scenario(session, actor=actor, scenario_id=scenario_id)
    return RedirectResponse("/planning", status_code=303)


def dashboard_widget(session: Session, actor: Actor) -> tuple[str, dict[str, Any]] | None:
    """The latest scenarios with their plan status and cost, for owner staff."""
    if not actor.is_owner_staff:
        return None
    latest = list(
        session.execute(
            select(Scenario).options(*service.LIGHT).order_by(Scenario.updated_at.desc()).limit(4)
        ).scalars()
    )
    return ("planning/widget.html", {"scenarios": latest}) if latest else None


register_dashboard_widget(dashboard_widget)
