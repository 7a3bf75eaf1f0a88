"""The slot finder, checked against windows worked out by hand from the zones' UTC offsets."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest

from cofab.governance.scheduling import (
    Participant,
    SchedulingInputError,
    WorkingHours,
    common_windows,
    least_bad_slots,
    local_times,
    parse_hours,
    slots_document,
    with_holidays,
    zone_country,
)

HOUR = timedelta(hours=1)
MON, TUE = date(2027, 1, 4), date(2027, 1, 5)


def utc(day: str, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), UTC).replace(
        hour=hh, minute=mm
    )


def spans(windows: list) -> list[tuple[datetime, datetime]]:  # type: ignore[type-arg]
    return [(w.start, w.end) for w in windows]


def people(*zones: str, hours: str = "09:00-18:00") -> list[Participant]:
    return [Participant(z, z, parse_hours(hours)) for z in zones]


def test_seoul_berlin_across_the_european_dst_change() -> None:
    # Seoul 09-18 is 00:00-09:00Z all year (UTC+9). Berlin 09-18 is 08:00-17:00Z in CET (UTC+1)
    # and 07:00-16:00Z in CEST (UTC+2, from Sunday 28 March 2027).
    windows = common_windows(
        people("Asia/Seoul", "Europe/Berlin"), date(2027, 3, 22), date(2027, 4, 2), HOUR
    )
    before = [(utc(f"2027-03-{d}", 8), utc(f"2027-03-{d}", 9)) for d in (22, 23, 24, 25, 26)]
    after = [
        (utc(day, 7), utc(day, 9))
        for day in ("2027-03-29", "2027-03-30", "2027-03-31", "2027-04-01", "2027-04-02")
    ]
    assert spans(windows) == before + after
    assert slots_document(windows)["slots"][0] == {
        "start_utc": "2027-03-22T08:00:00Z",
        "end_utc": "2027-03-22T09:00:00Z",
    }


def test_new_york_berlin_when_only_the_us_has_changed() -> None:
    # US DST starts 14 March 2027, Europe's on 28 March. New York 09-18 is 14:00-23:00Z in EST,
    # 13:00-22:00Z in EDT; Berlin 08:00-17:00Z in CET, 07:00-16:00Z in CEST.
    zones = people("America/New_York", "Europe/Berlin")
    both_winter = common_windows(zones, date(2027, 3, 8), date(2027, 3, 8), HOUR)
    gap_week = common_windows(zones, date(2027, 3, 15), date(2027, 3, 19), HOUR)
    both_summer = common_windows(zones, date(2027, 3, 29), date(2027, 3, 29), HOUR)
    assert spans(both_winter) == [(utc("2027-03-08", 14), utc("2027-03-08", 17))]
    assert len(gap_week) == 5
    assert all(w.minutes == 240 for w in gap_week)  # four hours only while the gap is 5 h
    assert spans(gap_week)[0] == (utc("2027-03-15", 13), utc("2027-03-15", 17))
    assert spans(both_summer) == [(utc("2027-03-29", 13), utc("2027-03-29", 16))]


def test_a_full_day_on_the_dst_sunday_is_23_hours() -> None:
    every_day = WorkingHours(0, 24 * 60, frozenset(range(7)))
    berlin = [Participant("B", "Europe/Berlin", every_day)]
    (sunday,) = common_windows(berlin, date(2027, 3, 28), date(2027, 3, 28), HOUR)
    assert (sunday.start, sunday.end) == (utc("2027-03-27", 23), utc("2027-03-28", 22))
    assert sunday.minutes == 23 * 60


def test_kiritimati_and_pago_pago_across_the_date_line() -> None:
    # Kiritimati (UTC+14) day K, 09-18 = K-1 19:00Z .. K 04:00Z; Pago Pago (UTC-11) day P,
    # 09-18 = P 20:00Z .. P+1 05:00Z. They overlap when P = K-1: K-1 20:00Z .. K 04:00Z,
    # and both must be weekdays, so Kiritimati's Monday (Pago Pago's Sunday) has none.
    zones = people("Pacific/Kiritimati", "Pacific/Pago_Pago")
    windows = common_windows(zones, date(2027, 3, 22), date(2027, 3, 26), HOUR)
    expected = [(utc(f"2027-03-{d - 1}", 20), utc(f"2027-03-{d}", 4)) for d in (23, 24, 25, 26)]
    assert spans(windows) == expected
    local = local_times(zones, *expected[0])
    assert local[0].start.date() == date(2027, 3, 23) and local[0].start.hour == 10
    assert local[1].start.date() == date(2027, 3, 22) and local[1].start.hour == 9
    assert all(lt.inside for lt in local)


def test_los_angeles_and_auckland_when_new_zealand_leaves_summer_time() -> None:
    # LA is UTC-7 (PDT) throughout; Auckland UTC+13 until Sunday 4 April 2027, then UTC+12.
    # LA day L 09-18 = L 16:00Z .. L+1 01:00Z; Auckland day L+1 09-18 = L 20:00Z (NZDT) or
    # L 21:00Z (NZST) .. L+1 05:00Z/06:00Z. Auckland's day must be a weekday: L in Mon..Thu.
    zones = people("America/Los_Angeles", "Pacific/Auckland")
    windows = common_windows(zones, date(2027, 3, 29), date(2027, 4, 9), HOUR)
    days = ["2027-03-29", "2027-03-30", "2027-03-31", "2027-04-01"]
    later = ["2027-04-05", "2027-04-06", "2027-04-07", "2027-04-08"]
    expected = [(utc(d, 20), utc(d, 20) + 5 * HOUR) for d in days]
    expected += [(utc(d, 21), utc(d, 21) + 4 * HOUR) for d in later]
    assert spans(windows) == expected


def test_holidays_remove_a_day_for_the_participant_of_that_country() -> None:
    # Good Friday (26 March) and Easter Monday (29 March 2027) are German holidays; 1 March is
    # Korea's Independence Movement Day.
    zones = people("Asia/Seoul", "Europe/Berlin")
    first, last = date(2027, 3, 22), date(2027, 4, 2)
    with_de = with_holidays(zones, ["DE"], first, last)
    assert date(2027, 3, 26) in with_de[1].holidays and not with_de[0].holidays
    days = [w.start.date() for w in common_windows(with_de, first, last, HOUR)]
    assert date(2027, 3, 26) not in days and date(2027, 3, 29) not in days and len(days) == 8
    with_kr = with_holidays(zones, ["KR"], date(2027, 3, 1), date(2027, 3, 2))
    kr_days = [
        w.start.date() for w in common_windows(with_kr, date(2027, 3, 1), date(2027, 3, 2), HOUR)
    ]
    assert kr_days == [date(2027, 3, 2)]


def test_a_country_no_zone_is_in_applies_to_everyone() -> None:
    zones = people("UTC")
    marked = with_holidays(zones, ["KR"], date(2027, 3, 1), date(2027, 3, 1))
    assert date(2027, 3, 1) in marked[0].holidays
    assert zone_country("Asia/Seoul") == "KR" and zone_country("UTC") is None


def test_duration_longer_than_the_overlap_gives_nothing() -> None:
    zones = people("Asia/Seoul", "Europe/Berlin")
    assert common_windows(zones, date(2027, 3, 22), date(2027, 3, 26), 2 * HOUR) == []
    # After the change the overlap is two hours: exactly enough.
    assert len(common_windows(zones, date(2027, 3, 29), date(2027, 4, 2), 2 * HOUR)) == 5


def test_no_common_window_gives_least_bad_slots_marked_with_who_is_out() -> None:
    # Seoul 00:00-09:00Z, New York 13:00-22:00Z (EDT): never together. The best one-hour slots
    # leave exactly one person out, as close to their hours as possible: Monday 21:00Z is New
    # York 17:00 (inside) and Seoul Tuesday 06:00 (two hours early).
    zones = people("Asia/Seoul", "America/New_York")
    first, last = date(2027, 3, 22), date(2027, 3, 23)
    assert common_windows(zones, first, last, HOUR) == []
    slots = least_bad_slots(zones, first, last, HOUR)
    assert slots and all(len(s.outside) == 1 for s in slots)
    assert all(s.minutes_outside == 60 for s in slots)
    by_start = {s.start: s.outside for s in slots}
    assert by_start[utc("2027-03-22", 21)] == ("Asia/Seoul",)
    assert by_start[utc("2027-03-23", 0)] == ("America/New_York",)  # Seoul 09:00, NY 20:00
    for a, b in itertools.pairwise(slots):
        assert a.end <= b.start  # never two overlapping proposals
    marks = local_times(zones, utc("2027-03-22", 21), utc("2027-03-22", 22))
    assert [(m.inside, m.start.hour) for m in marks] == [(False, 6), (True, 17)]


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: parse_hours("9-18"), "hours"),
        (lambda: parse_hours("18:00-09:00"), "hours"),
        (lambda: parse_hours("09:00-24:30"), "hours"),
        (
            lambda: common_windows(people("Asia/Seol"), date(2027, 1, 4), date(2027, 1, 5), HOUR),
            "tz",
        ),
        (lambda: common_windows(people("UTC"), date(2027, 1, 5), date(2027, 1, 4), HOUR), "to"),
        (
            lambda: common_windows(people("UTC"), date(2027, 1, 4), date(2027, 1, 5), 0 * HOUR),
            "duration",
        ),
        (lambda: common_windows([], date(2027, 1, 4), date(2027, 1, 5), HOUR), "participants"),
        (
            lambda: with_holidays(people("UTC"), ["XX"], date(2027, 1, 4), date(2027, 1, 5)),
            "holidays",
        ),
    ],
)
def test_bad_input_names_its_field(call, field: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SchedulingInputError) as caught:
        call()
    assert caught.value.field == field


def test_hours_accept_midnight_as_the_end() -> None:
    assert parse_hours("00:00-24:00") == WorkingHours(0, 24 * 60)
    assert parse_hours(" 08:30 - 17:15 ").label == "08:30-17:15"


def test_a_sunday_to_thursday_week_meets_a_monday_to_friday_one() -> None:
    # Riyadh (UTC+3, no DST) works Sunday-Thursday 08:00-17:00 = 05:00-14:00Z; Berlin (CET)
    # 08:00-17:00Z Monday-Friday: Monday-Thursday 08:00-14:00Z, nothing on Friday or Sunday.
    riyadh = Participant(
        "Riyadh", "Asia/Riyadh", WorkingHours(8 * 60, 17 * 60, frozenset({6, 0, 1, 2, 3}))
    )
    berlin = Participant("Berlin", "Europe/Berlin")
    windows = common_windows([berlin, riyadh], date(2027, 3, 21), date(2027, 3, 26), HOUR)
    days = ["2027-03-22", "2027-03-23", "2027-03-24", "2027-03-25"]
    assert spans(windows) == [(utc(d, 8), utc(d, 14)) for d in days]


def test_quarter_hour_offsets() -> None:
    # Kathmandu is UTC+5:45: 09:00-18:00 = 03:15-12:15Z; Berlin (CET) 08:00-17:00Z.
    zones = people("Asia/Kathmandu", "Europe/Berlin")
    (window,) = common_windows(zones, date(2027, 3, 22), date(2027, 3, 22), HOUR)
    assert (window.start, window.end) == (utc("2027-03-22", 8), utc("2027-03-22", 12, 15))
    assert window.minutes == 255


def test_the_autumn_change_day_is_25_hours_and_a_gap_swallowed_span_is_no_work() -> None:
    every_day = WorkingHours(0, 24 * 60, frozenset(range(7)))
    berlin = [Participant("B", "Europe/Berlin", every_day)]
    (sunday,) = common_windows(berlin, date(2027, 10, 31), date(2027, 10, 31), HOUR)
    assert (sunday.start, sunday.end) == (utc("2027-10-30", 22), utc("2027-10-31", 23))
    assert sunday.minutes == 25 * 60
    # 02:00-03:00 does not exist in Berlin on 28 March 2027: no working time that day.
    night = [Participant("B", "Europe/Berlin", WorkingHours(120, 180, frozenset(range(7))))]
    windows = common_windows(night, date(2027, 3, 27), date(2027, 3, 29), 30 * HOUR / 60)
    assert [w.start.date() for w in windows] == [date(2027, 3, 27), date(2027, 3, 29)]
