"""What performance offers other domains: reviews and their action items, scorecards and their
grade, and KPIs for a period — with the tables in ``performance.models``.

Governance mirrors review meetings, the inbox lists review action items, and risk reads
scorecard grades; they call these functions (the same checks and audit as the pages and the API)
instead of reaching into ``reviews`` or ``scorecards``.
"""

from __future__ import annotations

from cofab.performance.kpis import compute as compute_kpis
from cofab.performance.kpis import compute_for_partner as partner_kpis
from cofab.performance.reviews import (
    DONE_STATES,
    action_items,
    add_action_item,
    add_decision,
    create_review,
    get_review,
    overdue_items,
    review_detail,
    review_query,
    update_action_item,
)
from cofab.performance.schemas import (
    ActionItemIn,
    ActionItemUpdate,
    ReviewCreate,
)
from cofab.performance.scorecards import (
    LOGISTICS_TEMPLATE,
    compute_scorecards,
    default_template,
    get_scorecard,
    grade_of,
    logistics_template,
    order_gate,
    period_bounds,
    quality_template,
    score_of,
    scorecard_query,
)

__all__ = [
    "DONE_STATES",
    "LOGISTICS_TEMPLATE",
    "ActionItemIn",
    "ActionItemUpdate",
    "ReviewCreate",
    "action_items",
    "add_action_item",
    "add_decision",
    "compute_kpis",
    "compute_scorecards",
    "create_review",
    "default_template",
    "get_review",
    "get_scorecard",
    "grade_of",
    "logistics_template",
    "order_gate",
    "overdue_items",
    "partner_kpis",
    "period_bounds",
    "quality_template",
    "review_detail",
    "review_query",
    "score_of",
    "scorecard_query",
    "update_action_item",
]
