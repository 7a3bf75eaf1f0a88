"""Period labels shared by plans, forecasts and declarations: months ``YYYY-MM`` and ISO weeks
``YYYY-Www``. A label is turned into a date window once, so SQL compares dates, never text."""

from __future__ import annotations

import re
from datetime import date, timedelta

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def window(label: str) -> tuple[date, date] | None:
    """(first day, day after the last) of a month or ISO week label; None if it is neither."""
    text = label.strip()
    month = _MONTH.match(text)
    if month:
        start = date(int(month.group(1)), int(month.group(2)), 1)
        return start, add_months(start, 1)
    week = _WEEK.match(text)
    if week:
        try:
            start = date.fromisocalendar(int(week.group(1)), int(week.group(2)), 1)
        except ValueError:
            return None
        return start, start + timedelta(days=7)
    return None


def month_start(label: str) -> date | None:
    """The first day of a ``YYYY-MM`` label (declarations are kept per month)."""
    match = _MONTH.match(label.strip())
    return date(int(match.group(1)), int(match.group(2)), 1) if match else None


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_label(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def months_between(first: date, last: date) -> int:
    """Whole months from ``first`` to ``last`` (both first days of a month)."""
    return (last.year - first.year) * 12 + last.month - first.month
