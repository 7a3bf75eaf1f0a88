"""Sharing through the API: a partner downloads only while shared and covered, every refusal is
committed to the audit chain although the request answers 403/404, and the reports show it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, select
from tests.conftest import World, login, sealed_chain_is_sound
from tests.vault.test_vault_transfer_api import new_document, upload
from tests.vault.vault_factories import make_agreement

from cofab.core.audit import AuditEntry
from cofab.db.session import unit_of_work


def vault_entries(
    engine: Engine, document_id: int
) -> list[tuple[str, str, int | None, str | None]]:
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(AuditEntry)
            .where(AuditEntry.entity == "vault_document", AuditEntry.entity_id == str(document_id))
            .order_by(AuditEntry.id)
        ).scalars()
        return [
            (e.action, e.actor_label, e.partner_id, (e.after or {}).get("reason")) for e in rows
        ]


def test_partner_access_follows_share_and_agreement_and_every_refusal_is_logged(
    world: World,
    api,  # type: ignore[no-untyped-def]
    engine: Engine,
    tmp_path: Path,
) -> None:
    manager = api(world.users["manager"])
    alpha = api(world.users["partner_a"])
    bravo = api(world.users["partner_b"])
    document_id = new_document(manager)
    version_id = upload(manager, document_id, b"bracket drawing rev B").json()["id"]
    download = f"/api/v1/vault/versions/{version_id}/download"

    assert alpha.get(download).status_code == 404  # not shared: not even its existence
    url = f"/api/v1/vault/documents/{document_id}/shares"
    assert manager.post(url, json={"partner_id": world.partner_a}).status_code == 422  # no NDA
    shared = manager.post(url, json={"partner_id": world.partner_a, "without_agreement": True})
    assert shared.status_code == 201, shared.text
    refused = alpha.get(download)
    assert refused.status_code == 403
    assert refused.json()["code"] == "vault_access_ended"
    assert "NDA" in refused.json()["detail"]
    assert alpha.get("/api/v1/vault/documents").json()["total"] == 0

    now = datetime.now(UTC)
    with unit_of_work(engine) as session:
        make_agreement(
            session, [world.partner_a], now - timedelta(days=1), now + timedelta(days=90)
        )
    listed = alpha.get("/api/v1/vault/documents").json()
    assert [d["id"] for d in listed["items"]] == [document_id]
    ok = alpha.get(download)
    assert ok.status_code == 200 and ok.content == b"bracket drawing rev B"
    assert bravo.get(download).status_code == 404
    assert bravo.get(f"/api/v1/vault/documents/{document_id}").status_code == 404

    share_id = shared.json()["id"]
    assert manager.delete(f"/api/v1/vault/shares/{share_id}").status_code == 200
    assert alpha.get(download).status_code == 404
    assert manager.delete(f"/api/v1/vault/shares/{share_id}").status_code == 409

    a, b = world.users["partner_a"], world.users["partner_b"]
    assert vault_entries(engine, document_id) == [
        ("create", world.users["manager"], None, None),
        ("deny", a, world.partner_a, "not_shared"),
        ("deny", a, world.partner_a, "no_agreement"),
        ("download", a, world.partner_a, None),
        ("deny", b, world.partner_b, "not_shared"),
        ("deny", b, world.partner_b, "not_shared"),
        ("deny", a, world.partner_a, "not_shared"),
    ]
    assert sealed_chain_is_sound(engine, tmp_path)

    report = manager.get(f"/api/v1/vault/documents/{document_id}/access-report").json()
    assert [(e["action"], e["actor"]) for e in report["events"]][:2] == [("deny", a), ("deny", b)]
    (summary,) = report["documents"]
    assert (summary["views"], summary["downloads"], summary["refusals"]) == (0, 1, 5)
    by_partner = manager.get(f"/api/v1/vault/partners/{world.partner_a}/access-report").json()
    assert [e["action"] for e in by_partner["events"]] == ["deny", "download", "deny", "deny"]
    assert by_partner["documents"][0]["versions_downloaded"] == [1]
    # partners do not read access reports, not even their own
    assert alpha.get(f"/api/v1/vault/partners/{world.partner_a}/access-report").status_code == 403
    assert alpha.get(f"/api/v1/vault/partners/{world.partner_b}/access-report").status_code == 404


def test_sharing_rules_reject_bad_input(world: World, api) -> None:  # type: ignore[no-untyped-def]
    manager = api(world.users["manager"])
    viewer = api(world.users["viewer"])
    document_id = new_document(manager)
    url = f"/api/v1/vault/documents/{document_id}/shares"
    past = manager.post(
        url, json={"partner_id": world.partner_a, "expires_at": "2020-01-01T00:00:00Z"}
    )
    assert past.status_code == 422
    assert past.json()["errors"][0]["field"] == "expires_at"
    naive = manager.post(
        url, json={"partner_id": world.partner_a, "expires_at": "2030-01-01T00:00"}
    )
    assert naive.status_code == 422
    assert manager.post(url, json={"partner_id": 999999}).status_code == 422
    assert viewer.post(url, json={"partner_id": world.partner_a}).status_code == 403
    body = {"partner_id": world.partner_a, "without_agreement": True}
    again = [manager.post(url, json=body) for _ in range(2)]
    assert again[0].json()["id"] == again[1].json()["id"]  # one open share per partner
    unknown_contract = manager.post(
        "/api/v1/vault/documents",
        json={"title": "x", "kind": "bom", "classification": "internal", "contract_id": 999999},
    )
    assert unknown_contract.status_code == 422
    bad_class = manager.post(
        "/api/v1/vault/documents", json={"title": "x", "kind": "bom", "classification": "top"}
    )
    assert bad_class.status_code == 422


def test_a_partner_never_sees_another_partners_contract_on_a_document(
    world: World,
    api,  # type: ignore[no-untyped-def]
    engine: Engine,
    base_url: str,
) -> None:
    now = datetime.now(UTC)
    with unit_of_work(engine) as session:
        bravo_nda = make_agreement(
            session,
            [world.partner_b],
            now - timedelta(days=1),
            now + timedelta(days=9),
            title="Bravo Bioworks NDA",
        ).id
    manager = api(world.users["manager"])
    created = manager.post(
        "/api/v1/vault/documents",
        json={
            "title": "Catalogue",
            "kind": "other_document",
            "classification": "public",
            "contract_id": bravo_nda,
        },
    ).json()
    manager.post(
        f"/api/v1/vault/documents/{created['id']}/shares", json={"partner_id": world.partner_a}
    )
    alpha = api(world.users["partner_a"])
    assert alpha.get(f"/api/v1/vault/documents/{created['id']}").json()["contract_id"] is None
    assert alpha.get("/api/v1/vault/documents").json()["items"][0]["contract_id"] is None
    assert (
        manager.get(f"/api/v1/vault/documents/{created['id']}").json()["contract_id"] == bravo_nda
    )
    page = login(base_url, world.users["partner_a"])
    for url in ("/vault", f"/vault/documents/{created['id']}"):
        text = page.get(url).text
        assert "Catalogue" in text and "Bravo" not in text
