"""Activating a contingency plan: the planner's what-if with the plan's partner (or site) out,
and the switch-over steps opened as tasks.

The what-if is planning's own (``planning.service.what_if``): a child scenario without the
sites, solved by planning's worker like any other. The base is a solved scenario the user names,
or a new one built from the registry on live inputs (``planning.service.create_live_from_registry``:
contract prices, capacity declarations, lanes, measured defects, the latest forecast; queued to
solve). Until both plans exist the plan's
page says they are being solved; then it shows the re-allocation (what each site ships before
and after), the cost delta and the unmet demand per product and market, in units and valued at
the product's average unit price in the base plan's input (``risk.unit_value``). The cost
figures are the plans' own costs WITHOUT the unmet-demand penalty: that penalty is the planner's
weight for demand nobody covers (in registry scenarios a big-M of ten times the dearest unit,
which made the delta about 1e17 in the demo's KRW scenarios), not money spent; the unmet demand
is shown beside the delta instead.

Tasks: one per switch-over step, in the steps' order, each due the planned days of the steps up
to and including it after the activation day (the steps are sequential); a step that names a
partner gives its task to that partner's users too (their inbox), nobody else's.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core import audit
from cofab.core.access import Actor, ensure_partner_writable, scope_to_partner
from cofab.core.errors import FieldProblem, NotFound, ValidationFailed
from cofab.core.i18n import N_
from cofab.planning import service as planning
from cofab.risk import contingency, register
from cofab.risk.live_network import site_keys
from cofab.risk.models import ContingencyTask, PlanActivation
from cofab.risk.plan_steps import list_steps
from cofab.risk.schemas import ActivateIn
from cofab.risk.unit_value import product_prices

ACTIVATION_INVALID = N_("The plan cannot be activated: {count} problem(s).")
NOTHING_TO_TAKE_OUT = N_("The plan names no partner or site to take out of the plan.")
SITE_NOT_IN_SCENARIO = N_("The scenario has no site {site} of this plan.")
SOLVING, FAILED, READY = "solving", "failed", "ready"
# the what-if is a planning scenario: only planning's writers may create one
ACTIVATORS = frozenset({"admin", "manager"})


def _refuse(message: str, field: str, text: str, **params: object) -> None:
    raise ValidationFailed(message, problems=[FieldProblem(field, text, dict(params))], count=1)


def _change(
    session: Session, actor: Actor, plan: Any, base: Any
) -> tuple[planning.WhatIf, list[str]]:
    """The what-if that takes the plan's site (or else its partner) out of ``base``."""
    if plan.site_id is not None:
        keys = site_keys(session, dict(base.site_partners or {}))
        out = sorted(key for key, site_id in keys.items() if site_id == plan.site_id)
        if not out:
            _refuse(ACTIVATION_INVALID, "site_id", SITE_NOT_IN_SCENARIO, site=plan.site_id)
        return planning.WhatIf(kind="sites_out", site_ids=tuple(out)), out
    if plan.partner_id is None:
        _refuse(ACTIVATION_INVALID, "partner_id", NOTHING_TO_TAKE_OUT)
    out = sorted(k for k, pid in (base.site_partners or {}).items() if pid == plan.partner_id)
    return planning.WhatIf(kind="partner_out", partner_id=plan.partner_id), out


def activate(
    session: Session,
    *,
    actor: Actor,
    plan_id: int,
    data: ActivateIn,
    today: date | None = None,
) -> PlanActivation:
    register.ensure_writer(actor)
    planning.ensure_writer(actor)  # the what-if is a planning scenario: planners only
    plan = contingency.get_plan(session, actor=actor, plan_id=plan_id)
    day = today or date.today()
    if plan.site_id is None and plan.partner_id is None:
        _refuse(ACTIVATION_INVALID, "partner_id", NOTHING_TO_TAKE_OUT)
    if data.scenario_id is not None:
        base = planning.get_scenario(session, actor=actor, scenario_id=data.scenario_id)
    else:
        request = planning.RegistryRequest(name=f"Contingency: {plan.title}"[:200])
        base = planning.create_live_from_registry(session, actor=actor, request=request)
        planning.enqueue_solve(session, actor=actor, scenario_id=base.id)
    change, out = _change(session, actor, plan, base)
    child, _job = planning.what_if(session, actor=actor, scenario_id=base.id, change=change)
    activation = PlanActivation(
        plan_id=plan.id,
        base_scenario_id=base.id,
        what_if_scenario_id=child.id,
        sites_out=out,
        activated_on=day,
        activated_by=actor.email or "",
    )
    session.add(activation)
    session.flush()
    due = day
    for step in list_steps(session, plan_id=plan.id):
        due = due + timedelta(days=step.planned_days)
        activation.tasks.append(
            ContingencyTask(
                step_id=step.id,
                title=step.title,
                owner=step.owner,
                partner_id=step.partner_id,
                due_date=due,
            )
        )
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="contingency_activate",
        entity="contingency_plan",
        entity_id=plan.id,
        partner_id=plan.partner_id,
        after={
            "activation_id": activation.id,
            "base_scenario_id": base.id,
            "what_if_scenario_id": child.id,
            "sites_out": out,
            "tasks": [
                {"title": t.title, "due_date": t.due_date.isoformat()} for t in activation.tasks
            ],
        },
    )
    return activation


