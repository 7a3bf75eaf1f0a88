"""Risk pages: the register with its 5×5 heat map and filters, one risk with its mitigations
and history, and the form that opens a risk. Partner users get 404 on every page."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from cofab.core.access import Actor
from cofab.core.errors import CofabError, FieldProblem, NotFound, ValidationFailed
from cofab.core.forms import FormDep, fields, parse, upload_in
from cofab.core.i18n import N_, translate
from cofab.core.jobs import FINISHED, SUCCEEDED
from cofab.core.tabular import TableLimits, read_table
from cofab.core.uploads import read_limited
from cofab.core.web import DbSession, error_context, page_actor, render
from cofab.logistics.models import Lane
from cofab.partners.models import Partner
from cofab.risk import (
    activation,
    contingency,
    dashboard_card,  # noqa: F401  (registers the dashboard card)
    plan_steps,
    register,
    register_io,
    schemas,
    signals,
    single_source,
    site_recovery,
    spend,
    transitions,
    tts_runs,
)
from cofab.risk.drill_cadence import SOURCE_LABELS, CadenceReader, cadence_of
from cofab.risk.models import RiskCategory, RiskStatus

router = APIRouter(include_in_schema=False)
ActorDep = Annotated[Actor, Depends(page_actor)]


def _partners(session: Session) -> dict[int, Partner]:
    return {p.id: p for p in session.execute(select(Partner).order_by(Partner.name_en)).scalars()}


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@dataclass(frozen=True)
class _Again:
    """A page drawn again after a refused form: the fields as posted, the error (headline and
    fields, ``error_context``) and its status; a page drawn the first time has none."""

    form: dict[str, Any] = field(default_factory=dict)
    error: dict[str, Any] = field(default_factory=dict)
    status_code: int = 200


_FIRST = _Again()


def _show(request: Request, template: str, context: dict[str, Any], again: _Again) -> HTMLResponse:
    page = context | {"form": again.form} | again.error
    return render(request, template, page, status_code=again.status_code)


def _submitted(
    request: Request,
    session: Session,
    change: Callable[[], str],
    again: Callable[[dict[str, Any], int], HTMLResponse],
) -> Response:
    """Run a posted ``change`` (it returns where to go next, 303); on a refusal roll back and
    draw the page ``again`` with the error (headline and fields) and the error's status."""
    try:
        target = change()
    except CofabError as exc:
        session.rollback()
        return again(error_context(exc, request.state.locale), exc.status)
    return RedirectResponse(target, status_code=303)


def _register_page(
    request: Request,
    session: Session,
    actor: Actor,
    again: _Again = _FIRST,
) -> HTMLResponse:
    query = request.query_params
    flt = register.RiskFilter(
        partner_id=_int(query.get("partner_id")),
        category=query.get("category") or None,
        owner=query.get("owner") or None,
        status=query.get("status") or None,
        overdue_only=query.get("overdue") == "1",
    )
    risks = register.list_risks(session, actor=actor, flt=flt)
    basis = "residual" if query.get("basis") == "residual" else "inherent"
    today = date.today()
    context = {
        "risks": risks,
        "grid": register.heat_map(risks, residual=basis == "residual"),
        "basis": basis,
        "flt": flt,
        "partners": _partners(session),
        "categories": list(RiskCategory),
        "statuses": list(RiskStatus),
        "owners": sorted({r.owner for r in risks if r.owner}),
        "overdue": {r.id for r in risks if r.review_overdue(today)},
        "likelihood_anchors": register.LIKELIHOOD_ANCHORS,
        "impact_anchors": register.IMPACT_ANCHORS,
        "can_write": actor.role in register.WRITERS,
    }
    return _show(request, "risk/register.html", context, again)


@router.get("/risk", response_class=HTMLResponse)
def register_page(request: Request, session: DbSession, actor: ActorDep) -> HTMLResponse:
    register.ensure_reader(actor)
    return _register_page(request, session, actor)


@router.post("/risk", response_model=None)
def create_risk(request: Request, session: DbSession, actor: ActorDep, form: FormDep) -> Response:
    register.ensure_writer(actor)
    data = fields(form)

    def change() -> str:
        body = parse(schemas.RiskCreate, data)
        return f"/risk/{register.create_risk(session, actor=actor, data=body).id}"

    def again(error: dict[str, Any], status: int) -> HTMLResponse:
        return _register_page(request, session, actor, _Again(data, error, status))

    return _submitted(request, session, change, again)


