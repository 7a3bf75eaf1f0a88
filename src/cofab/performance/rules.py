"""Who may do what in performance, and the checks every write makes: operations' own.

Admin and manager run scorecards and reviews, as they run orders; a dispute is resolved by the
owner's operations writers or quality. A write is audited and bumps the partner's live-view
counter in one step (``record``), so the operations dashboard that lists overdue review items
redraws when one changes. Performance is built on operations' data, so it follows operations'
rules through ``operations.service`` rather than keeping a copy that could drift.
"""

from __future__ import annotations

from cofab.operations.service import (
    EARLIEST_REPORT_DATE,
    LATEST_REPORT_DATE,
    OPS_WRITERS,
    RECEIVERS,
    check_report_dates,
    ensure_owner_writer,
    get_partner_checked,
    now_utc,
    raise_if,
    record,
    visible_or_404,
)

__all__ = [
    "EARLIEST_REPORT_DATE",
    "LATEST_REPORT_DATE",
    "OPS_WRITERS",
    "RECEIVERS",
    "check_report_dates",
    "ensure_owner_writer",
    "get_partner_checked",
    "now_utc",
    "raise_if",
    "record",
    "visible_or_404",
]
