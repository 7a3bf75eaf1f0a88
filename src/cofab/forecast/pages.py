"""Forecast pages: the owner's publications, gaps and accuracy; the partner's portal view of its
own forecast, where it commits or counter-proposes line by line; capacity declarations.

Every handler asks the service first, so another partner's forecast answers 404 here as in the
API.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.core.errors import CofabError
from cofab.core.form_actions import PageAgain, act
from cofab.core.forms import FormDep, fields, parse
from cofab.core.web import DbSession, error_context, page_actor, render
from cofab.forecast import schemas, service, targets
from cofab.forecast.partner_names import partner_names
from cofab.forecast.resolve import resolve_with_commitments

router = APIRouter(include_in_schema=False)
ActorDep = Annotated[Actor, Depends(page_actor)]


@router.get("/forecast", response_class=HTMLResponse)
def forecast_home(request: Request, session: DbSession, actor: ActorDep) -> Response:
    return render(request, "forecast/home.html", _home_context(request, session, actor))


def _home_context(request: Request, session: Session, actor: Actor) -> dict[str, Any]:
    publications = service.list_publications(session, actor=actor)
    gap = [row for row in service.gap(session, actor=actor) if row.gap != 0]
    accuracy = service.accuracy(session, actor=actor)
    ids = [p.partner_id for p in publications] + [r.partner_id for r in gap]
    ids += [r.partner_id for r in accuracy]
    return {
        "publications": publications,
        "gap": gap,
        "accuracy": accuracy,
        "names": partner_names(session, ids, request.state.locale),
        "release": publications[0].release if publications else None,
        "defaults": (service.DEFAULT_FROZEN, service.DEFAULT_FIRM),
    }


def _home_again(request: Request, session: Session, actor: Actor) -> PageAgain:
    return lambda: ("forecast/home.html", _home_context(request, session, actor))


@router.post("/forecast/publish", response_class=HTMLResponse)
def publish(request: Request, session: DbSession, actor: ActorDep, form: FormDep) -> Response:
    """The explicit "publish" action on a solved scenario (planning has no approval state)."""
    return act(
        request,
        session,
        lambda: service.publish(
            session, actor=actor, request=parse(schemas.PublishRequest, fields(form))
        ),
        back=lambda made: f"/forecast?release={made[0].release}",
        page=_home_again(request, session, actor),
    )


@router.post("/forecast/resolve", response_class=HTMLResponse)
def resolve(request: Request, session: DbSession, actor: ActorDep, form: FormDep) -> Response:
    """From the gap view: re-solve the release with commitments as caps, then watch the solve
    on the new scenario's page."""
    return act(
        request,
        session,
        lambda: resolve_with_commitments(
            session, actor=actor, release=parse(schemas.ResolveRequest, fields(form)).release
        ),
        back=lambda solved: f"/planning/{solved[0]}",
        page=_home_again(request, session, actor),
    )


def _publication_context(
    request: Request, session: Session, actor: Actor, publication_id: int
) -> dict[str, Any]:
    publication = service.get_publication(session, actor=actor, publication_id=publication_id)
    names = partner_names(session, [publication.partner_id], request.state.locale)
    return {
        "publication": publication,
        "partner_name": names.get(publication.partner_id, ""),
        "lines": service.publication_lines(session, actor=actor, publication_id=publication_id),
        "reservations": service.reservations(session, actor=actor, publication_id=publication_id),
    }


@router.get("/forecast/publications/{publication_id}", response_class=HTMLResponse)
def publication_page(
    request: Request, session: DbSession, actor: ActorDep, publication_id: int
) -> Response:
    return render(
        request,
        "forecast/publication.html",
        _publication_context(request, session, actor, publication_id),
    )


@router.post("/forecast/lines/{line_id}/response", response_class=HTMLResponse)
def respond(
    request: Request, session: DbSession, actor: ActorDep, line_id: int, form: FormDep
) -> Response:
    line = service.get_line(session, actor=actor, line_id=line_id)
    publication_id = line.publication_id
    try:
        answer = parse(schemas.LineResponse, fields(form))
        service.respond(session, actor=actor, line_id=line_id, answer=answer)
    except CofabError as exc:
        session.rollback()
        context = _publication_context(request, session, actor, publication_id)
        return render(
            request,
            "forecast/publication.html",
            context | error_context(exc, request.state.locale),
            status_code=exc.status,
        )
    return RedirectResponse(f"/forecast/publications/{publication_id}", status_code=303)


@router.post("/forecast/lines/{line_id}/accept", response_class=HTMLResponse)
def accept(request: Request, session: DbSession, actor: ActorDep, line_id: int) -> Response:
    line = service.accept(session, actor=actor, line_id=line_id)
    return RedirectResponse(f"/forecast/publications/{line.publication_id}", status_code=303)


@router.post("/forecast/publications/{publication_id}/convert", response_class=HTMLResponse)
def convert(request: Request, session: DbSession, actor: ActorDep, publication_id: int) -> Response:
    service.convert_frozen(session, actor=actor, publication_id=publication_id)
    return RedirectResponse(f"/forecast/publications/{publication_id}", status_code=303)


@router.get("/forecast/declarations", response_class=HTMLResponse)
def declarations_page(request: Request, session: DbSession, actor: ActorDep) -> Response:
    return render(
        request,
        "forecast/declarations.html",
        {"declarations": service.list_declarations(session, actor=actor), "form": {}},
    )


@router.post("/forecast/declarations", response_class=HTMLResponse)
def declaration_create(
    request: Request, session: DbSession, actor: ActorDep, form: FormDep
) -> Response:
    data = fields(form, lists=("shutdowns",))
    if isinstance(data.get("shutdowns"), list) and len(data["shutdowns"]) == 1:
        data["shutdowns"] = [s.strip() for s in data["shutdowns"][0].split(",") if s.strip()]
    try:
        service.create_declaration(
            session, actor=actor, data=parse(schemas.DeclarationCreate, data)
        )
    except CofabError as exc:
        session.rollback()
        return render(
            request,
            "forecast/declarations.html",
            {"declarations": service.list_declarations(session, actor=actor), "form": data}
            | error_context(exc, request.state.locale),
            status_code=exc.status,
        )
    return RedirectResponse("/forecast/declarations", status_code=303)


@router.get("/forecast/targets", response_class=HTMLResponse)
def targets_page(
    request: Request,
    session: DbSession,
    actor: ActorDep,
    release: int | None = None,
    partner_id: int | None = None,
) -> Response:
    rows = targets.targets_vs_actuals(session, actor=actor, release=release, partner_id=partner_id)
    names = partner_names(session, [r.partner_id for r in rows], request.state.locale)
    return render(
        request,
        "forecast/targets.html",
        {"charts": targets.charts(rows, names), "release": release, "partner_id": partner_id},
    )
