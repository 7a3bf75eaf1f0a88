"""Vault pages: streamed multipart upload with its CSRF check, download, sharing, Korean."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import Engine, select
from tests.conftest import World, csrf_of, login
from tests.vault.vault_factories import make_agreement, make_document

from cofab.config import Settings
from cofab.core.audit import AuditEntry
from cofab.db.session import unit_of_work
from cofab.vault.models import VaultShare, VaultVersion


def create_document(client: httpx.Client, csrf: str, **fields: str) -> int:
    response = client.post(
        "/vault/documents",
        data={
            "title": "Motor bracket",
            "kind": "drawing",
            "classification": "confidential",
            "csrf_token": csrf,
        }
        | fields,
    )
    assert response.status_code == 303, response.text[:500]
    match = re.search(r"/vault/documents/(\d+)", response.headers["location"])
    assert match
    return int(match.group(1))


def stored_objects(settings: Settings) -> int:
    root = Path(settings.data_dir) / "vault"
    return len([p for p in root.rglob("*") if p.is_file()]) if root.exists() else 0


def test_owner_uploads_through_the_form_and_shares_with_a_partner(
    world: World, base_url: str, engine: Engine, settings: Settings
) -> None:
    owner = login(base_url, world.users["manager"])
    csrf = csrf_of(owner, "/vault")
    document_id = create_document(owner, csrf)
    upload_url = f"/vault/documents/{document_id}/versions"
    content = b"%PDF-1.7 bracket " * 5000

    before = stored_objects(settings)
    no_token = owner.post(upload_url, data={"note": "x"}, files={"file": ("b.pdf", content)})
    assert no_token.status_code == 403
    assert stored_objects(settings) == before  # refused before a byte was encrypted
    no_file = owner.post(upload_url, data={"csrf_token": csrf}, files={"file": ("", b"")})
    assert no_file.status_code == 400

    done = owner.post(
        upload_url,
        data={"csrf_token": csrf, "note": "first issue"},
        files={"file": ("bracket.pdf", content, "application/pdf")},
    )
    assert done.status_code == 303, done.text[:500]
    page = owner.get(f"/vault/documents/{document_id}")
    assert "bracket.pdf" in page.text and "first issue" in page.text
    with unit_of_work(engine) as session:
        version = session.execute(select(VaultVersion)).scalar_one()
        assert (version.content_type, version.size) == ("application/pdf", len(content))
    download = owner.get(f"/vault/versions/{version.id}/download")
    assert download.status_code == 200 and download.content == content

    until = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    shared = owner.post(
        f"/vault/documents/{document_id}/shares",
        data={
            "csrf_token": csrf,
            "partner_id": str(world.partner_a),
            "expires_at": until,
            "without_agreement": "true",
        },
    )
    assert shared.status_code == 303
    with unit_of_work(engine) as session:
        share = session.execute(select(VaultShare)).scalar_one()
        assert share.partner_id == world.partner_a and share.expires_at is not None

    partner = login(base_url, world.users["partner_a"])
    refused = partner.get(f"/vault/versions/{version.id}/download")
    assert refused.status_code == 403
    assert "NDA" in refused.text
    now = datetime.now(UTC)
    with unit_of_work(engine) as session:
        make_agreement(session, [world.partner_a], now - timedelta(days=1), now + timedelta(days=9))
    listing = partner.get("/vault")
    assert "Motor bracket" in listing.text
    detail = partner.get(f"/vault/documents/{document_id}")
    assert "Shared with your company" in detail.text and "Revoke" not in detail.text
    assert partner.get(f"/vault/versions/{version.id}/download").content == content
    other = login(base_url, world.users["partner_b"])
    assert other.get(f"/vault/documents/{document_id}").status_code == 404
    with unit_of_work(engine) as session:
        denials = session.execute(
            select(AuditEntry.actor_label, AuditEntry.after)
            .where(AuditEntry.action == "deny")
            .order_by(AuditEntry.id)
        ).all()
    assert [(label, after["reason"]) for label, after in denials] == [
        (world.users["partner_a"], "no_agreement"),
        (world.users["partner_b"], "not_shared"),
    ]

    report = owner.get(f"/vault/partners/{world.partner_a}/access")
    assert report.status_code == 200
    assert world.users["partner_a"] in report.text
    card = re.search(r'data-testid="vault-widget".*?</div>', owner.get("/").text, re.S)
    assert card and "No NDA or contract in force" in card.group(0)
    assert re.search(r'class="badge bad">2<', card.group(0))


def test_pages_speak_korean_and_reject_bad_forms(
    world: World, base_url: str, engine: Engine
) -> None:
    owner = login(base_url, world.users["quality"])
    owner.cookies.set("cofab_lang", "ko")
    csrf = csrf_of(owner, "/vault")
    listing = owner.get("/vault", headers={"Accept-Language": "ko"})
    assert "문서" in listing.text
    bad = owner.post(
        "/vault/documents",
        data={"title": "", "kind": "drawing", "classification": "top", "csrf_token": csrf},
    )
    assert bad.status_code == 422
    document_id = create_document(owner, csrf, title="공정 시트", kind="process_sheet")
    page = owner.get(f"/vault/documents/{document_id}")
    assert "공정 시트" in page.text and "기밀" in page.text
    past = owner.post(
        f"/vault/documents/{document_id}/shares",
        data={
            "csrf_token": csrf,
            "partner_id": str(world.partner_a),
            "expires_at": "2020-01-01T00:00",
        },
    )
    assert past.status_code == 422
    viewer = login(base_url, world.users["viewer"])
    assert viewer.get(f"/vault/documents/{document_id}").status_code == 404
    assert "/vault/new" not in viewer.get("/vault").text
    assert viewer.get("/vault/new").status_code == 403

    with unit_of_work(engine) as session:
        secret_id = make_document(session, classification="secret", title="Alloy recipe").id
    assert owner.get(f"/vault/documents/{secret_id}/access").status_code == 404
    with unit_of_work(engine) as session:
        denials = (
            session.execute(
                select(AuditEntry.after).where(AuditEntry.action == "deny").order_by(AuditEntry.id)
            )
            .scalars()
            .all()
        )
    assert denials == [  # the viewer's look at a confidential document, then this one — once each
        {"attempt": "read", "reason": "classification", "version": None},
        {"attempt": "report", "reason": "classification", "version": None},
    ]
