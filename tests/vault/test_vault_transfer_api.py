"""Uploads and downloads over HTTP: streamed, encrypted at rest, never plaintext on disk, and a
damaged file gives a clear error instead of partial plaintext."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, select, update
from tests.conftest import World

from cofab.config import Settings
from cofab.core.audit import AuditEntry
from cofab.db.session import unit_of_work
from cofab.domains import load_all_models
from cofab.vault.crypto import HEADER_BYTES, TAG_BYTES, MasterKey, wrap_key
from cofab.vault.documents import vault_store
from cofab.vault.models import VaultVersion

MIB = 1 << 20


def pieces(content: bytes, size: int = 64 * 1024) -> Iterator[bytes]:
    """A generator body: httpx sends it chunked, with no Content-Length."""
    for start in range(0, len(content), size):
        yield content[start : start + size]


def new_document(client: httpx.Client, classification: str = "confidential") -> int:
    response = client.post(
        "/api/v1/vault/documents",
        json={"title": "Gearbox housing", "kind": "drawing", "classification": classification},
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def upload(
    client: httpx.Client, document_id: int, content: bytes, name: str = "housing.step"
) -> httpx.Response:
    return client.post(
        f"/api/v1/vault/documents/{document_id}/versions",
        params={"filename": name, "note": "first issue"},
        content=pieces(content),
        headers={"Content-Type": "application/step"},
    )


def files_containing(root: Path, marker: bytes) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and marker in p.read_bytes()]


def database_contains(engine: Engine, marker: bytes) -> list[str]:
    text_marker = marker.decode()
    hits = []
    with engine.connect() as conn:
        for table in load_all_models().sorted_tables:
            for row in conn.execute(table.select()):
                for value in row:
                    raw = bytes(value) if isinstance(value, bytes | memoryview) else b""
                    if marker in raw or text_marker in str(value):
                        hits.append(table.name)
    return hits


def test_upload_is_streamed_encrypted_and_plaintext_never_reaches_disk(
    world: World,
    api,
    engine: Engine,
    settings: Settings,  # type: ignore[no-untyped-def]
) -> None:
    marker = f"CFB-PLAINTEXT-MARKER-{secrets.token_hex(16)}".encode()
    content = (os.urandom(700) + marker) * 2500 + b"tail"  # ~1.9 MiB: two records
    manager = api(world.users["manager"])
    document_id = new_document(manager)
    response = upload(manager, document_id, content)
    assert response.status_code == 201, response.text
    version = response.json()
    assert (version["number"], version["size"], version["filename"]) == (
        1,
        len(content),
        "housing.step",
    )
    assert version["content_type"] == "application/step"

    assert files_containing(Path(settings.data_dir), marker) == []
    assert database_contains(engine, marker) == []
    if engine.dialect.name == "sqlite":
        db_file = Path(str(engine.url.database))
        for path in db_file.parent.glob(db_file.name + "*"):
            assert marker not in path.read_bytes()
    with unit_of_work(engine) as session:
        row = session.get(VaultVersion, version["id"])
        assert row is not None
        stored = vault_store(settings).storage.path_for(row.object_key)  # type: ignore[attr-defined]
        assert (
            stored.stat().st_size
            == row.ciphertext_size
            == HEADER_BYTES + len(content) + 2 * TAG_BYTES
        )

    download = manager.get(f"/api/v1/vault/versions/{version['id']}/download")
    assert download.status_code == 200
    assert download.content == content
    assert download.headers["content-length"] == str(len(content))
    assert download.headers["x-content-sha256"] == version["sha256"]
    assert 'filename="housing.step"' in download.headers["content-disposition"]
    with unit_of_work(engine) as session:
        actions = (
            session.execute(
                select(AuditEntry.action)
                .where(
                    AuditEntry.entity == "vault_document", AuditEntry.entity_id == str(document_id)
                )
                .order_by(AuditEntry.id)
            )
            .scalars()
            .all()
        )
    assert actions == ["create", "download"]


def test_uploads_over_the_limit_are_refused_and_leave_nothing(
    world: World,
    api,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setattr(settings, "vault_max_upload_mb", 1)
    manager = api(world.users["manager"])
    document_id = new_document(manager)
    storage_root = Path(settings.data_dir) / "vault"
    before = sorted(storage_root.rglob("*")) if storage_root.exists() else []
    streamed = upload(manager, document_id, b"a" * (MIB + 1))  # chunked: found while streaming
    assert streamed.status_code == 413, streamed.text
    assert streamed.json()["code"] == "vault_upload_too_large"
    declared = manager.post(  # Content-Length above the limit: refused before reading the body
        f"/api/v1/vault/documents/{document_id}/versions",
        params={"filename": "big.bin"},
        content=b"b" * (MIB + 10),
    )
    assert declared.status_code == 413
    assert (
        manager.post(
            f"/api/v1/vault/documents/{document_id}/versions",
            params={"filename": "ok.bin"},
            content=b"c" * MIB,
        ).status_code
        == 201
    )
    after = sorted(storage_root.rglob("*"))
    assert len([p for p in after if p.is_file()]) == len([p for p in before if p.is_file()]) + 1
    assert not [p for p in after if p.name.endswith(".tmp")]
    empty = manager.post(
        f"/api/v1/vault/documents/{document_id}/versions", params={"filename": "e.bin"}, content=b""
    )
    assert empty.status_code == 400
    detail = manager.get(f"/api/v1/vault/documents/{document_id}").json()
    assert [v["filename"] for v in detail["versions"]] == ["ok.bin"]


def _object_path(engine: Engine, settings: Settings, version_id: int) -> Path:
    with unit_of_work(engine) as session:
        row = session.get(VaultVersion, version_id)
        assert row is not None
        return vault_store(settings).storage.path_for(row.object_key)  # type: ignore[attr-defined,no-any-return]


def test_corrupted_ciphertext_gives_a_clear_error_and_no_plaintext(
    world: World,
    api,
    engine: Engine,
    settings: Settings,  # type: ignore[no-untyped-def]
) -> None:
    marker = f"SMALL-SPEC-{secrets.token_hex(8)}".encode()
    manager = api(world.users["manager"])
    document_id = new_document(manager)
    version = upload(manager, document_id, marker * 100, "spec.txt").json()
    path = _object_path(engine, settings, version["id"])
    data = bytearray(path.read_bytes())
    data[HEADER_BYTES + 50] ^= 0x01
    path.write_bytes(bytes(data))
    response = manager.get(f"/api/v1/vault/versions/{version['id']}/download")
    assert response.status_code == 422
    assert response.json()["code"] == "vault_integrity"
    assert "integrity" in response.json()["detail"]
    assert marker not in response.content
    korean = manager.get(
        f"/api/v1/vault/versions/{version['id']}/download", headers={"Accept-Language": "ko"}
    )
    assert "무결성" in korean.json()["detail"]
    with unit_of_work(engine) as session:  # nothing was delivered, so no download is logged
        downloads = session.execute(select(AuditEntry).where(AuditEntry.action == "download")).all()
    assert downloads == []


def test_damage_deep_in_a_large_file_cuts_the_download(
    world: World,
    api,
    engine: Engine,
    settings: Settings,  # type: ignore[no-untyped-def]
) -> None:
    content = os.urandom(2 * MIB + 12345)  # three records of 1 MiB
    manager = api(world.users["manager"])
    document_id = new_document(manager)
    version = upload(manager, document_id, content).json()
    path = _object_path(engine, settings, version["id"])
    data = bytearray(path.read_bytes())
    data[HEADER_BYTES + (MIB + TAG_BYTES) + 777] ^= 0x80  # inside the second record
    path.write_bytes(bytes(data))
    received = bytearray()
    with manager.stream("GET", f"/api/v1/vault/versions/{version['id']}/download") as response:
        assert response.status_code == 200
        assert response.headers["content-length"] == str(len(content))
        with pytest.raises(httpx.HTTPError):
            for chunk in response.iter_bytes():
                received += chunk
    assert len(received) <= MIB  # only the first, authenticated record arrived
    assert bytes(received) == content[: len(received)]


def test_a_key_wrapped_by_an_unknown_master_key_is_a_clear_error(
    world: World,
    api,
    engine: Engine,  # type: ignore[no-untyped-def]
) -> None:
    manager = api(world.users["manager"])
    document_id = new_document(manager)
    version = upload(manager, document_id, b"process sheet rev C").json()
    stranger = MasterKey.from_secret(secrets.token_bytes(32))
    with unit_of_work(engine) as session:
        session.execute(
            update(VaultVersion)
            .where(VaultVersion.id == version["id"])
            .values(wrapped_key=wrap_key(secrets.token_bytes(32), stranger))
        )
    response = manager.get(f"/api/v1/vault/versions/{version['id']}/download")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "vault_wrong_master_key"
    assert stranger.key_id in body["detail"]


def test_file_names_are_kept_for_display_and_never_used_as_paths(world: World, api) -> None:  # type: ignore[no-untyped-def]
    manager = api(world.users["manager"])
    document_id = new_document(manager)
    version = upload(manager, document_id, b"x", '../../etc/"도면" A-1.pdf').json()
    assert version["filename"] == "도면 A-1.pdf"
    response = manager.get(f"/api/v1/vault/versions/{version['id']}/download")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="__ A-1.pdf"')
    assert "filename*=UTF-8''%EB%8F%84%EB%A9%B4%20A-1.pdf" in disposition


def test_the_download_is_logged_and_committed_before_the_first_byte(
    world: World,
    api,
    engine: Engine,  # type: ignore[no-untyped-def]
) -> None:
    manager = api(world.users["manager"])
    document_id = new_document(manager)
    content = os.urandom(MIB + 1)
    version = upload(manager, document_id, content).json()
    with manager.stream("GET", f"/api/v1/vault/versions/{version['id']}/download") as response:
        assert response.status_code == 200
        with unit_of_work(engine) as session:  # another connection already sees the entry
            logged = session.execute(
                select(AuditEntry.id).where(AuditEntry.action == "download")
            ).all()
        assert len(logged) == 1
        assert response.read() == content
