"""Background time-to-survive runs (``risk.tts``), with a progress step per node analysed.

The payload carries the whole network document (an upload, or the live registry as it was when
the run was asked for), so the result is the answer for the network the user saw; nothing is
written but the job's own result.
"""

from __future__ import annotations

from typing import Any

from cofab.core.i18n import N_, translate
from cofab.core.jobs import JobContext, register
from cofab.risk.tts_runs import TTS_JOB, analyse_document

NODE_DONE = N_("Analysed {done} of {total} nodes")


@register(TTS_JOB)
def run_tts(context: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    def progress(done: int, total: int) -> None:
        message = translate(NODE_DONE, "en", done=done, total=total)
        context.progress(0.05 + 0.9 * done / max(1, total), message, force=done == total)

    context.progress(0.02, translate(N_("Building the model"), "en"), force=True)
    result = analyse_document(
        payload["network"], payload.get("node"), progress, payload.get("what_if")
    )
    return result | {"source": payload.get("source", "upload")}
