"""Scheduling's part of the isolation sweep (tests/core/test_partner_isolation.py): a holiday
row for ``{holiday_id}`` and sample bodies for the scheduling API's JSON models."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import Engine, select
from tests.conftest import World

from cofab.db.session import unit_of_work
from cofab.governance.scheduling_models import Holiday

SCHEDULING_SAMPLE_BODIES: dict[str, dict[str, Any]] = {
    "SlotRequest": {"tz": ["Asia/Seoul"], "from": "2027-03-22", "to": "2027-03-23"},
    "HoursIn": {"hours": "06:00-07:00", "timezone": "Asia/Seoul"},
    "HolidayIn": {"country": "KR", "day": "2027-03-24", "name": "hijacked"},
    "HolidaySeed": {"country": "KR", "years": [2027]},
}


def _holiday(world: World, engine: Engine) -> int:
    """Holidays belong to no partner: the sweep checks a partner user cannot delete one."""
    with unit_of_work(engine) as session:
        found = session.scalar(select(Holiday.id).where(Holiday.country == "KR"))
        if found is not None:
            return found
        row = Holiday(country="KR", day=date(2027, 3, 1), name="Independence Movement Day")
        session.add(row)
        session.flush()
        return row.id


def isolation_resolvers(world: World, engine: Engine) -> dict[str, Callable[[World, Engine], int]]:
    return {"holiday_id": _holiday}
