"""Registry pages: thin routes that parse a form, call the service and render."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cofab.core.access import REGISTRY_WRITERS, Actor
from cofab.core.dashboard import DASHBOARD_WIDGETS
from cofab.core.downloads import tabular_response
from cofab.core.errors import CofabError
from cofab.core.forms import FormDep, fields, parse
from cofab.core.i18n import N_, translate
from cofab.core.pagination import Page, paginate
from cofab.core.tabular import TableLimits, read_table
from cofab.core.uploads import read_limited
from cofab.core.web import DbSession, error_context, page_actor, render
from cofab.partners import exporting, importing, schemas, service
from cofab.partners.models import (
    Capability,
    Certification,
    Contact,
    Partner,
    PartnershipForm,
    PartnerStatus,
    PartnerType,
    Site,
)
from cofab.units import service as units_service

router = APIRouter(include_in_schema=False)
SessionDep = DbSession
ActorDep = Annotated[Actor, Depends(page_actor)]
PAGE_SIZE = 20
CHOICES = {
    "types": [t.value for t in PartnerType],
    "forms": [f.value for f in PartnershipForm],
    "statuses": [s.value for s in PartnerStatus],
}


STATUS_COLOURS = {
    "prospect": "#8a96a3",
    "qualifying": "#c98a00",
    "approved": "#0b5cad",
    "active": "#1e7b45",
    "suspended": "#d2691e",
    "exited": "#b3261e",
}


def map_point(site: Site, partner: Partner, locale: str) -> dict[str, Any]:
    """One dot on a site map: where, what colour (partner status) and a hover label."""
    name = partner.name_ko if locale == "ko" else partner.name_en
    return {
        "lat": site.latitude,
        "lon": site.longitude,
        "label": f"{name} · {site.name}",
        "url": f"/partners/{partner.id}",
        "color": STATUS_COLOURS.get(partner.status, "#0b5cad"),
    }


def _filters(request: Request) -> service.PartnerFilters:
    q = request.query_params
    return service.PartnerFilters(
        q=q.get("q") or None,
        type=q.get("type") or None,
        form=q.get("form") or None,
        status=q.get("status") or None,
        country=q.get("country") or None,
        capability=q.get("capability") or None,
        certification=q.get("certification") or None,
        sort=q.get("sort") or "name",
    )


def _query_string(request: Request) -> str:
    return urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "page" and v])


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    if actor.is_partner:
        return RedirectResponse("/portal", status_code=303)  # their to-do start page
    counts = dict(
        session.execute(select(Partner.status, func.count()).group_by(Partner.status)).all()
    )
    by_country = session.execute(
        select(Partner.country, func.count())
        .group_by(Partner.country)
        .order_by(func.count().desc())
    ).all()
    expiring = service.expiring_certifications(session, actor=actor, today=date.today())
    site_rows = session.execute(
        select(Site, Partner).join(Partner, Partner.id == Site.partner_id).order_by(Site.id)
    ).all()
    widgets = [w(session, actor) for w in DASHBOARD_WIDGETS]
    return render(
        request,
        "dashboard.html",
        {
            "counts": counts,
            "map_sites": [
                map_point(site, partner, request.state.locale) for site, partner in site_rows
            ],
            "statuses": CHOICES["statuses"],
            "by_country": by_country,
            "expiring": expiring[:10],
            "expiring_total": len(expiring),
            "today": date.today(),
            "widgets": [w for w in widgets if w],
        },
    )


@router.get("/partners", response_class=HTMLResponse)
def partner_list(request: Request, session: SessionDep, actor: ActorDep, page: int = 1) -> Response:
    filters = _filters(request)
    items, total = paginate(
        session, service.partner_query(actor, filters), page=page, size=PAGE_SIZE
    )
    result = Page[Any](items=items, total=total, page=max(page, 1), size=PAGE_SIZE)
    return render(
        request,
        "partners/list.html",
        {
            "result": result,
            "filters": filters,
            "query": _query_string(request),
            **CHOICES,
            "can_write": actor.role in REGISTRY_WRITERS,
        },
    )


@router.get("/partners/export")
def partner_export(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    kind: str = "partners",
    format: str = "csv",
) -> Response:
    kind = kind if kind in exporting.EXPORT_KINDS else "partners"
    headers, rows = exporting.export_table(
        session, actor=actor, kind=kind, filters=_filters(request)
    )
    return tabular_response(headers, rows, kind, "xlsx" if format == "xlsx" else "csv")


@router.post("/partners/import", response_class=HTMLResponse)
def partner_import(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    file: Annotated[UploadFile, File()],
    kind: Annotated[str, Form()] = "partners",
) -> Response:
    locale = request.state.locale
    try:
        settings = request.app.state.settings
        content = read_limited(file, settings.max_upload_mb)
        rows = read_table(content, file.filename or "upload.csv", TableLimits.of(settings))
        report = importing.import_rows(session, actor=actor, kind=kind, rows=rows)
    except CofabError as exc:
        session.rollback()
        return render(
            request,
            "partners/import_result.html",
            error_context(exc, locale) | {"kind": kind},
            status_code=exc.status,
        )
    return render(request, "partners/import_result.html", {"report": report, "kind": kind})


@router.get("/partners/new", response_class=HTMLResponse)
def partner_new(request: Request, actor: ActorDep) -> Response:
    return render(request, "partners/form.html", {"partner": None, "form": {}, **CHOICES})


@router.post("/partners/new", response_class=HTMLResponse)
def partner_create(
    request: Request, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    data = fields(form, lists=("types",))
    try:
        partner = service.create_partner(
            session, actor=actor, data=parse(schemas.PartnerCreate, data)
        )
    except CofabError as exc:
        session.rollback()
        return render(
            request,
            "partners/form.html",
            {"partner": None, "form": data, **CHOICES} | error_context(exc, request.state.locale),
            status_code=exc.status,
        )
    return RedirectResponse(f"/partners/{partner.id}?created=1", status_code=303)


def _detail_ctx(session: Session, actor: Actor, partner_id: int) -> dict[str, Any]:
    detail = service.partner_detail(session, actor=actor, partner_id=partner_id)
    partner: Partner = detail["partner"]
    today = date.today()
    return detail | {
        "transitions": [
            s
            for s in CHOICES["statuses"]
            if s in service.ALLOWED_TRANSITIONS.get(partner.status, ())
        ],
        "today": today,
        "expiring_ids": {
            c.id
            for c, _p in service.expiring_certifications(
                session, actor=actor, today=today, partner_id=partner_id
            )
        },
        "sites_by_id": {s.id: s for s in detail["sites"]},
        "map_sites": [map_point(s, partner, "en") | {"label": s.name} for s in detail["sites"]],
        "can_edit": actor.is_partner or actor.role in REGISTRY_WRITERS,
        "can_change_status": actor.role in REGISTRY_WRITERS,
        "typed": {},  # a child form sent with a problem, by name: what was typed into it
        **CHOICES,
    }


@router.get("/partners/{partner_id}", response_class=HTMLResponse)
def partner_detail(
    request: Request, session: SessionDep, actor: ActorDep, partner_id: int, created: int = 0
) -> Response:
    ctx = _detail_ctx(session, actor, partner_id)
    if not actor.is_partner:  # the owner's business units that work with this partner
        ctx["partner_units"] = units_service.units_of_partner(session, partner_id)
        ctx["unit_choices"] = units_service.list_units(session, active_only=True)
    if created:
        ctx["flash"] = translate(N_("Saved."), request.state.locale)
    return render(request, "partners/detail.html", ctx)


@router.get("/partners/{partner_id}/edit", response_class=HTMLResponse)
def partner_edit(
    request: Request, session: SessionDep, actor: ActorDep, partner_id: int
) -> Response:
    partner = service.get_partner(session, actor=actor, partner_id=partner_id)
    form = schemas.PartnerRead.model_validate(partner).model_dump()
    return render(request, "partners/form.html", {"partner": partner, "form": form, **CHOICES})


@router.post("/partners/{partner_id}/edit", response_class=HTMLResponse)
def partner_update(
    request: Request, session: SessionDep, actor: ActorDep, form: FormDep, partner_id: int
) -> Response:
    data = fields(form, lists=("types",))
    try:
        service.update_partner(
            session, actor=actor, partner_id=partner_id, data=parse(schemas.PartnerUpdate, data)
        )
    except CofabError as exc:
        session.rollback()
        partner = service.get_partner(session, actor=actor, partner_id=partner_id)
        return render(
            request,
            "partners/form.html",
            {"partner": partner, "form": data, **CHOICES}
            | error_context(exc, request.state.locale),
            status_code=exc.status,
        )
    return RedirectResponse(f"/partners/{partner_id}?created=1", status_code=303)


def _detail_or_error(
    request: Request,
    session: Session,
    actor: Actor,
    partner_id: int,
    action: Any,
    form: tuple[str, dict[str, Any]] | None = None,
) -> Response:
    """Run a change; on a broken rule re-render the partner page with the reason, and with the
    form that was sent open and holding what was typed (``form``: its name and values)."""
    try:
        action()
    except CofabError as exc:
        session.rollback()
        ctx = _detail_ctx(session, actor, partner_id) | error_context(exc, request.state.locale)
        if form is not None:
            ctx["typed"] = {form[0]: form[1]}
        return render(request, "partners/detail.html", ctx, status_code=exc.status)
    return RedirectResponse(f"/partners/{partner_id}?created=1", status_code=303)


@router.post("/partners/{partner_id}/status", response_class=HTMLResponse)
def partner_status(
    request: Request, session: SessionDep, actor: ActorDep, form: FormDep, partner_id: int
) -> Response:
    data = fields(form)
    status, reason = str(data.get("status", "")), data.get("reason")

    def change() -> None:
        service.change_status(
            session, actor=actor, partner_id=partner_id, new_status=status, reason=reason
        )

    return _detail_or_error(request, session, actor, partner_id, change)


@router.post("/partners/{partner_id}/delete")
def partner_delete(session: SessionDep, actor: ActorDep, partner_id: int) -> Response:
    service.delete_partner(session, actor=actor, partner_id=partner_id)
    return RedirectResponse("/partners", status_code=303)


def _child_create_route(collection: str, model: type[Any], schema: type[Any]) -> None:
    def create(
        request: Request, session: SessionDep, actor: ActorDep, form: FormDep, partner_id: int
    ) -> Response:
        data = fields(form)
        return _detail_or_error(
            request,
            session,
            actor,
            partner_id,
            lambda: service.add_child(
                session,
                actor=actor,
                model=model,
                partner_id=partner_id,
                values=parse(schema, data).model_dump(),
            ),
            form=(collection, dict(data)),
        )

    create.__name__ = f"create_{collection}_page"
    router.add_api_route(
        f"/partners/{{partner_id}}/{collection}",
        create,
        methods=["POST"],
        response_class=HTMLResponse,
    )


_child_create_route("contacts", Contact, schemas.ContactIn)
_child_create_route("sites", Site, schemas.SiteIn)
_child_create_route("certifications", Certification, schemas.CertificationIn)


@router.post("/sites/{site_id}/capabilities", response_class=HTMLResponse)
def capability_create(
    request: Request, session: SessionDep, actor: ActorDep, form: FormDep, site_id: int
) -> Response:
    site = service.get_child(session, actor=actor, model=Site, child_id=site_id)
    data = fields(form)
    typed = dict(data) | {"site": str(site.id)}
    data.pop("site", None)
    if "product_families" in data:
        data["product_families"] = [
            p.strip() for p in str(data["product_families"]).split(",") if p.strip()
        ]
    return _detail_or_error(
        request,
        session,
        actor,
        site.partner_id,
        lambda: service.add_child(
            session,
            actor=actor,
            model=Capability,
            partner_id=site.partner_id,
            values=parse(schemas.CapabilityIn, data).model_dump(),
            site_id=site.id,
        ),
        form=("capabilities", typed),
    )


def _child_delete_route(collection: str, model: type[Any]) -> None:
    def delete(request: Request, session: SessionDep, actor: ActorDep, child_id: int) -> Response:
        row = service.get_child(session, actor=actor, model=model, child_id=child_id)
        return _detail_or_error(
            request,
            session,
            actor,
            row.partner_id,
            lambda: service.delete_child(session, actor=actor, model=model, child_id=child_id),
        )

    delete.__name__ = f"delete_{collection}_page"
    router.add_api_route(
        f"/{collection}/{{child_id}}/delete", delete, methods=["POST"], response_class=HTMLResponse
    )


for _collection, _model in (
    ("contacts", Contact),
    ("sites", Site),
    ("capabilities", Capability),
    ("certifications", Certification),
):
    _child_delete_route(_collection, _model)


@router.get("/sites/{site_id}/edit", response_class=HTMLResponse)
def site_edit(request: Request, session: SessionDep, actor: ActorDep, site_id: int) -> Response:
    site = service.get_child(session, actor=actor, model=Site, child_id=site_id)
    return render(
        request,
        "partners/site_form.html",
        {"site": site, "form": schemas.SiteRead.model_validate(site).model_dump()},
    )


@router.post("/sites/{site_id}/edit", response_class=HTMLResponse)
def site_update(
    request: Request, session: SessionDep, actor: ActorDep, form: FormDep, site_id: int
) -> Response:
    site = service.get_child(session, actor=actor, model=Site, child_id=site_id)
    data = fields(form)
    try:
        service.update_child(
            session,
            actor=actor,
            model=Site,
            child_id=site_id,
            values=parse(schemas.SiteIn, data).model_dump(exclude={"external_ref"}),
        )
    except CofabError as exc:
        session.rollback()
        return render(
            request,
            "partners/site_form.html",
            {"site": site, "form": data} | error_context(exc, request.state.locale),
            status_code=exc.status,
        )
    return RedirectResponse(f"/partners/{site.partner_id}?created=1", status_code=303)


@router.get("/certifications", response_class=HTMLResponse)
def certifications(
    request: Request, session: SessionDep, actor: ActorDep, days: int = 90
) -> Response:
    days = max(1, min(days, 3650))
    rows = service.expiring_certifications(
        session, actor=actor, today=date.today(), within_days=days
    )
    return render(
        request, "partners/certifications.html", {"rows": rows, "days": days, "today": date.today()}
    )
