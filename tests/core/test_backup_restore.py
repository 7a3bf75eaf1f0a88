"""``cofab backup`` then ``cofab restore`` into an empty install gives back the same install.

The source is the test database (SQLite, or PostgreSQL in the test schema) with partners, users,
a vault document whose file is encrypted in the data folder, audit entries and a signed audit
checkpoint. The target is a fresh SQLite file, or a PostgreSQL database created for the test and
dropped afterwards. Both are driven through the real command line.
"""

from __future__ import annotations

import os
import secrets
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from tests.conftest import World
from typer.testing import CliRunner

from cofab.config import Settings, get_settings
from cofab.maintenance.backup import table_counts
from cofab.vault.documents import vault_store


def _url_of(engine: Engine) -> str:
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name != "postgresql":
        return url
    with engine.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    return f"{url}?options=-csearch_path%3D{schema}"


def _schema_of(url: str) -> str | None:
    options = make_url(url).query.get("options")
    return str(options).split("=", 1)[1] if options else None


def cofab(url: str, data_dir: Path, *args: str) -> tuple[int, str]:
    from cofab.cli import app

    get_settings.cache_clear()
    env = {"COFAB_DATABASE_URL": url, "COFAB_DATA_DIR": str(data_dir), "COFAB_LANG": "en"}
    try:
        result = CliRunner().invoke(app, list(args), env=env)
    finally:
        get_settings.cache_clear()
    return result.exit_code, " ".join(result.output.split())  # Rich wraps long lines at 80


@pytest.fixture
def empty_target(engine: Engine, tmp_path: Path) -> Iterator[str]:
    """A database URL with nothing in it yet, of the same kind as the test database."""
    if engine.dialect.name == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored' / 'cofab.db'}"
        return
    name = f"cofab_restore_{secrets.token_hex(4)}"
    admin_url = engine.url.set(database="postgres")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    schema = _schema_of(_url_of(engine))
    target = engine.url.set(database=name).render_as_string(hide_password=False)
    try:
        yield f"{target}?options=-csearch_path%3D{schema}"
    finally:
        from cofab.db.session import engine_for

        engine_for(f"{target}?options=-csearch_path%3D{schema}").dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _fill(engine: Engine, world: World, data_dir: Path) -> None:
    from tests.vault.vault_factories import make_document, upload

    from cofab.db.session import unit_of_work

    store = vault_store(Settings(data_dir=data_dir))
    with unit_of_work(engine) as session:
        document = make_document(session, title="Backed-up drawing")
        upload(session, store, document.id, b"geometry that must survive a restore" * 100)


def test_backup_then_restore_into_an_empty_install_gives_back_everything(
    engine: Engine, world: World, tmp_path: Path, empty_target: str
) -> None:
    source_url, source_data = _url_of(engine), tmp_path / "source-data"
    _fill(engine, world, source_data)
    code, output = cofab(source_url, source_data, "audit", "checkpoint")
    assert code == 0, output
    archive = tmp_path / "cofab-backup.tar"
    code, output = cofab(source_url, source_data, "backup", str(archive))
    assert code == 0, output
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names
    assert any(n.startswith("data/") and n.endswith("audit-checkpoints.jsonl") for n in names)
    assert sum(n.startswith("data/vault") for n in names) >= 1

    target_data = tmp_path / "restored-data"
    code, output = cofab(empty_target, target_data, "restore", str(archive))
    assert code == 0, output
    assert "all match the backup" in output
    for command in (("audit", "verify"), ("vault", "verify")):
        code, output = cofab(empty_target, target_data, *command)
        assert code == 0, f"{command}: {output}"

    target = create_engine(empty_target)
    schema = _schema_of(empty_target)
    try:
        with engine.connect() as a, target.connect() as b:
            before, after = table_counts(a, schema), table_counts(b, schema)
    finally:
        target.dispose()
    assert after == before
    assert before["partners"] == 2 and before["vault_versions"] == 1 and before["audit_log"] > 5

    # A second restore into what is now a full install is refused with one line.
    code, output = cofab(empty_target, target_data, "restore", str(archive))
    assert code == 1
    assert output.startswith("error: Restore needs an empty install")


def test_restore_refuses_a_damaged_archive_and_leaves_the_target_empty(
    engine: Engine, world: World, tmp_path: Path, empty_target: str
) -> None:
    source_url, source_data = _url_of(engine), tmp_path / "source-data"
    _fill(engine, world, source_data)
    archive = tmp_path / "cofab-backup.tar"
    assert cofab(source_url, source_data, "backup", str(archive))[0] == 0
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as tar, tarfile.open(damaged, "w") as out:
        for member in tar.getmembers():
            data = tar.extractfile(member)
            payload = data.read() if data else b""
            if member.name.startswith("data/vault") and member.isfile():
                payload = bytes([payload[0] ^ 1]) + payload[1:]
            out.addfile(member, __import__("io").BytesIO(payload))
    target_data = tmp_path / "restored-data"
    code, output = cofab(empty_target, target_data, "restore", str(damaged))
    assert code == 1 and "does not match its checksum" in output
    assert not target_data.exists() or not any(target_data.iterdir())
    code, output = cofab(empty_target, target_data, "restore", str(tmp_path / "missing.tar"))
    assert code == 1 and "File not found" in output


def test_backup_needs_a_file_name_not_a_folder(engine: Engine, tmp_path: Path) -> None:
    code, output = cofab(_url_of(engine), tmp_path / "data", "backup", str(tmp_path))
    assert code == 1 and "is a folder" in output
    assert os.listdir(tmp_path) == []
