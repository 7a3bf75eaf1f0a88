"""What the vault API gives out about a document re-imports unchanged: the listed metadata sent
back as a new document (or as an update of the same one) gives the same metadata."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from tests.conftest import World
from tests.vault.vault_factories import make_agreement

from cofab.db.session import unit_of_work

FIELDS = ("title", "kind", "classification", "description", "contract_id", "watermark")


def test_document_metadata_reimports_unchanged(world: World, api: Any, engine: Engine) -> None:
    now = datetime.now(UTC)
    with unit_of_work(engine) as session:
        contract_id = make_agreement(
            session, [world.partner_a], now - timedelta(days=1), now + timedelta(days=30)
        ).id
    manager = api(world.users["manager"])
    original = {
        "title": "Gearbox housing GH-200 — 도면",
        "kind": "drawing",
        "classification": "confidential",
        "description": "Rev C\nTolerances ±0.02",
        "contract_id": contract_id,
        "external_ref": "GH-200",
        "watermark": True,
    }
    created = manager.post("/api/v1/vault/documents", json=original)
    assert created.status_code == 201, created.text
    listed = manager.get("/api/v1/vault/documents").json()["items"]
    exported = next(d for d in listed if d["id"] == created.json()["id"])
    assert {k: exported[k] for k in FIELDS} == {k: original[k] for k in FIELDS}
    copy = manager.post(
        "/api/v1/vault/documents",
        json={k: exported[k] for k in FIELDS} | {"external_ref": "GH-200-copy"},
    )
    assert copy.status_code == 201, copy.text
    assert {k: copy.json()[k] for k in FIELDS} == {k: exported[k] for k in FIELDS}
    same = manager.patch(
        f"/api/v1/vault/documents/{exported['id']}", json={k: exported[k] for k in FIELDS}
    )
    assert same.status_code == 200, same.text
    assert {k: same.json()[k] for k in FIELDS} == {k: exported[k] for k in FIELDS}
