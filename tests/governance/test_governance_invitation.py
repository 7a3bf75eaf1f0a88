"""A meeting's invitation file: parsed back, it is the meeting's instant in the meeting's zone,
organised by the committee's chair, with each invited person in their own time zone."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar
from sqlalchemy import Engine, update
from tests.conftest import World
from tests.governance.governance_factories import NEXT_YEAR, make_board

from cofab.accounts.models import User
from cofab.db.session import unit_of_work


def test_the_invitation_parses_back_to_the_meeting(world: World, engine: Engine, api) -> None:
    ids = make_board(world, engine, "a")
    with unit_of_work(engine) as session:
        session.execute(
            update(User)
            .where(User.email == world.users["partner_a"])
            .values(timezone="Europe/Berlin")
        )
    response = api(world.users["partner_a"]).get(
        f"/api/v1/governance/meetings/{ids['meeting_id']}/invitation.ics"
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["method"]) == "REQUEST"
    event = next(c for c in calendar.walk("VEVENT"))
    start = event.decoded("dtstart")
    assert str(start.tzinfo) == "Asia/Seoul"
    assert start.astimezone(UTC) == datetime(NEXT_YEAR, 3, 2, 1, 0, tzinfo=UTC)
    assert start.hour == 10  # 01:00 UTC is 10:00 in Seoul
    assert str(event["organizer"]) == f"mailto:{world.users['manager']}"
    attendees = event["attendee"]
    zones = {str(a): str(a.params["x-cofab-tzid"]) for a in attendees}
    assert zones == {
        f"mailto:{world.users['manager']}": "UTC",
        f"mailto:{world.users['partner_a']}": "Europe/Berlin",
    }
    assert "1. Capacity (20 min)" in str(event["description"])
    assert (
        api(world.users["partner_b"])
        .get(f"/api/v1/governance/meetings/{ids['meeting_id']}/invitation.ics")
        .status_code
        == 404
    )
