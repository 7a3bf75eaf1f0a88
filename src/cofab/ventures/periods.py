"""Periods as people write them — ``2027``, ``2027-Q1``, ``2027-03`` — and the dates they span,
so an offtake commitment and a sharing statement name the same stretch of time."""

from __future__ import annotations

import re
from datetime import date, timedelta

from cofab.core.i18n import N_

BAD_PERIOD = N_("Write the period as 2027, 2027-Q1 or 2027-03.")
PERIOD_PATTERN = r"^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$"
_PERIOD = re.compile(PERIOD_PATTERN)


def is_period(text: str) -> bool:
    return bool(_PERIOD.match(text))


def period_bounds(text: str) -> tuple[date, date]:
    """First and last day of the period (inclusive); ValueError for anything else."""
    if not is_period(text):
        raise ValueError(text)
    year = int(text[:4])
    if len(text) == 4:
        return date(year, 1, 1), date(year, 12, 31)
    if text[5] == "Q":
        first_month = 3 * (int(text[6]) - 1) + 1
        months = 3
    else:
        first_month, months = int(text[5:7]), 1
    start = date(year, first_month, 1)
    end_month = first_month + months
    end = date(year + (end_month > 12), (end_month - 1) % 12 + 1, 1) - timedelta(days=1)
    return start, end


def contains(outer: str, inner: str) -> bool:
    """Whether period ``inner`` lies within ``outer`` (a month within its quarter or year)."""
    o_start, o_end = period_bounds(outer)
    i_start, i_end = period_bounds(inner)
    return o_start <= i_start and i_end <= o_end
