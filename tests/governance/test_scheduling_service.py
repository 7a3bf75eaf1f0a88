"""scheduling_service on a database: stored hours, zones of contacts, holidays from the table."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, select, update
from tests.conftest import World

from cofab.accounts.models import User
from cofab.core.access import SYSTEM_ACTOR
from cofab.core.errors import ValidationFailed
from cofab.db.session import unit_of_work
from cofab.governance import scheduling_service as svc
from cofab.partners.models import Site


def test_contacts_users_and_sites_resolve_with_their_zones(world: World, engine: Engine) -> None:
    with unit_of_work(engine) as session:
        session.execute(
            update(Site).where(Site.id == world.ids["b"]["site_id"]).values(timezone="Asia/Seoul")
        )
        # A contact with no hours of its own works where its company's first site is.
        contact_b = world.ids["b"]["contact_id"]
        assert svc.attendee_zone(session, contact_id=contact_b) == "Asia/Seoul"
        svc.set_contact_hours(
            session,
            actor=SYSTEM_ACTOR,
            contact_id=world.ids["a"]["contact_id"],
            data=svc.HoursInput("10:00-19:00", (0, 1, 2, 3, 4), None, "Asia/Ho_Chi_Minh"),
        )
        refs = [
            svc.ParticipantRef("contact", contact_b),
            svc.ParticipantRef("contact", world.ids["a"]["contact_id"]),
        ]
        # Seoul 09-18 = 00:00-09:00Z; Ho Chi Minh (UTC+7) 10-19 = 03:00-12:00Z.
        finding = svc.common_slots(
            session, refs, first_day=date(2027, 3, 22), last_day=date(2027, 3, 22)
        )
        (window,) = finding.windows
        assert (window.start.hour, window.end.hour) == (3, 9)
        assert [lt.start.hour for lt in window.local] == [12, 10]
        local = svc.participant_local_times(
            session,
            refs,
            datetime(2027, 3, 22, 10, tzinfo=UTC),
            datetime(2027, 3, 22, 11, tzinfo=UTC),
        )
        assert [(lt.zone, lt.inside) for lt in local] == [
            ("Asia/Seoul", False),
            ("Asia/Ho_Chi_Minh", True),
        ]


def test_holidays_table_wins_over_the_published_calendar_once_a_country_has_rows(
    world: World, engine: Engine
) -> None:
    with unit_of_work(engine) as session:
        published = svc.holiday_days(session, "KR", date(2027, 3, 1), date(2027, 3, 31))
        assert published == {date(2027, 3, 1)}
        svc.add_holiday(
            session, actor=SYSTEM_ACTOR, country="kr", day=date(2027, 3, 5), name="Shutdown"
        )
        assert svc.holiday_days(session, "KR", date(2027, 3, 1), date(2027, 3, 31)) == {
            date(2027, 3, 5)
        }
        assert svc.seed_holidays(session, actor=SYSTEM_ACTOR, country="KR", years=[2027]) >= 15
        days = svc.holiday_days(session, "KR", date(2027, 3, 1), date(2027, 3, 31))
        assert days == {date(2027, 3, 1), date(2027, 3, 5)}


def test_stored_user_hours_and_holiday_country_apply(world: World, engine: Engine) -> None:
    with unit_of_work(engine) as session:
        user_id = session.scalar(select(User.id).where(User.email == world.users["manager"]))
        assert user_id is not None
        session.execute(update(User).where(User.id == user_id).values(timezone="Europe/Berlin"))
        svc.set_user_hours(
            session,
            actor=SYSTEM_ACTOR,
            user_id=user_id,
            data=svc.HoursInput("07:00-15:00", (0, 1, 2, 3, 4), "DE"),
        )
        refs = [svc.ParticipantRef("user", user_id)]
        finding = svc.common_slots(
            session, refs, first_day=date(2027, 3, 26), last_day=date(2027, 3, 30)
        )
        # Good Friday and Easter Monday are off; Tuesday 30th 07:00-15:00 CEST = 05:00-13:00Z.
        assert [(w.start.day, w.start.hour, w.end.hour) for w in finding.windows] == [(30, 5, 13)]


def test_bad_hours_and_unknown_participants_name_their_fields(world: World, engine: Engine) -> None:
    with unit_of_work(engine) as session:
        with pytest.raises(ValidationFailed) as caught:
            svc.set_contact_hours(
                session,
                actor=SYSTEM_ACTOR,
                contact_id=world.ids["a"]["contact_id"],
                data=svc.HoursInput("9-5", (), "Korea", "Mars/Olympus"),
            )
        fields = {p.field for p in caught.value.problems}
        assert fields == {"hours", "weekdays", "holiday_country", "timezone"}
        with pytest.raises(ValidationFailed) as missing:
            svc.common_slots(
                session,
                [svc.ParticipantRef("zone", zone="UTC"), svc.ParticipantRef("site", 999_999)],
                first_day=date(2027, 3, 22),
                last_day=date(2027, 3, 22),
            )
        assert [p.field for p in missing.value.problems] == ["participants.1.id"]
