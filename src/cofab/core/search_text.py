"""Free-text search is a substring match: ``%`` and ``_`` in what a user typed match themselves.

Every ``LIKE`` built from user text goes through :func:`contains_pattern` with
``escape=LIKE_ESCAPE``; the length cap keeps a 60k-character "search" from reaching the
database at all (SQLite refuses such a pattern as "too complex").
"""

from __future__ import annotations

from cofab.core.errors import FieldProblem, ValidationFailed
from cofab.core.i18n import N_

LIKE_ESCAPE = "\\"
MAX_SEARCH_LENGTH = 200
SEARCH_TOO_LONG = N_("Must be at most {max_length} characters.")


def contains_pattern(text: str, *, field: str = "q", lower: bool = False) -> str:
    """``%text%`` with LIKE's wildcards escaped; over-long text is a 422 naming ``field``."""
    text = text.strip()
    if len(text) > MAX_SEARCH_LENGTH:
        raise ValidationFailed(
            problems=[FieldProblem(field, SEARCH_TOO_LONG, {"max_length": MAX_SEARCH_LENGTH})]
        )
    if lower:
        text = text.lower()
    escaped = (
        text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )
    return f"%{escaped}%"
