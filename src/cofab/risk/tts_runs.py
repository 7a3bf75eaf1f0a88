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
    doc: Any,
    node: str | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    what_if: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The ``--json`` document of ``cofab risk tts``: every node's TTS and impact, worst first.
    With a what-if (``tts_what_if.WhatIf`` fields), the figures are the what-if's and each
    node also carries ``before``: the same figures on the network as given."""
    from cofab.risk.engine.tts import analyse, rank  # numpy and HiGHS: on first use only
    from cofab.risk.network_input import load_network, results_document, select_nodes
    from cofab.risk.tts_what_if import WhatIf, apply

    change = WhatIf(**what_if) if what_if else WhatIf()
    documents = [doc] if change.empty else [doc, apply(doc, change)]
    runs = []
    for round_index, document in enumerate(documents):
        loaded = load_network(document)
        nodes = select_nodes(loaded, node)
        total = len(nodes) * len(documents)
        offset = round_index * len(nodes)

        def callback(i: int, offset: int = offset, total: int = total) -> None:
            if on_progress is not None:
                on_progress(offset + i + 1, total)

        runs.append(
            results_document(loaded, rank(analyse(loaded.network, nodes, on_node=callback)))
        )
    result = runs[-1]
    if len(runs) == 2:
        before = {row["node"]: row for row in runs[0]["nodes"]}
        keep = ("tts_weeks", "unbounded", "lost_units", "lost_value", "exposed")
        for row in result["nodes"]:
            row["before"] = {k: before[row["node"]][k] for k in keep}
        result["what_if"] = dict(what_if or {})
    return result


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
    session: Session,
    *,
    actor: Actor,
    doc: Any,
    node: str | None,
    source: str,
    what_if: dict[str, Any] | None = None,
) -> tuple[dict[str, Any] | None, jobs.Job | None]:
    """(result, None) when small enough to answer now, else (None, the queued job). A what-if
    is checked here too (a bad site or family is refused before anything is queued)."""
    from cofab.risk.tts_what_if import WhatIf, apply

    register.ensure_reader(actor)
    rounds = 1
    if what_if and not WhatIf(**what_if).empty:
        apply(doc, WhatIf(**what_if))
        rounds = 2
    if rounds * work_estimate(doc, node) <= INLINE_WORK:
        return analyse_document(doc, node, what_if=what_if), None
    job = jobs.enqueue(
        session,
        actor=actor,
        kind=TTS_JOB,
        payload={"network": doc, "node": node, "source": source, "what_if": what_if},
    )
    return None, job


def run_job_of(session: Session, *, actor: Actor, job_id: int) -> jobs.Job:
    """A TTS job for the owner's staff; any other job id answers 404 here."""
    register.ensure_reader(actor)
    job = jobs.get_job(session, actor=actor, job_id=job_id)
    if job.kind != TTS_JOB:
        raise NotFound()
    return job
