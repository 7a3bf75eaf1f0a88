"""Contingency plans: the alternate source must be a site of an active or approved (qualified)
partner that has the capability for the plan's product family (when it names one), refused
otherwise with nothing written, at creation and at every edit; a plan whose last drill is older
than its cadence (or that was never drilled) shows as untested. Each drill held is kept with the
gaps it found and its follow-up."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core import audit
from cofab.core.access import Actor
from cofab.core.errors import FieldProblem, NotFound, ValidationFailed
from cofab.core.i18n import N_
from cofab.partners.models import Capability, Partner, PartnerStatus, Site
from cofab.risk import register
from cofab.risk.models import ContingencyDrill, ContingencyPlan
from cofab.risk.schemas import ContingencyPlanUpdate, DrillIn, PlanCreate

PLAN_INVALID = N_("The contingency plan has {count} problem(s); nothing was saved.")
ALTERNATE_NOT_QUALIFIED = N_(
    "The alternate source must be a site of an active or approved partner (this one is {status})."
)
NO_SUCH_SITE = N_("No site with id {id}.")
ALTERNATE_LACKS_FAMILY = N_(
    "The alternate source has no capability for the product family {family}."
)
DRILL_IN_FUTURE = N_("A drill cannot be recorded in the future.")
QUALIFIED = {PartnerStatus.ACTIVE.value, PartnerStatus.APPROVED.value}


def _refuse(field: str, message: str, **params: object) -> None:
    problem = FieldProblem(field, message, dict(params))
    raise ValidationFailed(PLAN_INVALID, problems=[problem], count=1)


def _check_alternate(session: Session, site_id: int, family: str | None) -> None:
    site = session.execute(select(Site).where(Site.id == site_id)).scalar_one_or_none()
    if site is None:
        _refuse("alternate_site_id", NO_SUCH_SITE, id=site_id)
        return
    status = session.execute(select(Partner.status).where(Partner.id == site.partner_id)).scalar()
    if status not in QUALIFIED:
        _refuse("alternate_site_id", ALTERNATE_NOT_QUALIFIED, status=status or "")
    if family:
        offered = session.execute(
            select(Capability.product_families).where(Capability.site_id == site.id)
        ).scalars()
        if not any(family in (families or []) for families in offered):
            _refuse("alternate_site_id", ALTERNATE_LACKS_FAMILY, family=family)


def _add_audited(
    session: Session, actor: Actor, entity: str, row: Any, partner_id: int | None
) -> None:
    """A new row, written and entered in the audit chain in the same transaction."""
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity=entity,
        entity_id=row.id,
        partner_id=partner_id,
        after=audit.snapshot(row),
    )


def _plan_updated(
    session: Session, actor: Actor, plan: ContingencyPlan, before: dict[str, Any]
) -> None:
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update",
        entity="contingency_plan",
        entity_id=plan.id,
        partner_id=plan.partner_id,
        before=before,
        after=audit.snapshot(plan),
    )


def create_plan(session: Session, *, actor: Actor, data: PlanCreate) -> ContingencyPlan:
    register.ensure_writer(actor)
    _check_alternate(session, data.alternate_site_id, data.product_family)
    plan = ContingencyPlan(**data.model_dump())
    _add_audited(session, actor, "contingency_plan", plan, plan.partner_id)
    return plan


def update_plan(
    session: Session, *, actor: Actor, plan_id: int, data: ContingencyPlanUpdate
) -> ContingencyPlan:
    """The fields given change (a blank text clears it; title and alternate cannot be cleared);
    the alternate source is checked against the plan's family as it will be after the edit."""
    register.ensure_writer(actor)
    plan = get_plan(session, actor=actor, plan_id=plan_id)
    changes = data.model_dump(exclude_unset=True)
    for required in ("title", "alternate_site_id", "safety_stock", "drill_every_days"):
        if required in changes and changes[required] is None:
            del changes[required]
    for text in ("trigger", "communication"):
        if text in changes and changes[text] is None:
            changes[text] = ""
    family = changes.get("product_family", plan.product_family)
    if "alternate_site_id" in changes or "product_family" in changes:
        _check_alternate(session, changes.get("alternate_site_id", plan.alternate_site_id), family)
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
    register.ensure_writer(actor)
    plan = get_plan(session, actor=actor, plan_id=plan_id)
    if data.held_on > (today or date.today()):
        _refuse("held_on", DRILL_IN_FUTURE)
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
    )
    _add_audited(session, actor, "contingency_drill", drill, plan.partner_id)
    _plan_updated(session, actor, plan, before)
    return plan


def list_drills(session: Session, *, plan_id: int) -> list[ContingencyDrill]:
    stmt = select(ContingencyDrill).where(ContingencyDrill.plan_id == plan_id)
    return list(session.execute(stmt.order_by(ContingencyDrill.held_on.desc())).scalars())