def latest_activation(session: Session, *, plan_id: int) -> PlanActivation | None:
    stmt = select(PlanActivation).where(PlanActivation.plan_id == plan_id)
    return session.execute(stmt.order_by(PlanActivation.id.desc()).limit(1)).scalar_one_or_none()


def _scenario(session: Session, actor: Actor, scenario_id: int | None) -> Any:
    if scenario_id is None:
        return None
    try:
        return planning.get_scenario(session, actor=actor, scenario_id=scenario_id)
    except NotFound:
        return None


def _shipped(plan: dict[str, Any]) -> dict[str, float]:
    return {str(s["id"]): float(s.get("shipped") or 0.0) for s in plan.get("sites", [])}


def _unmet(plan: dict[str, Any]) -> dict[tuple[str, str], float]:
    lost: dict[tuple[str, str], float] = defaultdict(float)
    for row in plan.get("unmet", []):
        lost[(str(row["product"]), str(row["market"]))] += float(row.get("qty") or 0.0)
    return dict(lost)


def report(session: Session, *, actor: Actor, activation: PlanActivation) -> dict[str, Any]:
    """What the activation found: ``status`` solving | failed | ready, and when ready the
    re-allocation per site, the cost delta and the unmet demand (from the two stored plans)."""
    base = _scenario(session, actor, activation.base_scenario_id)
    child = _scenario(session, actor, activation.what_if_scenario_id)
    out: dict[str, Any] = {
        "activation_id": activation.id,
        "activated_on": activation.activated_on.isoformat(),
        "activated_by": activation.activated_by,
        "base_scenario_id": activation.base_scenario_id,
        "what_if_scenario_id": activation.what_if_scenario_id,
        "sites_out": list(activation.sites_out or []),
        "status": SOLVING,
    }
    if base is None or child is None or "failed" in (base.state, child.state):
        return out | {"status": FAILED}
    if base.result_doc is None or child.result_doc is None:
        return out
    before, after = base.result_doc, child.result_doc
    shipped_before, shipped_after = _shipped(before), _shipped(after)
    sites = list(dict.fromkeys([*shipped_before, *shipped_after]))
    reallocation = [
        {
            "site": site,
            "before": shipped_before.get(site, 0.0),
            "after": shipped_after.get(site, 0.0),
            "change": shipped_after.get(site, 0.0) - shipped_before.get(site, 0.0),
            "out": site in out["sites_out"],
        }
        for site in sites
    ]
    cost_before, cost_after = before.get("cost") or {}, after.get("cost") or {}

    def spent(cost: dict[str, Any]) -> float:
        """The plan's cost without the unmet-demand penalty (see the module's docstring)."""
        return float(cost.get("total") or 0.0) - float(cost.get("unmet_penalty") or 0.0)

    lost = _unmet(after)
    lost_before = _unmet(before)
    prices = product_prices(base.input_doc or {})
    unmet: list[dict[str, Any]] = [
        {
            "product": p,
            "market": m,
            "units": units,
            "value": units * prices[p] if p in prices else None,
        }
        for (p, m), units in sorted(lost.items())
        if units > 0
    ]
    return out | {
        "status": READY,
        "currency": (child.summary or {}).get("currency"),
        "cost_before": spent(cost_before),
        "cost_after": spent(cost_after),
        "cost_delta": spent(cost_after) - spent(cost_before),
        "unmet_units": sum(lost.values()),
        "unmet_units_before": sum(lost_before.values()),
        "unmet_value": sum(u["value"] or 0.0 for u in unmet),
        "unmet_unpriced_units": sum(u["units"] for u in unmet if u["value"] is None),
        "unmet": unmet,
        "reallocation": reallocation,
    }


def tasks_for(session: Session, *, actor: Actor) -> list[ContingencyTask]:
    """The tasks an actor sees: every task for owner staff, a partner user only its partner's."""
    stmt = scope_to_partner(select(ContingencyTask), actor, ContingencyTask.partner_id)
    if not actor.is_owner_staff and actor.partner_id is None:
        return []
    return list(session.execute(stmt.order_by(ContingencyTask.due_date)).scalars())


def task_done(session: Session, *, actor: Actor, task_id: int, today: date) -> ContingencyTask:
    task = session.get(ContingencyTask, task_id)
    if task is None or (not actor.is_owner_staff and task.partner_id != actor.partner_id):
        raise NotFound()
    if actor.is_owner_staff:
        register.ensure_writer(actor)
    else:
        ensure_partner_writable(actor, task.partner_id)
    if task.done_on is not None:
        return task
    before = audit.snapshot(task)
    task.done_on = today
    task.done_by = actor.email or ""
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update",
        entity="contingency_task",
        entity_id=task.id,
        partner_id=task.partner_id,
        before=before,
        after=audit.snapshot(task),
    )
    return task
