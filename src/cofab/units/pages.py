"""The unit switcher and the business-unit admin page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cofab.core.access import Actor, require_roles, viewer_may_call
from cofab.core.errors import CofabError, FieldProblem, ValidationFailed
from cofab.core.forms import FormDep
from cofab.core.i18n import N_, translate
from cofab.core.web import DbSession, error_context, page_actor, render
from cofab.units import service

router = APIRouter(include_in_schema=False)
ActorDep = Annotated[Actor, Depends(page_actor)]


def _safe_next(target: str) -> str:
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.post("/unit")
@viewer_may_call
def switch_unit(request: Request, actor: ActorDep, form: FormDep) -> Response:
    """Where new records go; a cookie, like the language, so each browser tab family keeps it."""
    chosen = str(form.get("unit", ""))
    allowed = {str(unit_id) for unit_id, _ko, _en in actor.unit_choices}
    response = RedirectResponse(_safe_next(str(form.get("next", "/"))), status_code=303)
    if chosen in allowed:
        response.set_cookie(service.UNIT_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="lax")
    return response


def _page(request: Request, session: DbSession, actor: Actor, **extra: object) -> HTMLResponse:
    units = service.list_units(session)
    members = {u.id: service.members_of_unit(session, u.id) for u in units}
    partners = {u.id: service.partners_of_unit(session, u.id) for u in units}
    context = {"units": units, "members": members, "partners": partners, **extra}
    return render(
        request, "units/units.html", context, status_code=422 if "error" in extra else 200
    )


@router.get("/units", response_class=HTMLResponse)
def units_page(request: Request, session: DbSession, actor: ActorDep) -> Response:
    require_roles(actor, service.ADMINS)
    return _page(request, session, actor)


@router.post("/units", response_class=HTMLResponse)
def create_unit(request: Request, session: DbSession, actor: ActorDep, form: FormDep) -> Response:
    require_roles(actor, service.ADMINS)
    values = {k: str(form.get(k, "")) for k in ("code", "name_ko", "name_en")}
    try:
        service.create_unit(session, actor, **values)
    except CofabError as exc:
        session.rollback()
        return _page(request, session, actor, values=values, **error_context(exc, actor.locale))
    return _page(request, session, actor, flash=translate(N_("Saved."), actor.locale))


@router.post("/partners/{partner_id}/units")
def link_partner(
    request: Request, session: DbSession, actor: ActorDep, form: FormDep, partner_id: int
) -> Response:
    """An admin starts a unit's relationship with a partner from the partner's page."""
    require_roles(actor, service.ADMINS)
    service.ensure_partner_seen(session, partner_id)  # another unit's partner: 404 first
    raw = str(form.get("unit_id", ""))
    if not raw.isdigit():
        raise ValidationFailed(problems=[FieldProblem("unit_id", N_("Choose a business unit."))])
    service.link_partner_as(session, actor, unit_id=int(raw), partner_id=partner_id)
    return RedirectResponse(f"/partners/{partner_id}?created=1", status_code=303)
