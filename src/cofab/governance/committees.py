"""Committees of a partnership: members from both sides, charter, cadence, and the meeting series
the cadence generates.

A member is an owner user, a partner user of the committee's partner, or one of that partner's
contacts (people without a login still sit on boards); anyone else is refused by field.
"""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from cofab.accounts.models import User
from cofab.core import audit
from cofab.core.access import Actor, scope_to_partner
from cofab.core.errors import FieldProblem
from cofab.core.i18n import N_
from cofab.governance import guards, schemas
from cofab.governance.models import Committee, CommitteeMember
from cofab.partners.models import Contact, Partner

NO_SUCH_PARTNER = N_("No partner with id {id}.")
NO_SUCH_USER = N_("No user with id {id}.")
NOT_OWNER_USER = N_("User {id} is not on our side; choose an owner user or change the side.")
NOT_PARTNER_USER = N_("User {id} does not work for this committee's partner.")
NO_SUCH_CONTACT = N_("No contact with id {id} at this committee's partner.")
NAME_NEEDED = N_("Give a name, a user or a contact.")


def committee_query(actor: Actor, *, partner_id: int | None = None) -> Select[Committee]:
    stmt = scope_to_partner(select(Committee), actor, Committee.partner_id)
    if partner_id is not None:
        stmt = stmt.where(Committee.partner_id == partner_id)
    return stmt.order_by(Committee.name, Committee.id)


def list_committees(
    session: Session, *, actor: Actor, partner_id: int | None = None
) -> list[Committee]:
    stmt = committee_query(actor, partner_id=partner_id).options(selectinload(Committee.members))
    return list(session.execute(stmt).scalars())


def get_committee(session: Session, *, actor: Actor, committee_id: int) -> Committee:
    row = session.execute(
        select(Committee)
        .where(Committee.id == committee_id)
        .options(selectinload(Committee.members))
    ).scalar_one_or_none()
    return guards.visible_or_404(actor, row)


def _member(
    session: Session, partner_id: int, data: schemas.MemberIn, field: str
) -> tuple[CommitteeMember | None, list[FieldProblem]]:
    name, email = data.name, data.email or ""
    if data.user_id is not None:
        user = session.get(User, data.user_id)
        if user is None:
            return None, [FieldProblem(f"{field}.user_id", NO_SUCH_USER, {"id": data.user_id})]
        if data.side == "owner" and user.partner_id is not None:
            return None, [FieldProblem(f"{field}.user_id", NOT_OWNER_USER, {"id": user.id})]
        if data.side == "partner" and user.partner_id != partner_id:
            return None, [FieldProblem(f"{field}.user_id", NOT_PARTNER_USER, {"id": user.id})]
        name, email = name or user.display_name, email or user.email
    if data.contact_id is not None:
        contact = session.get(Contact, data.contact_id)
        if contact is None or contact.partner_id != partner_id or data.side != "partner":
            problem = FieldProblem(f"{field}.contact_id", NO_SUCH_CONTACT, {"id": data.contact_id})
            return None, [problem]
        name, email = name or contact.name, email or (contact.email or "")
    if not name:
        return None, [FieldProblem(f"{field}.name", NAME_NEEDED)]
    member = CommitteeMember(
        partner_id=partner_id,
        side=data.side,
        user_id=data.user_id,
        contact_id=data.contact_id,
        name=name,
        email=email,
        role=data.role,
    )
    return member, []


def create_committee(session: Session, *, actor: Actor, data: schemas.CommitteeCreate) -> Committee:
    guards.ensure_writer(actor)
    problems: list[FieldProblem] = []
    if session.get(Partner, data.partner_id) is None:
        problems.append(FieldProblem("partner_id", NO_SUCH_PARTNER, {"id": data.partner_id}))
    zone = guards.zone_problem("timezone", data.timezone)
    problems.extend([zone] if zone else [])
    guards.raise_if(problems)
    committee = Committee(
        **data.model_dump(exclude={"members"}), created_by=actor.email, members=[]
    )
    for index, member_in in enumerate(data.members):
        member, found = _member(session, data.partner_id, member_in, f"members.{index}")
        problems.extend(found)
        if member is not None:
            committee.members.append(member)
    guards.raise_if(problems)
    session.add(committee)
    session.flush()
    snap = audit.snapshot(committee) | {"members": [audit.snapshot(m) for m in committee.members]}
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="committee",
        entity_id=committee.id,
        partner_id=committee.partner_id,
        after=snap,
    )
    return committee


def update_committee(
    session: Session, *, actor: Actor, committee_id: int, data: schemas.CommitteeUpdate
) -> Committee:
    committee = get_committee(session, actor=actor, committee_id=committee_id)
    guards.ensure_writer(actor)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if "timezone" in changes:
        zone = guards.zone_problem("timezone", changes["timezone"])
        guards.raise_if([zone] if zone else [])
    guards.change_row(session, actor=actor, entity="committee", row=committee, changes=changes)
    return committee


def add_member(
    session: Session, *, actor: Actor, committee_id: int, data: schemas.MemberIn
) -> CommitteeMember:
    committee = get_committee(session, actor=actor, committee_id=committee_id)
    guards.ensure_writer(actor)
    member, problems = _member(session, committee.partner_id, data, "member")
    guards.raise_if(problems)
    assert member is not None
    committee.members.append(member)
    session.flush()
    guards.record(session, actor=actor, action="create", entity="committee_member", row=member)
    return member


def remove_member(session: Session, *, actor: Actor, committee_id: int, member_id: int) -> None:
    committee = get_committee(session, actor=actor, committee_id=committee_id)
    guards.ensure_writer(actor)
    member = next((m for m in committee.members if m.id == member_id), None)
    member = guards.visible_or_404(actor, member)
    before = audit.snapshot(member)
    committee.members.remove(member)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="delete",
        entity="committee_member",
        entity_id=member_id,
        partner_id=committee.partner_id,
        before=before,
    )
