"""A plan's drills as a table (CSV/XLSX): one row per step a drill timed, so a spreadsheet can
sum the gaps per drill or follow one step across drills; a drill that timed no step still has
its row, with the step columns blank."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cofab.risk.models import ContingencyDrill

COLUMNS: tuple[str, ...] = (
    "drill_id",
    "held_on",
    "recorded_by",
    "step_position",
    "step",
    "planned_days",
    "actual_days",
    "gap_days",
    "step_note",
    "gaps",
    "follow_up",
)


def rows(drills: Iterable[ContingencyDrill]) -> list[list[Any]]:
    out: list[list[Any]] = []
    for drill in drills:
        head = [drill.id, drill.held_on.isoformat(), drill.recorded_by]
        tail = [drill.gaps, drill.follow_up]
        if not drill.steps:
            out.append([*head, None, "", None, None, None, "", *tail])
        for step in drill.steps:
            timing = [step.planned_days, step.actual_days, step.gap_days, step.note]
            out.append([*head, step.position, step.title, *timing, *tail])
    return out
