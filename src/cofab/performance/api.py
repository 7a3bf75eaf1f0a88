"""Performance JSON API under /api/v1: KPIs for any period, scorecard templates, scorecards
with drill-down and disputes, performance reviews and their action items."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request

from cofab.core.access import Actor
from cofab.core.i18n import translate
from cofab.core.pagination import Page, page_of
from cofab.core.web import DbSession, api_actor
from cofab.performance import kpis, reviews, schemas, scorecards
from cofab.performance.periods import parse_period

router = APIRouter(prefix="/api/v1", tags=["performance"])
SessionDep = DbSession
ActorDep = Annotated[Actor, Depends(api_actor)]
PageNo = Annotated[int, Query(ge=1)]
PageSize = Annotated[int, Query(ge=1, le=200)]


# --- KPIs -------------------------------------------------------------------------------------


@router.get("/kpis", response_model=schemas.KpiReport)
def kpi_report(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    start: date | None = None,
    end: date | None = None,
    period: str | None = None,
    group_by: Literal["partner", "site", "family", "all"] = "partner",
    tolerance_days: Annotated[int, Query(ge=0, le=60)] = 0,
    partner_id: int | None = None,
) -> Any:
    first, last = parse_period(start, end, period)
    query = kpis.KpiQuery(
        first, last, group_by, tolerance_days, [partner_id] if partner_id else None
    )
    locale = request.state.locale
    groups = kpis.compute(session, actor=actor, query=query, locale=locale)
    return schemas.KpiReport(
        start=first,
        end=last,
        group_by=group_by,
        tolerance_days=tolerance_days,
        groups=[
            schemas.KpiGroupRead(
                key=g.key,
                label=g.label,
                values=g.values,
                counts=g.counts,
                price_variance=g.price_variance,
            )
            for g in groups
        ],
        definitions={k: translate(v, locale) for k, v in kpis.DEFINITIONS.items()},
    )


# --- scorecards -------------------------------------------------------------------------------


@router.get("/scorecard-templates", response_model=list[schemas.ScorecardTemplateRead])
def list_templates(session: SessionDep, actor: ActorDep) -> Any:
    return scorecards.list_templates(session)


@router.post("/scorecard-templates", response_model=schemas.ScorecardTemplateRead, status_code=201)
def create_template(session: SessionDep, actor: ActorDep, body: schemas.ScorecardTemplateIn) -> Any:
    return scorecards.save_template(session, actor=actor, data=body)


@router.put("/scorecard-templates/{template_id}", response_model=schemas.ScorecardTemplateRead)
def update_template(
    session: SessionDep, actor: ActorDep, template_id: int, body: schemas.ScorecardTemplateIn
) -> Any:
    return scorecards.save_template(session, actor=actor, data=body, template_id=template_id)


@router.post("/scorecards/compute", response_model=schemas.ComputeResult)
def compute_scorecards(session: SessionDep, actor: ActorDep, body: schemas.ScorecardCompute) -> Any:
    return scorecards.compute_scorecards(
        session,
        actor=actor,
        period_start=body.period_start,
        template_id=body.template_id,
        partner_id=body.partner_id,
    )


@router.get("/scorecards", response_model=Page[schemas.ScorecardRead])
def list_scorecards(
    session: SessionDep,
    actor: ActorDep,
    partner_id: int | None = None,
    template_id: int | None = None,
    page: PageNo = 1,
    size: PageSize = 25,
) -> Any:
    stmt = scorecards.scorecard_query(actor, partner_id=partner_id, template_id=template_id)
    return page_of(session, stmt, schemas.ScorecardRead, page=page, size=size)


@router.get("/scorecards/{scorecard_id}", response_model=schemas.ScorecardRead)
def get_scorecard(session: SessionDep, actor: ActorDep, scorecard_id: int) -> Any:
    return scorecards.get_scorecard(session, actor=actor, scorecard_id=scorecard_id)


@router.get("/scorecards/{scorecard_id}/drilldown")
def scorecard_drilldown(
    session: SessionDep, actor: ActorDep, scorecard_id: int, kpi: str = "otd_lines"
) -> dict[str, Any]:
    card = scorecards.get_scorecard(session, actor=actor, scorecard_id=scorecard_id)
    result = scorecards.drill(session, actor=actor, card=card, kpi=kpi)
    return {"kpi": kpi, "kind": result.kind, "truncated": result.truncated, "rows": result.rows}


@router.get(
    "/scorecards/{scorecard_id}/comments", response_model=list[schemas.ScorecardCommentRead]
)
def list_comments(session: SessionDep, actor: ActorDep, scorecard_id: int) -> Any:
    return scorecards.comments(session, actor=actor, scorecard_id=scorecard_id)


@router.post(
    "/scorecards/{scorecard_id}/comments",
    response_model=schemas.ScorecardCommentRead,
    status_code=201,
)
def add_comment(
    session: SessionDep, actor: ActorDep, scorecard_id: int, body: schemas.ScorecardCommentIn
) -> Any:
    return scorecards.add_comment(session, actor=actor, scorecard_id=scorecard_id, data=body)


@router.post("/scorecards/{scorecard_id}/resolve", response_model=schemas.ScorecardRead)
def resolve_dispute(
    session: SessionDep, actor: ActorDep, scorecard_id: int, body: schemas.DisputeResolution
) -> Any:
    return scorecards.resolve_dispute(session, actor=actor, scorecard_id=scorecard_id, data=body)


# --- reviews ----------------------------------------------------------------------------------


@router.get("/reviews", response_model=Page[schemas.ReviewRead])
def list_reviews(
    session: SessionDep,
    actor: ActorDep,
    partner_id: int | None = None,
    page: PageNo = 1,
    size: PageSize = 25,
) -> Any:
    return page_of(
        session,
        reviews.review_query(actor, partner_id=partner_id),
        schemas.ReviewRead,
        page=page,
        size=size,
    )


@router.post("/reviews", response_model=schemas.ReviewRead, status_code=201)
def create_review(session: SessionDep, actor: ActorDep, body: schemas.ReviewCreate) -> Any:
    return reviews.create_review(session, actor=actor, data=body)


@router.get("/reviews/{review_id}", response_model=schemas.ReviewDetail)
def get_review(session: SessionDep, actor: ActorDep, review_id: int) -> Any:
    detail = reviews.review_detail(session, actor=actor, review_id=review_id)
    base = schemas.ReviewRead.model_validate(detail["review"]).model_dump()
    return schemas.ReviewDetail.model_validate(base | {"action_items": detail["action_items"]})


@router.post("/reviews/{review_id}/decisions", response_model=schemas.ReviewRead)
def add_decision(
    session: SessionDep, actor: ActorDep, review_id: int, body: schemas.ReviewDecisionIn
) -> Any:
    return reviews.add_decision(session, actor=actor, review_id=review_id, text=body.text)


@router.post(
    "/reviews/{review_id}/action-items", response_model=schemas.ActionItemRead, status_code=201
)
def add_action_item(
    session: SessionDep, actor: ActorDep, review_id: int, body: schemas.ActionItemIn
) -> Any:
    return reviews.add_action_item(session, actor=actor, review_id=review_id, data=body)


@router.patch("/action-items/{action_item_id}", response_model=schemas.ActionItemRead)
def update_action_item(
    session: SessionDep, actor: ActorDep, action_item_id: int, body: schemas.ActionItemUpdate
) -> Any:
    return reviews.update_action_item(session, actor=actor, item_id=action_item_id, data=body)


@router.get("/action-items/overdue", response_model=list[schemas.ActionItemRead])
def overdue_action_items(session: SessionDep, actor: ActorDep) -> Any:
    return reviews.overdue_items(session, actor=actor)
