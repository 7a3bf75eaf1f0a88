"""Contingency plans: the alternate source must be a site of an active or approved (qualified)
partner, refused otherwise with nothing written; a plan whose last drill is older than its
cadence (or that was never drilled) shows as untested."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core import audit
from cofab.core.access import Actor
from cofab.core.errors import FieldProblem, NotFound, ValidationFailed
from cofab.core.i18n import N_
from cofab.partners.models import Partner, PartnerStatus, Site
from cofab.risk import register
from cofab.risk.models import ContingencyPlan
from cofab.risk.schemas import DrillIn, PlanCreate

PLAN_INVALID = N_("The contingency plan has {count} problem(s); nothing was saved.")
ALTERNATE_NOT_QUALIFIED = N_(
    "The alternate source must be a site of an active or approved partner (this one is {status})."
)
NO_SUCH_SITE = N_("No site with id {id}.")
DRILL_IN_FUTURE = N_("A drill cannot be recorded in the future.")
QUALIFIED = {PartnerStatus.ACTIVE.value, PartnerStatus.APPROVED.value}


def _refuse(field: str, message: str, **params: object) -> None:
    problem = FieldProblem(field, message, dict(params))
    raise ValidationFailed(PLAN_INVALID, problems=[problem], count=1)


def create_plan(session: Session, *, actor: Actor, data: PlanCreate) -> ContingencyPlan:
    register.ensure_writer(actor)
    site = session.execute(
        select(Site).where(Site.id == data.alternate_site_id)
    ).scalar_one_or_none()
    if site is None:
        _refuse("alternate_site_id", NO_SUCH_SITE, id=data.alternate_site_id)
    else:
        status = session.execute(
            select(Partner.status).where(Partner.id == site.partner_id)
        ).scalar()
        if status not in QUALIFIED:
            _refuse("alternate_site_id", ALTERNATE_NOT_QUALIFIED, status=status or "")
    plan = ContingencyPlan(**data.model_dump())
    session.add(plan)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="contingency_plan",
        entity_id=plan.id,
        partner_id=plan.partner_id,
        after=audit.snapshot(plan),
    )
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
    register.ensure_writer(actor)
    plan = get_plan(session, actor=actor, plan_id=plan_id)
    if data.held_on > (today or date.today()):
        _refuse("held_on", DRILL_IN_FUTURE)
    before = audit.snapshot(plan)
    plan.last_drill_on = data.held_on
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update",
        entity="contingency_plan",
        entity_id=plan.id,
        before=before,
        after=audit.snapshot(plan),
    )
    return plan
