"""Ventures pages: the list of joint ventures and alliances, a JV with its equity pie, capital
calls with progress bars, board resolutions with the vote per parent and offtake against
actuals, and an alliance with its goals and sharing statement. Thin: parse, call, render."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cofab.core.access import REGISTRY_WRITERS, Actor
from cofab.core.downloads import tabular_response
from cofab.core.errors import CofabError, FieldProblem, ValidationFailed
from cofab.core.forms import FormDep, fields, parse
from cofab.core.web import DbSession, error_context, page_actor, render
from cofab.ventures import alliances, capital, jv, schemas, service
from cofab.ventures.api import alliance_detail, venture_detail
from cofab.ventures.periods import BAD_PERIOD, is_period

router = APIRouter(include_in_schema=False)
ActorDep = Annotated[Actor, Depends(page_actor)]


@router.get("/ventures", response_class=HTMLResponse)
def ventures_page(request: Request, session: DbSession, actor: ActorDep) -> HTMLResponse:
    context = {
        "ventures": jv.list_ventures(session, actor=actor),
        "alliances": alliances.list_alliances(session, actor=actor),
        "can_write": actor.role in REGISTRY_WRITERS and not actor.is_partner,
    }
    return render(request, "ventures/list.html", context)


def _venture_page(
    request: Request,
    session: DbSession,
    actor: Actor,
    venture_id: int,
    *,
    error: dict[str, object] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    venture = jv.get_venture(session, actor=actor, venture_id=venture_id)
    context = {
        "v": venture_detail(session, actor, venture),
        "can_write": actor.role in REGISTRY_WRITERS,
        "today": date.today().isoformat(),
        "form": {},
        **(error or {}),
    }
    return render(request, "ventures/venture.html", context, status_code=status_code)


@router.get("/ventures/partners/{partner_id}/panel", response_class=HTMLResponse)
def partner_panel(
    request: Request, session: DbSession, actor: ActorDep, partner_id: int
) -> HTMLResponse:
    """The card on a partner's page: the ventures and alliances that company is party to."""
    found = service.party_to(session, actor=actor, partner_id=partner_id)
    return render(request, "ventures/partner_panel.html", {"found": found})


@router.get("/ventures/{venture_id}", response_class=HTMLResponse)
def venture_page(
    request: Request, session: DbSession, actor: ActorDep, venture_id: int
) -> HTMLResponse:
    return _venture_page(request, session, actor, venture_id)


def _call_action(
    request: Request,
    session: DbSession,
    actor: Actor,
    venture_id: int,
    call_id: int,
    form: FormDep,
    model: type[Any],
    change: Callable[..., object],
) -> Response:
    """One capital call's button (call now, record a payment): the call first (404 for one the
    actor may not see), then the change; a refusal shows the venture page with the message."""
    capital.get_call(session, actor=actor, venture_id=venture_id, call_id=call_id)
    jv.ensure_writer(actor)
    try:
        body = parse(model, fields(form))
        change(session, actor=actor, venture_id=venture_id, call_id=call_id, data=body)
    except CofabError as exc:
        session.rollback()
        context = error_context(exc, request.state.locale)
        return _venture_page(
            request, session, actor, venture_id, error=context, status_code=exc.status
        )
    return RedirectResponse(f"/ventures/{venture_id}#capital", status_code=303)


def _call_route(model: type[Any], change: Callable[..., object]) -> Callable[..., Response]:
    def endpoint(
        request: Request,
        session: DbSession,
        actor: ActorDep,
        venture_id: int,
        call_id: int,
        form: FormDep,
    ) -> Response:
        return _call_action(request, session, actor, venture_id, call_id, form, model, change)

    return endpoint


