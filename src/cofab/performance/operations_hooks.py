"""Performance's answers to operations, registered when the domain is wired in.

Operations may not import performance (performance reads operations' orders and receipts), yet
it asks four things of it: may this partner get a new order (the grade of its latest scorecard
warns, holds for approval or blocks), which scorecards a write made stale (a recompute is
queued), which review action items are overdue (the live panel and the owner's card) and which
are open for the partner (its to-do list). It also lists ``cofab ops kpis`` and
``cofab ops score``, which kept their names when the commands moved here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cofab.core.access import Actor, scope_to_partner
from cofab.core.i18n import N_
from cofab.operations import service as operations
from cofab.performance import reviews, scorecard_refresh, scorecards
from cofab.performance.models import ActionItem

SHOWN = 5  # rows on the partner's to-do card, as operations' own cards show
ACTION_ITEMS_TITLE = N_("Open review action items for you")


def partner_action_items(session: Session, *, actor: Actor, today: date) -> operations.TodoEntry:
    """The partner's open review action items, earliest due first."""
    stmt = scope_to_partner(
        select(ActionItem).where(
            ActionItem.owner_side == "partner", ActionItem.status.not_in(reviews.DONE_STATES)
        ),
        actor,
        ActionItem.partner_id,
    )
    total = session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    rows = session.execute(stmt.order_by(ActionItem.due_date, ActionItem.id).limit(SHOWN))
    return operations.TodoEntry(
        "action_items",
        int(total),
        "/reviews",
        [
            {
                "href": f"/reviews/{item.review_id}",
                "text": item.title,
                "date": item.due_date,
                "late": item.due_date < today,
            }
            for item in rows.scalars()
        ],
    )


def _add_commands(app: Any) -> None:
    from cofab.performance import cli  # Typer and the commands: only when ``cofab ops`` is built

    app.registered_commands.extend(cli.app.registered_commands)


operations.register_order_gate(scorecards.order_gate)
operations.register_kpi_input_listener(scorecard_refresh.stale)
operations.register_overdue_source(reviews.overdue_items)
operations.register_todo_source("action_items", ACTION_ITEMS_TITLE, partner_action_items)
operations.register_cli_extension(_add_commands)
