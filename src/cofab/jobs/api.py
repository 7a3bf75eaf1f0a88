"""Job status API: poll a job a route has started."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from cofab.core.web import ApiActor, DbSession
from cofab.jobs import service

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"])


class JobRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    status: str
    progress: float
    message: str
    result: dict[str, Any] | None
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


@router.get("/{job_id}", response_model=JobRead)
def get_job(session: DbSession, actor: ApiActor, job_id: int) -> Any:
    return service.job_for(session, actor=actor, job_id=job_id)


@router.post("/{job_id}/cancel", response_model=JobRead)
def cancel_job(session: DbSession, actor: ApiActor, job_id: int) -> Any:
    return service.cancel_job(session, actor=actor, job_id=job_id)
