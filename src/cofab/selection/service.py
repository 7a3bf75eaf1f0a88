"""Selection's service entry points for routes and other domains, in one import.

The rules live in modules split by responsibility — templates (``templates_service``),
sourcing events and score sheets (``evaluations``), computed results (``results``), due
diligence (``due_diligence``), evidence files (``evidence``), closing and the frozen record
(``decisions``) and the qualification gate (``gate``). Importing this module registers the gate
with the partner registry.
"""

from __future__ import annotations

from cofab.selection.decisions import close_evaluation, get_decision, is_intact, report_rows
from cofab.selection.due_diligence import (
    assignable_users,
    get_item,
    list_items,
    reopen,
    sign_off,
    update_item,
)
from cofab.selection.evaluations import (
    add_candidate,
    create_evaluation,
    evaluation_view,
    get_candidate,
    get_evaluation,
    list_evaluations,
    remove_candidate,
    save_scores,
    scores_of,
    update_evaluation,
)
from cofab.selection.evidence import (
    add_evidence,
    candidate_evidence,
    delete_evidence,
    evidence_store,
    get_evidence,
    open_evidence,
)
from cofab.selection.gate import gate_preview, qualification, qualification_for, qualification_guard
from cofab.selection.results import compute_results, needs_justification, results_as_dict
from cofab.selection.templates_service import (
    ahp_summary,
    create_template,
    default_checklist,
    ensure_default_templates,
    get_template,
    get_version,
    list_templates,
    update_template,
    version_ahp,
)

__all__ = [
    "add_candidate",
    "add_evidence",
    "ahp_summary",
    "assignable_users",
    "candidate_evidence",
    "close_evaluation",
    "compute_results",
    "create_evaluation",
    "create_template",
    "default_checklist",
    "delete_evidence",
    "ensure_default_templates",
    "evaluation_view",
    "evidence_store",
    "gate_preview",
    "get_candidate",
    "get_decision",
    "get_evaluation",
    "get_evidence",
    "get_item",
    "get_template",
    "get_version",
    "is_intact",
    "list_evaluations",
    "list_items",
    "list_templates",
    "needs_justification",
    "open_evidence",
    "qualification",
    "qualification_for",
    "qualification_guard",
    "remove_candidate",
    "reopen",
    "report_rows",
    "results_as_dict",
    "save_scores",
    "scores_of",
    "sign_off",
    "update_evaluation",
    "update_item",
    "update_template",
    "version_ahp",
]
