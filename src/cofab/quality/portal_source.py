"""Quality's card on the partner's start page (``/portal``): its overdue 8D steps, its SPC alerts
(a chart rule fired, Cpk below target) and its discontinued inspection plans.

Owner staff see the same alerts on the dashboard card (``pages.quality_widget``); partner users
land on ``/portal`` instead, so the card is registered with operations' to-do registry (a hook
named in quality's PARTS) and every list is scoped to the partner by quality's own queries.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.core.i18n import N_, translate
from cofab.operations import service as operations
from cofab.quality import alerts, ncrs

SHOWN = 5
TITLE = N_("Quality alerts")
CPK_LOW = N_("Cpk {cpk} below target {target}")
RULE_FIRED = N_("control chart rule {rules}")
DISCONTINUED = N_("Inspection discontinued: {product}")
STEP_LATE = N_("8D step {step} overdue")


def quality_alerts(session: Session, *, actor: Actor, today: date) -> operations.TodoEntry:
    locale = "ko" if actor.locale == "ko" else "en"
    rows: list[dict[str, Any]] = []
    for eightd, step in ncrs.overdue_steps(session, actor):
        rows.append(
            {
                "href": f"/quality/8d/{eightd.id}",
                "text": f"8D-{eightd.id} · " + translate(STEP_LATE, locale, step=step.step),
                "date": step.due_at.date(),
                "late": True,
            }
        )
    for plan in alerts.discontinued_plans(session, actor):
        rows.append(
            {
                "href": f"/quality/plans/{plan.id}",
                "text": translate(DISCONTINUED, locale, product=plan.product),
                "date": "",
                "late": True,
            }
        )
    for alert in alerts.spc_alerts(session, actor):
        reasons = []
        if alert.cpk_low and alert.cpk is not None:
            reasons.append(
                translate(CPK_LOW, locale, cpk=f"{alert.cpk:.2f}", target=f"{alert.target:.2f}")
            )
        if alert.rules:
            reasons.append(translate(RULE_FIRED, locale, rules=", ".join(alert.rules)))
        name = alert.name_ko if locale == "ko" else alert.name_en
        rows.append(
            {
                "href": f"/quality/characteristics/{alert.characteristic_id}/spc",
                "text": f"{name} · {alert.product}: " + "; ".join(reasons),
                "date": "",
                "late": False,
            }
        )
    return operations.TodoEntry("quality_alerts", len(rows), "/quality", rows[:SHOWN])


operations.register_todo_source("quality_alerts", TITLE, quality_alerts)
