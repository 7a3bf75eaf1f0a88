"""Ventures JSON API under /api/v1/ventures: parse, call one jv/alliances function, return.

Alliance routes come first: ``/alliances`` must not be read as a venture id."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from fastapi import APIRouter, Response
from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.core.downloads import tabular_response
from cofab.core.errors import FieldProblem, ValidationFailed
from cofab.core.web import ApiActor, DbSession
from cofab.ventures import alliances, capital, jv, offtake, schemas
from cofab.ventures.models import Alliance, Venture
from cofab.ventures.periods import BAD_PERIOD, is_period

router = APIRouter(prefix="/api/v1/ventures", tags=["ventures"])


# --- alliances --------------------------------------------------------------------------------


def alliance_detail(session: Session, actor: Actor, alliance: Alliance) -> schemas.AllianceDetail:
    names = alliances.party_names(session, alliance, actor.locale)
    return schemas.AllianceDetail(
        **schemas.AllianceRead.model_validate(alliance).model_dump(),
        parties=[
            schemas.PartyRead(id=p.id, partner_id=p.partner_id, name=names[p.id], role=p.role)
            for p in alliance.parties
        ],
        goals=[schemas.GoalRead.model_validate(g) for g in alliances.goals(session, alliance)],
        coinvestments=[
            schemas.CoInvestmentRead(
                id=i.id,
                title=i.title,
                budget=i.budget,
                keys={k.party_id: k.share_pct for k in i.keys},
            )
            for i in alliances.coinvestments(session, alliance)
        ],
    )


@router.get("/alliances", response_model=list[schemas.AllianceRead])
def list_alliances(session: DbSession, actor: ApiActor) -> Any:
    return alliances.list_alliances(session, actor=actor)


@router.post("/alliances", response_model=schemas.AllianceDetail, status_code=201)
def create_alliance(session: DbSession, actor: ApiActor, body: schemas.AllianceCreate) -> Any:
    alliance = alliances.create_alliance(session, actor=actor, data=body)
    return alliance_detail(session, actor, alliance)


@router.get("/alliances/{alliance_id}", response_model=schemas.AllianceDetail)
def get_alliance(session: DbSession, actor: ApiActor, alliance_id: int) -> Any:
    alliance = alliances.get_alliance(session, actor=actor, alliance_id=alliance_id)
    return alliance_detail(session, actor, alliance)


@router.patch("/alliances/{alliance_id}", response_model=schemas.AllianceDetail)
def update_alliance(
    session: DbSession, actor: ApiActor, alliance_id: int, body: schemas.AllianceUpdate
) -> Any:
    alliance = alliances.update_alliance(session, actor=actor, alliance_id=alliance_id, data=body)
    return alliance_detail(session, actor, alliance)


@router.post("/alliances/{alliance_id}/goals", response_model=schemas.GoalRead, status_code=201)
def add_goal(session: DbSession, actor: ApiActor, alliance_id: int, body: schemas.GoalIn) -> Any:
    return alliances.add_goal(session, actor=actor, alliance_id=alliance_id, data=body)


@router.put("/alliances/{alliance_id}/goals/{goal_id}", response_model=schemas.GoalRead)
def set_goal_actual(
    session: DbSession,
    actor: ApiActor,
    alliance_id: int,
    goal_id: int,
    body: schemas.GoalActualIn,
) -> Any:
    return alliances.set_goal_actual(
        session, actor=actor, alliance_id=alliance_id, goal_id=goal_id, actual=body.actual
    )


@router.post(
    "/alliances/{alliance_id}/coinvestments",
    response_model=schemas.CoInvestmentRead,
    status_code=201,
)
def add_coinvestment(
    session: DbSession, actor: ApiActor, alliance_id: int, body: schemas.CoInvestmentIn
) -> Any:
    item = alliances.add_coinvestment(session, actor=actor, alliance_id=alliance_id, data=body)
    keys = {k.party_id: k.share_pct for k in item.keys}
    return schemas.CoInvestmentRead(id=item.id, title=item.title, budget=item.budget, keys=keys)


@router.post("/alliances/{alliance_id}/entries", status_code=201)
def add_entry(
    session: DbSession, actor: ApiActor, alliance_id: int, body: schemas.EntryIn
) -> dict[str, int]:
    entry = alliances.add_entry(session, actor=actor, alliance_id=alliance_id, data=body)
    return {"id": entry.id}


@router.get("/alliances/{alliance_id}/statement", response_model=None)
def statement(
    session: DbSession,
    actor: ApiActor,
    alliance_id: int,
    period: str = "",
    format: Literal["json", "xlsx", "csv"] = "json",
) -> schemas.Statement | Response:
    """The sharing statement for ``period`` (2027, 2027-Q1 or 2027-03); the alliance is looked
    up first, so an alliance the caller may not see is 404 whatever the period."""
    alliances.get_alliance(session, actor=actor, alliance_id=alliance_id)
    if not is_period(period):
        raise ValidationFailed(problems=[FieldProblem("period", BAD_PERIOD)])
    result = alliances.statement(session, actor=actor, alliance_id=alliance_id, period=period)
    if format == "json":
        return result
    rows = alliances.statement_rows(result)
    return tabular_response(alliances.STATEMENT_HEADERS, rows, f"statement-{period}", format)


# --- joint ventures ---------------------------------------------------------------------------


def venture_detail(session: Session, actor: Actor, venture: Venture) -> schemas.VentureDetail:
    names = jv.partner_names(session, jv.party_ids(venture), actor.locale, venture.unit_id)
    parent_name = {p.id: names[p.partner_id] for p in venture.parents}
    matters = {m.id: m.code for m in venture.matters}
    all_calls = capital.calls(session, venture)
    offtake_lines: list[schemas.OfftakeRead] = []
    for row, actual, source in offtake.offtake_rows(session, venture):
        fulfilment = (
            (actual * 100 / row.volume).quantize(Decimal("0.1"))
            if actual is not None and row.volume
            else None
        )
        offtake_lines.append(
            schemas.OfftakeRead(
                id=row.id,
                parent_id=row.parent_id,
                name=parent_name[row.parent_id],
                period=row.period,
                product_family=row.product_family,
                volume=row.volume,
                uom=row.uom,
                actual=actual,
                actual_source=source,
                fulfilment_pct=fulfilment,
            )
        )
    return schemas.VentureDetail(
        **schemas.VentureRead.model_validate(venture).model_dump(),
        jv_name=names[venture.partner_id],
        parents=[
            schemas.ParentRead(
                id=p.id,
                partner_id=p.partner_id,
                name=parent_name[p.id],
                equity_pct=p.equity_pct,
                board_seats=p.board_seats,
            )
            for p in venture.parents
        ],
        matters=[schemas.MatterRead.model_validate(m) for m in venture.matters],
        capital=[
            schemas.CapitalLine(
                parent_id=c.parent_id,
                name=parent_name[c.parent_id],
                committed=c.committed,
                called=c.called,
                paid=c.paid,
                outstanding=c.outstanding,
                paid_pct=c.paid_pct,
            )
            for c in capital.capital_positions(venture, all_calls)
        ],
        calls=[
            schemas.CallRead.model_validate(c).model_copy(update={"paid": capital.paid_on_call(c)})
            for c in all_calls
        ],
        offtake=offtake_lines,
        resolutions=[
            schemas.ResolutionRead(
                id=r.id,
                number=r.number,
                resolved_on=r.resolved_on,
                title=r.title,
                matter_id=r.matter_id,
                matter_code=matters.get(r.matter_id) if r.matter_id else None,
                rule=r.rule,
                basis=r.basis,
                required_pct=r.required_pct,
                present_pct=r.present_pct,
                for_pct=r.for_pct,
                passed=r.passed,
                votes=[
                    schemas.VoteRead(
                        parent_id=v.parent_id, name=parent_name[v.parent_id], vote=v.vote
                    )
                    for v in r.votes
                ],
            )
            for r in jv.resolutions(session, venture)
        ],
    )


@router.get("", response_model=list[schemas.VentureRead])
def list_ventures(session: DbSession, actor: ApiActor) -> Any:
    return jv.list_ventures(session, actor=actor)


@router.post("", response_model=schemas.VentureDetail, status_code=201)
def create_venture(session: DbSession, actor: ApiActor, body: schemas.VentureCreate) -> Any:
    venture = jv.create_venture(session, actor=actor, data=body)
    return venture_detail(session, actor, venture)


@router.get("/{venture_id}", response_model=schemas.VentureDetail)
def get_venture(session: DbSession, actor: ApiActor, venture_id: int) -> Any:
    venture = jv.get_venture(session, actor=actor, venture_id=venture_id)
    return venture_detail(session, actor, venture)


@router.patch("/{venture_id}", response_model=schemas.VentureDetail)
def update_venture(
    session: DbSession, actor: ApiActor, venture_id: int, body: schemas.VentureUpdate
) -> Any:
    venture = jv.update_venture(session, actor=actor, venture_id=venture_id, data=body)
    return venture_detail(session, actor, venture)


@router.put("/{venture_id}/parents", response_model=schemas.VentureDetail)
def set_parents(
    session: DbSession, actor: ApiActor, venture_id: int, body: schemas.ParentsIn
) -> Any:
    venture = jv.set_parents(session, actor=actor, venture_id=venture_id, data=body)
    return venture_detail(session, actor, venture)


@router.post("/{venture_id}/matters", response_model=schemas.MatterRead, status_code=201)
def add_matter(session: DbSession, actor: ApiActor, venture_id: int, body: schemas.MatterIn) -> Any:
    return jv.add_matter(session, actor=actor, venture_id=venture_id, data=body)


@router.post("/{venture_id}/capital-calls", response_model=schemas.CallRead, status_code=201)
def add_call(
    session: DbSession, actor: ApiActor, venture_id: int, body: schemas.CapitalCallIn
) -> Any:
    return capital.add_call(session, actor=actor, venture_id=venture_id, data=body)


@router.post("/{venture_id}/capital-calls/{call_id}/call", response_model=schemas.CallRead)
def call_instalment(
    session: DbSession,
    actor: ApiActor,
    venture_id: int,
    call_id: int,
    body: schemas.CallNoticeIn,
) -> Any:
    call = capital.call_instalment(
        session, actor=actor, venture_id=venture_id, call_id=call_id, data=body
    )
    return schemas.CallRead.model_validate(call).model_copy(
        update={"paid": capital.paid_on_call(call)}
    )


@router.post(
    "/{venture_id}/capital-calls/{call_id}/payments",
    response_model=schemas.CallRead,
    status_code=201,
)
def record_payment(
    session: DbSession, actor: ApiActor, venture_id: int, call_id: int, body: schemas.PaymentIn
) -> Any:
    payment = capital.record_payment(
        session, actor=actor, venture_id=venture_id, call_id=call_id, data=body
    )
    call = capital.get_call(session, actor=actor, venture_id=venture_id, call_id=payment.call_id)
    return schemas.CallRead.model_validate(call).model_copy(
        update={"paid": capital.paid_on_call(call)}
    )


@router.post("/{venture_id}/offtake", status_code=201)
def add_offtake(
    session: DbSession, actor: ApiActor, venture_id: int, body: schemas.OfftakeIn
) -> dict[str, int]:
    return {"id": offtake.add_offtake(session, actor=actor, venture_id=venture_id, data=body).id}


@router.post("/{venture_id}/resolutions", response_model=schemas.ResolutionRead, status_code=201)
def record_resolution(
    session: DbSession, actor: ApiActor, venture_id: int, body: schemas.ResolutionIn
) -> Any:
    resolution = jv.record_resolution(session, actor=actor, venture_id=venture_id, data=body)
    venture = jv.get_venture(session, actor=actor, venture_id=venture_id)
    detail = venture_detail(session, actor, venture)
    return next(r for r in detail.resolutions if r.id == resolution.id)
