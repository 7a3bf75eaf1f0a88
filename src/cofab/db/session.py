"""Engine and the one unit-of-work helper used by requests, CLI commands and jobs alike.

Services only ``flush()``; whoever opened the unit of work commits it, so a business rule never
commits behind its caller's back and an import lands whole or not at all.

Concurrency, SQLite: many readers and one writer at a time (WAL). A transaction that begins
as a reader (``BEGIN`` / DEFERRED) and writes later has to upgrade its lock; when another
writer committed since its snapshot was taken, SQLite refuses at once with SQLITE_BUSY
("database is locked") without waiting in the busy handler, because the snapshot is stale.
So a unit of work says up front whether it writes: writers begin with ``BEGIN IMMEDIATE``,
which takes the write lock when the first statement runs and does wait (``busy_timeout``) for
the current writer; readers stay DEFERRED and never wait (WAL readers see their snapshot).
pysqlite would emit its own deferred BEGIN before the first DML, so the driver runs in
autocommit mode and SQLAlchemy's "begin" event emits ours (SQLAlchemy's documented recipe;
Python 3.12's ``sqlite3.Connection.autocommit`` would do the same, we run on 3.11).

Concurrency, PostgreSQL: see ``POOL_SIZE``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger("cofab.db")

# Execution option that marks a connection's transactions as writers (BEGIN IMMEDIATE on SQLite).
WRITE_OPTION = "cofab_write"
_WROTE = "cofab_wrote"  # connection.info: this deferred transaction has already written
_WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLACE")

# Connections per app process. A request holds its connection from its first statement until
# its response is committed, also while it waits for one of anyio's 40 worker threads
# (FastAPI's threadpool for sync routes and dependencies). Up to 40 requests run statements at
# once; the KPI fan-out borrows at most ``kpi_fanout.MAX_HELPERS_PER_PROCESS`` (4) more beside
# its request's connection, and the audit sealer one. So 46 connections per process never make
# a thread that holds a connection wait for another one (the way a pool deadlocks); 20 stay
# open, 26 more open under bursts. PostgreSQL: with N processes that is 46 * N at most: 2
# processes (the recommendation for 2 cores) use 92 of the default max_connections=100; more
# processes need PgBouncer in transaction mode. SQLite connections are cheap and use the same.
POOL_SIZE = 20
MAX_OVERFLOW = 26
# A request that still finds no free connection after this long answers 503 instead of hanging.
POOL_TIMEOUT_S = 10


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (_sqlite_begin)


def _sqlite_begin(conn: Connection) -> None:
    driver = conn.connection.driver_connection
    if driver is not None and driver.isolation_level is not None:
        driver.isolation_level = None  # pooled before this engine was prepared
    writer = bool(conn.get_execution_options().get(WRITE_OPTION))
    conn.info[_WROTE] = False
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")


def _sqlite_track_writes(
    conn: Connection, _cursor: Any, statement: str, *_args: Any, **_kwargs: Any
) -> None:
    if not conn.info.get(_WROTE) and statement.lstrip()[:7].upper().startswith(_WRITE_VERBS):
        conn.info[_WROTE] = True


def prepare_engine(engine: Engine) -> Engine:
    """Install cofab's transaction control on an engine (idempotent; make_engine does it).

    Engines built elsewhere (tests) get it on their first unit of work, so every path that
    opens a unit of work behaves the same.
    """
    if engine.dialect.name == "sqlite" and not event.contains(engine, "begin", _sqlite_begin):
        event.listen(engine, "begin", _sqlite_begin)
        event.listen(engine, "before_cursor_execute", _sqlite_track_writes)
    return engine


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        in_memory = url in ("sqlite://", "sqlite:///:memory:") or "mode=memory" in url
        pooling = (
            {}
            if in_memory  # one shared connection (SingletonThreadPool): no pool to size
            else {
                "pool_size": POOL_SIZE,
                "max_overflow": MAX_OVERFLOW,
                "pool_timeout": POOL_TIMEOUT_S,
            }
        )
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **pooling
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return prepare_engine(engine)
    engine = create_engine(
        url, pool_size=POOL_SIZE, max_overflow=MAX_OVERFLOW, pool_timeout=POOL_TIMEOUT_S
    )
    event.listen(engine, "checkin", _note_checkin)
    event.listen(engine, "checkout", _idle_ping(engine.dialect))
    return engine


# A pooled connection idle longer than this is pinged before a request gets it. SQLAlchemy's
# ``pool_pre_ping`` pings on every checkout: one more round trip and statement per request
# (measured with bench/load.py), while a connection handed back milliseconds ago by a busy
# server is as alive as the database. Idle ones (after a quiet night, a failover, a
# PostgreSQL restart) are still checked, so a dead socket never reaches a request.
IDLE_PING_AFTER_S = 5.0
_CHECKED_IN_AT = "cofab_checked_in_at"


def _note_checkin(_dbapi_connection: Any, record: Any) -> None:
    if record is not None:
        record.info[_CHECKED_IN_AT] = time.monotonic()


def _idle_ping(dialect: Any) -> Callable[[Any, Any, Any], None]:
    def ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        """Raising DisconnectionError makes the pool drop this connection and check out
        another (SQLAlchemy's documented pessimistic-disconnect recipe), up to three tries."""
        since = record.info.get(_CHECKED_IN_AT)
        if since is None or time.monotonic() - since < IDLE_PING_AFTER_S:
            return  # fresh from connect(), or back from a request moments ago
        try:
            alive = dialect.do_ping(dbapi_connection)
        except Exception as error:  # any failure means "not usable"
            raise DisconnectionError(str(error)) from error
        if not alive:
            raise DisconnectionError("ping failed")

    return ping_if_idle


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    return make_engine(url)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=prepare_engine(engine), expire_on_commit=False, autoflush=True)


