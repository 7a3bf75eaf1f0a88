"""``cofab vault rotate-master-key``: every data key re-wrapped, no file touched, all readable."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from tests.vault.vault_factories import make_document, upload
from typer.testing import CliRunner

from cofab.cli import app as cli_app
from cofab.config import Settings
from cofab.core.access import SYSTEM_ACTOR
from cofab.core.audit import AuditEntry
from cofab.db.session import unit_of_work
from cofab.vault import cli as vault_cli
from cofab.vault import rotation
from cofab.vault.crypto import wrapped_key_id
from cofab.vault.documents import VaultStore, vault_store
from cofab.vault.downloads import open_decrypted_verified
from cofab.vault.keys import Keyring, load_keyring
from cofab.vault.models import VaultVersion


@pytest.fixture
def vault_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.delenv("COFAB_MASTER_KEY", raising=False)
    monkeypatch.delenv("COFAB_MASTER_KEY_PREVIOUS", raising=False)
    return Settings(data_dir=tmp_path / "data", database_url="sqlite://")


def seed(engine: Engine, store: VaultStore, count: int = 4) -> dict[int, bytes]:
    contents: dict[int, bytes] = {}
    with unit_of_work(engine) as session:
        for index in range(count):
            document = make_document(session, title=f"Drawing {index}")
            content = os.urandom(1000 * (index + 1)) + f"rev {index}".encode()
            contents[upload(session, store, document.id, content).id] = content
    return contents


def read_all(engine: Engine, store: VaultStore) -> dict[int, bytes]:
    with unit_of_work(engine) as session:
        versions = list(session.execute(select(VaultVersion)).scalars())
    return {v.id: b"".join(open_decrypted_verified(store, v)) for v in versions}


def object_digests(root: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()
    }


def test_cli_rotation_rewraps_keys_without_touching_files(
    engine: Engine, vault_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = vault_store(vault_settings)
    contents = seed(engine, store)
    old_id = store.keyring.current.key_id
    files_before = object_digests(Path(vault_settings.data_dir) / "vault")
    monkeypatch.setattr(vault_cli, "target", lambda: vault_cli.Target(engine, vault_settings))

    result = CliRunner().invoke(cli_app, ["vault", "rotate-master-key"])
    assert result.exit_code == 0, result.output
    assert "4 file keys re-wrapped" in result.output
    assert "All 4 stored files open" in result.output

    new = load_keyring(Path(vault_settings.data_dir)).current
    assert new.key_id != old_id
    with unit_of_work(engine) as session:
        rows = list(session.execute(select(VaultVersion)).scalars())
        assert {r.key_id for r in rows} == {new.key_id}
        assert {wrapped_key_id(r.wrapped_key) for r in rows} == {new.key_id}
        entry = session.execute(
            select(AuditEntry).where(AuditEntry.action == "rotate_key")
        ).scalar_one()
        assert entry.before == {"key_ids": [old_id]}
        assert entry.after is not None and entry.after["rewrapped"]["vault versions"] == 4
    assert object_digests(Path(vault_settings.data_dir) / "vault") == files_before
    only_new = Keyring(current=new, by_id={new.key_id: new})  # the old key is no longer needed
    assert read_all(engine, VaultStore(store.storage, only_new, store.max_bytes)) == contents

    again = CliRunner().invoke(cli_app, ["vault", "rotate-master-key", "--no-verify"])
    assert again.exit_code == 0, again.output
    assert load_keyring(Path(vault_settings.data_dir)).current.key_id not in (old_id, new.key_id)


def test_a_rotation_that_fails_before_commit_loses_nothing(
    engine: Engine, vault_settings: Settings
) -> None:
    store = vault_store(vault_settings)
    contents = seed(engine, store, count=3)

    def stop_on_last(done: int, total: int) -> None:
        if done == total:
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError), unit_of_work(engine) as session:
        rotation.rotate(
            session,
            actor=SYSTEM_ACTOR,
            data_dir=Path(vault_settings.data_dir),
            progress=stop_on_last,
        )
    # the key file moved on, the database did not: the archived old key still opens everything
    assert read_all(engine, vault_store(vault_settings)) == contents
    with unit_of_work(engine) as session:
        assert (
            session.execute(select(AuditEntry).where(AuditEntry.action == "rotate_key")).first()
            is None
        )


def test_verify_names_a_damaged_file(
    engine: Engine, vault_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = vault_store(vault_settings)
    contents = seed(engine, store, count=2)
    damaged_id = min(contents)
    with unit_of_work(engine) as session:
        row = session.get(VaultVersion, damaged_id)
        assert row is not None
        path = store.storage.path_for(row.object_key)  # type: ignore[attr-defined]
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    monkeypatch.setattr(vault_cli, "target", lambda: vault_cli.Target(engine, vault_settings))
    result = CliRunner().invoke(cli_app, ["vault", "verify"])
    assert result.exit_code == 1
    assert "1 of 2 stored files cannot be read" in result.output
    assert f"{damaged_id} drawing.pdf" in result.output
    assert "Traceback" not in result.output
