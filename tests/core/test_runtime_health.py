"""/healthz says the process is up; /readyz says the database answers and its schema is current."""

from __future__ import annotations

import asyncio
from importlib import resources
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from cofab.config import Settings
from cofab.maintenance.health import expected_heads


def test_probes_answer_without_login_on_a_migrated_database(base_url: str) -> None:
    assert httpx.get(f"{base_url}/healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{base_url}/readyz")
    assert ready.status_code == 200
    assert set(ready.json()["heads"]) == set(expected_heads()) and expected_heads()


def _get(url: str, tmp_path: Path, path: str, **headers: str) -> httpx.Response:
    """One request to an app built on ``url`` (in process: no server needed to read a probe)."""
    from cofab.app import create_app

    settings = Settings(database_url=url, data_dir=tmp_path, secret_key="k" * 40)
    app: Any = create_app(settings, engine=create_engine(url))

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://probe") as client:
            return await client.get(path, headers=headers)

    return asyncio.run(call())


def test_readyz_is_503_while_migrations_are_pending(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    assert _get(url, tmp_path, "/healthz").status_code == 200
    response = _get(url, tmp_path, "/readyz", **{"Accept-Language": "ko"})
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "migrations_pending"
    assert "cofab db upgrade" in response.json()["title"]


def test_readyz_is_503_when_one_migration_is_missing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)"))
        conn.execute(text("INSERT INTO alembic_version VALUES ('0001_foundation')"))
    assert _get(url, tmp_path, "/readyz").json()["code"] == "migrations_pending"


def test_readyz_is_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"
    assert _get(url, tmp_path, "/healthz").status_code == 200
    response = _get(url, tmp_path, "/readyz")
    assert response.status_code == 503
    assert response.json()["code"] == "database_unreachable"


def test_expected_heads_agree_with_alembic() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(resources.files("cofab.db") / "migrations"))
    assert expected_heads() == frozenset(ScriptDirectory.from_config(config).get_heads())
