"""Contingency plans: the alternate source must be a site of an active or approved (qualified)
partner that has the capability for the plan's product family (when it names one), refused
otherwise with nothing written, at creation and at every edit; a plan whose last drill is older
than its cadence (or that was never drilled) shows as untested. The switch-over steps may come
with the plan itself (one transaction: a bad step or alternate writes nothing). Each drill held
is kept with the gaps it found, its follow-up and the actual days per step (``plan_steps``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from cofab.core import audit
from cofab.core.access import Actor
from cofab.core.errors import FieldProblem, NotFound, ValidationFailed
from cofab.core.i18n import N_
from cofab.partners.models import Capability, Partner, PartnerStatus, Site
from cofab.risk import plan_steps, register
from cofab.risk.models import ContingencyDrill, ContingencyPlan, ContingencyStep
from cofab.risk.schemas import ContingencyPlanUpdate, DrillIn, PlanCreate, StepIn

PLAN_INVALID = N_("The contingency plan has {count} problem(s); nothing was saved.")
ALTERNATE_NOT_QUALIFIED = N_(
    "The alternate source must be a site of an active or approved partner (this one is {status})."
)
NO_SUCH_SITE = N_("No site with id {id}.")
ALTERNATE_LACKS_FAMILY = N_(
    "The alternate source has no capability for the product family {family}."
)
DRILL_IN_FUTURE = N_("A drill cannot be recorded in the future.")
STEP_INVALID = N_("The step was not saved: {count} problem(s).")
QUALIFIED = {PartnerStatus.ACTIVE.value, PartnerStatus.APPROVED.value}


def _refuse(problems: list[FieldProblem]) -> None:
    """Nothing is written while the plan (or drill) has a problem; all of them are named."""
    if problems:
        raise ValidationFailed(PLAN_INVALID, problems=problems, count=len(problems))


def _alternate_problems(session: Session, site_id: int, family: str | None) -> list[FieldProblem]:
    site = session.execute(select(Site).where(Site.id == site_id)).scalar_one_or_none()
    if site is None:
        return [FieldProblem("alternate_site_id", NO_SUCH_SITE, {"id": site_id})]
    status = session.execute(select(Partner.status).where(Partner.id == site.partner_id)).scalar()
    if status not in QUALIFIED:
        return [
            FieldProblem("alternate_site_id", ALTERNATE_NOT_QUALIFIED, {"status": status or ""})
        ]
    if family:
        offered = session.execute(
            select(Capability.product_families).where(Capability.site_id == site.id)
        ).scalars()
        if not any(family in (families or []) for families in offered):
            return [FieldProblem("alternate_site_id", ALTERNATE_LACKS_FAMILY, {"family": family})]
    return []


def _plan_updated(
    session: Session, actor: Actor, plan: ContingencyPlan, before: dict[str, Any]
) -> None:
    session.flush()
    audit.record_row(
        session, actor=actor, action="update", entity="contingency_plan", row=plan, before=before
    )


def create_plan(session: Session, *, actor: Actor, data: PlanCreate) -> ContingencyPlan:
    """The plan and its switch-over steps in one go: a problem with either writes nothing."""
    register.ensure_writer(actor)
    problems = _alternate_problems(session, data.alternate_site_id, data.product_family)
    _refuse(problems + plan_steps.step_problems(session, data.steps, "steps."))
    plan = ContingencyPlan(**data.model_dump(exclude={"steps"}))
    session.add(plan)
    session.flush()
    audit.record_row(session, actor=actor, action="create", entity="contingency_plan", row=plan)
    plan_steps.add_steps(session, actor=actor, plan=plan, steps=data.steps)
    return plan


def add_step(session: Session, *, actor: Actor, plan_id: int, data: StepIn) -> ContingencyStep:
    """One more switch-over step after the plan's last."""
    register.ensure_writer(actor)
    plan = get_plan(session, actor=actor, plan_id=plan_id)
    problems = plan_steps.step_problems(session, [data], "")
    if problems:
        problem = problems[0]
        problem = FieldProblem("partner_id", problem.message, problem.params)
        raise ValidationFailed(STEP_INVALID, problems=[problem], count=1)
    return plan_steps.add_steps(session, actor=actor, plan=plan, steps=[data])[0]


