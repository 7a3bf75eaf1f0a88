"""Compare two contract versions: term by term, and clause text line by line.

Pure functions over the stored JSON, so a diff never depends on the database or on which
version is current.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TermChange:
    """One changed leaf: ``path`` like ``penalties.late_delivery.cap_pct``; ``None`` = absent."""

    path: str
    old: Any
    new: Any

    @property
    def kind(self) -> str:
        if self.old is None:
            return "added"
        if self.new is None:
            return "removed"
        return "changed"


def _leaves(value: Any, path: str, out: dict[str, Any]) -> None:
    """Flatten nested objects and lists to ``path → scalar`` (list items by index)."""
    if isinstance(value, dict):
        for key, item in value.items():
            _leaves(item, f"{path}.{key}" if path else str(key), out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _leaves(item, f"{path}.{index}", out)
    else:
        out[path] = value


def term_changes(old: dict[str, Any], new: dict[str, Any]) -> list[TermChange]:
    """Every leaf that differs, in the order the terms are written.

    A section that appears (``cost: null`` → an object) shows as its added leaves, so a reader
    sees which values were agreed rather than "cost changed".
    """
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    _leaves(old, "", before)
    _leaves(new, "", after)
    paths = list(before) + [p for p in after if p not in before]
    changes = []
    for path in paths:
        a, b = before.get(path), after.get(path)
        if a != b:
            changes.append(TermChange(path, a, b))
    return changes


def clause_text(clauses: list[dict[str, Any]], locale: str) -> str:
    """The version's clauses as one text (title line, then the clause), in one language.

    Falls back to the other language for a clause that has no text in the requested one.
    """
    other = "en" if locale == "ko" else "ko"
    blocks: list[str] = []
    for index, clause in enumerate(clauses, start=1):
        title = clause.get(f"title_{locale}") or clause.get(f"title_{other}") or ""
        body = clause.get(f"text_{locale}") or clause.get(f"text_{other}") or ""
        code = f" [{clause['code']}]" if clause.get("code") else ""
        blocks.append(f"{index}. {title}{code}\n{body.strip()}\n")
    return "\n".join(blocks)


def text_diff(
    old_clauses: list[dict[str, Any]],
    new_clauses: list[dict[str, Any]],
    *,
    locale: str,
    old_label: str,
    new_label: str,
) -> str:
    """A unified diff (difflib) of the clause text of two versions; empty when identical."""
    lines = difflib.unified_diff(
        clause_text(old_clauses, locale).splitlines(keepends=True),
        clause_text(new_clauses, locale).splitlines(keepends=True),
        fromfile=old_label,
        tofile=new_label,
        n=2,
    )
    return "".join(lines)