NO_REGISTER_FILE = N_("Choose a CSV or XLSX file to upload.")


@router.post("/risk/import", response_class=HTMLResponse)
def import_register(
    request: Request, session: DbSession, actor: ActorDep, form: FormDep
) -> HTMLResponse:
    """The register's CSV/XLSX (the export's columns): all rows or none, matched on the
    reference, so a file exported and imported again changes nothing."""
    register.ensure_writer(actor)
    try:
        upload = upload_in(form)
        if upload is None or not upload.filename:
            raise ValidationFailed(problems=[FieldProblem("file", NO_REGISTER_FILE)])
        settings = request.app.state.settings
        content = read_limited(upload, settings.max_upload_mb)
        rows = read_table(content, upload.filename, TableLimits.of(settings))
        report = register_io.import_rows(session, actor=actor, rows=rows)
    except CofabError as exc:
        session.rollback()
        context = error_context(exc, request.state.locale)
        return render(request, "risk/import_result.html", context, status_code=exc.status)
    return render(request, "risk/import_result.html", {"report": report})


@router.post("/risk/signals", response_model=None)
def raise_signals(request: Request, session: DbSession, actor: ActorDep) -> Response:
    signals.raise_signals(session, actor=actor)
    return RedirectResponse("/risk", status_code=303)


@router.get("/risk/single-sources", response_class=HTMLResponse)
def single_sources_page(request: Request, session: DbSession, actor: ActorDep) -> HTMLResponse:
    items = single_source.single_sources(session, actor=actor)
    return render(request, "risk/single_sources.html", {"items": items})


def _date(value: str | None, fallback: date) -> date:
    try:
        return date.fromisoformat(value) if value else fallback
    except ValueError:
        return fallback


