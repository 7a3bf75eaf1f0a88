"""Audit log API for admins."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

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
    seq: int | None = Field(description="Position in the chain; empty until sealed")
    hash: str | None
    sealed: bool


class CheckpointRead(BaseModel):
    seq: int
    hash: str
    count: int
    at: str
    key_id: str


class VerifyRead(BaseModel):
    ok: bool
    checked: int
    first_broken_id: int | None
    first_broken_seq: int | None
    reason: str | None
    message: str
    head_seq: int
    checkpoint: CheckpointRead | None = Field(description="The latest signed checkpoint")
    checkpoints: int = Field(description="Signed checkpoints the chain was checked against")


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
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    filters: Annotated[service.AuditFilters, Depends(filters_dep)],
    page: Annotated[int, Query(ge=1)] = 1,
    size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Any:
    state = request.app.state
    service.seal_before_reading(session, state.settings.data_dir, actor=actor)
    items, total = paginate(session, service.audit_query(actor, filters), page=page, size=size)
    return Page[AuditRead](
        items=[AuditRead.model_validate(i) for i in items], total=total, page=page, size=size
    )


@router.get("/verify", response_model=VerifyRead)
def verify(request: Request, actor: ActorDep) -> Any:
    """Seal pending entries, check every entry and its seal, then the signed checkpoints."""
    state = request.app.state
    verdict = service.verify(state.engine, state.settings.data_dir, actor=actor)
    locale = getattr(request.state, "locale", "en")
    latest = verdict.latest
    return VerifyRead(
        ok=verdict.ok,
        checked=verdict.checked,
        first_broken_id=verdict.first_broken_id,
        first_broken_seq=verdict.first_broken_seq,
        reason=verdict.reason_text(locale),
        message=verdict.message(locale),
        head_seq=verdict.chain.head_seq if verdict.chain else 0,
        checkpoint=CheckpointRead(
            seq=latest.seq, hash=latest.hash, count=latest.count, at=latest.at, key_id=latest.key_id
        )
        if latest
        else None,
        checkpoints=len(verdict.checkpoints.checkpoints) if verdict.checkpoints else 0,
    )
