"""The slot finder: common meeting windows across time zones, as plain interval arithmetic.

Pure (no database; only ``N_`` from cofab to mark its messages) so the CLI, the API, the page
and the tests share one engine and its answers can be checked by hand.

Each participant's working time is a list of UTC intervals, one per *local* working day: the
local wall-clock hours are turned into instants with ``zoneinfo`` on that very day, so a DST
change moves the UTC interval on the day it happens, and a participant whose local day straddles
two UTC days (Auckland, Kiritimati) needs no special case. The common windows are the
intersection of every participant's list. Intervals of different local days are never merged,
so a window belongs to exactly one working day of each participant ("one window per day").

The date range is read in the organiser's calendar (the first participant): a window is
proposed for each of the organiser's local days in ``first_day..last_day``. Everyone else's
days are taken two days wider on each side, enough for the largest UTC offset gap (26 hours).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cofab.core.i18n import N_

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

MINUTES_PER_DAY = 24 * 60
WEEKDAYS = frozenset(range(5))  # Monday..Friday, ``date.weekday()`` numbering
EVERY_DAY = frozenset(range(7))
_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_ZONE_NAME = re.compile(r"^[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)*$")
# Widest plausible UTC offset gap is 26 h (UTC+14 vs UTC-12): two days on each side cover it.
_MARGIN_DAYS = 2
LEAST_BAD_STEP = timedelta(minutes=30)

MSG_UNKNOWN_ZONE = N_("Unknown time zone: {zone}")
MSG_BAD_HOURS = N_("Working hours must be HH:MM-HH:MM with the start before the end.")
MSG_END_BEFORE_START = N_("The end date must not be before the start date.")
MSG_RANGE_TOO_LONG = N_("The date range may span at most a year.")
MSG_DURATION_TOO_SHORT = N_("The duration must be at least one minute.")
MSG_DURATION_TOO_LONG = N_("The duration may be at most 24 hours.")
MSG_NO_PARTICIPANTS = N_("Name at least one participant.")
MSG_UNKNOWN_COUNTRY = N_("No holiday calendar for country {country}.")


class SchedulingInputError(ValueError):
    """Bad input, named by the field it came from so callers can report it per field."""

    def __init__(self, field_name: str, message: str, **params: object) -> None:
        self.field = field_name
        self.message = message
        self.params = params
        super().__init__(f"{field_name}: {message.format(**params)}")


def zone(name: str, field_name: str = "tz") -> ZoneInfo:
    """The zone for an IANA name, or a field error (never a KeyError from deep inside)."""
    if not name or not _ZONE_NAME.match(name):
        raise SchedulingInputError(field_name, MSG_UNKNOWN_ZONE, zone=name)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise SchedulingInputError(field_name, MSG_UNKNOWN_ZONE, zone=name) from None


@dataclass(frozen=True)
class WorkingHours:
    """Local wall-clock working hours, in minutes after local midnight (end may be 24:00)."""

    start_minute: int = 9 * 60
    end_minute: int = 18 * 60
    weekdays: frozenset[int] = WEEKDAYS

    def __post_init__(self) -> None:
        if not 0 <= self.start_minute < self.end_minute <= MINUTES_PER_DAY:
            raise SchedulingInputError("hours", MSG_BAD_HOURS)

    @property
    def label(self) -> str:
        return f"{_clock(self.start_minute)}-{_clock(self.end_minute)}"


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def parse_hours(text: str, field_name: str = "hours") -> WorkingHours:
    """``"09:00-18:00"`` → ``WorkingHours``; ``24:00`` is allowed as the end (a full day)."""
    match = _HOURS.match(text or "")
    if not match:
        raise SchedulingInputError(field_name, MSG_BAD_HOURS)
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2 != 0):
        raise SchedulingInputError(field_name, MSG_BAD_HOURS)
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if start >= end:
        raise SchedulingInputError(field_name, MSG_BAD_HOURS)
    return WorkingHours(start, end)


@dataclass(frozen=True)
class Participant:
    """Someone who must attend: a name to show, a zone, hours and their local holidays."""

    name: str
    zone: str
    hours: WorkingHours = field(default_factory=WorkingHours)
    holidays: frozenset[date] = frozenset()


@dataclass(frozen=True)
class Interval:
    start: datetime  # aware, UTC
    end: datetime


@dataclass(frozen=True)
class Window:
    """A maximal common window (every participant inside working hours throughout)."""

    start: datetime
    end: datetime

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


@dataclass(frozen=True)
class LocalTime:
    """Where a slot falls in one participant's day, and whether it is inside their hours."""

    name: str
    zone: str
    start: datetime  # aware, in the participant's zone
    end: datetime
    inside: bool
    minutes_outside: int


