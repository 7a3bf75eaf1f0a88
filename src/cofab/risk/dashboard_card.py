"""The owner dashboard's risk card: contingency plans that are not ready.

A plan is "untested" when it was never drilled or its last drill is older than its cadence
(``ContingencyPlan.is_untested``); among those, a drill is "overdue" when the plan had been
drilled and the next drill's due date has passed (a plan never drilled is untested, not late).
Owner staff only, like the register; nothing is shown when every plan is tested.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.core.dashboard import register_dashboard_widget
from cofab.risk import contingency
from cofab.risk.drill_cadence import CadenceReader

SHOWN = 5


@dataclass(frozen=True)
class PlanDue:
    id: int
    title: str
    due: date
    never_drilled: bool
    days_late: int


def plans_not_ready(session: Session, *, actor: Actor, today: date) -> list[PlanDue]:
    """Untested plans, the longest overdue first, never-drilled ones after them."""
    cadences = CadenceReader(session)
    plans = contingency.list_plans(session, actor=actor)
    every = {plan.id: cadences.of(plan).days for plan in plans}
    rows = [
        PlanDue(
            id=plan.id,
            title=plan.title,
            due=plan.drill_due(every[plan.id]),
            never_drilled=plan.last_drill_on is None,
            days_late=max(0, (today - plan.drill_due(every[plan.id])).days),
        )
        for plan in plans
        if plan.is_untested(today, every[plan.id])
    ]
    return sorted(rows, key=lambda r: (r.never_drilled, -r.days_late, r.id))


def risk_widget(session: Session, actor: Actor) -> tuple[str, dict[str, Any]] | None:
    if not actor.is_owner_staff:
        return None
    rows = plans_not_ready(session, actor=actor, today=date.today())
    if not rows:
        return None
    overdue = [r for r in rows if not r.never_drilled]
    return "risk/widget.html", {
        "r_untested": len(rows),
        "r_overdue": len(overdue),
        "r_never": len(rows) - len(overdue),
        "r_rows": rows[:SHOWN],
    }


register_dashboard_widget(risk_widget)
