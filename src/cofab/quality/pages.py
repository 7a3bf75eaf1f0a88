"""Quality pages: thin routes that parse a form, call the quality services and render.

Every POST redirects to the record's page on success and re-renders that page with the field
problems (named by their labels, in the reader's language) on failure, writing nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cache
from typing import Annotated, Any, get_type_hints

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from cofab.core.access import Actor
from cofab.core.dashboard import register_dashboard_widget
from cofab.core.errors import CofabError, FieldProblem, ValidationFailed
from cofab.core.forms import FormDep, fields, parse
from cofab.core.i18n import N_
from cofab.core.pagination import paginate
from cofab.core.web import DbSession, error_context, page_actor, render
from cofab.db.base import utcnow
from cofab.partners import service as partners_service
from cofab.partners.models import Partner, Site
from cofab.quality import alerts, audits, files, lots, ncrs, plans, schemas
from cofab.quality.engine.rule_names import RULES
from cofab.quality.engine.sampling import AQL_SERIES
from cofab.quality.labels import STEP_FIELDS, STEP_TITLES, quality_label
from cofab.quality.models import Lot, NonConformance
from cofab.quality.ncrs import STEP_KEYS
from cofab.quality.rules import QUALITY_WRITERS

router = APIRouter(include_in_schema=False)
ActorDep = Annotated[Actor, Depends(page_actor)]
PAGE_SIZE = 25
BAD_QUESTION_LINE = N_("Line {line}: write 'Korean | English | weight'.")


def _base(request: Request, actor: Actor) -> dict[str, Any]:
    locale = request.state.locale
    return {
        "ql": lambda code: quality_label(code, locale),
        "can_write": actor.role in QUALITY_WRITERS,
        "step_titles": STEP_TITLES,
        "step_fields": STEP_FIELDS,
        "today": date.today(),
    }


def can_attach(actor: Actor, partner_id: int) -> bool:
    """Owner quality staff, or a user of the record's own partner."""
    return actor.partner_id == partner_id if actor.is_partner else actor.role in QUALITY_WRITERS


def _partners(session: Session) -> dict[int, Partner]:
    return {p.id: p for p in session.execute(select(Partner).order_by(Partner.name_en)).scalars()}


def _sites(session: Session) -> list[Site]:
    return list(session.execute(select(Site).order_by(Site.partner_id, Site.name)).scalars())


def _attempt(
    request: Request,
    session: Session,
    action: Callable[[], str],
    on_error: Callable[[], Response],
) -> Response:
    """Run a write; on a refused write roll back and show the page again with the problems."""
    try:
        target = action()
    except CofabError as exc:
        session.rollback()
        request.state.quality_error = error_context(exc, request.state.locale)
        request.state.quality_status = exc.status
        return on_error()
    return RedirectResponse(target, status_code=303)


def _save(
    request: Request,
    session: Session,
    actor: Actor,
    body: dict[str, Any],
    write: Callable[..., Any],
    *,
    goto: str | None = None,
    **record: int,
) -> Response:
    """The common page write on one record: ``write(session, actor=, <record>, data=<body>)``
    with the body parsed as the schema ``write`` declares for ``data``, then back to the
    record's page (or to ``goto``/<id of what ``write`` created>); a refused write shows the
    record's page again with the problems."""
    ((key, record_id),) = record.items()
    show, url = _RECORD_PAGES[key]

    def act() -> str:
        done = write(session, actor=actor, data=parse(_data_schema(write), body), **record)
        return f"{goto}/{done.id}" if goto else f"{url}/{record_id}"

    return _attempt(request, session, act, lambda: show(request, session, actor, record_id))


@cache
def _data_schema(write: Callable[..., object]) -> type[BaseModel]:
    schema: type[BaseModel] = get_type_hints(write)["data"]
    return schema


def _show(request: Request, template: str, ctx: dict[str, Any]) -> HTMLResponse:
    error = getattr(request.state, "quality_error", None)
    status = getattr(request.state, "quality_status", 200)
    return render(request, template, ctx | (error or {}), status_code=status)


# --- home --------------------------------------------------------------------------------------


