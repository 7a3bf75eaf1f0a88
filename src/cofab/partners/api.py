"""Registry JSON API under /api/v1: parse, call one service function, return."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Query, Request, Response, UploadFile

from cofab.core.access import Actor
from cofab.core.downloads import tabular_response
from cofab.core.pagination import Page, page_of
from cofab.core.tabular import (
    TableLimits,
    read_table,
)
from cofab.core.uploads import read_limited
from cofab.core.web import DbSession, api_actor
from cofab.partners import exporting, importing, schemas, service
from cofab.partners.models import Capability, Certification, Contact, Site

router = APIRouter(prefix="/api/v1", tags=["partners"])
SessionDep = DbSession
ActorDep = Annotated[Actor, Depends(api_actor)]


def filters_dep(
    q: str | None = None,
    type: str | None = None,
    form: str | None = None,
    status: str | None = None,
    country: str | None = None,
    capability: str | None = None,
    certification: str | None = None,
    sort: str = "name",
) -> service.PartnerFilters:
    return service.PartnerFilters(q, type, form, status, country, capability, certification, sort)


FiltersDep = Annotated[service.PartnerFilters, Depends(filters_dep)]


@router.get("/partners", response_model=Page[schemas.PartnerRead])
def list_partners(
    session: SessionDep,
    actor: ActorDep,
    filters: FiltersDep,
    page: Annotated[int, Query(ge=1)] = 1,
    size: Annotated[int, Query(ge=1, le=200)] = 25,
) -> Page[schemas.PartnerRead]:
    return page_of(
        session, service.partner_query(actor, filters), schemas.PartnerRead, page=page, size=size
    )


@router.post("/partners", response_model=schemas.PartnerRead, status_code=201)
def create_partner(session: SessionDep, actor: ActorDep, body: schemas.PartnerCreate) -> Any:
    return service.create_partner(session, actor=actor, data=body)


@router.get("/partners/export")
def export_partners(
    session: SessionDep,
    actor: ActorDep,
    filters: FiltersDep,
    kind: Literal["partners", "sites", "capabilities", "certifications"] = "partners",
    format: Literal["csv", "xlsx"] = "csv",
) -> Response:
    headers, rows = exporting.export_table(session, actor=actor, kind=kind, filters=filters)
    return tabular_response(headers, rows, kind, format)


@router.post("/partners/import", response_model=schemas.ImportReport)
def import_partners(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    file: Annotated[UploadFile, File()],
    kind: Literal["partners", "sites", "capabilities", "certifications"] = "partners",
) -> Any:
    content = read_limited(file, request.app.state.settings.max_upload_mb)
    rows = read_table(
        content, file.filename or "upload.csv", TableLimits.of(request.app.state.settings)
    )
    return importing.import_rows(session, actor=actor, kind=kind, rows=rows)


@router.get("/partners/{partner_id}", response_model=schemas.PartnerDetail)
def get_partner(session: SessionDep, actor: ActorDep, partner_id: int) -> Any:
    detail = service.partner_detail(session, actor=actor, partner_id=partner_id)
    base = schemas.PartnerRead.model_validate(detail.pop("partner")).model_dump()
    return schemas.PartnerDetail.model_validate(base | detail)


@router.patch("/partners/{partner_id}", response_model=schemas.PartnerRead)
def update_partner(
    session: SessionDep, actor: ActorDep, partner_id: int, body: schemas.PartnerUpdate
) -> Any:
    return service.update_partner(session, actor=actor, partner_id=partner_id, data=body)


@router.post("/partners/{partner_id}/status", response_model=schemas.PartnerRead)
def change_status(
    session: SessionDep, actor: ActorDep, partner_id: int, body: schemas.StatusChange
) -> Any:
    return service.change_status(
        session,
        actor=actor,
        partner_id=partner_id,
        new_status=body.status.value,
        reason=body.reason,
    )


@router.delete("/partners/{partner_id}", status_code=204)
def delete_partner(session: SessionDep, actor: ActorDep, partner_id: int) -> Response:
    service.delete_partner(session, actor=actor, partner_id=partner_id)
    return Response(status_code=204)


@router.get("/certifications/expiring", response_model=list[schemas.CertificationRead])
def expiring(
    session: SessionDep, actor: ActorDep, days: Annotated[int, Query(ge=1, le=3650)] = 90
) -> Any:
    rows = service.expiring_certifications(
        session, actor=actor, today=date.today(), within_days=days
    )
    return [cert for cert, _partner in rows]


# --- child collections: one generic set of routes per child type -----------------------------


def _child_routes(
    model: type[Any],
    plural: str,
    singular: str,
    in_schema: type[Any],
    read_schema: type[Any],
    parent: str = "partners",
) -> None:
    parent_param = "site_id" if parent == "sites" else "partner_id"

    def list_children(session: SessionDep, actor: ActorDep, parent_id: int) -> Any:
        if parent == "sites":
            site = service.get_child(session, actor=actor, model=Site, child_id=parent_id)
            return [
                c
                for c in service.list_children(
                    session, actor=actor, model=model, partner_id=site.partner_id
                )
                if c.site_id == site.id
            ]
        return service.list_children(session, actor=actor, model=model, partner_id=parent_id)

    def create_child(session: SessionDep, actor: ActorDep, parent_id: int, body: Any) -> Any:
        values = body.model_dump()
        if parent == "sites":
            site = service.get_child(session, actor=actor, model=Site, child_id=parent_id)
            return service.add_child(
                session,
                actor=actor,
                model=model,
                partner_id=site.partner_id,
                values=values,
                site_id=site.id,
            )
        return service.add_child(
            session, actor=actor, model=model, partner_id=parent_id, values=values
        )

    def get_child(session: SessionDep, actor: ActorDep, child_id: int) -> Any:
        return service.get_child(session, actor=actor, model=model, child_id=child_id)

    def put_child(session: SessionDep, actor: ActorDep, child_id: int, body: Any) -> Any:
        return service.update_child(
            session, actor=actor, model=model, child_id=child_id, values=body.model_dump()
        )

    def delete_child(session: SessionDep, actor: ActorDep, child_id: int) -> Response:
        service.delete_child(session, actor=actor, model=model, child_id=child_id)
        return Response(status_code=204)

    for func, name in (
        (list_children, "list"),
        (create_child, "create"),
        (get_child, "get"),
        (put_child, "update"),
        (delete_child, "delete"),
    ):
        func.__name__ = f"{name}_{singular}"
    create_child.__annotations__["body"] = in_schema
    put_child.__annotations__["body"] = in_schema
    base = f"/{parent}/{{{parent_param}}}/{plural}"
    item = f"/{plural}/{{{singular}_id}}"
    router.add_api_route(
        base,
        _rename(list_children, parent_param),
        methods=["GET"],
        response_model=list[read_schema],  # type: ignore[valid-type]
    )
    router.add_api_route(
        base,
        _rename(create_child, parent_param),
        methods=["POST"],
        response_model=read_schema,
        status_code=201,
    )
    router.add_api_route(
        item,
        _rename(get_child, f"{singular}_id", "child_id"),
        methods=["GET"],
        response_model=read_schema,
    )
    router.add_api_route(
        item,
        _rename(put_child, f"{singular}_id", "child_id"),
        methods=["PUT"],
        response_model=read_schema,
    )
    router.add_api_route(
        item,
        _rename(delete_child, f"{singular}_id", "child_id"),
        methods=["DELETE"],
        status_code=204,
    )


def _rename(func: Any, new: str, old: str = "parent_id") -> Any:
    """Expose the generic ``parent_id``/``child_id`` parameter under its real path name."""
    import functools
    import inspect

    signature = inspect.signature(func)
    params = [p.replace(name=new) if p.name == old else p for p in signature.parameters.values()]

    @functools.wraps(func)
    def wrapper(**kwargs: Any) -> Any:
        kwargs[old] = kwargs.pop(new)
        return func(**kwargs)

    wrapper.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    return wrapper


_child_routes(Contact, "contacts", "contact", schemas.ContactIn, schemas.ContactRead)
_child_routes(Site, "sites", "site", schemas.SiteIn, schemas.SiteRead)
_child_routes(
    Capability,
    "capabilities",
    "capability",
    schemas.CapabilityIn,
    schemas.CapabilityRead,
    parent="sites",
)
_child_routes(
    Certification,
    "certifications",
    "certification",
    schemas.CertificationIn,
    schemas.CertificationRead,
)
