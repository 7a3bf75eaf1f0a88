"""Reporting periods as people type them: "2026-Q1", "2026-03", or explicit start/end dates."""

from __future__ import annotations

import re
from datetime import date

from cofab.core.errors import FieldProblem, ValidationFailed
from cofab.core.i18n import N_
from cofab.performance import rules
from cofab.performance.scorecards import period_bounds

PERIOD_PATTERN = re.compile(r"^(\d{4})-(?:Q([1-4])|(\d{2}))$")


def parse_period(start: date | None, end: date | None, period: str | None) -> tuple[date, date]:
    """Explicit dates win; else the named period; else the current quarter."""
    rules.check_report_dates(start=start, end=end)
    if start is not None or end is not None:
        if start is None or end is None:
            field = "start" if start is None else "end"
            raise ValidationFailed(problems=[FieldProblem(field, N_("This field is required."))])
        if end < start:
            raise ValidationFailed(
                problems=[FieldProblem("end", N_("Must not be before the start date."))]
            )
        return start, end
    if period:
        match = PERIOD_PATTERN.match(period.strip().upper())
        if not match:
            raise ValidationFailed(
                problems=[
                    FieldProblem(
                        "period", N_("Use a quarter like 2026-Q1 or a month like 2026-03.")
                    )
                ]
            )
        year = int(match.group(1))
        if not rules.EARLIEST_REPORT_DATE.year <= year <= rules.LATEST_REPORT_DATE.year:
            rules.check_report_dates(period=date(max(year, 1), 1, 1))
        if match.group(2):
            return period_bounds("quarter", date(year, 3 * int(match.group(2)) - 2, 1))
        month = int(match.group(3))
        if not 1 <= month <= 12:
            raise ValidationFailed(
                problems=[
                    FieldProblem(
                        "period", N_("Use a quarter like 2026-Q1 or a month like 2026-03.")
                    )
                ]
            )
        return period_bounds("month", date(year, month, 1))
    return period_bounds("quarter", rules.now_utc().date())


def label(start: date, end: date) -> str:
    """ "2026-Q1", "2026-03" or "2026-01-05 – 2026-02-01"."""
    q_start, q_end = period_bounds("quarter", start)
    if (start, end) == (q_start, q_end):
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    m_start, m_end = period_bounds("month", start)
    if (start, end) == (m_start, m_end):
        return f"{start.year}-{start.month:02d}"
    return f"{start.isoformat()} – {end.isoformat()}"
