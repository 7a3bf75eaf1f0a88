"""A committee's cadence turned into meeting times, and local wall-clock times turned into UTC.

A series keeps the committee's *local* time: a monthly 10:00 meeting in Berlin stays at 10:00
Berlin after the clocks change, so its UTC instant moves by an hour. Months step on the first
meeting's day of the month, clamped to the month's last day (31 Jan → 28 Feb → 31 Mar), never
drifting from a short month.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MONTHS_PER_STEP = {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}


def zone_or_none(name: str) -> ZoneInfo | None:
    """The IANA zone of that name, or None (an unknown name, a path, an empty string)."""
    if not name or name.startswith(("/", ".")) or ".." in name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def to_utc(moment: datetime, zone: ZoneInfo) -> datetime:
    """An aware datetime as is; a naive one read as a wall-clock time in ``zone``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


def _add_months(day: date, months: int, anchor_day: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(anchor_day, last))


def series_starts(first_local: datetime, cadence: str, count: int) -> list[datetime]:
    """``count`` local (naive) start times from ``first_local`` at the cadence's step.

    ``none`` gives the first meeting only; ``weekly`` steps 7 days; the others step months."""
    if cadence == "none" or count < 1:
        return [first_local][: max(count, 0)]
    starts: list[datetime] = []
    for index in range(count):
        if cadence == "weekly":
            day = first_local.date() + timedelta(days=7 * index)
        else:
            step = MONTHS_PER_STEP[cadence]
            day = _add_months(first_local.date(), step * index, first_local.day)
        starts.append(datetime.combine(day, first_local.time()))
    return starts
