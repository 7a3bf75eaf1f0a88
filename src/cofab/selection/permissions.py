"""Who may do what in selection, in one place.

Evaluations compare partners with each other, so no partner user may learn that one exists:
every selection object answers 404 to a partner user, never 403.
"""

from __future__ import annotations

from cofab.core.access import Actor, ensure_owner_staff

WRITERS = frozenset({"admin", "manager"})
"""Open evaluations, edit templates, add candidates, close with a decision."""

EVALUATORS = frozenset({"admin", "manager", "quality"})
"""Score candidates, work on and sign off due-diligence items, upload evidence."""


def ensure_reader(actor: Actor) -> None:
    ensure_owner_staff(actor)


def ensure_writer(actor: Actor) -> None:
    ensure_owner_staff(actor, WRITERS)


def ensure_evaluator(actor: Actor) -> None:
    ensure_owner_staff(actor, EVALUATORS)
