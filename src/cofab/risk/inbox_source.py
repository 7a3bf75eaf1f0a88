"""Risk's action items in the notifications inbox: mitigations, contingency drills and the
switch-over tasks an activated contingency plan opened.

Registered with ``notifications.service`` when imported (a hook named in risk's PARTS). The
register is the owner's own (a partner user never sees it), so partner users get no mitigation
here; owner staff see what ``register`` and ``contingency`` show them (their business units).
A switch-over step that names a partner brings that partner's users (and nobody else's) its task
(they mark it done) and the plan's drill (they take part; the owner records it). Done goes
through the same functions as the risk pages: a mitigation gets today's ``done_on``, a plan a
drill held today, a task its ``done_on``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.core.i18n import N_
from cofab.notifications import service as notifications
from cofab.risk import activation, contingency, register
from cofab.risk.drill_cadence import CadenceReader
from cofab.risk.models import (
    ContingencyPlan,
    ContingencyStep,
    Risk,
    RiskMitigation,
    RiskStatus,
)
from cofab.risk.schemas import DrillIn, MitigationUpdate

MITIGATION_KIND, DRILL_KIND, TASK_KIND = "risk.mitigation", "risk.drill", "risk.task"
MITIGATION_TITLE = N_("Risk {ref} mitigation: {text}")
DRILL_TITLE = N_("Contingency drill: {plan}")
TASK_TITLE = N_("Contingency switch-over: {text}")


def _short(text: str, size: int = 80) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def list_mitigations(
    session: Session, actor: Actor, today: date
) -> Iterable[notifications.InboxItem]:
    if not actor.is_owner_staff:
        return []
    rows = session.execute(
        select(Risk, RiskMitigation)
        .join(RiskMitigation, RiskMitigation.risk_id == Risk.id)
        .where(Risk.status != RiskStatus.CLOSED)
    ).all()
    return [
        notifications.InboxItem(
            kind=MITIGATION_KIND,
            id=mitigation.id,
            title_msgid=MITIGATION_TITLE,
            title_params={"ref": risk.external_ref, "text": _short(mitigation.action)},
            owner=mitigation.owner or risk.owner,
            side="owner",
            partner_id=risk.partner_id,
            due=mitigation.due_date,
            status=notifications.DONE if mitigation.done_on else notifications.OPEN,
            url=f"/risk/{risk.id}",
        )
        for risk, mitigation in rows
    ]


def mitigation_done(session: Session, actor: Actor, item_id: int, today: date) -> None:
    register.update_mitigation(
        session, actor=actor, mitigation_id=item_id, data=MitigationUpdate(done_on=today)
    )


def _drill_item(
    plan: ContingencyPlan,
    today: date,
    *,
    side: Literal["owner", "partner"],
    partner_id: int | None,
    url: str,
    every_days: int,
) -> notifications.InboxItem:
    return notifications.InboxItem(
        kind=DRILL_KIND,
        id=plan.id,
        title_msgid=DRILL_TITLE,
        title_params={"plan": plan.title},
        owner="",
        side=side,
        partner_id=partner_id,
        due=plan.drill_due(every_days),
        status=notifications.OPEN if plan.is_untested(today, every_days) else notifications.DONE,
        url=url,
    )


def list_drills(session: Session, actor: Actor, today: date) -> Iterable[notifications.InboxItem]:
    """A plan is an open item while it is untested (never drilled, or past its cadence); its
    due date is the day the next drill falls due. A partner user sees the drills of the plans
    that give its company a switch-over step (it takes part; the owner records the drill)."""
    if not actor.is_owner_staff:
        return _partner_drills(session, actor, today)
    cadences = CadenceReader(session)
    return [
        _drill_item(
            plan,
            today,
            side="owner",
            partner_id=plan.partner_id,
            url=f"/risk/plans/{plan.id}",
            every_days=cadences.of(plan).days,
        )
        for plan in contingency.list_plans(session, actor=actor)
    ]


def _partner_drills(session: Session, actor: Actor, today: date) -> list[notifications.InboxItem]:
    if actor.partner_id is None:
        return []
    cadences = CadenceReader(session)
    plans = session.execute(
        select(ContingencyPlan)
        .where(
            ContingencyPlan.id.in_(
                select(ContingencyStep.plan_id).where(
                    ContingencyStep.partner_id == actor.partner_id
                )
            )
        )
        .order_by(ContingencyPlan.id)
    ).scalars()
    return [
        _drill_item(
            plan,
            today,
            side="partner",
            partner_id=actor.partner_id,
            url="/inbox",
            every_days=cadences.of(plan).days,
        )
        for plan in plans
    ]


def drill_held(session: Session, actor: Actor, item_id: int, today: date) -> None:
    contingency.record_drill(
        session, actor=actor, plan_id=item_id, data=DrillIn(held_on=today), today=today
    )


def list_tasks(session: Session, actor: Actor, today: date) -> Iterable[notifications.InboxItem]:
    return [
        notifications.InboxItem(
            kind=TASK_KIND,
            id=task.id,
            title_msgid=TASK_TITLE,
            title_params={"text": _short(task.title)},
            owner=task.owner,
            side="partner" if task.partner_id is not None else "owner",
            partner_id=task.partner_id,
            due=task.due_date,
            status=notifications.DONE if task.done_on else notifications.OPEN,
            url=f"/risk/plans/{task.activation.plan_id}" if actor.is_owner_staff else "/inbox",
        )
        for task in activation.tasks_for(session, actor=actor)
    ]


def task_done(session: Session, actor: Actor, item_id: int, today: date) -> None:
    activation.task_done(session, actor=actor, task_id=item_id, today=today)


notifications.register_inbox_source(
    TASK_KIND, list_tasks, task_done, label=N_("Contingency switch-over task")
)
notifications.register_inbox_source(
    MITIGATION_KIND, list_mitigations, mitigation_done, label=N_("Risk mitigation")
)
notifications.register_inbox_source(
    DRILL_KIND, list_drills, drill_held, label=N_("Contingency drill")
)