@dataclass(frozen=True)
class Candidate:
    """A slot of the asked duration that leaves someone out; ranked by how much it hurts."""

    start: datetime
    end: datetime
    outside: tuple[str, ...]  # names of the participants outside their working hours
    minutes_outside: int


def _local_instant(day: date, minute: int, tz: ZoneInfo) -> datetime:
    """Local wall time → UTC; ``24:00`` is the next local midnight (a 23/25 h day stays so)."""
    if minute >= MINUTES_PER_DAY:
        day, minute = day + timedelta(days=1), minute - MINUTES_PER_DAY
    local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=tz)
    return local.astimezone(UTC)


def working_intervals(participant: Participant, first_day: date, last_day: date) -> list[Interval]:
    """One UTC interval per local working day of the participant in ``first_day..last_day``."""
    tz = zone(participant.zone)
    hours = participant.hours
    out: list[Interval] = []
    day = first_day
    while day <= last_day:
        if day.weekday() in hours.weekdays and day not in participant.holidays:
            start = _local_instant(day, hours.start_minute, tz)
            end = _local_instant(day, hours.end_minute, tz)
            if end > start:  # a wall-clock span swallowed by a DST gap is no working time
                out.append(Interval(start, end))
        day += timedelta(days=1)
    return out


def _intersect(left: Sequence[Interval], right: Sequence[Interval]) -> list[Interval]:
    """Two sorted, disjoint lists → their pairwise overlaps (two pointers, O(n + m))."""
    out: list[Interval] = []
    i = j = 0
    while i < len(left) and j < len(right):
        start = max(left[i].start, right[j].start)
        end = min(left[i].end, right[j].end)
        if start < end:
            out.append(Interval(start, end))
        if left[i].end <= right[j].end:
            i += 1
        else:
            j += 1
    return out


def range_problems(
    first_day: date, last_day: date, duration: timedelta
) -> list[SchedulingInputError]:
    """Every problem with a date range and duration (a form shows them all at once)."""
    problems: list[SchedulingInputError] = []
    if last_day < first_day:
        problems.append(SchedulingInputError("to", MSG_END_BEFORE_START))
    elif (last_day - first_day).days > 366:
        problems.append(SchedulingInputError("to", MSG_RANGE_TOO_LONG))
    if duration <= timedelta(0):
        problems.append(SchedulingInputError("duration", MSG_DURATION_TOO_SHORT))
    elif duration > timedelta(days=1):
        problems.append(SchedulingInputError("duration", MSG_DURATION_TOO_LONG))
    return problems


def check_range(first_day: date, last_day: date, duration: timedelta) -> None:
    for problem in range_problems(first_day, last_day, duration):
        raise problem


def _everyone(
    participants: Sequence[Participant], first_day: date, last_day: date
) -> list[list[Interval]]:
    if not participants:
        raise SchedulingInputError("participants", MSG_NO_PARTICIPANTS)
    margin = timedelta(days=_MARGIN_DAYS)
    lists = [working_intervals(participants[0], first_day, last_day)]
    for other in participants[1:]:
        lists.append(working_intervals(other, first_day - margin, last_day + margin))
    return lists


def common_windows(
    participants: Sequence[Participant],
    first_day: date,
    last_day: date,
    duration: timedelta,
) -> list[Window]:
    """Every maximal window at least ``duration`` long in which all are inside working hours."""
    check_range(first_day, last_day, duration)
    lists = _everyone(participants, first_day, last_day)
    common = lists[0]
    for other in lists[1:]:
        common = _intersect(common, other)
    return [Window(i.start, i.end) for i in common if i.end - i.start >= duration]