@router.get("/quality", response_class=HTMLResponse)
def home(request: Request, session: DbSession, actor: ActorDep) -> Response:
    pending = session.execute(lots.lot_query(actor, status="pending").limit(20)).scalars().all()
    rejected = session.execute(lots.lot_query(actor, status="rejected").limit(20)).scalars().all()
    open_ncrs = session.execute(ncrs.ncr_query(actor).limit(20)).scalars().all()
    return render(
        request,
        "quality/home.html",
        _base(request, actor)
        | {
            "pending": pending,
            "rejected": [lot for lot in rejected if not lot.disposition],
            "ncrs": [n for n in open_ncrs if n.status != "closed"],
            "overdue_steps": ncrs.overdue_steps(session, actor),
            "calendar": audits.calendar(session, actor),
            "partners": _partners(session),
            "discontinued": plans.discontinued_partner_ids(session),
        },
    )


def quality_widget(session: Session, actor: Actor) -> tuple[str, dict[str, Any]] | None:
    """Dashboard card: overdue 8D steps and audits, SPC alerts (a rule fired, Cpk below target)
    and discontinued inspection plans; a partner user sees its own only."""
    overdue = ncrs.overdue_steps(session, actor)
    late_audits = audits.calendar(session, actor)["overdue"]
    spc = alerts.spc_alerts(session, actor)
    stopped = alerts.discontinued_plans(session, actor)
    if not overdue and not late_audits and not spc and not stopped:
        return None
    return "quality/widget.html", {
        "q_overdue_steps": len(overdue),
        "q_overdue_audits": len(late_audits),
        "q_spc_alerts": spc[:5],
        "q_spc_more": max(0, len(spc) - 5),
        "q_discontinued": stopped,
        "q_partners": _partners(session) if stopped or spc else {},
        "q_rule_labels": RULES,
    }


register_dashboard_widget(quality_widget)


@router.get("/quality/partners/{partner_id}/panel", response_class=HTMLResponse)
def partner_panel(
    request: Request, session: DbSession, actor: ActorDep, partner_id: int
) -> HTMLResponse:
    """The quality flag on the partner's page: plans discontinued (acceptance stopped)."""
    partners_service.get_partner(session, actor=actor, partner_id=partner_id)  # scoped: 404
    stopped = [p for p in alerts.discontinued_plans(session, actor) if p.partner_id == partner_id]
    return render(request, "quality/partner_panel.html", {"stopped": stopped})


# --- plans -------------------------------------------------------------------------------------


def _plans_page(
    request: Request, session: Session, actor: Actor, form: dict[str, Any] | None = None
) -> HTMLResponse:
    items = session.execute(plans.plan_query(actor)).scalars().all()
    return _show(
        request,
        "quality/plans.html",
        _base(request, actor)
        | {
            "plans": items,
            "partners": _partners(session),
            "sites": _sites(session),
            "form": form or {},
            "aql_hint": ", ".join(f"{a:g}" for a in AQL_SERIES),
        },
    )


@router.get("/quality/plans", response_class=HTMLResponse)
def plan_list(request: Request, session: DbSession, actor: ActorDep) -> Response:
    return _plans_page(request, session, actor)


