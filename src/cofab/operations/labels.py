"""Human labels for the codes operations stores (statuses, stages, priorities)."""

from __future__ import annotations

from cofab.core.i18n import N_
from cofab.core.labels import register_labels

OPERATIONS_LABELS: dict[str, str] = {
    # order and line states
    "open": N_("Open"),
    "pending_approval": N_("Waiting for approval"),
    "closed": N_("Closed"),
    "pending": N_("Waiting for answer"),
    "accepted": N_("Accepted"),
    "rejected": N_("Rejected"),
    "proposed": N_("Change proposed"),
    "cancelled": N_("Cancelled"),
    # delivery states (derived in ``fulfilment``)
    "partially_received": N_("Partially received"),
    "received": N_("Fully received"),
    "close": N_("Closed"),
    "awaiting_answer": N_("Lines waiting for an answer"),
    "proposal_accepted": N_("Proposal accepted"),
    "proposal_rejected": N_("Proposal declined"),
    # production stages
    "materials_ready": N_("Materials ready"),
    "in_production": N_("In production"),
    "quality_check": N_("Quality check"),
    "packed": N_("Packed"),
    "shipped": N_("Shipped"),
    # ticket priorities
    "low": N_("Low"),
    "normal": N_("Normal"),
    "high": N_("High"),
    "urgent": N_("Urgent"),
}


def register() -> None:
    register_labels(OPERATIONS_LABELS)
