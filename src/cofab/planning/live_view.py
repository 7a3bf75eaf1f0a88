"""A scenario's input list as people read it (page and CLI): translated source, age in days."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from cofab.core.i18n import translate


def _age(stamp: str | None, now: datetime) -> tuple[int | None, str]:
    """Days since the source record changed, and the record's date (empty for defaults)."""
    if not stamp:
        return None, ""
    moment = datetime.fromisoformat(stamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0, (now - moment).days), moment.date().isoformat()


def live_rows(live_inputs: dict[str, Any] | None, locale: str) -> list[dict[str, Any]]:
    """The scenario's input list for the page: kind, subject, live or defaulted, the source in
    the reader's language and the source's age in days."""
    now = datetime.now(UTC)
    rows = []
    for item in (live_inputs or {}).get("inputs", []):
        days, day = _age(item.get("as_of"), now)
        rows.append(
            {
                "input": item["input"],
                "subject": item["subject"],
                "live": item["live"],
                "source": translate(item["source"], locale, **(item.get("params") or {})),
                "age_days": days,
                "as_of": day,
            }
        )
    rows.sort(key=lambda row: (row["live"], row["input"], row["subject"]))
    return rows