def _characteristic_from(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    keys = ("name_ko", "name_en", "kind", "uom", "nominal", "lsl", "usl", "defect_class")
    return {k: data[prefix + k] for k in keys if prefix + k in data}


@router.post("/quality/plans", response_class=HTMLResponse)
def plan_create(request: Request, session: DbSession, actor: ActorDep, form: FormDep) -> Response:
    data = fields(form)
    body: dict[str, Any] = {
        k: data[k]
        for k in (
            "partner_id",
            "site_id",
            "product",
            "inspection_level",
            "aql_critical",
            "aql_major",
            "aql_minor",
        )
        if k in data
    }
    body["owner_approved_reduced"] = "owner_approved_reduced" in data
    body["steady_production"] = "steady_production" in data
    first = _characteristic_from(data, "ch_")
    if first.get("name_ko") or first.get("name_en"):
        body["characteristics"] = [first]

    def act() -> str:
        plan = plans.create_plan(session, actor=actor, data=parse(schemas.PlanCreate, body))
        return f"/quality/plans/{plan.id}"

    return _attempt(request, session, act, lambda: _plans_page(request, session, actor, data))


def _plan_page(request: Request, session: Session, actor: Actor, plan_id: int) -> HTMLResponse:
    plan = plans.get_plan(session, actor=actor, plan_id=plan_id)
    return _show(
        request,
        "quality/plan.html",
        _base(request, actor)
        | {
            "plan": plan,
            "partner": _partners(session).get(plan.partner_id),
            "characteristics": plans.characteristics_of(session, plan),
            "history": plans.history_of(session, plan),
            "lots": session.execute(lots.lot_query(actor).where(Lot.plan_id == plan.id).limit(30))
            .scalars()
            .all(),
            "aql_hint": ", ".join(f"{a:g}" for a in AQL_SERIES),
        },
    )


@router.get("/quality/plans/{plan_id}", response_class=HTMLResponse)
def plan_detail(request: Request, session: DbSession, actor: ActorDep, plan_id: int) -> Response:
    return _plan_page(request, session, actor, plan_id)


@router.post("/quality/plans/{plan_id}/edit", response_class=HTMLResponse)
def plan_edit(
    request: Request, session: DbSession, actor: ActorDep, plan_id: int, form: FormDep
) -> Response:
    data = fields(form)
    body: dict[str, Any] = {
        k: data[k]
        for k in ("inspection_level", "aql_critical", "aql_major", "aql_minor")
        if k in data
    }
    body["owner_approved_reduced"] = "owner_approved_reduced" in data
    body["steady_production"] = "steady_production" in data
    return _save(request, session, actor, body, plans.update_plan, plan_id=plan_id)


@router.post("/quality/plans/{plan_id}/state", response_class=HTMLResponse)
def plan_state(
    request: Request, session: DbSession, actor: ActorDep, plan_id: int, form: FormDep
) -> Response:
    return _save(request, session, actor, fields(form), plans.reset_state, plan_id=plan_id)


@router.post("/quality/plans/{plan_id}/characteristics", response_class=HTMLResponse)
def plan_characteristic(
    request: Request, session: DbSession, actor: ActorDep, plan_id: int, form: FormDep
) -> Response:
    data = fields(form)

    def act() -> str:
        plan = plans.get_plan(session, actor=actor, plan_id=plan_id)
        plans.add_characteristic(
            session, actor=actor, plan=plan, data=parse(schemas.CharacteristicIn, data)
        )
        return f"/quality/plans/{plan_id}"

    return _attempt(request, session, act, lambda: _plan_page(request, session, actor, plan_id))


# --- lots --------------------------------------------------------------------------------------


@router.get("/quality/lots", response_class=HTMLResponse)
def lot_list(
    request: Request, session: DbSession, actor: ActorDep, status: str = "", page: int = 1
) -> Response:
    items, total = paginate(
        session, lots.lot_query(actor, status=status or None), page=page, size=PAGE_SIZE
    )
    return render(
        request,
        "quality/lots.html",
        _base(request, actor)
        | {
            "lots": items,
            "total": total,
            "page": max(page, 1),
            "pages": max(1, -(-total // PAGE_SIZE)),
            "status": status,
            "partners": _partners(session),
        },
    )


def _lot_page(request: Request, session: Session, actor: Actor, lot_id: int) -> HTMLResponse:
    lot = lots.get_lot(session, actor=actor, lot_id=lot_id)
    inspections = lots.inspections_of(session, lot)
    characteristics = []
    if lot.plan_id is not None:
        plan = plans.get_plan(session, actor=actor, plan_id=lot.plan_id)
        characteristics = plans.characteristics_of(session, plan)
    ncr_rows = session.execute(ncrs.ncr_query(actor).where(NonConformance.lot_id == lot.id))
    return _show(
        request,
        "quality/lot.html",
        _base(request, actor)
        | {
            "lot": lot,
            "partner": _partners(session).get(lot.partner_id),
            "inspections": [(i, lots.defects_of(session, i)) for i in inspections],
            "characteristics": characteristics,
            "ncrs": ncr_rows.scalars().all(),
            "dispositions": ("return", "rework", "sort", "use_as_is", "scrap"),
            "certificates": files.certificates_of(session, lot),
            "can_attach": can_attach(actor, lot.partner_id),
        },
    )


@router.get("/quality/lots/{lot_id}", response_class=HTMLResponse)
def lot_detail(request: Request, session: DbSession, actor: ActorDep, lot_id: int) -> Response:
    return _lot_page(request, session, actor, lot_id)


def _defects_from(form: FormData) -> list[dict[str, Any]]:
    """Per characteristic ``qty_<id>``, plus free rows ``code_<n>``/``class_<n>``/``free_<n>``."""
    data = fields(form)
    out: list[dict[str, Any]] = []
    for key, value in data.items():
        if key.startswith("qty_") and value not in ("0",):
            out.append({"characteristic_id": key[4:], "quantity": value})
    for n in range(5):
        if f"free_{n}" in data or f"code_{n}" in data:
            row = {"quantity": data.get(f"free_{n}", "")}
            if f"code_{n}" in data:
                row["defect_code"] = data[f"code_{n}"]
            if f"class_{n}" in data:
                row["defect_class"] = data[f"class_{n}"]
            out.append(row)
    return out


@router.post("/quality/inspections/{inspection_id}/result", response_class=HTMLResponse)
def inspection_result(
    request: Request, session: DbSession, actor: ActorDep, inspection_id: int, form: FormDep
) -> Response:
    inspection = lots.get_inspection(session, actor=actor, inspection_id=inspection_id)
    lot_id = inspection.lot_id
    body = {"defects": _defects_from(form), "note": str(form.get("note") or "")}

    def act() -> str:
        lots.record_inspection(
            session,
            actor=actor,
            inspection_id=inspection_id,
            data=parse(schemas.InspectionResult, body),
        )
        return f"/quality/lots/{lot_id}"

    return _attempt(request, session, act, lambda: _lot_page(request, session, actor, lot_id))


@router.post("/quality/lots/{lot_id}/outgoing", response_class=HTMLResponse)
def lot_outgoing(
    request: Request, session: DbSession, actor: ActorDep, lot_id: int, form: FormDep
) -> Response:
    body = {
        "sample_size": str(form.get("sample_size") or "").strip() or None,
        "defects": _defects_from(form),
        "note": str(form.get("note") or ""),
    }
    return _save(request, session, actor, body, lots.post_outgoing, lot_id=lot_id)


@router.post("/quality/lots/{lot_id}/disposition", response_class=HTMLResponse)
def lot_disposition(
    request: Request, session: DbSession, actor: ActorDep, lot_id: int, form: FormDep
) -> Response:
    return _save(request, session, actor, fields(form), lots.set_disposition, lot_id=lot_id)


@router.post("/quality/lots/{lot_id}/ncr", response_class=HTMLResponse)
def lot_ncr(
    request: Request, session: DbSession, actor: ActorDep, lot_id: int, form: FormDep
) -> Response:
    body = fields(form)
    return _save(
        request, session, actor, body, ncrs.ncr_from_lot, goto="/quality/ncrs", lot_id=lot_id
    )


# --- NCRs --------------------------------------------------------------------------------------


def _ncrs_page(
    request: Request, session: Session, actor: Actor, form: dict[str, Any] | None = None
) -> HTMLResponse:
    return _show(
        request,
        "quality/ncrs.html",
        _base(request, actor)
        | {
            "ncrs": session.execute(ncrs.ncr_query(actor).limit(200)).scalars().all(),
            "partners": _partners(session),
            "form": form or {},
        },
    )


@router.get("/quality/ncrs", response_class=HTMLResponse)
def ncr_list(request: Request, session: DbSession, actor: ActorDep) -> Response:
    return _ncrs_page(request, session, actor)


@router.post("/quality/ncrs", response_class=HTMLResponse)
def ncr_create(request: Request, session: DbSession, actor: ActorDep, form: FormDep) -> Response:
    data = fields(form)

    def act() -> str:
        ncr = ncrs.create_ncr(session, actor=actor, data=parse(schemas.NcrCreate, data))
        return f"/quality/ncrs/{ncr.id}"

    return _attempt(request, session, act, lambda: _ncrs_page(request, session, actor, data))


def _ncr_page(request: Request, session: Session, actor: Actor, ncr_id: int) -> HTMLResponse:
    ncr = ncrs.get_ncr(session, actor=actor, ncr_id=ncr_id)
    return _show(
        request,
        "quality/ncr.html",
        _base(request, actor)
        | {
            "ncr": ncr,
            "partner": _partners(session).get(ncr.partner_id),
            "cost_total": ncrs.cost_total(ncr),
            "cost_fields": ncrs.COST_FIELDS,
            "eightd": ncrs.eightd_of_ncr(session, ncr),
            "files": files.files_of_ncr(session, ncr),
            "can_attach": can_attach(actor, ncr.partner_id),
        },
    )


@router.get("/quality/ncrs/{ncr_id}", response_class=HTMLResponse)
def ncr_detail(request: Request, session: DbSession, actor: ActorDep, ncr_id: int) -> Response:
    return _ncr_page(request, session, actor, ncr_id)


@router.post("/quality/ncrs/{ncr_id}/edit", response_class=HTMLResponse)
def ncr_edit(
    request: Request, session: DbSession, actor: ActorDep, ncr_id: int, form: FormDep
) -> Response:
    return _save(request, session, actor, fields(form), ncrs.update_ncr, ncr_id=ncr_id)


@router.post("/quality/ncrs/{ncr_id}/8d", response_class=HTMLResponse)
def ncr_open_eightd(
    request: Request, session: DbSession, actor: ActorDep, ncr_id: int, form: FormDep
) -> Response:
    body = fields(form)
    return _save(request, session, actor, body, ncrs.open_eightd, goto="/quality/8d", ncr_id=ncr_id)


# --- 8D ----------------------------------------------------------------------------------------


def _eightd_page(request: Request, session: Session, actor: Actor, eightd_id: int) -> HTMLResponse:
    eightd = ncrs.get_eightd(session, actor=actor, eightd_id=eightd_id)
    ncr = ncrs.get_ncr(session, actor=actor, ncr_id=eightd.ncr_id)
    return _show(
        request,
        "quality/eightd.html",
        _base(request, actor)
        | {
            "eightd": eightd,
            "ncr": ncr,
            "partner": _partners(session).get(eightd.partner_id),
            "steps": ncrs.steps_of(session, eightd),
            "step_keys": STEP_KEYS,
            "actions": ncrs.actions_of(session, eightd),
            "check": ncrs.verification(session, eightd),
            "can_fill": actor.is_partner or actor.role in QUALITY_WRITERS,
            "now": utcnow(),
        },
    )


@router.get("/quality/8d/{eightd_id}", response_class=HTMLResponse)
def eightd_detail(
    request: Request, session: DbSession, actor: ActorDep, eightd_id: int
) -> Response:
    return _eightd_page(request, session, actor, eightd_id)


@router.post("/quality/8d/{eightd_id}/steps/{step}", response_class=HTMLResponse)
def eightd_step(
    request: Request, session: DbSession, actor: ActorDep, eightd_id: int, step: str, form: FormDep
) -> Response:
    content = {
        key[len("content.") :]: str(value)
        for key, value in form.multi_items()
        if key.startswith("content.") and isinstance(value, str)
    }
    body = {"content": content, "submit": form.get("submit") != "draft"}

    def act() -> str:
        ncrs.write_step(
            session,
            actor=actor,
            eightd_id=eightd_id,
            step=step,
            data=parse(schemas.EightDStepIn, body),
        )
        return f"/quality/8d/{eightd_id}#{step}"

    return _attempt(request, session, act, lambda: _eightd_page(request, session, actor, eightd_id))


@router.post("/quality/8d/{eightd_id}/steps/{step}/review", response_class=HTMLResponse)
def eightd_review(
    request: Request, session: DbSession, actor: ActorDep, eightd_id: int, step: str, form: FormDep
) -> Response:
    data = fields(form)

    def act() -> str:
        ncrs.review_step(
            session,
            actor=actor,
            eightd_id=eightd_id,
            step=step,
            data=parse(schemas.StepReview, data),
        )
        return f"/quality/8d/{eightd_id}#{step}"

    return _attempt(request, session, act, lambda: _eightd_page(request, session, actor, eightd_id))


@router.post("/quality/8d/{eightd_id}/actions", response_class=HTMLResponse)
def eightd_action(
    request: Request, session: DbSession, actor: ActorDep, eightd_id: int, form: FormDep
) -> Response:
    return _save(request, session, actor, fields(form), ncrs.add_action, eightd_id=eightd_id)


@router.post("/quality/8d/{eightd_id}/close", response_class=HTMLResponse)
def eightd_close(request: Request, session: DbSession, actor: ActorDep, eightd_id: int) -> Response:
    def act() -> str:
        ncrs.close_eightd(session, actor=actor, eightd_id=eightd_id)
        return f"/quality/8d/{eightd_id}"

    return _attempt(request, session, act, lambda: _eightd_page(request, session, actor, eightd_id))


# --- audits ------------------------------------------------------------------------------------


def _audits_page(
    request: Request, session: Session, actor: Actor, form: dict[str, Any] | None = None
) -> HTMLResponse:
    checklists = (
        session.execute(audits.checklist_query()).scalars().all() if not actor.is_partner else []
    )
    return _show(
        request,
        "quality/audits.html",
        _base(request, actor)
        | {
            "audits": session.execute(audits.audit_query(actor).limit(200)).scalars().all(),
            "calendar": audits.calendar(session, actor),
            "checklists": checklists,
            "partners": _partners(session),
            "sites": _sites(session),
            "form": form or {},
        },
    )


@router.get("/quality/audits", response_class=HTMLResponse)
def audit_list(request: Request, session: DbSession, actor: ActorDep) -> Response:
    return _audits_page(request, session, actor)


@router.post("/quality/audits", response_class=HTMLResponse)
def audit_create(request: Request, session: DbSession, actor: ActorDep, form: FormDep) -> Response:
    data = fields(form)

    def act() -> str:
        row = audits.plan_audit(session, actor=actor, data=parse(schemas.AuditCreate, data))
        return f"/quality/audits/{row.id}"

    return _attempt(request, session, act, lambda: _audits_page(request, session, actor, data))


def _questions_from(text: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    problems: list[FieldProblem] = []
    for n, line in enumerate((t for t in text.splitlines() if t.strip()), start=1):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
            problems.append(FieldProblem("questions", BAD_QUESTION_LINE, {"line": n}))
            continue
        row: dict[str, Any] = {"text_ko": parts[0], "text_en": parts[1]}
        if len(parts) == 3 and parts[2]:
            row["weight"] = parts[2]
        out.append(row)
    if problems:
        raise ValidationFailed(problems=problems)
    return out


@router.post("/quality/checklists", response_class=HTMLResponse)
def checklist_create(
    request: Request, session: DbSession, actor: ActorDep, form: FormDep
) -> Response:
    data = fields(form)

    def act() -> str:
        body: dict[str, Any] = {k: data[k] for k in ("name", "kind", "scoring") if k in data}
        body["questions"] = _questions_from(str(data.get("questions", "")))
        audits.create_checklist(session, actor=actor, data=parse(schemas.ChecklistCreate, body))
        return "/quality/audits"

    return _attempt(request, session, act, lambda: _audits_page(request, session, actor, data))


def _audit_page(request: Request, session: Session, actor: Actor, audit_id: int) -> HTMLResponse:
    row = audits.get_audit(session, actor=actor, audit_id=audit_id)
    checklist = audits.get_checklist(session, row.checklist_id)
    return _show(
        request,
        "quality/audit.html",
        _base(request, actor)
        | {
            "audit": row,
            "checklist": checklist,
            "partner": _partners(session).get(row.partner_id),
            "questions": audits.questions_of(session, checklist.id),
            "answers": audits.answers_of(session, row),
            "findings": audits.findings_of(session, row),
            "scores": sorted(audits.VDA_SCORES if checklist.scoring == "vda" else (10, 0)),
        },
    )


@router.get("/quality/audits/{audit_id}", response_class=HTMLResponse)
def audit_detail(request: Request, session: DbSession, actor: ActorDep, audit_id: int) -> Response:
    return _audit_page(request, session, actor, audit_id)


@router.post("/quality/audits/{audit_id}/result", response_class=HTMLResponse)
def audit_result(
    request: Request, session: DbSession, actor: ActorDep, audit_id: int, form: FormDep
) -> Response:
    data = fields(form)
    answers = [
        {"question_id": key[6:], "score": value}
        for key, value in data.items()
        if key.startswith("score_")
    ]
    body = {"performed_on": data.get("performed_on"), "answers": answers}
    return _save(request, session, actor, body, audits.record_result, audit_id=audit_id)


@router.post("/quality/audits/{audit_id}/findings", response_class=HTMLResponse)
def audit_finding(
    request: Request, session: DbSession, actor: ActorDep, audit_id: int, form: FormDep
) -> Response:
    return _save(request, session, actor, fields(form), audits.add_finding, audit_id=audit_id)


# the page each record id of a form goes back to (read when a form is posted)
_RECORD_PAGES: dict[str, tuple[Callable[[Request, Session, Actor, int], Response], str]] = {
    "plan_id": (_plan_page, "/quality/plans"),
    "lot_id": (_lot_page, "/quality/lots"),
    "ncr_id": (_ncr_page, "/quality/ncrs"),
    "eightd_id": (_eightd_page, "/quality/8d"),
    "audit_id": (_audit_page, "/quality/audits"),
}
