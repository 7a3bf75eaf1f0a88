"""Forecast JSON API under /api/v1/forecast: parse, call the service, return."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile

from cofab.core.access import Actor
from cofab.core.downloads import tabular_response
from cofab.core.tabular import TableLimits, read_table
from cofab.core.uploads import read_limited
from cofab.core.web import DbSession, api_actor
from cofab.forecast import schemas, service, targets
from cofab.forecast.resolve import resolve_with_commitments

router = APIRouter(prefix="/api/v1/forecast", tags=["forecast"])
ActorDep = Annotated[Actor, Depends(api_actor)]


@router.get("/declarations", response_model=list[schemas.DeclarationRead])
def list_declarations(session: DbSession, actor: ActorDep, partner_id: int | None = None) -> Any:
    return service.list_declarations(session, actor=actor, partner_id=partner_id)


@router.post("/declarations", response_model=schemas.DeclarationRead, status_code=201)
def create_declaration(session: DbSession, actor: ActorDep, body: schemas.DeclarationCreate) -> Any:
    return service.create_declaration(session, actor=actor, data=body)


@router.get("/declarations/{declaration_id}", response_model=schemas.DeclarationRead)
def get_declaration(session: DbSession, actor: ActorDep, declaration_id: int) -> Any:
    return service.get_declaration(session, actor=actor, declaration_id=declaration_id)


@router.delete("/declarations/{declaration_id}", status_code=204)
def delete_declaration(session: DbSession, actor: ActorDep, declaration_id: int) -> Response:
    service.delete_declaration(session, actor=actor, declaration_id=declaration_id)
    return Response(status_code=204)


@router.get("/capacity", response_model=list[schemas.CapacityPoint])
def capacity(session: DbSession, actor: ActorDep, partner_id: int | None = None) -> Any:
    return service.capacity_points(session, actor=actor, partner_id=partner_id)


@router.get("/products", response_model=list[schemas.ProductRead])
def list_products(session: DbSession, actor: ActorDep) -> Any:
    return service.list_products(session, actor=actor)


@router.post("/products", response_model=schemas.ProductRead)
def upsert_product(session: DbSession, actor: ActorDep, body: schemas.ProductUpsert) -> Any:
    return service.upsert_product(session, actor=actor, data=body)


@router.get("/demand", response_model=list[schemas.DemandRead])
def list_demand(session: DbSession, actor: ActorDep) -> Any:
    return service.list_demand(session, actor=actor)


@router.post("/demand", response_model=schemas.DemandRead, status_code=201)
def create_demand(session: DbSession, actor: ActorDep, body: schemas.DemandCreate) -> Any:
    return service.create_demand(session, actor=actor, data=body)


@router.post("/demand/upload", response_model=schemas.DemandRead, status_code=201)
def upload_demand(
    request: Request,
    session: DbSession,
    actor: ActorDep,
    file: Annotated[UploadFile, File()],
    name: Annotated[str, Form(min_length=1, max_length=200)] = "Demand forecast",
) -> Any:
    service.ensure_writer(actor)
    content = read_limited(file, request.app.state.settings.max_upload_mb)
    rows = read_table(
        content, file.filename or "upload.csv", TableLimits.of(request.app.state.settings)
    )
    return service.import_demand(session, actor=actor, name=name, rows=rows)


@router.get("/demand/{forecast_id}", response_model=list[schemas.DemandLineRead])
def demand_lines(session: DbSession, actor: ActorDep, forecast_id: int) -> Any:
    return service.demand_lines(session, actor=actor, forecast_id=forecast_id)


@router.post("/publications", response_model=list[schemas.PublicationRead], status_code=201)
def publish(session: DbSession, actor: ActorDep, body: schemas.PublishRequest) -> Any:
    return service.publish(session, actor=actor, request=body)


@router.get("/publications", response_model=list[schemas.PublicationRead])
def list_publications(session: DbSession, actor: ActorDep, partner_id: int | None = None) -> Any:
    return service.list_publications(session, actor=actor, partner_id=partner_id)


@router.get("/publications/{publication_id}", response_model=schemas.PublicationRead)
def get_publication(session: DbSession, actor: ActorDep, publication_id: int) -> Any:
    return service.get_publication(session, actor=actor, publication_id=publication_id)


@router.get("/publications/{publication_id}/lines", response_model=list[schemas.LineRead])
def publication_lines(session: DbSession, actor: ActorDep, publication_id: int) -> Any:
    return service.publication_lines(session, actor=actor, publication_id=publication_id)


@router.get(
    "/publications/{publication_id}/reservations", response_model=list[schemas.ReservationRead]
)
def reservations(session: DbSession, actor: ActorDep, publication_id: int) -> Any:
    return service.reservations(session, actor=actor, publication_id=publication_id)


@router.post("/publications/{publication_id}/convert", response_model=schemas.ConversionResult)
def convert(session: DbSession, actor: ActorDep, publication_id: int) -> Any:
    return service.convert_frozen(session, actor=actor, publication_id=publication_id)


@router.post("/lines/{line_id}/response", response_model=schemas.LineRead)
def respond(session: DbSession, actor: ActorDep, line_id: int, body: schemas.LineResponse) -> Any:
    return service.respond(session, actor=actor, line_id=line_id, answer=body)


@router.post("/lines/{line_id}/accept", response_model=schemas.LineRead)
def accept(session: DbSession, actor: ActorDep, line_id: int) -> Any:
    return service.accept(session, actor=actor, line_id=line_id)


@router.post("/resolve", response_model=schemas.ResolveResult, status_code=202)
def resolve(session: DbSession, actor: ActorDep, body: schemas.ResolveRequest) -> Any:
    """A new plan version linked to the published one, each partner capped at its commitments;
    its solve is queued (planning's job)."""
    scenario_id, job_id, caps = resolve_with_commitments(session, actor=actor, release=body.release)
    return schemas.ResolveResult(scenario_id=scenario_id, job_id=job_id, caps=caps)


@router.get("/gap", response_model=list[schemas.GapRow])
def gap(
    session: DbSession, actor: ActorDep, release: int | None = None, partner_id: int | None = None
) -> Any:
    return service.gap(session, actor=actor, release=release, partner_id=partner_id)


@router.get("/targets", response_model=list[schemas.TargetRow])
def targets_vs_actuals(
    session: DbSession,
    actor: ActorDep,
    release: int | None = None,
    partner_id: int | None = None,
    as_of: date | None = None,
) -> Any:
    return targets.targets_vs_actuals(
        session, actor=actor, release=release, partner_id=partner_id, as_of=as_of
    )


@router.get("/targets/export")
def export_targets(
    request: Request,
    session: DbSession,
    actor: ActorDep,
    release: int | None = None,
    partner_id: int | None = None,
    as_of: date | None = None,
    format: Literal["csv", "xlsx"] = "csv",
) -> Response:
    rows = targets.targets_vs_actuals(
        session, actor=actor, release=release, partner_id=partner_id, as_of=as_of
    )
    headers, table = targets.export_rows(session, rows, request.state.locale)
    return tabular_response(headers, table, "targets-vs-actuals", format)


@router.get("/waterfall", response_model=list[schemas.WaterfallRow])
def waterfall(
    session: DbSession,
    actor: ActorDep,
    partner_id: int | None = None,
    product: str | None = None,
) -> Any:
    return service.waterfall(session, actor=actor, partner_id=partner_id, product=product)


@router.get("/accuracy", response_model=list[schemas.AccuracyRow])
def accuracy(
    session: DbSession,
    actor: ActorDep,
    basis: Literal["ordered", "received"] = "ordered",
    until: date | None = None,
) -> Any:
    return service.accuracy(session, actor=actor, basis=basis, until=until)
