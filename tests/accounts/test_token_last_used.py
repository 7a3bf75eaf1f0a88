"""An API token's last use is recorded at most once a minute, so reads stay reads."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, select, update
from tests.conftest import World

from cofab.accounts.models import ApiToken
from cofab.db.base import utcnow
from cofab.db.session import unit_of_work


def last_used(engine: Engine) -> list[object]:
    with unit_of_work(engine) as session:
        return list(session.execute(select(ApiToken.last_used_at)).scalars())


def test_token_use_is_written_once_a_minute_and_shown(world: World, api, engine: Engine) -> None:
    client = api(world.users["viewer"])
    assert last_used(engine) == [None]
    assert client.get("/api/v1/me").status_code == 200
    (first,) = last_used(engine)
    assert first is not None and abs((utcnow() - first).total_seconds()) < 30
    for _ in range(3):
        assert client.get("/api/v1/me").status_code == 200
    assert last_used(engine) == [first]  # within the minute: no write
    shown = client.get("/api/v1/me/tokens").json()
    assert [t["last_used_at"] is not None for t in shown] == [True]
    an_hour_ago = utcnow() - timedelta(hours=1)
    with engine.begin() as conn:
        conn.execute(update(ApiToken).values(last_used_at=an_hour_ago))
    assert client.get("/api/v1/me").status_code == 200
    (again,) = last_used(engine)
    assert again is not None and again > an_hour_ago + timedelta(minutes=59)
