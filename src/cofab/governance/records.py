"""What a meeting leaves behind: numbered decisions and action items.

Decision numbers run per committee across its meetings (the board's resolution 7 stays 7), or
per meeting for a meeting without a committee. An action item is owned by one side, optionally
by a named user of that side; a partner user marks its own side's items done (and only those),
owner writers change anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cofab.accounts.models import User
from cofab.core.access import Actor, scope_to_partner
from cofab.core.errors import Conflict, FieldProblem, Forbidden
from cofab.core.i18n import N_
from cofab.governance import guards, notices, schemas
from cofab.governance.meetings import get_meeting
from cofab.governance.models import ActionItem, Decision, ItemStatus, Meeting

NO_SUCH_USER = N_("No user with id {id}.")
OWNER_NOT_ON_SIDE = N_("User {id} is not on the side that owns this item.")
NO_SUCH_DECISION = N_("No decision with id {id} in this meeting.")
MIRRORED = N_(
    "This action item belongs to performance review {review}; change it on the review "
    "(the meeting follows)."
)
MIRRORED_DECISION = N_(
    "This decision belongs to performance review {review}; change it on the review "
    "(the meeting follows)."
)
CLOSED_STATES = (ItemStatus.DONE, ItemStatus.CANCELLED)
# fields a change may empty on purpose (no owner account, no effective date); ``None`` for the
# others means "keep", as a page form's blank did before a blank owner meant "no owner"
NULLABLE_DECISION = frozenset({"owner_user_id", "effective_on"})
NULLABLE_ITEM = frozenset({"owner_user_id"})


def _next_number(session: Session, meeting: Meeting) -> int:
    stmt = select(func.max(Decision.number)).join(Meeting, Meeting.id == Decision.meeting_id)
    if meeting.committee_id is not None:
        stmt = stmt.where(Meeting.committee_id == meeting.committee_id)
    else:
        stmt = stmt.where(Decision.meeting_id == meeting.id)
    return int(session.execute(stmt).scalar() or 0) + 1


def _decision_owner(
    session: Session, partner_id: int, user_id: int | None
) -> tuple[User | None, list[FieldProblem]]:
    """A decision's owner account: ours, or a user of the meeting's partner (never another's)."""
    if user_id is None:
        return None, []
    user = session.get(User, user_id)
    if user is None or user.partner_id not in (None, partner_id):
        # another company's user answers like a missing one: no existence leak
        return None, [FieldProblem("owner_user_id", NO_SUCH_USER, {"id": user_id})]
    return user, []


def _name_goes_with_account(
    session: Session, row: Decision | ActionItem, changes: dict[str, object]
) -> None:
    """Taking the owner account away (API null, a blank page field) also takes the owner name
    when that name was only the account's display name copied in: otherwise the removed owner
    would still show. A name typed in the same change, or typed by hand before, stays."""
    if changes.get("owner_user_id", 0) is not None or "owner_name" in changes:
        return
    old = session.get(User, row.owner_user_id) if row.owner_user_id is not None else None
    if old is not None and row.owner_name == old.display_name:
        changes["owner_name"] = ""


def add_decision(
    session: Session, *, actor: Actor, meeting_id: int, data: schemas.DecisionIn
) -> Decision:
    meeting = get_meeting(session, actor=actor, meeting_id=meeting_id)
    guards.ensure_writer(actor)
    user, problems = _decision_owner(session, meeting.partner_id, data.owner_user_id)
    guards.raise_if(problems)
    values = data.model_dump()
    if user is not None and not values["owner_name"]:
        values["owner_name"] = user.display_name
    decision = Decision(
        meeting_id=meeting.id,
        partner_id=meeting.partner_id,
        number=_next_number(session, meeting),
        created_by=actor.email,
        **values,
    )
    session.add(decision)
    session.flush()
    guards.record(session, actor=actor, action="create", entity="decision", row=decision)
    notices.decision_made(session, actor=actor, decision=decision)
    return decision


def get_decision(session: Session, *, actor: Actor, decision_id: int) -> Decision:
    return guards.visible_or_404(actor, session.get(Decision, decision_id))


def update_decision(
    session: Session, *, actor: Actor, decision_id: int, data: schemas.DecisionChange
) -> Decision:
    """Correct a decision (text, kind, owner, effective date); its number stays. A review's
    decisions are the review's: changed there, the meeting follows."""
    decision = get_decision(session, actor=actor, decision_id=decision_id)
    guards.ensure_writer(actor)
    meeting = session.get(Meeting, decision.meeting_id)
    if meeting is not None and meeting.review_id is not None:
        raise Conflict(MIRRORED_DECISION, review=f"#{meeting.review_id}")
    changes = data.model_dump(exclude_unset=True)
    changes = {k: v for k, v in changes.items() if v is not None or k in NULLABLE_DECISION}
    new_owner = "owner_user_id" in changes and changes["owner_user_id"] != decision.owner_user_id
    if new_owner:
        _name_goes_with_account(session, decision, changes)
    user, problems = _decision_owner(session, decision.partner_id, changes.get("owner_user_id"))
    guards.raise_if(problems)
    if new_owner and user is not None and "owner_name" not in changes:
        changes["owner_name"] = user.display_name
    guards.change_row(session, actor=actor, entity="decision", row=decision, changes=changes)
    if new_owner and user is not None:
        notices.decision_made(session, actor=actor, decision=decision, only={user.id})
    return decision


@dataclass(frozen=True)
class DecisionFilter:
    partner_id: int | None = None
    committee_id: int | None = None
    meeting_id: int | None = None
    kind: str | None = None


def list_decisions(
    session: Session, *, actor: Actor, flt: DecisionFilter = DecisionFilter()
) -> list[tuple[Decision, Meeting]]:
    stmt = scope_to_partner(
        select(Decision, Meeting).join(Meeting, Meeting.id == Decision.meeting_id),
        actor,
        Decision.partner_id,
    )
    if flt.partner_id is not None:
        stmt = stmt.where(Decision.partner_id == flt.partner_id)
    if flt.committee_id is not None:
        stmt = stmt.where(Meeting.committee_id == flt.committee_id)
    if flt.meeting_id is not None:
        stmt = stmt.where(Decision.meeting_id == flt.meeting_id)
    if flt.kind:
        stmt = stmt.where(Decision.kind == flt.kind)
    stmt = stmt.order_by(Meeting.starts_at, Decision.number, Decision.id)
    return [(d, m) for d, m in session.execute(stmt).all()]


def _owner_problems(
    session: Session, side: str, partner_id: int, user_id: int | None
) -> tuple[User | None, list[FieldProblem]]:
    if user_id is None:
        return None, []
    user = session.get(User, user_id)
    if user is None:
        return None, [FieldProblem("owner_user_id", NO_SUCH_USER, {"id": user_id})]
    wanted = partner_id if side == "partner" else None
    if user.partner_id != wanted:
        return None, [FieldProblem("owner_user_id", OWNER_NOT_ON_SIDE, {"id": user_id})]
    return user, []


def add_action_item(
    session: Session, *, actor: Actor, meeting_id: int, data: schemas.ActionItemCreate
) -> ActionItem:
    meeting = get_meeting(session, actor=actor, meeting_id=meeting_id)
    guards.ensure_writer(actor)
    user, problems = _owner_problems(session, data.side, meeting.partner_id, data.owner_user_id)
    if data.decision_id is not None:
        decision = session.get(Decision, data.decision_id)
        if decision is None or decision.meeting_id != meeting.id:
            problems.append(FieldProblem("decision_id", NO_SUCH_DECISION, {"id": data.decision_id}))
    guards.raise_if(problems)
    values = data.model_dump()
    if user is not None and not values["owner_name"]:
        values["owner_name"] = user.display_name
    item = ActionItem(
        meeting_id=meeting.id,
        partner_id=meeting.partner_id,
        status=ItemStatus.OPEN,
        note="",
        **values,
    )
    session.add(item)
    session.flush()
    guards.record(session, actor=actor, action="create", entity="gov_action_item", row=item)
    notices.item_assigned(session, actor=actor, item=item)
    return item


def get_action_item(session: Session, *, actor: Actor, item_id: int) -> ActionItem:
    return guards.visible_or_404(actor, session.get(ActionItem, item_id))


def _ensure_own_record(session: Session, item: ActionItem) -> None:
    """A review's item is kept by the review (``review_mirror`` copies it here): one place to
    change it, so the review, its inbox entry and the meeting never disagree."""
    if item.source_action_item_id is not None:
        meeting = session.get(Meeting, item.meeting_id)
        review = meeting.review_id if meeting is not None else None
        raise Conflict(MIRRORED, review=f"#{review}" if review else "")


def _stamp_done(item: ActionItem, actor: Actor) -> None:
    if item.status == ItemStatus.DONE:
        item.done_by = item.done_by or actor.email
        item.done_at = item.done_at or guards.now_utc()
    else:
        item.done_by, item.done_at = None, None


def update_action_item(
    session: Session, *, actor: Actor, item_id: int, data: schemas.ActionItemChange
) -> ActionItem:
    item = get_action_item(session, actor=actor, item_id=item_id)
    changes = data.model_dump(exclude_unset=True)
    changes = {k: v for k, v in changes.items() if v is not None or k in NULLABLE_ITEM}
    _ensure_own_record(session, item)
    if actor.is_partner:
        _ensure_partner_may_report(actor, item)
        if set(changes) - {"status", "note"}:
            raise Forbidden()
    else:
        guards.ensure_writer(actor)
    reassigned = "owner_user_id" in changes and changes["owner_user_id"] != item.owner_user_id
    if reassigned:
        _name_goes_with_account(session, item, changes)
        user, problems = _owner_problems(
            session, item.side, item.partner_id, changes["owner_user_id"]
        )
        guards.raise_if(problems)
        if user is not None and "owner_name" not in changes:
            changes["owner_name"] = user.display_name
    before = guards.change_row(
        session,
        actor=actor,
        entity="gov_action_item",
        row=item,
        changes=changes,
        then=lambda: _stamp_done(item, actor),
    )
    changed = reassigned or before.get("due_date") != item.due_date.isoformat()
    if changed and item.status not in CLOSED_STATES:
        notices.item_assigned(session, actor=actor, item=item)
    return item


def _ensure_partner_may_report(actor: Actor, item: ActionItem) -> None:
    """A partner user reports on its own side's items: unassigned ones or its own."""
    if item.side != "partner" or item.owner_user_id not in (None, actor.user_id):
        raise Forbidden()


def mark_action_item_done(session: Session, actor: Actor, item_id: int) -> ActionItem:
    """Done, by whom and when (the inbox's one-click action); done twice is still done once."""
    item = get_action_item(session, actor=actor, item_id=item_id)
    if actor.is_partner:
        _ensure_partner_may_report(actor, item)
    else:
        guards.ensure_writer(actor)
    if item.status == ItemStatus.DONE:
        return item
    _ensure_own_record(session, item)
    guards.change_row(
        session,
        actor=actor,
        entity="gov_action_item",
        row=item,
        changes={"status": ItemStatus.DONE},
        then=lambda: _stamp_done(item, actor),
        action="complete",
    )
    return item


def list_action_items(
    session: Session,
    actor: Actor,
    *,
    partner_id: int | None = None,
    meeting_id: int | None = None,
    committee_id: int | None = None,
    side: str | None = None,
    status: str | None = None,
    owner_user_id: int | None = None,
    open_only: bool = False,
    overdue_only: bool = False,
    include_mirrored: bool = True,
    today: date | None = None,
) -> list[tuple[ActionItem, Meeting]]:
    """Action items the actor may see (a partner user: its company's), each with its meeting,
    earliest due first. ``include_mirrored=False`` leaves out the performance reviews' items
    mirrored here (for a list that already shows the reviews' own items, such as the inbox)."""
    stmt = scope_to_partner(
        select(ActionItem, Meeting).join(Meeting, Meeting.id == ActionItem.meeting_id),
        actor,
        ActionItem.partner_id,
    )
    if partner_id is not None:
        stmt = stmt.where(ActionItem.partner_id == partner_id)
    if meeting_id is not None:
        stmt = stmt.where(ActionItem.meeting_id == meeting_id)
    if committee_id is not None:
        stmt = stmt.where(Meeting.committee_id == committee_id)
    if side:
        stmt = stmt.where(ActionItem.side == side)
    if status:
        stmt = stmt.where(ActionItem.status == status)
    if owner_user_id is not None:
        stmt = stmt.where(ActionItem.owner_user_id == owner_user_id)
    if not include_mirrored:
        stmt = stmt.where(ActionItem.source_action_item_id.is_(None))
    if open_only or overdue_only:
        stmt = stmt.where(ActionItem.status.not_in([s.value for s in CLOSED_STATES]))
    if overdue_only:
        stmt = stmt.where(ActionItem.due_date < (today or guards.now_utc().date()))
    stmt = stmt.order_by(ActionItem.due_date, ActionItem.id)
    return [(i, m) for i, m in session.execute(stmt).all()]


def is_overdue(item: ActionItem, today: date) -> bool:
    return item.status not in CLOSED_STATES and item.due_date < today
