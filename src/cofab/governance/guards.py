"""Who may read and write governance records, and the checks every write shares.

Owner staff read every partnership's committees (their business units permitting); a partner
user reads only its own company's, and another company's answers 404. Owner admins, managers and
quality engineers write; a partner user only reports on the action items its side owns.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from cofab.core import audit
from cofab.core.access import Actor, ensure_partner_visible, require_roles
from cofab.core.errors import FieldProblem, NotFound, ValidationFailed
from cofab.core.i18n import N_
from cofab.governance.cadence import zone_or_none

WRITERS = frozenset({"admin", "manager", "quality"})
INVALID = N_("{count} field(s) need attention; nothing was saved.")
UNKNOWN_ZONE = N_("Unknown time zone {zone}; use an IANA name such as Asia/Seoul.")
IN_THE_PAST = N_(
    "The meeting would start in the past ({start} UTC); choose a time after now ({now} UTC)."
)

RowT = TypeVar("RowT")


def now_utc() -> datetime:
    return datetime.now(UTC)


def ensure_writer(actor: Actor) -> None:
    if actor.is_partner:
        raise NotFound()
    require_roles(actor, WRITERS)


def visible_or_404(actor: Actor, row: RowT | None) -> RowT:
    """The row when the actor may see it; 404 for a missing row and another partner's alike."""
    if row is None:
        raise NotFound()
    ensure_partner_visible(actor, getattr(row, "partner_id", None))
    return row


def raise_if(problems: list[FieldProblem]) -> None:
    if problems:
        raise ValidationFailed(INVALID, problems=problems, count=len(problems))


def zone_problem(field: str, name: str) -> FieldProblem | None:
    if zone_or_none(name) is None:
        return FieldProblem(field, UNKNOWN_ZONE, {"zone": name})
    return None


def past_problem(
    field: str, start_utc: datetime, now: datetime | None = None
) -> FieldProblem | None:
    current = now or now_utc()
    if start_utc < current:
        return FieldProblem(
            field,
            IN_THE_PAST,
            {
                "start": start_utc.strftime("%Y-%m-%d %H:%M"),
                "now": current.strftime("%Y-%m-%d %H:%M"),
            },
        )
    return None


def record(
    session: Session,
    *,
    entity: str,
    row: Any,
    action: str,
    actor: Actor,
    before: dict[str, Any] | None = None,
) -> None:
    """One audit entry for ``row`` as it is now (none after a delete), under its partner."""
    audit.record_row(session, actor=actor, action=action, entity=entity, row=row, before=before)


def change_row(
    session: Session,
    *,
    actor: Actor,
    entity: str,
    row: Any,
    changes: dict[str, Any],
    then: Callable[[], None] | None = None,
    action: str = "update",
) -> dict[str, Any]:
    """Set ``changes`` on ``row`` (and run ``then``, for what follows from them: an end time, a
    done stamp, new positions), flush, and audit the row before and after; returns the before."""
    before = audit.snapshot(row)
    for key, value in changes.items():
        setattr(row, key, value)
    if then is not None:
        then()
    session.flush()
    record(session, actor=actor, action=action, entity=entity, row=row, before=before)
    return before
