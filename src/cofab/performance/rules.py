"""Who may do what in performance, and the checks every write makes: operations' own.

Admin and manager run scorecards and reviews, as they run orders; a dispute is resolved by the
owner's operations writers or quality. A write is audited and bumps the partner's live-view
counter in one step (``record``), so the operations dashboard that lists overdue review items
redraws when one changes. Performance is built on operations' data, so it follows operations'
rules through ``operations.service`` rather than keeping a copy that could drift: each name
below is an alias of that module's, so every rule has one definition.
"""

from __future__ import annotations

from cofab.operations import service as operations

EARLIEST_REPORT_DATE = operations.EARLIEST_REPORT_DATE
LATEST_REPORT_DATE = operations.LATEST_REPORT_DATE
OPS_WRITERS = operations.OPS_WRITERS
RECEIVERS = operations.RECEIVERS
check_report_dates = operations.check_report_dates
ensure_owner_writer = operations.ensure_owner_writer
get_partner_checked = operations.get_partner_checked
now_utc = operations.now_utc
raise_if = operations.raise_if
record = operations.record
visible_or_404 = operations.visible_or_404

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
