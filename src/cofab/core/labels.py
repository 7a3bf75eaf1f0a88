"""Human labels for the codes core itself stores (roles, audit actions, job states), so pages
never show raw identifiers.

The registry lives in ``core.i18n`` (``translate`` shows a code parameter by its label);
``register_labels`` and ``label_msgid`` are re-exported here, where domains have always found
them. A domain registers its own codes (partner types, contract states …) in its own folder.
"""

from __future__ import annotations

from cofab.core.i18n import N_, label_msgid, register_labels

__all__ = ["CORE_LABELS", "label_msgid", "register_labels"]

CORE_LABELS: dict[str, str] = {
    # roles
    "admin": N_("Administrator"),
    "manager": N_("Manager"),
    "quality": N_("Quality engineer"),
    "viewer": N_("Viewer"),
    "partner": N_("Partner user"),
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
}

register_labels(CORE_LABELS)
