"""Slot finder speed: cofab's interval engine vs a minute-by-minute reference.

The reference marks every UTC minute of the range in which each participant is inside working
hours (one boolean array per participant, built from the same zoneinfo local days) and reads
the common windows and the least-bad slots off those arrays. It is obviously right and slow;
the engine must give the same answers much faster.

    python bench/slots.py            # a year, 8 zones
    python bench/slots.py --quick    # a quarter, 4 zones
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

import numpy as np
from rich.console import Console
from rich.table import Table

from cofab.governance.scheduling import (
    LEAST_BAD_STEP,
    Participant,
    common_windows,
    least_bad_slots,
    working_intervals,
    zone,
)

ZONES = (
    "Asia/Seoul",
    "Europe/Berlin",
    "America/New_York",
    "Pacific/Auckland",
    "Asia/Kolkata",
    "America/Los_Angeles",
    "Europe/London",
    "Asia/Shanghai",
)
T = TypeVar("T")


def timed(work: Callable[[], T]) -> tuple[T, float]:
    began = time.perf_counter()
    result = work()
    return result, time.perf_counter() - began


def minute_grid(
    people: Sequence[Participant], first: date, last: date
) -> tuple[datetime, np.ndarray]:
    """inside[p, m]: participant p works in minute m (from two days before ``first``)."""
    origin = datetime.combine(first - timedelta(days=2), datetime.min.time(), UTC)
    minutes = (last - first).days * 1440 + 5 * 1440
    inside = np.zeros((len(people), minutes), dtype=bool)
    for row, person in enumerate(people):
        for interval in working_intervals(
            person, first - timedelta(days=2), last + timedelta(days=2)
        ):
            a = int((interval.start - origin).total_seconds() // 60)
            b = int((interval.end - origin).total_seconds() // 60)
            inside[row, max(a, 0) : max(min(b, minutes), 0)] = True
    return origin, inside


def reference_windows(
    people: Sequence[Participant], first: date, last: date, length: int
) -> list[tuple[datetime, datetime]]:
    """Runs of minutes where everyone works, cut at the organiser's working-day boundaries."""
    origin, inside = minute_grid(people, first, last)
    out: list[tuple[datetime, datetime]] = []
    for day_interval in working_intervals(people[0], first, last):
        a = int((day_interval.start - origin).total_seconds() // 60)
        b = int((day_interval.end - origin).total_seconds() // 60)
        everyone = inside[:, a:b].all(axis=0)
        padded = np.concatenate(([False], everyone, [False]))
        edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
        for start, stop in zip(edges[::2], edges[1::2], strict=True):
            if stop - start >= length:
                out.append(
                    (
                        origin + timedelta(minutes=int(a + start)),
                        origin + timedelta(minutes=int(a + stop)),
                    )
                )
    return out


def reference_least_bad_counts(
    people: Sequence[Participant], first: date, last: date, length: int
) -> int:
    """The fewest people outside for any half-hour-aligned slot of the organiser's days."""
    origin, inside = minute_grid(people, first, last)
    tz = zone(people[0].zone)
    begin = datetime.combine(first, datetime.min.time(), tz).astimezone(UTC)
    finish = datetime.combine(last + timedelta(days=1), datetime.min.time(), tz).astimezone(UTC)
    step = int(LEAST_BAD_STEP.total_seconds() // 60)
    a0 = int((begin - origin).total_seconds() // 60)
    a1 = int((finish - origin).total_seconds() // 60)
    best = len(people)
    for a in range(a0, a1, step):
        out = int((~inside[:, a : a + length].all(axis=1)).sum())
        best = min(best, out)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a quarter and four zones")
    args = parser.parse_args()
    zones = ZONES[:4] if args.quick else ZONES
    first = date(2027, 1, 4)
    last = date(2027, 3, 31) if args.quick else date(2027, 12, 31)
    people = [Participant(z, z) for z in zones]
    pair = people[:2]
    hour = timedelta(hours=1)

    windows, t_windows = timed(lambda: common_windows(pair, first, last, hour))
    ref_windows, t_ref_windows = timed(lambda: reference_windows(pair, first, last, 60))
    same_windows = [(w.start, w.end) for w in windows] == ref_windows
    worst, t_worst = timed(lambda: least_bad_slots(people, first, last, hour))
    ref_fewest, t_ref_worst = timed(lambda: reference_least_bad_counts(people, first, last, 60))
    same_fewest = bool(worst) and len(worst[0].outside) >= ref_fewest
    same_fewest = same_fewest and min(len(c.outside) for c in worst) == ref_fewest

    table = Table(title=f"slot finder, {first} – {last}, {len(zones)} zones")
    for column in ("task", "cofab (s)", "reference (s)", "ratio", "same answer"):
        table.add_column(column)
    table.add_row(
        f"common windows, {pair[0].zone} + {pair[1].zone}",
        f"{t_windows:.4f}",
        f"{t_ref_windows:.4f}",
        f"{t_ref_windows / max(t_windows, 1e-9):.0f}×",
        f"{same_windows} ({len(windows)} windows)",
    )
    table.add_row(
        f"least-bad slots, {len(zones)} zones",
        f"{t_worst:.4f}",
        f"{t_ref_worst:.4f}",
        f"{t_ref_worst / max(t_worst, 1e-9):.0f}×",
        f"{same_fewest} (fewest outside: {ref_fewest})",
    )
    Console().print(table)


if __name__ == "__main__":
    main()
