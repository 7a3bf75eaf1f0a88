"""Training JSON API under /api/v1/training: records, SOP acknowledgement, compliance."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Response
from sqlalchemy import select

from cofab.core.downloads import tabular_response
from cofab.core.web import ApiActor, DbSession
from cofab.partners.models import Partner
from cofab.training import records, schemas, service, sops
from cofab.training.models import SopRequirement, TrainingRecord

router = APIRouter(prefix="/api/v1/training", tags=["training"])


def record_read(record: TrainingRecord, today: date | None = None) -> schemas.RecordRead:
    read = schemas.RecordRead.model_validate(record)
    return read.model_copy(update={"validity": records.validity(record, today or date.today())})


def _sop_reads(session: DbSession, requirements: list[SopRequirement]) -> list[schemas.SopRead]:
    documents = sops.documents_of(session, requirements)
    return [sops.read(r, documents.get(r.document_id)) for r in requirements]


@router.get("/records", response_model=list[schemas.RecordRead])
def list_records(
    session: DbSession,
    actor: ApiActor,
    partner_id: int | None = None,
    course_kind: str | None = None,
    validity: Literal["valid", "expiring", "expired"] | None = None,
) -> Any:
    found = records.list_records(
        session, actor=actor, partner_id=partner_id, course_kind=course_kind, validity_is=validity
    )
    return [record_read(r) for r in found]


@router.post("/records", response_model=schemas.RecordRead, status_code=201)
def create_record(session: DbSession, actor: ApiActor, body: schemas.RecordCreate) -> Any:
    return record_read(records.create_record(session, actor=actor, data=body))


@router.get("/records/export")
def export_records(
    session: DbSession, actor: ApiActor, format: Literal["csv", "xlsx"] = "csv"
) -> Response:
    """Training records (what the caller may see) with their validity today, CSV or XLSX."""
    today = date.today()
    rows = records.export_rows(session, records.list_records(session, actor=actor), today)
    return tabular_response(list(records.COLUMNS), rows, "training-records", format)


@router.get("/records/{record_id}", response_model=schemas.RecordRead)
def get_record(session: DbSession, actor: ApiActor, record_id: int) -> Any:
    return record_read(records.get_record(session, actor=actor, record_id=record_id))


@router.patch("/records/{record_id}", response_model=schemas.RecordRead)
def update_record(
    session: DbSession, actor: ApiActor, record_id: int, body: schemas.RecordUpdate
) -> Any:
    return record_read(records.update_record(session, actor=actor, record_id=record_id, data=body))


@router.delete("/records/{record_id}", status_code=204)
def delete_record(session: DbSession, actor: ApiActor, record_id: int) -> Response:
    records.delete_record(session, actor=actor, record_id=record_id)
    return Response(status_code=204)


@router.get("/sops", response_model=list[schemas.SopRead])
def list_sops(session: DbSession, actor: ApiActor, partner_id: int | None = None) -> Any:
    return _sop_reads(session, sops.list_requirements(session, actor=actor, partner_id=partner_id))


@router.post("/sops", response_model=schemas.SopRead, status_code=201)
def require_sop(session: DbSession, actor: ApiActor, body: schemas.SopCreate) -> Any:
    requirement = sops.require_acknowledgement(session, actor=actor, data=body)
    return _sop_reads(session, [requirement])[0]


@router.get("/sops/{requirement_id}", response_model=schemas.SopRead)
def get_sop(session: DbSession, actor: ApiActor, requirement_id: int) -> Any:
    requirement = sops.get_requirement(session, actor=actor, requirement_id=requirement_id)
    return _sop_reads(session, [requirement])[0]


@router.delete("/sops/{requirement_id}", status_code=204)
def drop_sop(session: DbSession, actor: ApiActor, requirement_id: int) -> Response:
    sops.drop_requirement(session, actor=actor, requirement_id=requirement_id)
    return Response(status_code=204)


@router.post("/sops/{requirement_id}/acknowledge", response_model=schemas.SopRead)
def acknowledge(
    session: DbSession, actor: ApiActor, requirement_id: int, body: schemas.AcknowledgeIn
) -> Any:
    """The partner user confirms having read version N (the current one)."""
    requirement = sops.acknowledge(session, actor=actor, requirement_id=requirement_id, data=body)
    return _sop_reads(session, [requirement])[0]


@router.get("/compliance", response_model=list[schemas.ComplianceRead])
def compliance_list(session: DbSession, actor: ApiActor) -> Any:
    """Every visible partner that has trainings or SOP requirements on file."""
    ids: set[int] = {r.partner_id for r in records.list_records(session, actor=actor)}
    ids |= {r.partner_id for r in sops.list_requirements(session, actor=actor)}
    known = set(session.execute(select(Partner.id).where(Partner.id.in_(ids))).scalars())
    return [service.compliance_for(session, actor=actor, partner_id=pid) for pid in sorted(known)]


@router.get("/partners/{partner_id}/compliance", response_model=schemas.ComplianceRead)
def partner_compliance(session: DbSession, actor: ApiActor, partner_id: int) -> Any:
    return service.compliance_for(session, actor=actor, partner_id=partner_id)
