"""What each operations KPI is called, its unit, which way is better, and its definition — the
text shown beside every number on the KPI, scorecard and review pages (Korean in operations.po).
"""

from __future__ import annotations

from cofab.core.i18n import N_

KPI_CODES: tuple[str, ...] = (
    "otd_lines",
    "otd_qty",
    "otif",
    "avg_days_late",
    "fill_rate",
    "defect_ppm",
    "cost_index",
    "lead_time_days",
    "response_median_h",
    "response_p90_h",
    "resolution_median_h",
    "resolution_p90_h",
    "ack_rate",
    "ack_hours",
)
# Lower-is-better KPIs (scoring curves and colour hints use this).
LOWER_IS_BETTER = frozenset(
    {
        "avg_days_late",
        "defect_ppm",
        "cost_index",
        "lead_time_days",
        "response_median_h",
        "response_p90_h",
        "resolution_median_h",
        "resolution_p90_h",
        "ack_hours",
    }
)
KPI_NAMES: dict[str, str] = {
    "otd_lines": N_("On-time delivery (lines)"),
    "otd_qty": N_("On-time delivery (quantity)"),
    "otif": N_("On time in full (OTIF)"),
    "avg_days_late": N_("Average days late"),
    "fill_rate": N_("Fill rate"),
    "defect_ppm": N_("Defect rate (PPM)"),
    "cost_index": N_("Cost index"),
    "price_variance": N_("Price variance"),
    "lead_time_days": N_("Lead time (days)"),
    "response_median_h": N_("First response, median (h)"),
    "response_p90_h": N_("First response, 90th percentile (h)"),
    "resolution_median_h": N_("Resolution, median (h)"),
    "resolution_p90_h": N_("Resolution, 90th percentile (h)"),
    "ack_rate": N_("Acknowledgement rate"),
    "ack_hours": N_("Acknowledgement time (h)"),
}
KPI_UNITS: dict[str, str] = {
    "otd_lines": "%",
    "otd_qty": "%",
    "otif": "%",
    "avg_days_late": "d",
    "fill_rate": "%",
    "defect_ppm": "ppm",
    "cost_index": "%",
    "lead_time_days": "d",
    "response_median_h": "h",
    "response_p90_h": "h",
    "resolution_median_h": "h",
    "resolution_p90_h": "h",
    "ack_rate": "%",
    "ack_hours": "h",
}
DEFINITIONS: dict[str, str] = {
    "otd_lines": N_(
        "Share of order lines due in the period (promised date inside it) whose full promised "
        "quantity was received no later than the promised date plus the tolerance days. Lines "
        "still open whose promised date plus tolerance has not passed yet are left out, as are "
        "cancelled and rejected lines."
    ),
    "otd_qty": N_(
        "Quantity received no later than the promised date plus tolerance (at most the promised "
        "quantity per line), divided by the promised quantity of the same lines."
    ),
    "otif": N_(
        "Share of the same lines whose accepted quantity (received minus rejected) reached the "
        "promised quantity no later than the promised date plus tolerance."
    ),
    "avg_days_late": N_(
        "For the lines that were not on time: mean days from the promised date to the receipt "
        "that completed the line, or to the evaluation date while still open. 0 when no line "
        "was late."
    ),
    "fill_rate": N_(
        "Accepted quantity received so far (at most the promised quantity per line) divided by "
        "the promised quantity of the lines due in the period."
    ),
    "defect_ppm": N_(
        "Rejected quantity divided by received quantity, times 1,000,000, over receipts dated "
        "in the period."
    ),
    "cost_index": N_(
        "Landed unit cost times received quantity divided by contract unit price times received "
        "quantity, in percent, over receipts in the period that carry a landed cost. 100 means "
        "exactly the contract price; lower is better."
    ),
    "price_variance": N_(
        "Sum of (landed unit cost minus contract unit price) times received quantity, per "
        "currency, over receipts in the period."
    ),
    "lead_time_days": N_(
        "Mean days from the order date to the receipt that completed the line, over lines "
        "completed in the period."
    ),
    "response_median_h": N_(
        "Median hours from opening a support ticket to the partner's first response, over "
        "tickets opened in the period and answered (nearest-rank percentile)."
    ),
    "response_p90_h": N_(
        "90th percentile of the hours from opening a support ticket to the first response "
        "(nearest rank: the value at rank ⌈0.9·n⌉)."
    ),
    "resolution_median_h": N_(
        "Median hours from opening a support ticket to its resolution, over tickets opened in "
        "the period and resolved."
    ),
    "resolution_p90_h": N_(
        "90th percentile of the hours from opening a support ticket to its resolution."
    ),
    "ack_rate": N_(
        "Share of the lines of orders placed in the period that the partner has answered "
        "(accepted, rejected or proposed another date or quantity)."
    ),
    "ack_hours": N_(
        "Mean hours from the creation of an order line to the partner's first answer, over the "
        "answered lines of orders placed in the period."
    ),
}
