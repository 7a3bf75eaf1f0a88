"""Issue 13 defect 7: sharing a confidential document with a partner that has no NDA is refused
at the moment of sharing (saying why, ko/en, page and API), unless the person ticks "share
anyway" — then the share shows as waiting for an agreement, not as open."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select
from tests.conftest import World, csrf_of, login
from tests.vault.test_vault_pages import create_document
from tests.vault.test_vault_transfer_api import new_document, upload
from tests.vault.vault_factories import make_agreement

from cofab.core.audit import AuditEntry
from cofab.db.session import unit_of_work
from cofab.vault.models import VaultShare


def _shares(engine: Engine) -> int:
    with unit_of_work(engine) as session:
        return int(session.execute(select(func.count()).select_from(VaultShare)).scalar_one())


def _errors_block(html: str) -> str:
    found = re.search(r'<div class="flash error".*?</div>', html, re.S)
    assert found, html[:2000]
    return found.group(0)


def test_page_refuses_then_shares_anyway_as_waiting(
    world: World, base_url: str, engine: Engine
) -> None:
    owner = login(base_url, world.users["manager"])
    owner.cookies.set("cofab_lang", "ko")
    csrf = csrf_of(owner, "/vault/documents/new")
    document_id = create_document(owner, csrf)
    form = {"csrf_token": csrf, "partner_id": str(world.partner_a), "note": "견적용 도면"}
    refused = owner.post(f"/vault/documents/{document_id}/shares", data=form)
    assert refused.status_code == 422
    errors = _errors_block(refused.text)
    assert "NDA" in errors and "기밀" in errors and "그래도 공유" in errors
    assert "<b>파트너</b>" in errors and "partner_id" not in errors
    assert 'value="견적용 도면"' in refused.text  # the typed note is kept
    assert re.search(rf'<option value="{world.partner_a}" selected', refused.text)
    assert _shares(engine) == 0

    anyway = owner.post(
        f"/vault/documents/{document_id}/shares", data=form | {"without_agreement": "true"}
    )
    assert anyway.status_code == 303
    page = owner.get(f"/vault/documents/{document_id}").text
    table = page[page.index('data-testid="share-table"') :]
    table = table[: table.index("</table>")]
    assert 'data-testid="share-waiting"' in table and "계약 발효 대기" in table
    assert ">진행 중<" not in table and ">Open<" not in table
    with unit_of_work(engine) as session:
        entry = session.execute(
            select(AuditEntry).where(AuditEntry.entity == "vault_share")
        ).scalar_one()
        assert (entry.after or {}).get("shared_without_agreement") == "no_agreement"

    now = datetime.now(UTC)
    with unit_of_work(engine) as session:
        make_agreement(session, [world.partner_a], now - timedelta(days=1), now + timedelta(days=9))
    page = owner.get(f"/vault/documents/{document_id}").text
    table = page[page.index('data-testid="share-table"') :]
    assert 'data-testid="share-waiting"' not in table[: table.index("</table>")]


def test_api_refuses_without_agreement_and_shares_once_covered(
    world: World, api: Any, engine: Engine
) -> None:
    manager = api(world.users["manager"], "ko")
    document_id = new_document(manager)
    version_id = upload(manager, document_id, b"drawing").json()["id"]
    url = f"/api/v1/vault/documents/{document_id}/shares"
    refused = manager.post(url, json={"partner_id": world.partner_b})
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    problem = refused.json()["errors"][0]
    assert problem["field"] == "partner_id"
    assert "NDA" in problem["message"] and "기밀" in problem["message"]
    english = api(world.users["manager"]).post(url, json={"partner_id": world.partner_b})
    assert "has no NDA or contract in force" in english.json()["errors"][0]["message"]
    assert _shares(engine) == 0

    public_id = new_document(manager, classification="public")  # public needs no agreement
    public = manager.post(
        f"/api/v1/vault/documents/{public_id}/shares", json={"partner_id": world.partner_b}
    )
    assert public.status_code == 201 and public.json()["waiting_for_agreement"] is False
    anyway = manager.post(url, json={"partner_id": world.partner_b, "without_agreement": True})
    assert anyway.status_code == 201 and anyway.json()["waiting_for_agreement"] is True

    now = datetime.now(UTC)
    with unit_of_work(engine) as session:
        make_agreement(session, [world.partner_b], now - timedelta(days=1), now + timedelta(days=9))
    covered = manager.post(url, json={"partner_id": world.partner_b})
    assert covered.status_code == 201 and covered.json()["waiting_for_agreement"] is False
    assert covered.json()["id"] == anyway.json()["id"]  # the open share is extended, not doubled
    bravo = api(world.users["partner_b"])
    assert bravo.get(f"/api/v1/vault/versions/{version_id}/download").status_code == 200