def update_plan(
    session: Session, *, actor: Actor, plan_id: int, data: ContingencyPlanUpdate
) -> ContingencyPlan:
    """The fields given change (a blank text clears it; title and alternate cannot be cleared);
    the alternate source is checked against the plan's family as it will be after the edit."""
    register.ensure_writer(actor)
    plan = get_plan(session, actor=actor, plan_id=plan_id)
    changes = data.model_dump(exclude_unset=True)
    # a null cadence is kept: the plan then follows the quality agreement's (risk.drill_cadence)
    for required in ("title", "alternate_site_id", "safety_stock"):
        if required in changes and changes[required] is None:
            del changes[required]
    for text in ("trigger", "communication"):
        if text in changes and changes[text] is None:
            changes[text] = ""
    family = changes.get("product_family", plan.product_family)
    if "alternate_site_id" in changes or "product_family" in changes:
        site_id = changes.get("alternate_site_id", plan.alternate_site_id)
        _refuse(_alternate_problems(session, site_id, family))
    before = audit.snapshot(plan)
    for name, value in changes.items():
        setattr(plan, name, value)
    _plan_updated(session, actor, plan, before)
    return plan


def get_plan(session: Session, *, actor: Actor, plan_id: int) -> ContingencyPlan:
    register.ensure_reader(actor)
    plan = session.execute(
        select(ContingencyPlan).where(ContingencyPlan.id == plan_id)
    ).scalar_one_or_none()
    if plan is None:
        raise NotFound()
    return plan


def list_plans(session: Session, *, actor: Actor) -> list[ContingencyPlan]:
    register.ensure_reader(actor)
    return list(session.execute(select(ContingencyPlan).order_by(ContingencyPlan.id)).scalars())


def record_drill(
    session: Session, *, actor: Actor, plan_id: int, data: DrillIn, today: date | None = None
) -> ContingencyPlan:
    """The drill with the actual days each timed step took (``plan_steps.step_times``)."""
    register.ensure_writer(actor)
    plan = get_plan(session, actor=actor, plan_id=plan_id)
    problems = plan_steps.timing_problems(session, plan_id=plan.id, timed=data.steps)
    if data.held_on > (today or date.today()):
        problems.insert(0, FieldProblem("held_on", DRILL_IN_FUTURE))
    _refuse(problems)
    before = audit.snapshot(plan)
    plan.last_drill_on = data.held_on
    if plan.drill_scheduled_on is not None and plan.drill_scheduled_on <= data.held_on:
        plan.drill_scheduled_on = None  # the scheduled drill was held
    drill = ContingencyDrill(
        plan_id=plan.id,
        held_on=data.held_on,
        gaps=data.gaps,
        follow_up=data.follow_up,
        recorded_by=actor.email or "",
        steps=plan_steps.step_times(session, plan_id=plan.id, timed=data.steps),
    )
    session.add(drill)
    session.flush()
    audit.record_row(
        session,
        actor=actor,
        action="create",
        entity="contingency_drill",
        row=drill,
        partner_id=plan.partner_id,
        extra={"steps": [audit.snapshot(s) for s in drill.steps]},
    )
    _plan_updated(session, actor, plan, before)
    return plan


def list_drills(session: Session, *, plan_id: int) -> list[ContingencyDrill]:
    stmt = select(ContingencyDrill).where(ContingencyDrill.plan_id == plan_id)
    stmt = stmt.options(selectinload(ContingencyDrill.steps))
    return list(session.execute(stmt.order_by(ContingencyDrill.held_on.desc())).scalars())
