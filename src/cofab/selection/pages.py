"""Selection pages: evaluations, score sheets, results with charts, closing and the report.

Template pages live in ``pages_templates`` and due-diligence pages in ``pages_due_diligence``;
this module's ``router`` includes both. Every handler checks access before it reads a form, so
a partner user gets the same 404 everywhere.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.core.dashboard import register_dashboard_widget
from cofab.core.errors import CofabError, FieldProblem, ValidationFailed
from cofab.core.forms import FormDep, fields, parse
from cofab.core.i18n import N_
from cofab.core.web import DbSession, page_actor
from cofab.partners.models import Partner, PartnerStatus
from cofab.selection import api as selection_api
from cofab.selection import pages_due_diligence, pages_templates, schemas, service
from cofab.selection.aggregation import AGGREGATIONS
from cofab.selection.evaluations import EvaluationView
from cofab.selection.models import DueDiligenceItem, Evaluation, EvaluationStatus
from cofab.selection.page_helpers import lname, page, page_with_error, saved
from cofab.selection.permissions import EVALUATORS, WRITERS, ensure_evaluator, ensure_reader
from cofab.selection.results import results_for_view

router = APIRouter(include_in_schema=False)
ActorDep = Annotated[Actor, Depends(page_actor)]
MSG_NOT_A_NUMBER = N_("Must be a number.")


@router.get("/selection", response_class=HTMLResponse)
def index(request: Request, session: DbSession, actor: ActorDep, status: str = "") -> Response:
    rows = service.list_evaluations(session, actor=actor, status=status or None)
    return page(
        request,
        "selection/index.html",
        {"rows": rows, "status": status, "can_write": actor.role in WRITERS},
    )


def _partner_choices(session: Session) -> list[Partner]:
    return list(
        session.execute(
            select(Partner)
            .where(Partner.status != PartnerStatus.EXITED.value)
            .order_by(Partner.name_en)
        ).scalars()
    )


@router.get("/selection/evaluations/new", response_class=HTMLResponse)
def evaluation_new(request: Request, session: DbSession, actor: ActorDep) -> Response:
    views = service.list_templates(session, actor=actor)
    return page(
        request,
        "selection/evaluation_new.html",
        {"views": views, "partners": _partner_choices(session), "form": {}, "chosen": set()},
    )


@router.post("/selection/evaluations/new", response_class=HTMLResponse)
def evaluation_create(
    request: Request, session: DbSession, actor: ActorDep, form: FormDep
) -> Response:
    ensure_reader(actor)
    data = fields(form, lists=("partner_ids",))
    try:
        evaluation = service.create_evaluation(
            session, actor=actor, data=parse(schemas.EvaluationCreate, data)
        )
    except CofabError as exc:
        session.rollback()
        ctx = {
            "views": service.list_templates(session, actor=actor),
            "partners": _partner_choices(session),
            "form": data,
            "chosen": {str(p) for p in data.get("partner_ids", [])},
        }
        return page_with_error(request, "selection/evaluation_new.html", ctx, exc)
    return RedirectResponse(f"/selection/evaluations/{evaluation.id}?saved=1", status_code=303)


def _evaluation_ctx(session: Session, actor: Actor, view: EvaluationView) -> dict[str, Any]:
    taken = {row.partner.id for row in view.candidates}
    decision: dict[str, Any] | None = None
    if view.evaluation.status == EvaluationStatus.CLOSED:
        row, intact = service.get_decision(session, actor=actor, evaluation_id=view.evaluation.id)
        decision = {"row": row, "intact": intact}
    selected = {r.candidate.id for r in view.candidates if r.candidate.selected}
    preview = service.gate_preview(session, view.evaluation.id, None if view.is_open else selected)
    return {
        "gate_preview": [p.render(actor.locale) for p in preview],
        "view": view,
        "addable": [p for p in _partner_choices(session) if p.id not in taken],
        "aggregations": AGGREGATIONS,
        "can_write": actor.role in WRITERS and view.is_open,
        "can_score": actor.role in EVALUATORS and view.is_open,
        "criteria_count": len(view.version.criteria),
        "decision": decision,
    }


@router.get("/selection/evaluations/{evaluation_id}", response_class=HTMLResponse)
def evaluation_detail(
    request: Request, session: DbSession, actor: ActorDep, evaluation_id: int
) -> Response:
    view = service.evaluation_view(session, actor=actor, evaluation_id=evaluation_id)
    ctx = _evaluation_ctx(session, actor, view) | {"flash": saved(request)}
    return page(request, "selection/evaluation.html", ctx)


def _evaluation_or_error(
    request: Request, session: Session, actor: Actor, evaluation_id: int, action: Any
) -> Response:
    """Run a change; on a broken rule show the evaluation page again with the reason."""
    try:
        action()
    except CofabError as exc:
        session.rollback()
        view = service.evaluation_view(session, actor=actor, evaluation_id=evaluation_id)
        return page_with_error(
            request, "selection/evaluation.html", _evaluation_ctx(session, actor, view), exc
        )
    return RedirectResponse(f"/selection/evaluations/{evaluation_id}?saved=1", status_code=303)


@router.post("/selection/evaluations/{evaluation_id}/settings", response_class=HTMLResponse)
def evaluation_settings(
    request: Request, session: DbSession, actor: ActorDep, form: FormDep, evaluation_id: int
) -> Response:
    service.get_evaluation(session, actor=actor, evaluation_id=evaluation_id)
    data = fields(form)

    def change() -> None:
        service.update_evaluation(
            session,
            actor=actor,
            evaluation_id=evaluation_id,
            data=parse(schemas.EvaluationUpdate, data),
        )

    return _evaluation_or_error(request, session, actor, evaluation_id, change)


@router.post("/selection/evaluations/{evaluation_id}/candidates", response_class=HTMLResponse)
def candidate_add(
    request: Request, session: DbSession, actor: ActorDep, form: FormDep, evaluation_id: int
) -> Response:
    service.get_evaluation(session, actor=actor, evaluation_id=evaluation_id)
    data = fields(form)

    def change() -> None:
        service.add_candidate(
            session,
            actor=actor,
            evaluation_id=evaluation_id,
            partner_id=parse(schemas.CandidateAdd, data).partner_id,
        )

    return _evaluation_or_error(request, session, actor, evaluation_id, change)


@router.post("/selection/candidates/{candidate_id}/remove", response_class=HTMLResponse)
def candidate_remove(
    request: Request, session: DbSession, actor: ActorDep, candidate_id: int
) -> Response:
    candidate = service.get_candidate(session, actor=actor, candidate_id=candidate_id)

    def change() -> None:
        service.remove_candidate(
            session,
            actor=actor,
            candidate_id=candidate_id,
            store=service.evidence_store(request.app.state.settings),
        )

    return _evaluation_or_error(request, session, actor, candidate.evaluation_id, change)


# --- score sheet -----------------------------------------------------------------------------


def _sheet_ctx(
    session: Session, actor: Actor, view: EvaluationView, values: dict[str, str] | None = None
) -> dict[str, Any]:
    mine: dict[str, str] = {}
    for score, user in service.scores_of(session, actor=actor, evaluation_id=view.evaluation.id):
        if user.id == actor.user_id:
            mine[f"v_{score.candidate_id}_{score.criterion}"] = f"{score.value:g}"
            mine[f"j_{score.candidate_id}_{score.criterion}"] = score.justification or ""
    flags = service.needs_justification(session, view, actor.user_id)
    return {
        "view": view,
        "values": values if values is not None else mine,
        "flags": {f"{cid}_{key}" for cid, key in flags},
        "can_score": actor.role in EVALUATORS and view.is_open,
    }


@router.get("/selection/evaluations/{evaluation_id}/scores", response_class=HTMLResponse)
def score_sheet(
    request: Request, session: DbSession, actor: ActorDep, evaluation_id: int
) -> Response:
    view = service.evaluation_view(session, actor=actor, evaluation_id=evaluation_id)
    ctx = _sheet_ctx(session, actor, view) | {"flash": saved(request)}
    return page(request, "selection/scores.html", ctx)


@router.post("/selection/evaluations/{evaluation_id}/scores", response_class=HTMLResponse)
def score_sheet_save(
    request: Request, session: DbSession, actor: ActorDep, form: FormDep, evaluation_id: int
) -> Response:
    ensure_evaluator(actor)
    view = service.evaluation_view(session, actor=actor, evaluation_id=evaluation_id)
    values = {k: str(v) for k, v in form.items() if k.startswith(("v_", "j_"))}
    rows: list[dict[str, Any]] = []
    unreadable: list[FieldProblem] = []
    for row in view.candidates:
        for criterion in view.version.criteria:
            suffix = f"{row.candidate.id}_{criterion['key']}"
            raw = values.get(f"v_{suffix}", "").strip().replace(",", ".")
            value: float | None = None
            if raw:
                try:
                    value = float(raw)
                except ValueError:
                    value = math.nan
                if not math.isfinite(value):
                    label = f"{row.name(actor.locale)} · {lname(criterion, actor.locale)}"
                    unreadable.append(FieldProblem(label, MSG_NOT_A_NUMBER))
                    continue
            rows.append(
                {
                    "candidate_id": row.candidate.id,
                    "criterion": criterion["key"],
                    "value": value,
                    "justification": values.get(f"j_{suffix}", "").strip() or None,
                }
            )
    try:
        try:
            if rows:
                service.save_scores(
                    session,
                    actor=actor,
                    evaluation_id=evaluation_id,
                    sheet=parse(schemas.ScoreSheetIn, {"scores": rows}),
                )
        except ValidationFailed as exc:
            exc.problems = unreadable + [
                _sheet_problem(p, rows, view, actor.locale) for p in exc.problems
            ]
            raise
        if unreadable:
            raise ValidationFailed(problems=unreadable)  # the readable cells are rolled back too
    except CofabError as exc:
        session.rollback()
        ctx = _sheet_ctx(session, actor, view, values)
        return page_with_error(request, "selection/scores.html", ctx, exc)
    return RedirectResponse(
        f"/selection/evaluations/{evaluation_id}/scores?saved=1", status_code=303
    )


def _sheet_problem(
    problem: FieldProblem, rows: list[dict[str, Any]], view: EvaluationView, locale: str
) -> FieldProblem:
    """``scores.7.value`` means little on a page; name the candidate and criterion instead."""
    parts = problem.field.split(".")
    if (
        len(parts) >= 2
        and parts[0] == "scores"
        and parts[1].isdigit()
        and int(parts[1]) < len(rows)
    ):
        row = rows[int(parts[1])]
        names = {r.candidate.id: r.name(locale) for r in view.candidates}
        criteria = {
            c["key"]: c.get(f"name_{locale}") or c["name_en"] for c in view.version.criteria
        }
        label = f"{names.get(row['candidate_id'], '?')} · {criteria.get(row['criterion'], '?')}"
        return FieldProblem(label, problem.message, problem.params)
    return problem


# --- results ---------------------------------------------------------------------------------


@router.get("/selection/evaluations/{evaluation_id}/results", response_class=HTMLResponse)
def results(request: Request, session: DbSession, actor: ActorDep, evaluation_id: int) -> Response:
    view = service.evaluation_view(session, actor=actor, evaluation_id=evaluation_id)
    computed = results_for_view(session, view, request.state.locale)
    scores = service.scores_of(session, actor=actor, evaluation_id=evaluation_id)
    by_cell: dict[tuple[int, str], list[tuple[str, float, str | None]]] = {}
    for score, user in scores:
        by_cell.setdefault((score.candidate_id, score.criterion), []).append(
            (user.display_name, score.value, score.justification)
        )
    return page(
        request,
        "selection/results.html",
        {
            "view": view,
            "results": computed,
            "by_cell": by_cell,
            "can_write": actor.role in WRITERS and view.is_open,
        },
    )


# --- closing and the decision report ---------------------------------------------------------


@router.post("/selection/evaluations/{evaluation_id}/close", response_class=HTMLResponse)
def close(
    request: Request, session: DbSession, actor: ActorDep, form: FormDep, evaluation_id: int
) -> Response:
    service.get_evaluation(session, actor=actor, evaluation_id=evaluation_id)
    data = fields(form, lists=("selected_candidate_ids",))

    def change() -> None:
        service.close_evaluation(
            session,
            actor=actor,
            evaluation_id=evaluation_id,
            data=parse(schemas.CloseEvaluation, data),
        )

    return _evaluation_or_error(request, session, actor, evaluation_id, change)


@router.get("/selection/evaluations/{evaluation_id}/report", response_class=HTMLResponse)
def report(request: Request, session: DbSession, actor: ActorDep, evaluation_id: int) -> Response:
    decision, intact = service.get_decision(session, actor=actor, evaluation_id=evaluation_id)
    record = decision.record
    by_id = {c["candidate_id"]: c for c in record["candidates"]}
    ordered = sorted(
        record["candidates"], key=lambda c: (c["weighted_sum"]["rank"] or 10**9, c["name_en"])
    )
    criteria_names = {c["key"]: c for c in record["criteria"]}
    return page(
        request,
        "selection/report.html",
        {
            "decision": decision,
            "record": record,
            "intact": intact,
            "ordered": ordered,
            "selected": [by_id[c] for c in record["decision"]["selected_candidate_ids"]],
            "candidates_by_key": {str(c["candidate_id"]): c for c in record["candidates"]},
            "criteria_by_key": criteria_names,
        },
    )


@router.get("/selection/evaluations/{evaluation_id}/report.xlsx")
def report_xlsx(
    request: Request, session: DbSession, actor: ActorDep, evaluation_id: int
) -> Response:
    decision, _intact = service.get_decision(session, actor=actor, evaluation_id=evaluation_id)
    return selection_api.decision_file(decision, request.state.locale, "xlsx")


# --- dashboard -------------------------------------------------------------------------------


def dashboard_widget(session: Session, actor: Actor) -> tuple[str, dict[str, Any]] | None:
    """Open evaluations and mandatory checklist items still waiting for a sign-off."""
    if not actor.is_owner_staff:
        return None
    open_count = session.execute(
        select(func.count()).where(Evaluation.status == EvaluationStatus.OPEN.value)
    ).scalar_one()
    waiting = session.execute(
        select(func.count()).where(
            DueDiligenceItem.mandatory, DueDiligenceItem.signed_off_at.is_(None)
        )
    ).scalar_one()
    if not open_count and not waiting:
        return None
    return "selection/widget.html", {"open": open_count, "waiting": waiting}


register_dashboard_widget(dashboard_widget)
router.include_router(pages_templates.router)
router.include_router(pages_due_diligence.router)
