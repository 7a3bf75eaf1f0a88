"""The label a user reads for each selection field, so page errors never show ``owner_id``.

Selection's own findings often name their place already in words ("Alpha · On-time delivery",
built from the candidate's and criterion's names in the reader's language): those are kept as
they are. Field paths (``criteria.2.weight``) get the form's label through the shared registry,
which also fills the ``label`` of the API's problem entries.
"""

from __future__ import annotations

from typing import Any

from cofab.core.errors import CofabError, FieldProblem
from cofab.core.i18n import N_, translate
from cofab.core.validation import field_label, register_field_labels

SELECTION_FIELD_LABELS: dict[str, str] = {
    "title": N_("Title"),
    "status": N_("Status"),
    "mc_seed": N_("Random seed"),
    "mc_draws": N_("Monte Carlo draws"),
    "mc_concentration": N_("Dirichlet concentration (higher = more confident weights)"),
    "aggregation": N_("Aggregation of evaluators' scores"),
    "template_id": N_("Template"),
    "rationale": N_("Rationale"),
    "selected_candidate_ids": N_("Candidates"),
    "partner_ids": N_("Candidates"),
    "owner_id": N_("Owner"),
    "due_date": N_("Due date"),
    "criteria": N_("Criteria"),
    "criteria.weight": N_("Weight"),
    "criteria.key": N_("Key"),
    "criteria.scale": N_("Scale"),
    "criteria.name_en": N_("Name (English)"),
    "criteria.name_ko": N_("Name (Korean)"),
    "due_diligence": N_("Due diligence"),
    "evaluation": N_("Evaluation"),
    "partner_type": N_("Partner type"),
    "ahp_matrix": N_("AHP pairwise comparison"),
}
register_field_labels(SELECTION_FIELD_LABELS)


def _shown(problem: FieldProblem, locale: str) -> str:
    if " " in problem.field or not problem.field.isascii():
        return problem.field  # already written in words for the reader
    return field_label(problem.field, locale)


def labelled_error_context(exc: CofabError, locale: str) -> dict[str, Any]:
    """``core.web.error_context`` keeping selection's worded places as they are."""
    return {
        "error": translate(exc.message, locale, **exc.params),
        "errors": [
            {"field": _shown(p, locale), "message": translate(p.message, locale, **p.params)}
            for p in exc.problems
        ],
    }
