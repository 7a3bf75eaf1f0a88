"""The cadence as local start times (pure functions): month ends clamp without drifting, weeks
step by seven days, and a local time is the same wall clock on both sides of a clock change."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from cofab.governance.cadence import series_starts, to_utc, zone_or_none


def test_monthly_from_the_31st_clamps_to_each_months_last_day_and_comes_back() -> None:
    starts = series_starts(datetime(2027, 1, 31, 10, 0), "monthly", 4)
    assert [s.date().isoformat() for s in starts] == [
        "2027-01-31",
        "2027-02-28",
        "2027-03-31",
        "2027-04-30",
    ]
    assert {s.time().isoformat() for s in starts} == {"10:00:00"}


def test_quarterly_semiannual_annual_and_weekly_steps() -> None:
    first = datetime(2027, 11, 30, 9, 30)
    assert [s.date().isoformat() for s in series_starts(first, "quarterly", 3)] == [
        "2027-11-30",
        "2028-02-29",  # a leap year's February
        "2028-05-30",
    ]
    assert series_starts(first, "semiannual", 2)[1].date().isoformat() == "2028-05-30"
    assert series_starts(first, "annual", 2)[1].date().isoformat() == "2028-11-30"
    assert series_starts(first, "weekly", 3)[2].date().isoformat() == "2027-12-14"
    assert series_starts(first, "none", 5) == [first]


def test_a_wall_clock_time_keeps_its_local_hour_across_the_us_clock_change() -> None:
    new_york = ZoneInfo("America/New_York")
    before = to_utc(datetime(2027, 3, 13, 9, 0), new_york)  # EST, UTC-5
    after = to_utc(datetime(2027, 3, 15, 9, 0), new_york)  # EDT, UTC-4 from 14 March
    assert (before.hour, after.hour) == (14, 13)
    aware = datetime(2027, 3, 15, 9, 0, tzinfo=UTC)
    assert to_utc(aware, new_york) == aware


def test_only_real_zone_names_are_accepted() -> None:
    assert zone_or_none("Asia/Seoul") is not None
    for bad in ("", "Mars/Base", "../etc/passwd", "/etc/localtime", "Asia/Seoul/"):
        assert zone_or_none(bad) is None, bad
