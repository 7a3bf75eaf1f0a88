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

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

# Execution option that marks a connection's transactions as writers (BEGIN IMMEDIATE on SQLite).
WRITE_OPTION = "cofab_write"
_WROTE = "cofab_wrote"  # connection.info: this deferred transaction has already written
_WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLACE")

# PostgreSQL connections per app process. A request holds its connection from its first
# statement until its response is committed, also while it waits for one of anyio's 40 worker
# threads (FastAPI's threadpool for sync routes and dependencies). Up to 40 requests run
# statements at once, so 40 connections per process never make a thread wait for a
# connection while a connection waits for a thread; 20 stay open, 20 more open under bursts.
# With N processes that is 40 * N at most: 2 processes (the recommendation for 2 cores) use
# 80 of PostgreSQL's default max_connections=100. More processes need a smaller pool or
# PgBouncer in transaction mode.
POOL_SIZE = 20
MAX_OVERFLOW = 20
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
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return prepare_engine(engine)
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=POOL_SIZE,
        max_overflow=MAX_OVERFLOW,
        pool_timeout=POOL_TIMEOUT_S,
    )


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
        session.close()


@contextmanager
def side_unit_of_work(session: Session) -> Iterator[Session]:
    """A short writing unit of work beside ``session``'s, committed on its own (a login failure
    that must outlive the request's rollback, a token's last use).

    SQLite has one writer at a time, so a side writer would wait for its own caller when the
    caller's transaction holds the write lock (a POST's ``BEGIN IMMEDIATE``). A caller that has
    written nothing yet gives the lock back first (its transaction only read; loaded objects
    stay). A caller that has written keeps it, and the side work runs in a SAVEPOINT of the
    caller's transaction instead: it then commits, or not, with the caller.
    """
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    holds_lock = engine.dialect.name == "sqlite" and session.info.get(WRITE_OPTION)
    if holds_lock and session.in_transaction():
        if _has_written(session):
            with session.begin_nested():
                yield session
            return
        session.commit()
    with unit_of_work(engine) as side:
        yield side


def _has_written(session: Session) -> bool:
    pending = bool(session.new or session.dirty or session.deleted)
    return pending or bool(session.connection().info.get(_WROTE))
