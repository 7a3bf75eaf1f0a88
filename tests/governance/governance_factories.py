"""Governance objects for the governance tests and the shared isolation sweeps."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, select
from tests.conftest import World

from cofab.accounts.models import User
from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.governance import schemas, service

NEXT_YEAR = date.today().year + 1

GOVERNANCE_SAMPLE_BODIES = {
    "CommitteeCreate": {"partner_id": 0, "kind": "steering", "name": "Intrusion"},
    "CommitteeUpdate": {"name": "hijacked"},
    "MemberIn": {"side": "partner", "name": "Intruder"},
    "SeriesIn": {"first_start": f"{NEXT_YEAR}-03-01T10:00:00", "count": 1},
    "MeetingCreate": {
        "partner_id": 0,
        "title": "Intrusion",
        "starts_at": f"{NEXT_YEAR}-03-01T10:00:00",
    },
    "MeetingUpdate": {"title": "hijacked"},
    "AgendaIn": {"title": "hijacked"},
    "AttendanceIn": {"name": "Intruder", "side": "partner"},
    "DecisionIn": {"text": "hijacked"},
    "ActionItemCreate": {"title": "hijacked", "side": "partner", "due_date": f"{NEXT_YEAR}-01-01"},
    "ActionItemChange": {"status": "done"},
    "AgendaChange": {"title": "hijacked"},
    "DecisionChange": {"text": "hijacked"},
}


def user_id(engine: Engine, email: str) -> int:
    with unit_of_work(engine) as session:
        return session.execute(select(User.id).where(User.email == email)).scalar_one()


def make_board(world: World, engine: Engine, partner: str = "b") -> dict[str, int]:
    """A steering committee with one member per side, a meeting next year with a decision and a
    partner-side action item, all about partner ``partner``."""
    key = "partner_a" if partner == "a" else "partner_b"
    partner_id = world.partner_a if partner == "a" else world.partner_b
    owner = user_id(engine, world.users["manager"])
    partner_user = user_id(engine, world.users[key])
    with unit_of_work(engine) as session:
        committee = service.create_committee(
            session,
            actor=SYSTEM_ACTOR,
            data=schemas.CommitteeCreate(
                partner_id=partner_id,
                kind="steering",
                name=f"Steering {partner}",
                cadence="quarterly",
                timezone="Asia/Seoul",
                members=[
                    schemas.MemberIn(side="owner", user_id=owner, role="chair"),
                    schemas.MemberIn(side="partner", user_id=partner_user, role="co_chair"),
                ],
            ),
        )
        start = datetime(NEXT_YEAR, 3, 2, 1, 0, tzinfo=UTC)
        meeting = service.create_meeting(
            session,
            actor=SYSTEM_ACTOR,
            data=schemas.MeetingCreate(
                committee_id=committee.id,
                title=f"Steering {partner} Q1",
                starts_at=start,
                timezone="Asia/Seoul",
                agenda=[schemas.AgendaIn(title="Capacity", minutes=20)],
            ),
        )
        decision = service.add_decision(
            session,
            actor=SYSTEM_ACTOR,
            meeting_id=meeting.id,
            data=schemas.DecisionIn(text=f"Second line {partner}"),
        )
        item = service.add_action_item(
            session,
            actor=SYSTEM_ACTOR,
            meeting_id=meeting.id,
            data=schemas.ActionItemCreate(
                title=f"Quote line {partner}",
                side="partner",
                due_date=start.date() + timedelta(days=14),
            ),
        )
        member_id = committee.members[0].id
        agenda_id = service.meeting_detail(session, actor=SYSTEM_ACTOR, meeting_id=meeting.id)[
            "agenda"
        ][0].id
        return {
            "agenda_id": agenda_id,
            "row_id": agenda_id,
            "committee_id": committee.id,
            "member_id": member_id,
            "meeting_id": meeting.id,
            "decision_id": decision.id,
            "item_id": item.id,
        }


def isolation_resolvers(world: World, engine: Engine) -> dict[str, Callable[[World, Engine], int]]:
    made: dict[str, int] = {}

    def ids(world: World, engine: Engine) -> dict[str, int]:
        if not made:
            made.update(make_board(world, engine, "b"))
        return made

    return {
        f"governance:{name}": (lambda w, e, name=name: ids(w, e)[name])
        for name in (
            "committee_id",
            "member_id",
            "meeting_id",
            "item_id",
            "agenda_id",
            "decision_id",
            "row_id",
        )
    }