def _minutes_outside(start: datetime, end: datetime, intervals: Sequence[Interval]) -> int:
    """Minutes of ``start..end`` not covered by the participant's working intervals."""
    covered = timedelta(0)
    k = max(bisect_right([i.end for i in intervals], start) - 1, 0)
    for interval in intervals[k:]:
        if interval.start >= end:
            break
        overlap = min(end, interval.end) - max(start, interval.start)
        if overlap > timedelta(0):
            covered += overlap
    return int(((end - start) - covered).total_seconds() // 60)


def _candidate_starts(organiser: Participant, first_day: date, last_day: date) -> list[int]:
    """Every half hour of the organiser's local days, as UTC epoch seconds (23/25 h days too)."""
    tz = zone(organiser.zone)
    step = int(LEAST_BAD_STEP.total_seconds())
    starts: list[int] = []
    day = first_day
    while day <= last_day:
        begin = int(_local_instant(day, 0, tz).timestamp())
        finish = int(_local_instant(day, MINUTES_PER_DAY, tz).timestamp())
        starts.extend(range(begin, finish, step))
        day += timedelta(days=1)
    return starts


def _badness(
    a: npt.NDArray[np.int64], b: npt.NDArray[np.int64], intervals: Sequence[Interval]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """For slots ``a[k]..b[k]``: seconds outside one participant's working intervals, and the
    gap to the nearest working interval (0 when they overlap). Intervals are sorted and
    disjoint, so both come from binary searches over the interval ends (no Python loop)."""
    import numpy as np

    if not intervals:
        outside = b - a
        return outside, np.full_like(a, 10 * 86_400)
    s = np.array([int(i.start.timestamp()) for i in intervals], dtype=np.int64)
    e = np.array([int(i.end.timestamp()) for i in intervals], dtype=np.int64)
    before = np.concatenate(([0], np.cumsum(e - s)))  # working seconds before interval k

    def covered_until(t: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        k = np.searchsorted(s, t, side="right") - 1
        inside = np.clip(t - s[np.maximum(k, 0)], 0, (e - s)[np.maximum(k, 0)])
        return np.where(k >= 0, before[np.maximum(k, 0)] + inside, 0)

    outside = (b - a) - (covered_until(b) - covered_until(a))
    nxt = np.searchsorted(e, a, side="right")  # first interval ending after the slot starts
    has_next = nxt < len(s)
    next_start = s[np.minimum(nxt, len(s) - 1)]
    overlaps = has_next & (next_start < b)
    gap_after = np.where(has_next, next_start - b, np.iinfo(np.int64).max)
    gap_before = np.where(nxt > 0, a - e[np.maximum(nxt - 1, 0)], np.iinfo(np.int64).max)
    distance = np.where(overlaps, 0, np.minimum(gap_after, gap_before))
    return outside, distance


def least_bad_slots(
    participants: Sequence[Participant],
    first_day: date,
    last_day: date,
    duration: timedelta,
    limit: int = 5,
) -> list[Candidate]:
    """When no common window exists: the slots that leave the fewest people (then the fewest
    minutes, then the least distance) outside their hours, every half hour of the organiser's
    days, non-overlapping. Scored for all candidates at once with numpy."""
    import numpy as np

    check_range(first_day, last_day, duration)
    lists = _everyone(participants, first_day, last_day)
    a = np.array(_candidate_starts(participants[0], first_day, last_day), dtype=np.int64)
    if a.size == 0:
        return []
    b = a + int(duration.total_seconds())
    outside = np.zeros((len(participants), a.size), dtype=np.int64)
    distance = np.zeros_like(outside)
    for row, intervals in enumerate(lists):
        outside[row], distance[row] = _badness(a, b, intervals)
    out_mask = outside > 0
    people = out_mask.sum(axis=0)
    minutes = outside.sum(axis=0) // 60
    far = np.where(out_mask, np.minimum(distance, 10 * 86_400), 0).sum(axis=0) // 60
    order = np.lexsort((a, far, minutes, people))  # last key sorts first
    chosen: list[Candidate] = []
    for k in order:
        if len(chosen) >= limit:
            break
        start = datetime.fromtimestamp(int(a[k]), UTC)
        end = datetime.fromtimestamp(int(b[k]), UTC)
        if all(end <= c.start or start >= c.end for c in chosen):
            names = tuple(
                p.name for p, out in zip(participants, out_mask[:, k], strict=True) if out
            )
            chosen.append(Candidate(start, end, names, int(minutes[k])))
    return sorted(chosen, key=lambda c: c.start)


def local_times(
    participants: Sequence[Participant], start: datetime, end: datetime
) -> list[LocalTime]:
    """The slot in each participant's own clock, and whether it sits inside their hours."""
    out: list[LocalTime] = []
    first = start.astimezone(UTC).date() - timedelta(days=_MARGIN_DAYS)
    last = end.astimezone(UTC).date() + timedelta(days=_MARGIN_DAYS)
    for participant in participants:
        tz = zone(participant.zone)
        missing = _minutes_outside(start, end, working_intervals(participant, first, last))
        out.append(
            LocalTime(
                participant.name,
                participant.zone,
                start.astimezone(tz),
                end.astimezone(tz),
                missing == 0,
                missing,
            )
        )
    return out


@cache
def _zone_countries() -> dict[str, str]:
    """IANA zone → ISO country from tzdata's ``zone.tab`` (the zone a country's people use)."""
    from importlib import resources

    text = resources.files("tzdata").joinpath("zoneinfo/zone.tab").read_text("utf-8")
    out: dict[str, str] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            parts = line.split("\t")
            if len(parts) >= 3:
                out[parts[2]] = parts[0]
    return out


def zone_country(name: str) -> str | None:
    """The country a zone belongs to (``Asia/Seoul`` → ``KR``), ``None`` for ``UTC`` and such."""
    return _zone_countries().get(name)


def published_holidays(country: str, first_day: date, last_day: date) -> dict[date, str]:
    """A country's public holidays as published by the ``holidays`` package (loaded lazily: it
    is big and only the CLI's ``--holidays`` and the seeding of the holiday table need it)."""
    import holidays

    code = country.strip().upper()
    try:
        calendar = holidays.country_holidays(
            code, years=range(first_day.year, last_day.year + 1), language="en_US"
        )
    except NotImplementedError:
        raise SchedulingInputError("holidays", MSG_UNKNOWN_COUNTRY, country=country) from None
    return {d: str(name) for d, name in sorted(calendar.items()) if first_day <= d <= last_day}


def utc_text(instant: datetime) -> str:
    """``2027-03-22T08:00:00Z``: the JSON form of an instant (seconds, always UTC, ``Z``)."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def slots_document(windows: Sequence[Window]) -> dict[str, list[dict[str, str]]]:
    """The CLI's ``--json`` (and the API's) shape: exactly ``{"slots": [{start_utc, end_utc}]}``."""
    slots = [{"start_utc": utc_text(w.start), "end_utc": utc_text(w.end)} for w in windows]
    return {"slots": slots}


HolidayCalendar = Callable[[str, date, date], Iterable[date]]


def _published_days(country: str, first_day: date, last_day: date) -> Iterable[date]:
    return published_holidays(country, first_day, last_day).keys()


def with_holidays(
    participants: Sequence[Participant],
    countries: Sequence[str],
    first_day: date,
    last_day: date,
    calendar: HolidayCalendar = _published_days,
) -> list[Participant]:
    """Give each participant the holidays of the named countries their zone is in (``KR``
    reaches ``Asia/Seoul``); a country no participant's zone is in applies to everyone, so
    ``--holidays KR`` still means something for a ``UTC`` participant. ``calendar`` gives a
    country's days off (the published ones by default; the service passes the edited table)."""
    margin = timedelta(days=_MARGIN_DAYS)
    calendars = {
        code.strip().upper(): frozenset(calendar(code, first_day - margin, last_day + margin))
        for code in countries
    }
    zones = {p.zone: zone_country(p.zone) for p in participants}
    out: list[Participant] = []
    for participant in participants:
        days: set[date] = set(participant.holidays)
        for code, holiday_days in calendars.items():
            if zones[participant.zone] == code or code not in zones.values():
                days |= holiday_days
        out.append(
            Participant(participant.name, participant.zone, participant.hours, frozenset(days))
        )
    return out
