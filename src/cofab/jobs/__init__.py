"""Job status for people and programs: progress bars, results, cancel (the queue is core.jobs)."""

from cofab.core.domain_parts import DomainParts

PARTS = DomainParts(
    name="jobs",
    api=("cofab.jobs.api:router",),
    pages=("cofab.jobs.pages:router",),
    templates=True,
)
