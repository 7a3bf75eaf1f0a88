"""Audit log API for admins."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict

from cofab.auditlog import service
from cofab.core.access import Actor
from cofab.core.pagination import Page, paginate
from cofab.core.web import DbSession, api_actor

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])
SessionDep = DbSession
ActorDep = Annotated[Actor, Depends(api_actor)]


class AuditRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    actor_label: str
    action: str
    entity: str
    entity_id: str
    partner_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    hash: str


class VerifyRead(BaseModel):
    ok: bool
    checked: int
    first_broken_id: int | None
    reason: str | None


def filters_dep(
    actor: str | None = None,
    action: str | None = None,
    entity: str | None = None,
    partner_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
) -> service.AuditFilters:
    return service.AuditFilters(actor, action, entity, partner_id, since, until)


@router.get("", response_model=Page[AuditRead])
def list_entries(
    session: SessionDep,
    actor: ActorDep,
    filters: Annotated[service.AuditFilters, Depends(filters_dep)],
    page: Annotated[int, Query(ge=1)] = 1,
    size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Any:
    items, total = paginate(session, service.audit_query(actor, filters), page=page, size=size)
    return Page[AuditRead](
        items=[AuditRead.model_validate(i) for i in items], total=total, page=page, size=size
    )


@router.get("/verify", response_model=VerifyRead)
def verify(session: SessionDep, actor: ActorDep) -> Any:
    report = service.verify(session, actor=actor)
    return VerifyRead(
        ok=report.ok,
        checked=report.checked,
        first_broken_id=report.first_broken_id,
        reason=report.reason,
    )
