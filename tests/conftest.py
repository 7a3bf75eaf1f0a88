"""Shared fixtures: a real database (SQLite file, or PostgreSQL when COFAB_TEST_DATABASE_URL is
set, in a schema of its own that is dropped afterwards), a real HTTP server running the app, and
factories that go through the services like users do."""

from __future__ import annotations

import os
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import uvicorn
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session

from cofab.config import Settings
from cofab.db.migrate import upgrade
from cofab.db.session import _sqlite_pragmas, unit_of_work
from cofab.domains import load_all_models

PASSWORD = "correct-horse-battery"


def _make_test_engine(tmp_root: Path) -> tuple[Engine, str | None]:
    url = os.environ.get("COFAB_TEST_DATABASE_URL")
    if not url:
        engine = create_engine(
            f"sqlite:///{tmp_root / 'test.db'}", connect_args={"check_same_thread": False}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine, None
    schema = f"cofab_test_{secrets.token_hex(4)}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    engine = create_engine(
        url, connect_args={"options": f"-csearch_path={schema}"}, pool_size=10, max_overflow=20
    )
    return engine, schema


def drop_test_schema(schema: str | None) -> None:
    """Drop the PostgreSQL schema :func:`_make_test_engine` made (SQLite: ``None``, nothing)."""
    if schema:
        admin = create_engine(os.environ["COFAB_TEST_DATABASE_URL"])
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    root = tmp_path_factory.mktemp("db")
    eng, schema = _make_test_engine(root)
    upgrade(eng)
    yield eng
    eng.dispose()
    drop_test_schema(schema)


@pytest.fixture(autouse=True)
def clean_db(request: pytest.FixtureRequest) -> Iterator[None]:
    """Empty every table after each test that touched the database."""
    yield
    if "engine" not in request.fixturenames:
        return
    eng: Engine = request.getfixturevalue("engine")
    metadata = load_all_models()
    with eng.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[Engine]:
    """An empty database of the run's kind (a schema of its own on PostgreSQL), for migration
    tests that stop at an older revision, store rows the way it did and upgrade."""
    engine, schema = _make_test_engine(tmp_path)
    yield engine
    engine.dispose()
    drop_test_schema(schema)


def filled_row(table: sa.Table, **given: Any) -> dict[str, Any]:
    """Given values plus a filler for every other NOT NULL column without a default (a table
    reflected at an older revision, whose model no longer matches)."""
    values: dict[str, Any] = {}
    for column in table.columns:
        if column.name in given or column.nullable or column.primary_key:
            continue
        kind = column.type
        if isinstance(kind, sa.Boolean):
            values[column.name] = False
        elif isinstance(kind, sa.Integer | sa.Numeric | sa.Float):
            values[column.name] = 1
        elif isinstance(kind, sa.DateTime):
            values[column.name] = sa.func.current_timestamp()
        elif isinstance(kind, sa.JSON):
            values[column.name] = []
        else:
            values[column.name] = "x"
    return values | given


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data = tmp_path_factory.mktemp("data")
    return Settings(
        database_url="sqlite://",
        data_dir=data,
        secret_key="test-secret-key-" + "x" * 32,
        login_max_failures=5,
        login_lock_minutes=15,
    )


@pytest.fixture(scope="session")
def app(settings: Settings, engine: Engine):  # type: ignore[no-untyped-def]
    from cofab.app import create_app

    return create_app(settings, engine=engine)


_MISSING = object()