@lru_cache(maxsize=32)
def _writer(engine: Engine) -> Engine:
    # The same pool and events; only the execution option differs.
    return engine.execution_options(**{WRITE_OPTION: True})


def _root(bind: Engine) -> Engine:
    root = getattr(bind, "_proxied", bind)  # an OptionEngine shares its root's pool and events
    return root if isinstance(root, Engine) else bind


def begin_writing(session: Session) -> None:
    """Declare that this unit of work writes, before it does.

    For a unit of work that began as a reader (a GET whose read is audited, say). On SQLite,
    when the session's deferred transaction has only read so far, that transaction ends here
    (nothing to lose: no writes; loaded objects stay, ``expire_on_commit=False``) and the next
    statement begins ``BEGIN IMMEDIATE``. A transaction that already wrote holds the write
    lock anyway and goes on. On PostgreSQL nothing changes: row locks need no declaration.
    """
    if session.info.get(WRITE_OPTION):
        return
    session.info[WRITE_OPTION] = True
    bind = session.get_bind()
    if not isinstance(bind, Engine) or bind.dialect.name != "sqlite":
        return
    if session.in_transaction():
        if _has_written(session):
            return  # it holds the write lock already, or its pending changes flush in it
        session.commit()
    session.bind = _writer(_root(bind))


AFTER_KEY = "cofab_after"  # session.info: writes to run once the unit of work has ended
AfterWrite = Callable[[Session], None]


def after_unit_of_work(session: Session, write: AfterWrite, *, required: bool = False) -> None:
    """Run ``write`` in a short unit of work of its own once ``session``'s has ended, whether it
    committed or rolled back (a login failure that must outlive the request's rollback, a
    token's last use, the audit entry of a read).

    It runs after the session has given its connection back. A write beside a live unit of
    work would need a second connection while holding the first: with every pooled connection
    held by a request waiting for its second one, the pool deadlocks (seen with 50 clients);
    on SQLite it would also wait for its own caller's write lock. A ``required`` write that
    fails raises from the unit of work's end (a request then answers 503 before anything is
    sent); any other is logged and dropped: the caller's answer does not depend on it.
    """
    session.info.setdefault(AFTER_KEY, []).append((write, required))


def take_after_writes(session: Session) -> list[tuple[AfterWrite, bool]]:
    """The deferred writes, for a caller that runs them itself (``run_after``)."""
    return list(session.info.pop(AFTER_KEY, []))


def is_reading(session: Session) -> bool:
    """True while the session's unit of work is a reader that has written nothing."""
    if session.info.get(WRITE_OPTION) or session.new or session.dirty or session.deleted:
        return False
    return not (session.in_transaction() and session.connection().info.get(_WROTE))


def run_after(engine: Engine, writes: list[tuple[AfterWrite, bool]]) -> None:
    for write, required in writes:
        try:
            with unit_of_work(engine) as side:
                write(side)
        except OperationalError as exc:
            if required:
                raise
            log.warning("a deferred write was dropped (database busy: %s)", type(exc).__name__)


@contextmanager
def unit_of_work(engine: Engine, *, write: bool = True) -> Iterator[Session]:
    """Commit on success, roll back on any error.

    ``write=False`` for a unit of work that only reads: on SQLite it never waits for the
    writer. The default is a writer because CLI commands and jobs mostly write; a reader
    that turns out to write calls ``begin_writing`` first.
    """
    root = prepare_engine(_root(engine))
    session = Session(bind=_writer(root) if write else engine, expire_on_commit=False)
    session.info[WRITE_OPTION] = write
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        after: list[tuple[AfterWrite, bool]] = session.info.pop(AFTER_KEY, [])
        session.close()
        run_after(root, after)


def _has_written(session: Session) -> bool:
    pending = bool(session.new or session.dirty or session.deleted)
    return pending or bool(session.connection().info.get(_WROTE))
