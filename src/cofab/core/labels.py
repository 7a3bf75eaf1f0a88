"""Human labels for stored codes (statuses, types, roles), so pages never show raw identifiers."""

from __future__ import annotations

from cofab.core.i18n import N_

LABELS: dict[str, str] = {
    # roles
    "admin": N_("Administrator"),
    "manager": N_("Manager"),
    "quality": N_("Quality engineer"),
    "viewer": N_("Viewer"),
    "partner": N_("Partner user"),
    # partner types
    "contract_manufacturer": N_("Contract manufacturer"),
    "supplier": N_("Supplier"),
    "logistics": N_("Logistics / distribution"),
    "technology": N_("Technology partner"),
    # partnership forms
    "vertical": N_("Vertical"),
    "horizontal": N_("Horizontal"),
    "strategic_alliance": N_("Strategic alliance"),
    "joint_venture": N_("Joint venture"),
    # lifecycle
    "prospect": N_("Prospect"),
    "qualifying": N_("Qualifying"),
    "approved": N_("Approved"),
    "active": N_("Active"),
    "suspended": N_("Suspended"),
    "exited": N_("Exited"),
    # audit actions
    "create": N_("Created"),
    "update": N_("Changed"),
    "delete": N_("Deleted"),
    "status": N_("Status change"),
    "import": N_("Imported"),
    "revoke": N_("Revoked"),
    "read": N_("Viewed"),
    "download": N_("Downloaded"),
    "deny": N_("Refused"),
    "cancel": N_("Cancelled"),
    # job states
    "queued": N_("Queued"),
    "running": N_("Running"),
    "succeeded": N_("Finished"),
    "failed": N_("Failed"),
    "cancelled": N_("Cancelled"),
    # capacity periods
    "day": N_("per day"),
    "week": N_("per week"),
    "month": N_("per month"),
    "quarter": N_("per quarter"),
    "year": N_("per year"),
}


def register_labels(labels: dict[str, str]) -> None:
    LABELS.update(labels)


def label_msgid(code: str) -> str:
    return LABELS.get(code, code)
