"""The PostgreSQL pool pings only connections that sat idle (issue 11: one round trip less per
request), and still replaces a connection the server dropped while it was idle."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from cofab.db import session as db_session

URL = os.environ.get("COFAB_TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(
    not URL.startswith("postgresql"), reason="pings are the PostgreSQL pool's (SQLite has none)"
)


def _pings(engine, monkeypatch: pytest.MonkeyPatch) -> list[int]:  # type: ignore[no-untyped-def]
    calls: list[int] = []
    original = engine.dialect.do_ping

    def counting(dbapi_connection):  # type: ignore[no-untyped-def]
        calls.append(1)
        return original(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counting)
    return calls


def test_a_connection_back_moments_ago_is_not_pinged(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = db_session.make_engine(URL)
    try:
        pings = _pings(engine, monkeypatch)
        for _ in range(5):
            with engine.connect() as conn:
                assert conn.execute(text("SELECT 1")).scalar() == 1
        assert pings == []
    finally:
        engine.dispose()


def test_an_idle_connection_the_server_dropped_is_replaced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = db_session.make_engine(URL)
    try:
        with engine.connect() as victim, engine.connect() as killer:  # two pooled connections
            first_pid = victim.execute(text("SELECT pg_backend_pid()")).scalar()
            victim.rollback()
            killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first_pid})
            killer.commit()
        monkeypatch.setattr(db_session, "IDLE_PING_AFTER_S", 0.0)  # every checkout is "idle"
        pings = _pings(engine, monkeypatch)
        for _ in range(2):  # both pooled connections, one of them dead
            with engine.connect() as conn:
                assert conn.execute(text("SELECT pg_backend_pid()")).scalar() != first_pid
        assert pings  # the idle ones were checked
    finally:
        engine.dispose()
