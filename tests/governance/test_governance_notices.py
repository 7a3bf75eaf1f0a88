"""Meetings, decisions and action items tell the people concerned through notifications: both
sides, in each reader's language and time zone, never another partner's users, never the one who
made the change, and the daily scan does not tell an assignment twice."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine, select, update
from tests.conftest import World
from tests.governance.governance_factories import NEXT_YEAR, make_board, user_id

from cofab.accounts.models import User
from cofab.db.session import unit_of_work
from cofab.notifications.models import Notification
from cofab.notifications.scan import run_scan

API = "/api/v1/governance"


def _profile(engine: Engine, email: str, locale: str, zone: str) -> int:
    with unit_of_work(engine) as session:
        session.execute(
            update(User).where(User.email == email).values(locale=locale, timezone=zone)
        )
    return user_id(engine, email)


def _notes(engine: Engine, uid: int) -> list[tuple[str, str, dict[str, object]]]:
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(Notification.kind, Notification.msgid, Notification.params)
            .where(Notification.user_id == uid)
            .order_by(Notification.id)
        ).all()
    return [(k, m, dict(p)) for k, m, p in rows]


def test_a_new_meeting_its_decision_and_item_reach_both_sides_in_their_language_and_zone(
    world: World, engine: Engine, api
) -> None:
    seoul = _profile(engine, world.users["partner_a"], "ko", "Asia/Seoul")
    berlin = _profile(engine, world.users["manager"], "en", "Europe/Berlin")
    other = user_id(engine, world.users["partner_b"])
    make_board(world, engine, "a")  # meeting 2 March 01:00 UTC, decision, partner-side item
    partner_kinds = [k for k, _, _ in _notes(engine, seoul)]
    assert partner_kinds == ["meeting_invitation", "decision", "assignment"]
    # the owner side hears of the meeting and the decision, not of the partner's item
    assert [k for k, _, _ in _notes(engine, berlin)] == ["meeting_invitation", "decision"]
    assert _notes(engine, other) == []  # partner B is not concerned
    start_seoul = _notes(engine, seoul)[0][2]["start"]
    start_berlin = _notes(engine, berlin)[0][2]["start"]
    assert start_seoul == f"{NEXT_YEAR}-03-02 10:00 (Asia/Seoul)"  # UTC+9
    assert start_berlin == f"{NEXT_YEAR}-03-02 02:00 (Europe/Berlin)"  # UTC+1 in March
    korean = api(world.users["partner_a"]).get("/api/v1/notifications").json()
    titles = [n["title"] for n in korean]
    assert f"회의 초대: Steering a Q1, {NEXT_YEAR}-03-02 10:00 (Asia/Seoul)" in titles
    assert "Steering a Q1 결정 제1호: Second line a" in titles
    assert "배정된 일: Steering a Q1: Quote line a" in titles
    english = [n["title"] for n in api(world.users["manager"]).get("/api/v1/notifications").json()]
    assert "Decision 1 of Steering a Q1: Second line a" in english


def test_moving_and_cancelling_a_meeting_tells_everyone_but_the_one_who_did_it(
    world: World, engine: Engine, api
) -> None:
    ids = make_board(world, engine, "a")
    partner = _profile(engine, world.users["partner_a"], "en", "Asia/Seoul")
    manager = user_id(engine, world.users["manager"])
    boss = api(world.users["manager"])
    moved = boss.patch(
        f"{API}/meetings/{ids['meeting_id']}",
        json={"starts_at": f"{NEXT_YEAR}-03-03T09:00:00", "timezone": "Asia/Seoul"},
    )
    assert moved.status_code == 200, moved.text
    partner_notes = _notes(engine, partner)
    assert partner_notes[-1][1] == "Meeting moved: {title} now on {start}"
    assert partner_notes[-1][2]["start"] == f"{NEXT_YEAR}-03-03 09:00 (Asia/Seoul)"
    assert [m for _, m, _ in _notes(engine, manager)].count(
        "Meeting moved: {title} now on {start}"
    ) == 0  # the manager moved it
    # a change of the minutes alone tells nobody
    before = len(_notes(engine, partner))
    assert boss.patch(f"{API}/meetings/{ids['meeting_id']}", json={"location": "Room 2"}).is_success
    assert len(_notes(engine, partner)) == before
    cancelled = boss.patch(f"{API}/meetings/{ids['meeting_id']}", json={"status": "cancelled"})
    assert cancelled.status_code == 200
    assert _notes(engine, partner)[-1][1] == "Meeting cancelled: {title} (was {start})"
    assert len(_notes(engine, partner)) == before + 1


def test_an_item_assigned_to_a_user_tells_that_user_once_even_after_the_daily_scan(
    world: World, engine: Engine, api
) -> None:
    ids = make_board(world, engine, "a")
    partner = user_id(engine, world.users["partner_a"])
    owner_quality = user_id(engine, world.users["quality"])
    boss = api(world.users["manager"])
    due = (date.today() + timedelta(days=20)).isoformat()
    made = boss.post(
        f"{API}/meetings/{ids['meeting_id']}/action-items",
        json={"title": "Audit plan", "side": "owner", "due_date": due},
    )
    assert made.status_code == 201
    assert _notes(engine, owner_quality) == []  # nobody named yet: owner-side items wait
    assigned = boss.patch(
        f"{API}/action-items/{made.json()['id']}", json={"owner_user_id": owner_quality}
    )
    assert assigned.status_code == 200 and assigned.json()["owner_name"]
    assert [k for k, _, _ in _notes(engine, owner_quality)] == ["assignment"]
    with unit_of_work(engine) as session:
        run_scan(session)
    assert [k for k, _, _ in _notes(engine, owner_quality)] == ["assignment"]
    # a partner's user cannot own an owner-side item: refused by field, nothing changed
    refused = boss.patch(f"{API}/action-items/{made.json()['id']}", json={"owner_user_id": partner})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "owner_user_id"


def test_a_meeting_recorded_after_it_happened_invites_nobody(world: World, engine: Engine) -> None:
    from datetime import UTC, datetime

    from cofab.core.access import SYSTEM_ACTOR
    from cofab.governance import schemas, service

    partner = user_id(engine, world.users["partner_a"])
    held = datetime(2025, 5, 1, 8, 0, tzinfo=UTC)
    with unit_of_work(engine) as session:
        meeting = service.create_meeting(
            session,
            actor=SYSTEM_ACTOR,
            data=schemas.MeetingCreate(
                partner_id=world.partner_a, title="Held in May", starts_at=held, timezone="UTC"
            ),
            now=held,
        )
        service.set_attendance(
            session,
            actor=SYSTEM_ACTOR,
            meeting_id=meeting.id,
            data=schemas.AttendanceIn(name="Alpha user", side="partner", user_id=partner),
        )
    assert _notes(engine, partner) == []
