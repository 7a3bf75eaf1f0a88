"""Invitations as RFC 5545 files, parsed back with ``icalendar``: instants, TZIDs and attendees."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from cofab.governance.ical import Attendee, Invitation, invitation_ics, meeting_uid
from cofab.governance.scheduling import SchedulingInputError

SEOUL, BERLIN = ZoneInfo("Asia/Seoul"), ZoneInfo("Europe/Berlin")


def _invitation(start: datetime, end: datetime, **changes: object) -> Invitation:
    base = Invitation(
        uid=meeting_uid(42),
        title="Battery JV operating committee",
        start=start,
        end=end,
        organiser_name="Kim Minji",
        organiser_email="minji@owner.test",
        organiser_zone="Asia/Seoul",
        attendees=(
            Attendee("Jonas Weber", "jonas@partner.test", "Europe/Berlin"),
            Attendee("Ana Souza", "ana@partner.test", "America/Sao_Paulo", required=False),
        ),
        location="Video call",
    )
    return Invitation(**{**base.__dict__, **changes})  # type: ignore[arg-type]


def _event(ics: bytes) -> tuple[Calendar, object]:
    cal = Calendar.from_ical(ics)
    (event,) = cal.walk("VEVENT")
    return cal, event


def test_request_parses_back_with_the_organisers_tzid_and_the_same_instant() -> None:
    # 29 March 2027 07:00Z: Seoul 16:00 (UTC+9), Berlin 09:00 (CEST, the day after the change).
    start = datetime(2027, 3, 29, 7, 0, tzinfo=UTC)
    end = datetime(2027, 3, 29, 8, 0, tzinfo=UTC)
    cal, event = _event(invitation_ics(_invitation(start, end)))
    assert str(cal["method"]) == "REQUEST" and str(cal["version"]) == "2.0"
    assert event["dtstart"].params["TZID"] == "Asia/Seoul"  # type: ignore[index]
    assert event["dtend"].params["TZID"] == "Asia/Seoul"  # type: ignore[index]
    dtstart = event.decoded("dtstart")  # type: ignore[attr-defined]
    assert dtstart == start and dtstart.astimezone(SEOUL).hour == 16
    assert dtstart.astimezone(BERLIN).hour == 9
    assert event.decoded("dtend") == end  # type: ignore[attr-defined]
    assert str(event["uid"]) == "cofab-meeting-42@cofab.local"  # type: ignore[index]
    zones = sorted(str(tz["tzid"]) for tz in cal.walk("VTIMEZONE"))
    assert zones == ["America/Sao_Paulo", "Asia/Seoul", "Europe/Berlin"]


def test_each_attendee_with_role_zone_and_local_time() -> None:
    start = datetime(2027, 3, 22, 8, 0, tzinfo=UTC)
    _, event = _event(invitation_ics(_invitation(start, start.replace(hour=9))))
    attendees = {str(a): a.params for a in event["attendee"]}  # type: ignore[index]
    assert set(attendees) == {"mailto:jonas@partner.test", "mailto:ana@partner.test"}
    jonas = attendees["mailto:jonas@partner.test"]
    assert jonas["CN"] == "Jonas Weber" and jonas["ROLE"] == "REQ-PARTICIPANT"
    assert jonas["X-COFAB-TZID"] == "Europe/Berlin" and jonas["RSVP"] == "TRUE"
    assert attendees["mailto:ana@partner.test"]["ROLE"] == "OPT-PARTICIPANT"
    assert str(event["organizer"]) == "mailto:minji@owner.test"  # type: ignore[index]
    description = str(event["description"])  # type: ignore[index]
    # Before the European change: Berlin 09:00 CET, Seoul 17:00 KST, Sao Paulo 05:00 (UTC-3).
    assert "Jonas Weber (Europe/Berlin): Mon 2027-03-22 09:00–10:00 CET" in description
    assert "Kim Minji (Asia/Seoul): Mon 2027-03-22 17:00–18:00 KST" in description
    assert "Ana Souza (America/Sao_Paulo): Mon 2027-03-22 05:00–06:00" in description


def test_update_keeps_the_uid_and_cancel_says_so() -> None:
    start = datetime(2027, 3, 22, 8, 0, tzinfo=UTC)
    first = _invitation(start, start.replace(hour=9))
    moved = _invitation(start.replace(day=23), start.replace(day=23, hour=9), sequence=1)
    _, a = _event(invitation_ics(first))
    _, b = _event(invitation_ics(moved))
    assert str(a["uid"]) == str(b["uid"]) and int(b["sequence"]) == 1  # type: ignore[index]
    cal, cancelled = _event(invitation_ics(moved, method="CANCEL"))
    assert str(cal["method"]) == "CANCEL" and str(cancelled["status"]) == "CANCELLED"  # type: ignore[index]


def test_the_vtimezone_carries_berlins_dst_rule_for_clients_without_tz_data() -> None:
    start = datetime(2027, 3, 22, 8, 0, tzinfo=UTC)
    cal, _ = _event(invitation_ics(_invitation(start, start.replace(hour=9))))
    berlin = next(tz for tz in cal.walk("VTIMEZONE") if str(tz["tzid"]) == "Europe/Berlin")
    text = berlin.to_ical().decode()
    assert "TZOFFSETTO:+0200" in text and "20270328T030000" in text


def test_unknown_zone_is_refused_naming_it() -> None:
    start = datetime(2027, 3, 22, 8, 0, tzinfo=UTC)
    with pytest.raises(SchedulingInputError) as caught:
        invitation_ics(_invitation(start, start.replace(hour=9), organiser_zone="Asia/Seol"))
    assert caught.value.field == "organiser_zone"
