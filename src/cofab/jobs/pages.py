"""A progress bar fragment that htmx polls until the job finishes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from cofab.core.web import DbSession, PageActor, render
from cofab.jobs import service

router = APIRouter(include_in_schema=False)


@router.get("/jobs/{job_id}/progress", response_class=HTMLResponse)
def job_progress(
    request: Request, session: DbSession, actor: PageActor, job_id: int, then: str = ""
) -> Response:
    job = service.job_for(session, actor=actor, job_id=job_id)
    done_url = then if then.startswith("/") and not then.startswith("//") else ""
    return render(
        request,
        "jobs/progress.html",
        {"job": job, "finished": service.is_finished(job), "then": done_url},
    )