@router.get("/risk/concentration", response_class=HTMLResponse)
def concentration_page(request: Request, session: DbSession, actor: ActorDep) -> HTMLResponse:
    """This period's HHI with its contributors, and the HHI per quarter over the bands; the
    default period is the last four full quarters and the current one."""
    register.ensure_reader(actor)
    query = request.query_params
    today = date.today()
    start = _date(query.get("start"), date(today.year - 1, 3 * ((today.month - 1) // 3) + 1, 1))
    end = _date(query.get("end"), today)
    by = query.get("by") or "partner"
    measure = query.get("measure") or "spend"
    form = {"start": start, "end": end, "by": by, "measure": measure}
    try:
        asked = spend.SpendQuery(start=start, end=end, by=by, measure=measure)
        now = spend.concentration_report(session, actor=actor, query=asked)
        trend = spend.concentration_trend(session, actor=actor, query=asked)
    except CofabError as exc:
        context = {"form": form, "groups": spend.GROUPS, "report": None, "trend": None}
        context |= error_context(exc, request.state.locale)
        return render(request, "risk/concentration.html", context, status_code=exc.status)
    chart = {
        "labels": [q["quarter"] for q in trend["quarters"]],
        "hhi": [q["hhi"] for q in trend["quarters"]],
        "moderate_from": trend["bands"]["moderate_from"],
        "high_above": trend["bands"]["high_above"],
        "label": translate("HHI", request.state.locale),
    }
    context = {
        "form": form,
        "groups": spend.GROUPS,
        "report": now,
        "trend": trend,
        "chart": chart,
    }
    return render(request, "risk/concentration.html", context)


def _transitions_page(
    request: Request,
    session: Session,
    actor: Actor,
    again: _Again = _FIRST,
) -> HTMLResponse:
    context = {
        "plans": transitions.list_transitions(session, actor=actor),
        "partners": _partners(session),
        "can_write": actor.role in register.WRITERS,
    }
    return _show(request, "risk/transitions.html", context, again)


@router.get("/risk/transitions", response_class=HTMLResponse)
def transitions_page(request: Request, session: DbSession, actor: ActorDep) -> HTMLResponse:
    return _transitions_page(request, session, actor)


@router.post("/risk/transitions", response_model=None)
def start_transition(
    request: Request, session: DbSession, actor: ActorDep, form: FormDep
) -> Response:
    register.ensure_writer(actor)
    data = fields(form)

    def change() -> str:
        body = parse(schemas.TransitionCreate, data)
        plan = transitions.start_transition(session, actor=actor, data=body)
        return f"/risk/transitions/{plan.id}"

    def again(error: dict[str, Any], status: int) -> HTMLResponse:
        return _transitions_page(request, session, actor, _Again(data, error, status))

    return _submitted(request, session, change, again)


@router.get("/risk/transitions/{transition_id}", response_class=HTMLResponse)
def transition_page(
    request: Request, session: DbSession, actor: ActorDep, transition_id: int
) -> HTMLResponse:
    plan = transitions.get_transition(session, actor=actor, transition_id=transition_id)
    context = {
        "plan": plan,
        "partner": session.get(Partner, plan.partner_id),
        "can_write": actor.role in register.WRITERS,
    }
    return render(request, "risk/transition.html", context)


@router.post("/risk/transitions/{transition_id}/steps/{transition_step_id}", response_model=None)
def update_transition_step(
    request: Request,
    session: DbSession,
    actor: ActorDep,
    transition_id: int,
    transition_step_id: int,
    form: FormDep,
) -> Response:
    register.ensure_writer(actor)
    plan = transitions.get_transition(session, actor=actor, transition_id=transition_id)
    if transition_step_id not in {s.id for s in plan.steps}:
        raise NotFound()
    data = fields(form)
    data["done"] = data.get("done") == "1"
    data = {k: v for k, v in data.items() if k in ("owner", "due_date", "note", "done")}
    if not data.get("due_date"):
        data["due_date"] = None
    body = parse(schemas.TransitionStepUpdate, data)
    transitions.update_step(session, actor=actor, step_id=transition_step_id, data=body)
    return RedirectResponse(f"/risk/transitions/{transition_id}", status_code=303)


NO_NETWORK_FILE = N_("Choose a network JSON file to upload.")
NETWORK_NOT_JSON = N_("The file is not JSON: {detail}")
TTR_NOT_NUMBER = N_("Must be a number of at least 0.")
WEEKS_NOT_POSITIVE = N_("Must be a number above 0.")


def _chart(result: dict[str, Any], locale: str) -> dict[str, Any]:
    """Bars for Chart.js: an unbounded TTS is drawn a quarter past the longest finite bar."""
    nodes = result["nodes"]
    finite = [n["tts_weeks"] for n in nodes if not n["unbounded"] and n["tts_weeks"] is not None]
    finite += [n["ttr_weeks"] for n in nodes if n["ttr_weeks"] is not None]
    cap = round(1.25 * max(finite, default=1.0), 2) or 1.0
    return {
        "labels": [n["node"] for n in nodes],
        "tts": [cap if n["unbounded"] else n["tts_weeks"] for n in nodes],
        "ttr": [n["ttr_weeks"] for n in nodes],
        "exposed": [bool(n["exposed"]) for n in nodes],
        "unbounded": [bool(n["unbounded"]) for n in nodes],
        "tts_label": translate("TTS (weeks)", locale),
        "ttr_label": translate("TTR (weeks)", locale),
        "unbounded_label": translate("unbounded", locale),
        "axis": translate("Weeks", locale),
    }


def _tts_page(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    result: dict[str, Any] | None = None,
    job: Any = None,
    again: _Again = _FIRST,
    ttr_open: bool = False,
) -> HTMLResponse:
    locale = request.state.locale
    context = {
        "result": result,
        "chart": _chart(result, locale) if result else None,
        "job": job,
        "job_finished": job is not None and job.status in FINISHED,
        "sites": site_recovery.list_site_ttrs(session, actor=actor),
        "can_write": actor.role in register.WRITERS,
        "ttr_open": ttr_open or request.query_params.get("ttr") == "1",
    }
    return _show(request, "risk/tts.html", context, again)


@router.get("/risk/tts", response_class=HTMLResponse)
def tts_page(
    request: Request, session: DbSession, actor: ActorDep, job: int | None = None
) -> HTMLResponse:
    register.ensure_reader(actor)
    run = tts_runs.run_job_of(session, actor=actor, job_id=job) if job is not None else None
    result = run.result if run is not None and run.status == SUCCEEDED else None
    return _tts_page(request, session, actor, result=result, job=run)


def _network_of(
    request: Request, session: Session, actor: Actor, data: dict[str, Any], form: Any
) -> Any:
    if data.get("source") == "upload":
        upload = upload_in(form)
        if upload is None or not upload.filename:
            raise ValidationFailed(problems=[FieldProblem("file", NO_NETWORK_FILE)])
        raw = read_limited(upload, request.app.state.settings.max_upload_mb)
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            problem = FieldProblem("file", NETWORK_NOT_JSON, {"detail": str(exc)})
            raise ValidationFailed(problems=[problem]) from exc
    try:
        ttr = float(str(data.get("ttr_weeks") or "8"))
    except ValueError:
        ttr = -1.0
    if not math.isfinite(ttr) or ttr < 0:
        raise ValidationFailed(problems=[FieldProblem("ttr_weeks", TTR_NOT_NUMBER)])
    from cofab.risk.live_network import live_network

    return live_network(session, actor=actor, ttr_weeks=ttr)


def _what_if_of(data: dict[str, Any]) -> dict[str, Any] | None:
    """The form's what-if fields; blank ones mean no what-if."""
    what_if: dict[str, Any] = {}
    site = str(data.get("inventory_site") or "").strip()
    if site:
        try:
            weeks = float(str(data.get("inventory_weeks") or ""))
        except ValueError:
            weeks = -1.0
        if not math.isfinite(weeks) or weeks <= 0:
            raise ValidationFailed(problems=[FieldProblem("inventory_weeks", WEEKS_NOT_POSITIVE)])
        what_if |= {"inventory_site": site, "inventory_weeks": weeks}
    qualify = str(data.get("qualify_node") or "").strip()
    if qualify:
        family = str(data.get("qualify_family") or "").strip()
        what_if |= {"qualify_node": qualify, "qualify_family": family}
    return what_if or None


@router.post("/risk/tts", response_model=None)
def run_tts(request: Request, session: DbSession, actor: ActorDep, form: FormDep) -> Response:
    register.ensure_reader(actor)
    data = fields(form)
    source = "upload" if data.get("source") == "upload" else "live"
    try:
        doc = _network_of(request, session, actor, data, form)
        node = str(data.get("node") or "").strip() or None
        what_if = _what_if_of(data)
        result, job = tts_runs.start(
            session, actor=actor, doc=doc, node=node, source=source, what_if=what_if
        )
    except CofabError as exc:
        session.rollback()
        context = error_context(exc, request.state.locale)
        return _tts_page(request, session, actor, again=_Again(data, context, exc.status))
    if job is not None:
        return RedirectResponse(f"/risk/tts?job={job.id}", status_code=303)
    return _tts_page(request, session, actor, result=result, again=_Again(data))


TTR_FORM_INVALID = N_("Must be a number of weeks from 0 to {max}.")


@router.post("/risk/site-recovery", response_model=None)
def set_site_recovery(
    request: Request, session: DbSession, actor: ActorDep, form: FormDep
) -> Response:
    register.ensure_writer(actor)
    data = fields(form)

    def change() -> str:
        try:
            weeks = float(str(data.get("ttr_weeks") or ""))
        except ValueError:
            raise ValidationFailed(
                site_recovery.RECOVERY_INVALID,
                problems=[
                    FieldProblem(
                        "ttr_weeks",
                        TTR_FORM_INVALID,
                        {"max": f"{site_recovery.MAX_TTR_WEEKS:g}"},
                    )
                ],
                count=1,
            ) from None
        site_id = _int(str(data.get("site_id") or "")) or 0
        site_recovery.set_site_ttr(session, actor=actor, site_id=site_id, ttr_weeks=weeks)
        return "/risk/tts?ttr=1#ttr"

    def again(error: dict[str, Any], status: int) -> HTMLResponse:
        return _tts_page(request, session, actor, again=_Again(data, error, status), ttr_open=True)

    return _submitted(request, session, change, again)


def _names(session: Session) -> tuple[dict[int, str], dict[int, str]]:
    from cofab.partners.models import Site

    partners = {p.id: p.name_en for p in _partners(session).values()}
    sites = {int(i): str(n) for i, n in session.execute(select(Site.id, Site.name)).all()}
    return partners, sites


@router.get("/risk/plans", response_class=HTMLResponse)
def plans_page(request: Request, session: DbSession, actor: ActorDep) -> HTMLResponse:
    plans = contingency.list_plans(session, actor=actor)
    partner_names, site_names = _names(session)
    cadences = CadenceReader(session)
    context = {
        "plans": plans,
        "every": {plan.id: cadences.of(plan).days for plan in plans},
        "partner_names": partner_names,
        "site_names": site_names,
        "today": date.today(),
        "can_write": actor.role in register.WRITERS,
    }
    return render(request, "risk/plans.html", context)


def _plan_page(
    request: Request,
    session: Session,
    actor: Actor,
    plan_id: int,
    again: _Again = _FIRST,
) -> HTMLResponse:
    plan = contingency.get_plan(session, actor=actor, plan_id=plan_id)
    found = activation.latest_activation(session, plan_id=plan.id)
    partner_names, site_names = _names(session)
    cadence = cadence_of(session, plan)
    context = {
        "plan": plan,
        "cadence": cadence,
        "cadence_source": SOURCE_LABELS[cadence.source],
        "drill_due": plan.drill_due(cadence.days),
        "untested": plan.is_untested(date.today(), cadence.days),
        "steps": plan_steps.list_steps(session, plan_id=plan.id),
        "drills": contingency.list_drills(session, plan_id=plan.id),
        "report": activation.report(session, actor=actor, activation=found) if found else None,
        "tasks": list(found.tasks) if found else [],
        "partner_names": partner_names,
        "site_names": site_names,
        "can_write": actor.role in register.WRITERS,
        "can_activate": actor.role in activation.ACTIVATORS,
    }
    return _show(request, "risk/plan.html", context, again)


PLAN_FIELDS = (
    "title",
    "partner_id",
    "site_id",
    "product_family",
    "trigger",
    "alternate_site_id",
    "safety_stock",
    "communication",
    "drill_every_days",
    "drill_scheduled_on",
)


def _plan_form_page(
    request: Request,
    session: Session,
    actor: Actor,
    plan_id: int | None,
    again: _Again,
) -> HTMLResponse:
    from cofab.partners.models import Site

    register.ensure_writer(actor)
    partners = _partners(session)
    sites = [
        (int(site_id), str(name), partners[int(pid)])
        for site_id, name, pid in session.execute(
            select(Site.id, Site.name, Site.partner_id).order_by(Site.name)
        ).all()
        if int(pid) in partners
    ]
    context = {
        "plan_id": plan_id,
        "partners": partners,
        "sites": sites,
        "qualified": contingency.QUALIFIED,
    }
    return _show(request, "risk/plan_form.html", context, again)


STEP_COLUMNS = ("title", "owner", "partner_id", "planned_days")
STEP_ROWS_AT_LEAST = 3


def _plan_fields(form: FormData) -> dict[str, Any]:
    """The posted plan: every field kept (a blank one clears its value on an edit)."""
    return {name: str(form.get(name) or "").strip() for name in PLAN_FIELDS}


def _step_rows(form: FormData) -> list[dict[str, str]]:
    """The create form's switch-over step rows (``step_title`` … as aligned lists), the rows
    left wholly blank dropped."""
    columns = [form.getlist(f"step_{name}") for name in STEP_COLUMNS]
    rows = [
        {name: str(value).strip() for name, value in zip(STEP_COLUMNS, row, strict=True)}
        for row in zip(*columns, strict=False)
    ]
    return [row for row in rows if any(row.values())]


def _step_body(row: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in row.items() if value}


def _with_blank_rows(rows: list[dict[str, str]], more: int = 1) -> list[dict[str, str]]:
    blank = dict.fromkeys(STEP_COLUMNS, "")
    return rows + [dict(blank) for _ in range(max(STEP_ROWS_AT_LEAST - len(rows), more))]


def _save_plan(
    request: Request,
    session: Session,
    actor: Actor,
    plan_id: int | None,
    form: FormData,
) -> Response:
    data = _plan_fields(form)
    body = {k: (v if v != "" else None) for k, v in data.items()}
    for text in ("trigger", "communication"):
        body[text] = data[text]
    rows = _step_rows(form) if plan_id is None else []
    if plan_id is None:
        data["step_rows"] = _with_blank_rows(rows)
        if form.get("more_steps"):  # more rows on the form; nothing saved yet
            data["step_rows"] = _with_blank_rows(rows, more=3)
            return _plan_form_page(request, session, actor, None, _Again(data))

    def change() -> str:
        if plan_id is None:
            given = {k: v for k, v in body.items() if v is not None}
            given["steps"] = [_step_body(row) for row in rows]
            created = parse(schemas.PlanCreate, given)
            return f"/risk/plans/{contingency.create_plan(session, actor=actor, data=created).id}"
        changed = parse(schemas.ContingencyPlanUpdate, body)
        contingency.update_plan(session, actor=actor, plan_id=plan_id, data=changed)
        return f"/risk/plans/{plan_id}"

    def again(error: dict[str, Any], status: int) -> HTMLResponse:
        return _plan_form_page(request, session, actor, plan_id, _Again(data, error, status))

    return _submitted(request, session, change, again)


@router.get("/risk/plans/new", response_class=HTMLResponse)
def new_plan_page(request: Request, session: DbSession, actor: ActorDep) -> HTMLResponse:
    # no cadence of its own: the quality agreement's, else 180 days (``risk.drill_cadence``)
    first = {"drill_every_days": "", "step_rows": _with_blank_rows([])}
    return _plan_form_page(request, session, actor, None, _Again(first))


@router.post("/risk/plans/new", response_model=None)
def create_plan(request: Request, session: DbSession, actor: ActorDep, form: FormDep) -> Response:
    register.ensure_writer(actor)
    return _save_plan(request, session, actor, None, form)


@router.get("/risk/plans/{plan_id}/edit", response_class=HTMLResponse)
def edit_plan_page(
    request: Request, session: DbSession, actor: ActorDep, plan_id: int
) -> HTMLResponse:
    plan = contingency.get_plan(session, actor=actor, plan_id=plan_id)
    form = {name: getattr(plan, name) for name in PLAN_FIELDS}
    form = {k: ("" if v is None else str(v)) for k, v in form.items()}
    return _plan_form_page(request, session, actor, plan.id, _Again(form))


@router.post("/risk/plans/{plan_id}/edit", response_model=None)
def edit_plan(
    request: Request, session: DbSession, actor: ActorDep, plan_id: int, form: FormDep
) -> Response:
    register.ensure_writer(actor)
    contingency.get_plan(session, actor=actor, plan_id=plan_id)  # 404 before any form problem
    return _save_plan(request, session, actor, plan_id, form)


@router.get("/risk/plans/{plan_id}", response_class=HTMLResponse)
def plan_page(request: Request, session: DbSession, actor: ActorDep, plan_id: int) -> HTMLResponse:
    return _plan_page(request, session, actor, plan_id)


def _plan_form(
    request: Request,
    session: Session,
    actor: Actor,
    plan_id: int,
    form: FormData,
    change: Callable[[dict[str, Any]], object],
) -> Response:
    """A form of the plan page: ``change`` the plan from its fields, then back to the page,
    or the page again with the fields kept and the problem named."""
    register.ensure_writer(actor)
    contingency.get_plan(session, actor=actor, plan_id=plan_id)  # 404 before any form problem
    data = fields(form) | _drill_timing(form)

    def run() -> str:
        change(data)
        return f"/risk/plans/{plan_id}"

    def again(error: dict[str, Any], status: int) -> HTMLResponse:
        return _plan_page(request, session, actor, plan_id, _Again(data, error, status))

    return _submitted(request, session, run, again)


def _drill_timing(form: FormData) -> dict[str, Any]:
    """The drill form's actual days and note per step (three aligned lists; a step left blank
    is not timed), as ``steps`` for ``DrillIn`` and by step id to draw the form again."""
    if "step_id" not in form:
        return {}
    lists = [form.getlist(name) for name in ("step_id", "actual_days", "step_note")]
    columns = zip(*lists, strict=False)
    timed = [
        {"step_id": str(step).strip(), "actual_days": str(days).strip() or None, "note": str(note)}
        for step, days, note in columns
        if str(days).strip() or str(note).strip()
    ]
    return {"steps": timed, "timed_by_step": {t["step_id"]: t for t in timed}}


PlanChange = Callable[[Session, Actor, int, dict[str, Any]], object]


def _plan_route(action: str, change: PlanChange) -> None:
    """POST /risk/plans/{plan_id}/<action>: one form of the plan page (``_plan_form``)."""

    def post(
        request: Request, session: DbSession, actor: ActorDep, plan_id: int, form: FormDep
    ) -> Response:
        def run(data: dict[str, Any]) -> object:
            return change(session, actor, plan_id, data)

        return _plan_form(request, session, actor, plan_id, form, run)

    router.add_api_route(
        f"/risk/plans/{{plan_id}}/{action}",
        post,
        methods=["POST"],
        response_model=None,
        name=f"risk_plan_{action}",
    )


def _add_step(session: Session, actor: Actor, plan_id: int, data: dict[str, Any]) -> object:
    body = parse(schemas.StepIn, {k: v for k, v in data.items() if v not in ("", None)})
    return contingency.add_step(session, actor=actor, plan_id=plan_id, data=body)


def _record_drill(session: Session, actor: Actor, plan_id: int, data: dict[str, Any]) -> object:
    body = parse(schemas.DrillIn, {k: v for k, v in data.items() if k != "timed_by_step"})
    return contingency.record_drill(session, actor=actor, plan_id=plan_id, data=body)


def _schedule_drill(session: Session, actor: Actor, plan_id: int, data: dict[str, Any]) -> object:
    day = {"drill_scheduled_on": data.get("drill_scheduled_on") or None}
    body = parse(schemas.ContingencyPlanUpdate, day)
    return contingency.update_plan(session, actor=actor, plan_id=plan_id, data=body)


def _activate(session: Session, actor: Actor, plan_id: int, data: dict[str, Any]) -> object:
    body = parse(schemas.ActivateIn, {"scenario_id": data.get("scenario_id") or None})
    return activation.activate(session, actor=actor, plan_id=plan_id, data=body)


_plan_route("steps", _add_step)
_plan_route("drills", _record_drill)
_plan_route("schedule", _schedule_drill)
_plan_route("activate", _activate)


@router.get("/risk/{risk_id}", response_class=HTMLResponse)
def risk_page(request: Request, session: DbSession, actor: ActorDep, risk_id: int) -> HTMLResponse:
    risk = register.get_risk(session, actor=actor, risk_id=risk_id)
    partner = session.get(Partner, risk.partner_id) if risk.partner_id else None
    context = {
        "risk": risk,
        "partner": partner,
        "lane": session.get(Lane, risk.lane_id) if risk.lane_id else None,
        "overdue": risk.review_overdue(date.today()),
        "review_due": risk.review_due(date.today()),
        "likelihood_anchors": register.LIKELIHOOD_ANCHORS,
        "impact_anchors": register.IMPACT_ANCHORS,
        "statuses": list(RiskStatus),
        "can_write": actor.role in register.WRITERS,
    }
    return render(request, "risk/risk.html", context)


@router.post("/risk/{risk_id}/status", response_model=None)
def change_status(
    request: Request, session: DbSession, actor: ActorDep, risk_id: int, form: FormDep
) -> Response:
    register.ensure_writer(actor)
    register.get_risk(session, actor=actor, risk_id=risk_id)  # 404 before any form problem
    body = parse(schemas.RiskStatusIn, fields(form))
    register.change_status(
        session, actor=actor, risk_id=risk_id, status=body.status, note=body.note
    )
    return RedirectResponse(f"/risk/{risk_id}", status_code=303)


@router.post("/risk/{risk_id}/review", response_model=None)
def mark_reviewed(request: Request, session: DbSession, actor: ActorDep, risk_id: int) -> Response:
    register.mark_reviewed(session, actor=actor, risk_id=risk_id)
    return RedirectResponse(f"/risk/{risk_id}", status_code=303)


@router.post("/risk/{risk_id}/mitigations", response_model=None)
def add_mitigation(
    request: Request, session: DbSession, actor: ActorDep, risk_id: int, form: FormDep
) -> Response:
    register.ensure_writer(actor)
    register.get_risk(session, actor=actor, risk_id=risk_id)  # 404 before any form problem
    body = parse(schemas.MitigationIn, fields(form))
    register.add_mitigation(session, actor=actor, risk_id=risk_id, data=body)
    return RedirectResponse(f"/risk/{risk_id}", status_code=303)
