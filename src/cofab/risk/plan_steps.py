"""A contingency plan's switch-over steps (saved with the plan or added on its page) and the
time each took in a drill.

A drill times the steps the plan has when it is held: each timed step keeps a copy of its title
and planned days, so the gap (actual − planned) stays what the drill measured after the plan is
edited. A step id that is not one of the plan's, or the same step twice, is refused by field
with nothing written.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cofab.core import audit
from cofab.core.access import Actor
from cofab.core.errors import FieldProblem
from cofab.core.i18n import N_
from cofab.partners.models import Partner
from cofab.risk.models import ContingencyPlan, ContingencyStep, DrillStepTime
from cofab.risk.schemas import DrillStepIn, StepIn

NO_SUCH_PARTNER = N_("No partner with id {id}.")
NOT_A_STEP_OF_THE_PLAN = N_("Step {id} is not a switch-over step of this plan.")
STEP_TIMED_TWICE = N_("Step {id} is timed twice.")


def list_steps(session: Session, *, plan_id: int) -> list[ContingencyStep]:
    stmt = select(ContingencyStep).where(ContingencyStep.plan_id == plan_id)
    return list(session.execute(stmt.order_by(ContingencyStep.position)).scalars())


def step_problems(session: Session, steps: Sequence[StepIn], prefix: str) -> list[FieldProblem]:
    """Each step naming a partner that does not exist, by field (``steps.2.partner_id``)."""
    named = {s.partner_id for s in steps if s.partner_id is not None}
    known = set(session.execute(select(Partner.id).where(Partner.id.in_(named))).scalars())
    return [
        FieldProblem(f"{prefix}{i}.partner_id", NO_SUCH_PARTNER, {"id": s.partner_id})
        for i, s in enumerate(steps)
        if s.partner_id is not None and s.partner_id not in known
    ]


def add_steps(
    session: Session, *, actor: Actor, plan: ContingencyPlan, steps: Sequence[StepIn]
) -> list[ContingencyStep]:
    """Append ``steps`` after the plan's last one, each entered in the audit chain (the caller
    has checked them with ``step_problems``)."""
    last = session.execute(
        select(func.max(ContingencyStep.position)).where(ContingencyStep.plan_id == plan.id)
    ).scalar()
    added = []
    for position, data in enumerate(steps, start=int(last or 0) + 1):
        step = ContingencyStep(plan_id=plan.id, position=position, **data.model_dump())
        session.add(step)
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="create",
            entity="contingency_step",
            entity_id=step.id,
            partner_id=plan.partner_id,
            after=audit.snapshot(step),
        )
        added.append(step)
    return added


def timing_problems(
    session: Session, *, plan_id: int, timed: Sequence[DrillStepIn]
) -> list[FieldProblem]:
    """Each timed step that is not the plan's, or that is timed a second time, by field."""
    own = {s.id for s in list_steps(session, plan_id=plan_id)}
    problems, seen = [], set()
    for i, entry in enumerate(timed):
        if entry.step_id not in own:
            problems.append(
                FieldProblem(f"steps.{i}.step_id", NOT_A_STEP_OF_THE_PLAN, {"id": entry.step_id})
            )
        elif entry.step_id in seen:
            problems.append(
                FieldProblem(f"steps.{i}.step_id", STEP_TIMED_TWICE, {"id": entry.step_id})
            )
        seen.add(entry.step_id)
    return problems


def step_times(
    session: Session, *, plan_id: int, timed: Sequence[DrillStepIn]
) -> list[DrillStepTime]:
    """The rows a drill keeps: one per step given a time or a note, in the plan's order."""
    given = {e.step_id: e for e in timed if e.actual_days is not None or e.note.strip()}
    return [
        DrillStepTime(
            step_id=step.id,
            position=step.position,
            title=step.title,
            planned_days=step.planned_days,
            actual_days=given[step.id].actual_days,
            note=given[step.id].note.strip(),
        )
        for step in list_steps(session, plan_id=plan_id)
        if step.id in given
    ]
