"""The exit gate: a partner with a transition plan cannot reach "exited" while a mandatory step
of it is open (issue 16, "Exit and production transition").

Registered with ``partners.service.register_transition_guard`` when this hook module is
imported, so partners never imports risk. A partner with no transition plan exits as before:
the gate holds a plan to its word, it does not force one on every exit.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from cofab.core.errors import FieldProblem, InvalidTransition
from cofab.core.i18n import N_
from cofab.partners import service as partners_service
from cofab.partners.models import Partner, PartnerStatus
from cofab.risk.transitions import open_mandatory_steps

MSG_STEPS_OPEN = N_(
    "{partner} cannot exit yet: {count} mandatory step(s) of its transition plan are open."
)
MSG_STEP_OPEN = N_("Open: {title}")


def exit_guard(session: Session, partner: Partner, new_status: str) -> None:
    if new_status != PartnerStatus.EXITED:
        return
    steps = open_mandatory_steps(session, partner.id)
    if not steps:
        return
    raise InvalidTransition(
        MSG_STEPS_OPEN,
        problems=[
            FieldProblem(f"transition_steps.{s.id}", MSG_STEP_OPEN, {"title": s.title})
            for s in steps
        ],
        partner=partner.name_en,
        count=len(steps),
    )


partners_service.register_transition_guard(exit_guard)
