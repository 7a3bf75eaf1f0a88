"""Deleting versions and documents (API and pages) and ``cofab vault sweep``: rows and audit in
one transaction, files after the commit, partners never, the last version never alone."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, func, select
from tests.conftest import World, csrf_of, login
from tests.vault.vault_factories import make_agreement, make_document, upload
from typer.testing import CliRunner

from cofab.cli import app as cli_app
from cofab.config import Settings
from cofab.core.audit import AuditEntry
from cofab.db.session import unit_of_work
from cofab.vault import cli as vault_cli
from cofab.vault.documents import vault_store
from cofab.vault.models import VaultDocument, VaultShare, VaultVersion
from cofab.vault.storage import FileSystemStorage, new_object_key


def object_path(engine: Engine, settings: Settings, version_id: int) -> Path:
    with unit_of_work(engine) as session:
        row = session.get(VaultVersion, version_id)
        assert row is not None
        storage = vault_store(settings).storage
        assert isinstance(storage, FileSystemStorage)
        return storage.path_for(row.object_key)


def new_document_with_versions(client: httpx.Client, count: int) -> tuple[int, list[int]]:
    created = client.post(
        "/api/v1/vault/documents",
        json={"title": "Pump casing", "kind": "drawing", "classification": "confidential"},
    )
    assert created.status_code == 201, created.text
    document_id = int(created.json()["id"])
    ids = []
    for number in range(1, count + 1):
        response = client.post(
            f"/api/v1/vault/documents/{document_id}/versions",
            params={"filename": f"casing-r{number}.pdf"},
            content=f"casing revision {number} ".encode() * 50,
        )
        assert response.status_code == 201, response.text
        ids.append(int(response.json()["id"]))
    return document_id, ids


def deletions(engine: Engine) -> list[tuple[str, str, str]]:
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(AuditEntry.actor_label, AuditEntry.entity, AuditEntry.entity_id)
            .where(AuditEntry.action == "delete")
            .order_by(AuditEntry.id)
        ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def test_api_deletes_versions_then_the_document_and_removes_their_files(
    world: World,
    api,
    engine: Engine,
    settings: Settings,  # type: ignore[no-untyped-def]
) -> None:
    manager = api(world.users["manager"])
    document_id, (v1, v2, v3) = new_document_with_versions(manager, 3)
    paths = {v: object_path(engine, settings, v) for v in (v1, v2, v3)}
    assert all(p.is_file() for p in paths.values())
    now = datetime.now(UTC)
    with unit_of_work(engine) as session:
        make_agreement(session, [world.partner_a], now - timedelta(days=1), now + timedelta(days=9))
    assert (
        manager.post(
            f"/api/v1/vault/documents/{document_id}/shares", json={"partner_id": world.partner_a}
        ).status_code
        == 201
    )

    partner = api(world.users["partner_a"])  # the document is shared with it, still no delete
    assert partner.get(f"/api/v1/vault/versions/{v2}/download").status_code == 200
    assert partner.delete(f"/api/v1/vault/versions/{v2}").status_code == 403
    assert partner.delete(f"/api/v1/vault/documents/{document_id}").status_code == 403
    viewer = api(world.users["viewer"])
    assert viewer.delete(f"/api/v1/vault/versions/{v2}").status_code == 403
    assert all(p.is_file() for p in paths.values())

    assert manager.delete(f"/api/v1/vault/versions/{v2}").status_code == 204
    assert not paths[v2].exists() and paths[v1].is_file() and paths[v3].is_file()
    assert manager.get(f"/api/v1/vault/versions/{v2}/download").status_code == 404
    assert manager.delete(f"/api/v1/vault/versions/{v3}").status_code == 204
    detail = manager.get(f"/api/v1/vault/documents/{document_id}").json()
    assert [v["number"] for v in detail["versions"]] == [1]
    assert detail["latest_version"] == 1
    again = manager.post(  # numbers of deleted versions are never handed out again
        f"/api/v1/vault/documents/{document_id}/versions",
        params={"filename": "casing-r4.pdf"},
        content=b"revision four",
    )
    assert again.json()["number"] == 4
    assert manager.delete(f"/api/v1/vault/versions/{v1}").status_code == 204
    last = manager.delete(f"/api/v1/vault/versions/{again.json()['id']}")
    assert last.status_code == 409
    assert "only version" in last.json()["detail"]
    assert object_path(engine, settings, again.json()["id"]).is_file()

    v4_path = object_path(engine, settings, again.json()["id"])
    assert manager.delete(f"/api/v1/vault/documents/{document_id}").status_code == 204
    assert not v4_path.exists() and not paths[v1].exists()
    assert manager.get(f"/api/v1/vault/documents/{document_id}").status_code == 404
    assert manager.delete(f"/api/v1/vault/documents/{document_id}").status_code == 404
    with unit_of_work(engine) as session:
        assert session.get(VaultDocument, document_id) is None
        assert session.execute(select(func.count(VaultVersion.id))).scalar_one() == 0
        assert session.execute(select(func.count(VaultShare.id))).scalar_one() == 0
        entry = session.execute(
            select(AuditEntry).where(
                AuditEntry.action == "delete", AuditEntry.entity == "vault_document"
            )
        ).scalar_one()
        assert entry.before is not None
        assert [v["number"] for v in entry.before["versions"]] == [4]
        assert [s["partner_id"] for s in entry.before["shares"]] == [world.partner_a]
        assert "wrapped_key" not in str(entry.before)
    manager_email = world.users["manager"]
    assert deletions(engine) == [
        (manager_email, "vault_version", str(v2)),
        (manager_email, "vault_version", str(v3)),
        (manager_email, "vault_version", str(v1)),
        (manager_email, "vault_version", str(again.json()["id"])),
        (manager_email, "vault_document", str(document_id)),
    ]


def test_pages_ask_for_confirmation_and_refuse_partners(
    world: World, base_url: str, api, engine: Engine, settings: Settings
) -> None:  # type: ignore[no-untyped-def]
    document_id, (v1, v2) = new_document_with_versions(api(world.users["manager"]), 2)
    owner = login(base_url, world.users["manager"])
    csrf = csrf_of(owner, f"/vault/documents/{document_id}")
    page = owner.get(f"/vault/documents/{document_id}").text
    assert f'action="/vault/versions/{v2}/delete"' in page
    assert f'action="/vault/documents/{document_id}/delete"' in page

    unconfirmed = owner.post(f"/vault/versions/{v2}/delete", data={"csrf_token": csrf})
    assert unconfirmed.status_code == 422
    assert "Tick the box" in unconfirmed.text
    assert object_path(engine, settings, v2).is_file()
    no_token = owner.post(f"/vault/versions/{v2}/delete", data={"confirm": "yes"})
    assert no_token.status_code == 403

    partner = login(base_url, world.users["partner_a"])
    partner_csrf = csrf_of(partner, f"/partners/{world.partner_a}")
    for url in (f"/vault/versions/{v2}/delete", f"/vault/documents/{document_id}/delete"):
        refused = partner.post(url, data={"csrf_token": partner_csrf, "confirm": "yes"})
        assert refused.status_code in (403, 404)

    v2_path = object_path(engine, settings, v2)
    done = owner.post(f"/vault/versions/{v2}/delete", data={"csrf_token": csrf, "confirm": "yes"})
    assert done.status_code == 303
    assert not v2_path.exists()
    only = owner.post(f"/vault/versions/{v1}/delete", data={"csrf_token": csrf, "confirm": "yes"})
    assert only.status_code == 409
    assert "delete the whole document" in only.text

    owner.cookies.set("cofab_lang", "ko")
    korean = owner.get(f"/vault/documents/{document_id}").text
    assert "문서 삭제" in korean
    v1_path = object_path(engine, settings, v1)
    gone = owner.post(
        f"/vault/documents/{document_id}/delete", data={"csrf_token": csrf, "confirm": "yes"}
    )
    assert gone.status_code == 303 and gone.headers["location"].startswith("/vault")
    assert not v1_path.exists()
    assert owner.get(f"/vault/documents/{document_id}").status_code == 404
    assert [entity for _who, entity, _id in deletions(engine)] == [
        "vault_version",
        "vault_version",
        "vault_document",
    ]


def flat(output: str) -> str:
    """Rich wraps long lines at the terminal width; compare words, not line breaks."""
    return " ".join(output.split())


@pytest.fixture
def vault_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.delenv("COFAB_MASTER_KEY", raising=False)
    monkeypatch.delenv("COFAB_MASTER_KEY_PREVIOUS", raising=False)
    return Settings(data_dir=tmp_path / "data", database_url="sqlite://")


def test_sweep_removes_orphans_and_stale_temp_files_and_keeps_referenced_objects(
    engine: Engine, vault_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = vault_store(vault_settings)
    storage = store.storage
    assert isinstance(storage, FileSystemStorage)
    with unit_of_work(engine) as session:
        document = make_document(session)
        kept = upload(session, store, document.id, b"referenced drawing").object_key
    old = time.time() - 3 * 3600
    orphan, young_orphan = new_object_key(), new_object_key()
    for key in (orphan, young_orphan):
        path = storage.path_for(key)
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"ciphertext whose row was never committed" * 10)
    temp = storage.path_for(orphan).parent / f".{orphan}.1234abcd.tmp"
    temp.write_bytes(b"half a ciphertext")
    (storage.root / "README.txt").write_bytes(b"not an object; never touched")
    for path in (storage.path_for(orphan), storage.path_for(kept), temp):
        os.utime(path, (old, old))
    monkeypatch.setattr(vault_cli, "target", lambda: vault_cli.Target(engine, vault_settings))

    dry = CliRunner().invoke(cli_app, ["vault", "sweep", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would remove 1 orphaned objects (400 bytes) and 1 stale temp files" in flat(dry.output)
    assert storage.path_for(orphan).exists() and temp.exists()

    swept = CliRunner().invoke(cli_app, ["vault", "sweep"])
    assert swept.exit_code == 0, swept.output
    assert "Removed 1 orphaned objects (400 bytes) and 1 stale temp files" in flat(swept.output)
    assert "1 file versions in the database keep their objects" in flat(swept.output)
    assert not storage.path_for(orphan).exists() and not temp.exists()
    assert storage.path_for(kept).is_file()  # referenced: kept however old
    assert storage.path_for(young_orphan).is_file()  # may be an upload about to commit
    assert (storage.root / "README.txt").exists()
    with unit_of_work(engine) as session:
        entry = session.execute(select(AuditEntry).where(AuditEntry.action == "sweep")).scalar_one()
        assert entry.after == {"orphans": [orphan], "temp_files": 1}

    everything = CliRunner().invoke(cli_app, ["vault", "sweep", "--min-age-minutes", "0"])
    assert "Removed 1 orphaned objects" in flat(everything.output)
    assert not storage.path_for(young_orphan).exists() and storage.path_for(kept).is_file()
