"""Logistics JSON API under /api/v1/logistics: parse, call one service function, return."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Query, Request, Response, UploadFile
from pydantic import BaseModel

from cofab.core.downloads import tabular_response
from cofab.core.pagination import Page, page_of
from cofab.core.tabular import TableLimits, read_table
from cofab.core.uploads import read_limited
from cofab.core.web import ApiActor, DbSession
from cofab.logistics import lane_files, schemas, scorecard, service

router = APIRouter(prefix="/api/v1/logistics", tags=["logistics"])


def _filters(
    partner_id: int | None, mode: str | None, destination: str | None, active: bool | None
) -> service.LaneFilters:
    return service.LaneFilters(partner_id, mode, destination, active)


@router.get("/lanes", response_model=Page[schemas.LaneRead])
def list_lanes(
    session: DbSession,
    actor: ApiActor,
    partner_id: int | None = None,
    mode: str | None = None,
    destination: str | None = None,
    active: bool | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[schemas.LaneRead]:
    stmt = service.lane_query(actor, _filters(partner_id, mode, destination, active))
    return page_of(session, stmt, schemas.LaneRead, page=page, size=size)


@router.post("/lanes", response_model=schemas.LaneRead, status_code=201)
def create_lane(session: DbSession, actor: ApiActor, body: schemas.LaneCreate) -> Any:
    return service.create_lane(session, actor=actor, data=body)


@router.get("/lanes/export")
def export_lanes(
    session: DbSession,
    actor: ApiActor,
    partner_id: int | None = None,
    format: Literal["csv", "xlsx"] = "csv",
) -> Response:
    headers, rows = lane_files.export_rows(
        session, actor=actor, filters=service.LaneFilters(partner_id=partner_id)
    )
    return tabular_response(headers, rows, "lanes", format)


@router.post("/lanes/import", response_model=schemas.ImportReport)
def import_lanes(
    request: Request, session: DbSession, actor: ApiActor, file: Annotated[UploadFile, File()]
) -> Any:
    settings = request.app.state.settings
    content = read_limited(file, settings.max_upload_mb)
    rows = read_table(content, file.filename or "upload.csv", TableLimits.of(settings))
    return lane_files.import_rows(session, actor=actor, rows=rows)


@router.get("/lanes/{lane_id}", response_model=schemas.LaneRead)
def get_lane(session: DbSession, actor: ApiActor, lane_id: int) -> Any:
    return service.get_lane(session, actor=actor, lane_id=lane_id)


@router.put("/lanes/{lane_id}", response_model=schemas.LaneRead)
def update_lane(session: DbSession, actor: ApiActor, lane_id: int, body: schemas.LaneUpdate) -> Any:
    return service.update_lane(session, actor=actor, lane_id=lane_id, data=body)


@router.delete("/lanes/{lane_id}", status_code=204)
def delete_lane(session: DbSession, actor: ApiActor, lane_id: int) -> Response:
    service.delete_lane(session, actor=actor, lane_id=lane_id)
    return Response(status_code=204)


@router.get("/shipments/{shipment_id}/lane", response_model=schemas.ShipmentLaneRead | None)
def get_shipment_lane(session: DbSession, actor: ApiActor, shipment_id: int) -> Any:
    return service.shipment_lane(session, actor=actor, shipment_id=shipment_id)


@router.put("/shipments/{shipment_id}/lane", response_model=schemas.ShipmentLaneRead)
def link_shipment(
    session: DbSession, actor: ApiActor, shipment_id: int, body: schemas.ShipmentLaneIn
) -> Any:
    return service.link_shipment(session, actor=actor, shipment_id=shipment_id, data=body)


@router.delete("/shipments/{shipment_id}/lane", status_code=204)
def unlink_shipment(session: DbSession, actor: ApiActor, shipment_id: int) -> Response:
    service.unlink_shipment(session, actor=actor, shipment_id=shipment_id)
    return Response(status_code=204)


@router.get("/shipments/{shipment_id}/readings", response_model=list[schemas.ReadingRead])
def list_readings(session: DbSession, actor: ApiActor, shipment_id: int) -> Any:
    return service.readings(session, actor=actor, shipment_id=shipment_id)


@router.post(
    "/shipments/{shipment_id}/readings", response_model=schemas.ReadingRead, status_code=201
)
def add_reading(
    session: DbSession, actor: ApiActor, shipment_id: int, body: schemas.ReadingIn
) -> Any:
    return service.add_reading(session, actor=actor, shipment_id=shipment_id, data=body)


class LaneKpiRead(BaseModel):
    lane_id: int
    code: str
    currency: str
    shipments: int
    delivered: int
    on_time: int
    adherence: float | None
    damage_rate: float | None
    readings: int
    excursions: int
    shipments_with_excursion: int
    units: float
    cost_per_unit: float | None


class CarrierScoreRead(BaseModel):
    score: float | None
    grade: str | None
    points: dict[str, float | None]


class CarrierKpiRead(BaseModel):
    partner_id: int
    start: date
    end: date
    total: LaneKpiRead
    lanes: list[LaneKpiRead]
    scorecard: CarrierScoreRead


def _kpi_read(kpi: service.LaneKpi) -> LaneKpiRead:
    cost = kpi.cost_per_unit
    return LaneKpiRead(
        lane_id=kpi.lane_id,
        code=kpi.code,
        currency=kpi.currency,
        shipments=kpi.shipments,
        delivered=kpi.delivered,
        on_time=kpi.on_time,
        adherence=kpi.adherence,
        damage_rate=kpi.damage_rate,
        readings=kpi.readings,
        excursions=kpi.excursions,
        shipments_with_excursion=kpi.shipments_with_excursion,
        units=float(kpi.units),
        cost_per_unit=None if cost is None else float(cost),
    )


@router.get("/carriers/{partner_id}/kpis", response_model=CarrierKpiRead)
def carrier_kpis(
    session: DbSession,
    actor: ApiActor,
    partner_id: int,
    start: date | None = None,
    end: date | None = None,
) -> Any:
    end = end or date.today()
    start = start or end - timedelta(days=365)
    lanes = service.carrier_kpis(session, actor=actor, partner_id=partner_id, start=start, end=end)
    total = service.carrier_total(lanes)
    card = scorecard.score_carrier(total)
    return CarrierKpiRead(
        partner_id=partner_id,
        start=start,
        end=end,
        total=_kpi_read(total),
        lanes=[_kpi_read(k) for k in lanes],
        scorecard=CarrierScoreRead(
            score=card.score, grade=card.grade, points={m.kpi: m.points for m in card.metrics}
        ),
    )