# record a payment against a call, or send the call notice: the same lookup, parse and redisplay
for _suffix, _model, _change, _name in (
    ("payments", schemas.PaymentIn, capital.record_payment, "record_payment"),
    ("call", schemas.CallNoticeIn, capital.call_instalment, "call_instalment"),
):
    router.add_api_route(
        f"/ventures/{{venture_id}}/calls/{{call_id}}/{_suffix}",
        _call_route(_model, _change),
        methods=["POST"],
        response_model=None,
        name=_name,
    )


def _resolution_data(form: dict[str, object], parent_ids: list[int]) -> dict[str, object]:
    """The form's ``vote_<parent id>`` selects become the list of votes."""
    data = {k: v for k, v in form.items() if not k.startswith("vote_")}
    if not data.get("matter_id"):
        data["matter_id"] = None
    data["votes"] = [
        {"parent_id": pid, "vote": form.get(f"vote_{pid}") or "absent"} for pid in parent_ids
    ]
    return data


@router.post("/ventures/{venture_id}/resolutions", response_model=None)
def record_resolution(
    request: Request, session: DbSession, actor: ActorDep, venture_id: int, form: FormDep
) -> Response:
    venture = jv.get_venture(session, actor=actor, venture_id=venture_id)  # 404 first
    jv.ensure_writer(actor)
    data = _resolution_data(fields(form), [p.id for p in venture.parents])
    try:
        body = parse(schemas.ResolutionIn, data)
        jv.record_resolution(session, actor=actor, venture_id=venture_id, data=body)
    except CofabError as exc:
        session.rollback()
        context = error_context(exc, request.state.locale) | {"form": data}
        return _venture_page(
            request, session, actor, venture_id, error=context, status_code=exc.status
        )
    return RedirectResponse(f"/ventures/{venture_id}#board", status_code=303)


@router.get("/ventures/alliances/{alliance_id}", response_class=HTMLResponse)
def alliance_page(
    request: Request, session: DbSession, actor: ActorDep, alliance_id: int
) -> HTMLResponse:
    alliance = alliances.get_alliance(session, actor=actor, alliance_id=alliance_id)
    period = request.query_params.get("period", "")
    error: dict[str, object] = {}
    result = None
    if period and not is_period(period):
        error = error_context(
            ValidationFailed(problems=[FieldProblem("period", BAD_PERIOD)]),
            request.state.locale,
        )
    elif period:
        result = alliances.statement(session, actor=actor, alliance_id=alliance.id, period=period)
    context = {
        "a": alliance_detail(session, actor, alliance),
        "period": period,
        "statement": result,
        "can_write": actor.role in REGISTRY_WRITERS,
        **error,
    }
    return render(request, "ventures/alliance.html", context, status_code=422 if error else 200)


@router.post("/ventures/alliances/{alliance_id}/goals/{goal_id}/actual", response_model=None)
def set_goal_actual(
    request: Request,
    session: DbSession,
    actor: ActorDep,
    alliance_id: int,
    goal_id: int,
    form: FormDep,
) -> Response:
    alliances.get_goal(session, actor=actor, alliance_id=alliance_id, goal_id=goal_id)
    jv.ensure_writer(actor)
    body = parse(schemas.GoalActualIn, fields(form))
    alliances.set_goal_actual(
        session, actor=actor, alliance_id=alliance_id, goal_id=goal_id, actual=body.actual
    )
    return RedirectResponse(f"/ventures/alliances/{alliance_id}", status_code=303)


@router.get("/ventures/alliances/{alliance_id}/statement.xlsx", response_model=None)
def statement_xlsx(
    request: Request, session: DbSession, actor: ActorDep, alliance_id: int
) -> Response:
    alliances.get_alliance(session, actor=actor, alliance_id=alliance_id)  # 404 first
    period = request.query_params.get("period", "")
    if not is_period(period):
        raise ValidationFailed(problems=[FieldProblem("period", BAD_PERIOD)])
    result = alliances.statement(session, actor=actor, alliance_id=alliance_id, period=period)
    rows = alliances.statement_rows(result)
    return tabular_response(alliances.STATEMENT_HEADERS, rows, f"statement-{period}", "xlsx")
