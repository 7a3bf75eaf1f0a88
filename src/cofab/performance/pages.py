"""KPI, scorecard and performance-review pages."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.core.errors import CofabError, FieldProblem, NotFound, ValidationFailed
from cofab.core.form_actions import Redo, act, flash, form_action
from cofab.core.forms import FormDep, fields, parse
from cofab.core.i18n import N_
from cofab.core.pagination import Page, paginate
from cofab.core.validation import problems_from
from cofab.core.web import DbSession, error_context, page_actor, render
from cofab.performance import kpis, labels, periods, reviews, schemas, scorecards
from cofab.performance.models import ActionItem
from cofab.performance.web_forms import (
    can_write,
    form_int,
    partner_choices,
    partner_names,
)

router = APIRouter(include_in_schema=False)
SessionDep = DbSession
ActorDep = Annotated[Actor, Depends(page_actor)]
PAGE_SIZE = 30
BodyT = TypeVar("BodyT", bound=BaseModel)


def _date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


# --- KPIs -------------------------------------------------------------------------------------


@router.get("/kpis", response_class=HTMLResponse)
def kpi_page(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    q = request.query_params
    group_by = str(q.get("group_by")) if q.get("group_by") in kpis.GROUPINGS else "partner"
    tol_raw = q.get("tolerance_days", "0")
    tolerance = min(60, int(tol_raw)) if tol_raw.isdigit() else 0
    partner_id = int(q["partner_id"]) if q.get("partner_id", "").isdigit() else None
    ctx: dict[str, Any] = {
        "group_by": group_by,
        "tolerance": tolerance,
        "partner_id": partner_id,
        "period_text": q.get("period", ""),
        "start_text": q.get("start", ""),
        "end_text": q.get("end", ""),
        "partner_options": partner_choices(session, actor),
        "codes": kpis.KPI_CODES,
        "names": kpis.KPI_NAMES,
        "units": kpis.KPI_UNITS,
        "definitions": kpis.DEFINITIONS,
        "groups": [],
    }
    try:
        start, end = periods.parse_period(
            _date(q.get("start")), _date(q.get("end")), q.get("period") or None
        )
        query = kpis.KpiQuery(start, end, group_by, tolerance, [partner_id] if partner_id else None)
        ctx["groups"] = kpis.compute(session, actor=actor, query=query, locale=request.state.locale)
        ctx |= {"start": start, "end": end, "label": periods.label(start, end)}
    except CofabError as exc:
        return render(
            request,
            "performance/kpis.html",
            ctx | error_context(exc, request.state.locale),
            status_code=exc.status,
        )
    return render(request, "performance/kpis.html", ctx)


# --- scorecards -------------------------------------------------------------------------------


def _scorecards_ctx(
    session: Session, actor: Actor, page: int = 1, partner_id: int | None = None
) -> dict[str, Any]:
    stmt = scorecards.scorecard_query(actor, partner_id=partner_id)
    items, total = paginate(session, stmt, page=page, size=PAGE_SIZE)
    templates = scorecards.list_templates(session)
    return {
        "result": Page[Any](items=items, total=total, page=max(page, 1), size=PAGE_SIZE),
        "partner_id": partner_id,
        "partner_options": [] if actor.is_partner else partner_choices(session, actor),
        "pager_query": f"partner_id={partner_id}" if partner_id is not None else "",
        "partners": partner_names(session, {c.partner_id for c in items}),
        "templates": templates,
        "template_names": {t.id: t.name for t in templates},
        "can_write": can_write(actor),
        "default_json": json.dumps(scorecards.DEFAULT_TEMPLATE, indent=2, ensure_ascii=False),
        "metric_names": scorecards.METRIC_NAMES,
        "metric_audiences": scorecards.metric_audiences(),
    }


@router.get("/scorecards", response_class=HTMLResponse)
def scorecard_list(
    request: Request, session: SessionDep, actor: ActorDep, page: int = 1
) -> Response:
    """``partner_id`` narrows the list to one partner (the order page's grade warning links so)."""
    partner_id = form_int(request.query_params.get("partner_id"))
    ctx = _scorecards_ctx(session, actor, page, partner_id) | flash(request)
    return render(request, "performance/scorecards.html", ctx)


def _on_scorecards(
    request: Request, session: Session, actor: Actor, change: Callable[[], Any]
) -> Response:
    """A change made from the scorecard list goes back to it (or shows it again)."""
    return act(
        request,
        session,
        change,
        back="/scorecards",
        page=lambda: ("performance/scorecards.html", _scorecards_ctx(session, actor)),
    )


@router.post("/scorecards/compute", response_class=HTMLResponse)
def scorecard_compute(
    request: Request, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    def run() -> Any:
        body = parse(schemas.ScorecardCompute, fields(form))
        return scorecards.compute_scorecards(session, actor=actor, **body.model_dump())

    return _on_scorecards(request, session, actor, run)


@router.post("/scorecards/templates", response_class=HTMLResponse)
def template_create(
    request: Request, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    data = fields(form)

    def save() -> Any:
        try:
            raw = json.loads(str(data.get("definition", "")))
        except json.JSONDecodeError as exc:
            raise ValidationFailed(
                problems=[FieldProblem("definition", N_("The body is not valid JSON."))]
            ) from exc
        try:
            template = schemas.ScorecardTemplateIn.model_validate(raw)
        except ValidationError as exc:
            raise ValidationFailed(problems=problems_from(exc, "definition")) from exc
        return scorecards.save_template(session, actor=actor, data=template)

    return _on_scorecards(request, session, actor, save)


def _scorecard_ctx(session: Session, actor: Actor, scorecard_id: int) -> dict[str, Any]:
    card = scorecards.get_scorecard(session, actor=actor, scorecard_id=scorecard_id)
    template = scorecards.get_template(session, card.template_id)
    history = scorecards.trend(session, actor=actor, card=card)
    return {
        "card": card,
        "template": template,
        "partner": partner_names(session, {card.partner_id}).get(card.partner_id),
        "comments": scorecards.comments(session, actor=actor, scorecard_id=card.id),
        "trend": {
            "labels": [periods.label(c.period_start, c.period_end) for c in history],
            "scores": [None if c.score is None else float(c.score) for c in history],
        },
        "names": scorecards.METRIC_NAMES,
        "units": scorecards.METRIC_UNITS,
        "definitions": scorecards.METRIC_DEFINITIONS,
        "drillable": kpis.KPI_CODES,
        "period_label": periods.label(card.period_start, card.period_end),
        "can_write": can_write(actor),
    }


@router.get("/scorecards/{scorecard_id}", response_class=HTMLResponse)
def scorecard_page(
    request: Request, session: SessionDep, actor: ActorDep, scorecard_id: int
) -> Response:
    ctx = _scorecard_ctx(session, actor, scorecard_id) | flash(request)
    return render(request, "performance/scorecard.html", ctx)


@router.get("/scorecards/{scorecard_id}/lines", response_class=HTMLResponse)
def scorecard_lines(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    scorecard_id: int,
    kpi: str = "otd_lines",
) -> Response:
    card = scorecards.get_scorecard(session, actor=actor, scorecard_id=scorecard_id)
    kpi = kpi if kpi in kpis.KPI_CODES else "otd_lines"
    result = scorecards.drill(session, actor=actor, card=card, kpi=kpi)
    return render(
        request,
        "performance/scorecard_lines.html",
        {
            "card": card,
            "kpi": kpi,
            "drill": result,
            "names": kpis.KPI_NAMES,
            "definitions": kpis.DEFINITIONS,
            "period_label": periods.label(card.period_start, card.period_end),
            "partner": partner_names(session, {card.partner_id}).get(card.partner_id),
        },
    )


def _post(
    request: Request,
    session: Session,
    form: FormDep,
    schema: type[BodyT],
    write: Callable[[BodyT], Any],
    redo: Redo,
) -> Response:
    """Parse the form into ``schema``, ``write`` it, and go back to ``redo`` (or show that page
    again with the reasons): the shape of every form posted from a scorecard or a review."""
    return form_action(request, session, form, lambda data: write(parse(schema, data)), redo)


def _redo(back: str, template: str, ctx: Callable[[], dict[str, Any]]) -> Redo:
    return Redo(back, lambda: (template, ctx()))


def _card_redo(session: Session, actor: Actor, scorecard_id: int) -> Redo:
    """A comment or a dispute decision returns to the scorecard (or shows it again)."""
    scorecards.get_scorecard(session, actor=actor, scorecard_id=scorecard_id)
    ctx = partial(_scorecard_ctx, session, actor, scorecard_id)
    return _redo(f"/scorecards/{scorecard_id}", "performance/scorecard.html", ctx)


@router.post("/scorecards/{scorecard_id}/comments", response_class=HTMLResponse)
def scorecard_comment(
    request: Request, session: SessionDep, actor: ActorDep, form: FormDep, scorecard_id: int
) -> Response:
    def write(body: schemas.ScorecardCommentIn) -> Any:
        return scorecards.add_comment(session, actor=actor, scorecard_id=scorecard_id, data=body)

    redo = _card_redo(session, actor, scorecard_id)
    return _post(request, session, form, schemas.ScorecardCommentIn, write, redo)


@router.post("/scorecards/{scorecard_id}/resolve", response_class=HTMLResponse)
def scorecard_resolve(
    request: Request, session: SessionDep, actor: ActorDep, form: FormDep, scorecard_id: int
) -> Response:
    def write(body: schemas.DisputeResolution) -> Any:
        return scorecards.resolve_dispute(
            session, actor=actor, scorecard_id=scorecard_id, data=body
        )

    redo = _card_redo(session, actor, scorecard_id)
    return _post(request, session, form, schemas.DisputeResolution, write, redo)


# --- reviews ----------------------------------------------------------------------------------


def _reviews_ctx(session: Session, actor: Actor, page: int = 1) -> dict[str, Any]:
    items, total = paginate(session, reviews.review_query(actor), page=page, size=PAGE_SIZE)
    return {
        "result": Page[Any](items=items, total=total, page=max(page, 1), size=PAGE_SIZE),
        "partners": partner_names(session, {r.partner_id for r in items}),
        "partner_options": partner_choices(session, actor),
        "overdue": reviews.overdue_items(session, actor=actor),
        "can_write": can_write(actor),
        "form": {},
    }


@router.get("/reviews", response_class=HTMLResponse)
def review_list(request: Request, session: SessionDep, actor: ActorDep, page: int = 1) -> Response:
    ctx = _reviews_ctx(session, actor, page) | flash(request)
    return render(request, "performance/reviews.html", ctx)


@router.post("/reviews/new", response_class=HTMLResponse)
def review_create(
    request: Request, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    data = fields(form)
    return act(
        request,
        session,
        lambda: reviews.create_review(session, actor=actor, data=parse(schemas.ReviewCreate, data)),
        back=lambda review: f"/reviews/{review.id}",
        page=lambda: ("performance/reviews.html", _reviews_ctx(session, actor) | {"form": data}),
    )


def _review_ctx(session: Session, actor: Actor, review_id: int) -> dict[str, Any]:
    detail = reviews.review_detail(session, actor=actor, review_id=review_id)
    review = detail["review"]
    return detail | {
        "partner": partner_names(session, {review.partner_id}).get(review.partner_id),
        "codes": kpis.KPI_CODES,
        "names": kpis.KPI_NAMES,
        "units": kpis.KPI_UNITS,
        "definitions": kpis.DEFINITIONS,
        "today": date.today(),
        "done_states": reviews.DONE_STATES,
        "can_write": can_write(actor),
    }


@router.get("/reviews/{review_id}", response_class=HTMLResponse)
def review_page(request: Request, session: SessionDep, actor: ActorDep, review_id: int) -> Response:
    ctx = _review_ctx(session, actor, review_id) | flash(request)
    return render(request, "performance/review.html", ctx)


def _review_redo(session: Session, actor: Actor, review_id: int) -> Redo:
    """A decision or an action item returns to the review (or shows it again)."""
    reviews.get_review(session, actor=actor, review_id=review_id)
    ctx = partial(_review_ctx, session, actor, review_id)
    return _redo(f"/reviews/{review_id}", "performance/review.html", ctx)


@router.post("/reviews/{review_id}/decisions", response_class=HTMLResponse)
def review_decision(
    request: Request, session: SessionDep, actor: ActorDep, form: FormDep, review_id: int
) -> Response:
    def write(body: schemas.ReviewDecisionIn) -> Any:
        return reviews.add_decision(session, actor=actor, review_id=review_id, text=body.text)

    redo = _review_redo(session, actor, review_id)
    return _post(request, session, form, schemas.ReviewDecisionIn, write, redo)


@router.post("/reviews/{review_id}/action-items", response_class=HTMLResponse)
def review_action_item(
    request: Request, session: SessionDep, actor: ActorDep, form: FormDep, review_id: int
) -> Response:
    def write(body: schemas.ActionItemIn) -> Any:
        return reviews.add_action_item(session, actor=actor, review_id=review_id, data=body)

    redo = _review_redo(session, actor, review_id)
    return _post(request, session, form, schemas.ActionItemIn, write, redo)


@router.post("/action-items/{action_item_id}", response_class=HTMLResponse)
def action_item_update(
    request: Request, session: SessionDep, actor: ActorDep, form: FormDep, action_item_id: int
) -> Response:
    item = session.get(ActionItem, action_item_id)
    if item is None:
        raise NotFound()

    def write(body: schemas.ActionItemUpdate) -> Any:
        return reviews.update_action_item(session, actor=actor, item_id=action_item_id, data=body)

    redo = _review_redo(session, actor, item.review_id)
    return _post(request, session, form, schemas.ActionItemUpdate, write, redo)


labels.register()
