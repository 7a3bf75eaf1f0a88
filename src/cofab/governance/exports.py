"""Decisions and action items as table rows, for CSV/XLSX downloads (minutes annexes, board
resolution logs, follow-up lists kept outside cofab)."""

from __future__ import annotations

from datetime import date
from typing import Any

from cofab.governance.models import ActionItem, Decision, Meeting
from cofab.governance.records import is_overdue

DECISION_COLUMNS = (
    "committee_id",
    "meeting_id",
    "meeting_title",
    "meeting_start_utc",
    "partner_id",
    "number",
    "kind",
    "text",
    "owner_name",
    "effective_on",
)
ACTION_COLUMNS = (
    "id",
    "meeting_id",
    "meeting_title",
    "partner_id",
    "title",
    "side",
    "owner_name",
    "due_date",
    "status",
    "overdue",
    "done_by",
    "done_at_utc",
    "note",
)


def _iso(value: Any) -> str:
    return value.isoformat() if value is not None else ""


def decision_rows(pairs: list[tuple[Decision, Meeting]]) -> list[list[Any]]:
    return [
        [
            m.committee_id or "",
            m.id,
            m.title,
            _iso(m.starts_at),
            d.partner_id,
            d.number,
            d.kind,
            d.text,
            d.owner_name,
            _iso(d.effective_on),
        ]
        for d, m in pairs
    ]


def action_rows(pairs: list[tuple[ActionItem, Meeting]], today: date) -> list[list[Any]]:
    return [
        [
            i.id,
            m.id,
            m.title,
            i.partner_id,
            i.title,
            i.side,
            i.owner_name,
            _iso(i.due_date),
            i.status,
            "yes" if is_overdue(i, today) else "no",
            i.done_by or "",
            _iso(i.done_at),
            i.note,
        ]
        for i, m in pairs
    ]