@pytest.fixture
def set_app_state(app):  # type: ignore[no-untyped-def]
    """Replace an attribute of the (session-wide) app's state for one test, then put it back.

    Not ``monkeypatch.setattr``: Starlette's ``State`` keeps attributes outside ``__dict__``, and
    pytest 9.2's undo deletes such attributes instead of restoring them, which stripped
    ``app.state.settings`` from every later test of the session.
    """
    saved: list[tuple[str, object]] = []

    def set_(name: str, value: object) -> None:
        saved.append((name, getattr(app.state, name, _MISSING)))
        setattr(app.state, name, value)

    yield set_
    for name, old in reversed(saved):
        if old is _MISSING:
            delattr(app.state, name)
        else:
            setattr(app.state, name, old)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def base_url(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app served by uvicorn on a real socket, so tests speak real HTTP."""
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    with unit_of_work(engine) as session:
        yield session


@dataclass
class World:
    """Two partner companies with a site, capability, certificate and contact each, plus users."""

    partner_a: int
    partner_b: int
    ids: dict[str, dict[str, int]]
    users: dict[str, str]


def make_partner(session: Session, name: str, country: str = "VN", types: list[str] | None = None):  # type: ignore[no-untyped-def]
    from cofab.core.access import SYSTEM_ACTOR
    from cofab.partners import schemas, service

    return service.create_partner(
        session,
        actor=SYSTEM_ACTOR,
        data=schemas.PartnerCreate(
            name_ko=f"{name} 코리아",
            name_en=name,
            types=types or ["contract_manufacturer"],
            form="vertical",
            country=country,
            external_ref=f"REF-{name}",
        ),
    )


def make_user(session: Session, email: str, role: str, partner_id: int | None = None) -> None:
    from cofab.accounts import service

    service.create_user(
        session,
        actor=None,
        email=email,
        password=PASSWORD,
        display_name=email,
        role=role,
        partner_id=partner_id,
    )


@pytest.fixture
def world(engine: Engine) -> World:
    from datetime import date, timedelta

    from cofab.core.access import SYSTEM_ACTOR
    from cofab.partners import service
    from cofab.partners.models import Capability, Certification, Contact, Site

    ids: dict[str, dict[str, int]] = {"a": {}, "b": {}}
    with unit_of_work(engine) as session:
        for key, name, country in (("a", "Alpha Assembly", "VN"), ("b", "Bravo Bioworks", "KR")):
            partner = make_partner(session, name, country)
            ids[key]["partner_id"] = partner.id
            site = service.add_child(
                session,
                actor=SYSTEM_ACTOR,
                model=Site,
                partner_id=partner.id,
                values={
                    "name": f"{name} Site",
                    "country": country,
                    "timezone": "UTC",
                    "external_ref": f"SITE-{key}",
                },
            )
            ids[key]["site_id"] = site.id
            ids[key]["capability_id"] = service.add_child(
                session,
                actor=SYSTEM_ACTOR,
                model=Capability,
                partner_id=partner.id,
                site_id=site.id,
                values={
                    "process": f"{name} process",
                    "product_families": ["F1"],
                    "capacity": 100,
                    "capacity_unit": "units",
                    "capacity_period": "month",
                },
            ).id
            ids[key]["certification_id"] = service.add_child(
                session,
                actor=SYSTEM_ACTOR,
                model=Certification,
                partner_id=partner.id,
                values={
                    "standard": "ISO 9001",
                    "number": f"CERT-{key}",
                    "valid_from": date.today(),
                    "valid_to": date.today() + timedelta(days=30),
                },
            ).id
            ids[key]["contact_id"] = service.add_child(
                session,
                actor=SYSTEM_ACTOR,
                model=Contact,
                partner_id=partner.id,
                values={"name": f"{name} Contact"},
            ).id
        users = {
            "admin": "admin@owner.test",
            "manager": "manager@owner.test",
            "quality": "quality@owner.test",
            "viewer": "viewer@owner.test",
            "partner_a": "user@alpha.test",
            "partner_b": "user@bravo.test",
        }
        for role in ("admin", "manager", "quality", "viewer"):
            make_user(session, users[role], role)
        make_user(session, users["partner_a"], "partner", ids["a"]["partner_id"])
        make_user(session, users["partner_b"], "partner", ids["b"]["partner_id"])
    return World(ids["a"]["partner_id"], ids["b"]["partner_id"], ids, users)


def token_for(engine: Engine, email: str) -> str:
    from sqlalchemy import select

    from cofab.accounts import service
    from cofab.accounts.models import User

    with unit_of_work(engine) as session:
        user = session.execute(select(User).where(User.email == email)).scalar_one()
        return service.create_token(session, actor=service.actor_for(user), name="test").secret


@pytest.fixture
def api(base_url: str, engine: Engine):  # type: ignore[no-untyped-def]
    """``api(email)`` → an httpx client authenticated with a fresh personal API token."""
    clients: list[httpx.Client] = []

    def make(email: str, locale: str = "en") -> httpx.Client:
        client = httpx.Client(
            base_url=base_url,
            headers={
                "Authorization": f"Bearer {token_for(engine, email)}",
                "Accept-Language": locale,
            },
            timeout=30,
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def login(base_url: str, email: str, password: str = PASSWORD) -> httpx.Client:
    """A browser-like client: GET the login form for its CSRF token, then POST it."""
    import re

    client = httpx.Client(base_url=base_url, timeout=30, follow_redirects=False)
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, "login page has no CSRF token"
    response = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token.group(1), "next": "/"},
    )
    assert response.status_code == 303, response.text[:500]
    return client


def csrf_of(client: httpx.Client, path: str = "/account") -> str:
    import re

    page = client.get(path)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match
    return match.group(1)


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing() -> Iterator[None]:
    """Still argon2id, with the smallest cost: hashing speed is not what these tests check."""
    from argon2 import PasswordHasher

    from cofab.core import security

    original = security._hasher
    security._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    yield
    security._hasher = original


def sealed_chain_is_sound(engine: Engine, key_dir: Path) -> bool:
    """Seal every committed audit entry (with a key of the test's own) and check the whole
    chain with its seals: entries are chained by the sealer after commit, so checking before
    sealing would pass on an empty chain."""
    from cofab.core import audit_keys
    from cofab.core.audit import verify_chain
    from cofab.core.audit_sealer import seal_pending

    seal_pending(engine, key_dir)
    with unit_of_work(engine, write=False) as session:
        report = verify_chain(session, seal_key=audit_keys.seal_key(key_dir))
    return report.ok and report.checked > 0
