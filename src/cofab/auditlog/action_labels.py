"""What each audit action code reads as in the log, in English and Korean.

Actions are short codes chosen by the part that records them (``share``, ``solved``,
``proposal_accepted`` …). They are labelled here, in one table the audit log owns, rather than
in the shared code→label registry: the same word means different things as an action and as a
status ("approved", "close"), and a second label for one code would replace the first. A code
recorded by a state machine that labels its own events (contracts: ``event_<action>``) is shown
by that label; tests/auditlog/test_audit_labels.py fails for any recorded code left unlabelled.
"""

from __future__ import annotations

from cofab.core.i18n import N_, label_msgid

AUDIT_ACTIONS: dict[str, str] = {
    # records
    "create": N_("Created"),
    "update": N_("Changed"),
    "delete": N_("Deleted"),
    "status": N_("Status change"),
    "import": N_("Imported"),
    "cancel": N_("Cancelled"),
    "close": N_("Closed"),
    "reopen": N_("Reopened"),
    "comment": N_("Commented"),
    "compute": N_("Computed"),
    "confirm": N_("Confirmed"),
    "resolve": N_("Resolved"),
    "respond": N_("Response sent"),
    "reviewed": N_("Reviewed"),
    "sign_off": N_("Signed off"),
    "approve": N_("Approved"),
    "amend": N_("Amended"),
    "terminate": N_("Terminated"),
    # forecasts: a plan published to partners, its frozen zone turned into orders
    "publish": N_("Published"),
    "convert": N_("Converted to orders"),
    "replan": N_("Re-planned with commitments as caps"),
    # a partner's answer to a forecast line
    "commit": N_("Committed"),
    "counter": N_("Counter-proposed"),
    # orders: a partner's answer to a line, and the owner's answer to a proposal
    "accept": N_("Accepted"),
    "reject": N_("Rejected"),
    "propose": N_("Change proposed"),
    "proposal_accepted": N_("Proposal accepted"),
    "proposal_rejected": N_("Proposal rejected"),
    # planning
    "solve": N_("Solve started"),
    "solved": N_("Solved"),
    "simulate": N_("Simulation started"),
    "simulated": N_("Simulated"),
    # vault and access
    "read": N_("Viewed"),
    "download": N_("Downloaded"),
    "deny": N_("Refused"),
    "share": N_("Shared with a partner"),
    "grant": N_("Access granted"),
    "revoke": N_("Revoked"),
    "sweep": N_("Retention sweep"),
    "rotate_key": N_("Key rotated"),
    # incoming quality: inspection results, the lot's verdict, a rejected lot's disposition,
    # the sampling plan's normal/tightened/reduced switch
    "record": N_("Results recorded"),
    "verdict": N_("Verdict given"),
    "dispose": N_("Disposition decided"),
    "switch": N_("Inspection level switched"),
    "score": N_("Audit scored"),
    "submit": N_("Submitted"),
    "complete": N_("Action completed"),
    # users and business units
    "activate": N_("Reactivated"),
    "deactivate": N_("Deactivated"),
    "unlock": N_("Unlocked"),
    "role_change": N_("Role changed"),
    "password_set": N_("Password set"),
    "password_change": N_("Password changed"),
    "password_reset": N_("Password reset"),
    "password_reset_issue": N_("Password reset link issued"),
    "set_units": N_("Business units changed"),
    "link_unit": N_("Linked to a business unit"),
    # joint development and training
    "gate_decision": N_("Gate decided"),
    "instantiate": N_("Checklist added from a template"),
    "acknowledge": N_("Acknowledged"),
    # joint ventures: a parent's capital paid in, a board resolution voted
    "capital_payment": N_("Capital payment recorded"),
    "board_vote": N_("Board resolution voted"),
    # risk: a contingency plan activated (planner what-if, switch-over tasks)
    "contingency_activate": N_("Contingency plan activated"),
}


def action_msgid(code: str) -> str:
    """The msgid of ``code``'s label; a code nobody labelled is shown as itself."""
    if code in AUDIT_ACTIONS:
        return AUDIT_ACTIONS[code]
    event = f"event_{code}"
    if label_msgid(event) != event:
        return label_msgid(event)
    return code
