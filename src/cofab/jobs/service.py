"""What people and programs may see and do with a background job, for this domain's routes.

The queue itself (tables, workers, handler registry) is ``core.jobs``, which every domain uses
to start its work; this domain only shows a job to whoever may see it and lets them stop it.
``service.py`` is the module another domain would import, as in every domain folder.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from cofab.core import jobs
from cofab.core.access import Actor
from cofab.core.jobs import Job


def job_for(session: Session, *, actor: Actor, job_id: int) -> Job:
    """The job if ``actor`` may see it (a partner user only the jobs it started), else NotFound."""
    return jobs.get_job(session, actor=actor, job_id=job_id)


def cancel_job(session: Session, *, actor: Actor, job_id: int) -> Job:
    """Stop a job (its starter, admins and managers); a finished job answers Conflict."""
    return jobs.cancel(session, actor=actor, job_id=job_id)


def is_finished(job: Job) -> bool:
    """Whether the job will change no more (succeeded, failed or cancelled)."""
    return job.status in jobs.FINISHED
