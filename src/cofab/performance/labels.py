"""Human labels for the codes performance stores (grade actions, disputes, action items,
scorecard periods)."""

from __future__ import annotations

from cofab.core.i18n import N_
from cofab.core.labels import register_labels

PERFORMANCE_LABELS: dict[str, str] = {
    # grade actions
    "none": N_("No action"),
    "warning": N_("Warning"),
    "approval": N_("New orders need approval"),
    "block": N_("New orders blocked"),
    # disputes and action items
    "upheld": N_("Upheld"),
    "in_progress": N_("In progress"),
    "done": N_("Done"),
    "comment": N_("Comment"),
    "dispute": N_("Dispute"),
    # scorecard periods
    "quarter_period": N_("Quarter"),
    "month_period": N_("Month"),
    # whom a scorecard template scores, and a metric's audience
    "manufacturing_partners": N_("Manufacturing partners"),
    "logistics_partners": N_("Logistics partners"),
    "any_partners": N_("Any partner"),
}


def register() -> None:
    register_labels(PERFORMANCE_LABELS)
