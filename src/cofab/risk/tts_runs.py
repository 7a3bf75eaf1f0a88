"""Running the time-to-survive analysis for the web: at once when it is small, as a background
job with progress when it is not.

The cost of one analysis is about one LP re-solve per node on a model whose size is the flow
columns (sites × markets × products). Below ``INLINE_WORK`` (nodes × flow columns) it finishes
well under a second and the page answers with the result; above it the network goes to the job
queue (``risk.tts``) and the page polls the job's progress bar. The document is checked before
either, so a bad upload is refused at once with every problem named and no job is queued.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from cofab.core import jobs
from cofab.core.access import Actor
from cofab.core.errors import NotFound
from cofab.risk import register

TTS_JOB = "risk.tts"
INLINE_WORK = 200_000


def analyse_document(
    doc: Any, node: str | None = None, on_progress: Callable[[int, int], None] | None = None
) -> dict[str, Any]:
    """The ``--json`` document of ``cofab risk tts``: every node's TTS and impact, worst first."""
    from cofab.risk.engine.tts import analyse, rank  # numpy and HiGHS: on first use only
    from cofab.risk.network_input import load_network, results_document, select_nodes

    loaded = load_network(doc)
    nodes = select_nodes(loaded, node)
    total = len(nodes)
    callback = None if on_progress is None else (lambda i: on_progress(i + 1, total))
    return results_document(loaded, rank(analyse(loaded.network, nodes, on_node=callback)))


def work_estimate(doc: Any, node: str | None = None) -> int:
    """Nodes × flow columns of a document that loads (it raises ValidationFailed otherwise)."""
    from cofab.risk.network_input import load_network, select_nodes

    loaded = load_network(doc)
    nodes = select_nodes(loaded, node)
    net = loaded.network
    n_s, n_m = net.lane.shape
    n_p = net.demand_rate.shape[1]
    return len(nodes) * max(1, int(n_s) * int(n_m) * int(n_p))


def start(
    session: Session, *, actor: Actor, doc: Any, node: str | None, source: str
) -> tuple[dict[str, Any] | None, jobs.Job | None]:
    """(result, None) when small enough to answer now, else (None, the queued job)."""
    register.ensure_reader(actor)
    if work_estimate(doc, node) <= INLINE_WORK:
        return analyse_document(doc, node), None
    job = jobs.enqueue(
        session,
        actor=actor,
        kind=TTS_JOB,
        payload={"network": doc, "node": node, "source": source},
    )
    return None, job


def run_job_of(session: Session, *, actor: Actor, job_id: int) -> jobs.Job:
    """A TTS job for the owner's staff; any other job id answers 404 here."""
    register.ensure_reader(actor)
    job = jobs.get_job(session, actor=actor, job_id=job_id)
    if job.kind != TTS_JOB:
        raise NotFound()
    return job
