"""An owner shares a drawing with a partner; the partner downloads it; the contract is
terminated; the partner's next attempt is refused — and the refusal is in the audit log."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from tests.conftest import PASSWORD, World
from tests.e2e.conftest import sign_in
from tests.vault.vault_factories import make_agreement, terminate

from cofab.core.audit import AuditEntry
from cofab.db.session import unit_of_work

pytestmark = pytest.mark.browser
ARTIFACTS = Path(os.environ.get("COFAB_TEST_ARTIFACTS", "test-artifacts"))
DRAWING = b"%PDF-1.4\n% gearbox housing GH-200 rev C, tolerances +-0.02\n" * 200


def test_partner_loses_a_shared_drawing_when_the_contract_ends(  # type: ignore[no-untyped-def]
    page, browser, base_url: str, world: World, engine: Engine, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    with unit_of_work(engine) as session:
        contract_id = make_agreement(
            session,
            [world.partner_a],
            now - timedelta(days=10),
            now + timedelta(days=200),
            kind="cm_agreement",
            title="Gearbox assembly agreement",
        ).id

    # the owner files the drawing under the contract and shares it with Alpha
    sign_in(page, base_url, world.users["manager"], PASSWORD)
    page.goto(f"{base_url}/vault")
    page.click("[data-testid=new-document]")
    page.fill("input[name=title]", "Gearbox housing GH-200")
    page.select_option("select[name=kind]", "drawing")
    page.select_option("select[name=classification]", "confidential")
    page.select_option("select[name=contract_id]", str(contract_id))
    page.click("[data-testid=save-document]")
    page.wait_for_selector("[data-testid=document-title]")
    page.set_input_files(
        "[data-testid=upload-form] input[type=file]",
        {"name": "GH-200-rev-C.pdf", "mimeType": "application/pdf", "buffer": DRAWING},
    )
    page.click("[data-testid=upload]")
    page.wait_for_selector("[data-testid=version-table] >> text=GH-200-rev-C.pdf")
    page.select_option("[data-testid=share-form] select[name=partner_id]", str(world.partner_a))
    page.click("[data-testid=share]")
    page.wait_for_selector("[data-testid=share-table] >> text=Alpha Assembly")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "vault-document.png"), full_page=True)

    # the partner finds it and downloads it
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    partner = context.new_page()
    partner.set_default_timeout(15_000)
    sign_in(partner, base_url, world.users["partner_a"], PASSWORD)
    partner.goto(f"{base_url}/vault")
    partner.click("[data-testid=document-table] >> text=Gearbox housing GH-200")
    document_url = partner.url
    with partner.expect_download() as info:
        partner.click("[data-testid=download-v1]")
    download = info.value
    assert download.suggested_filename == "GH-200-rev-C.pdf"
    saved = tmp_path / "got.pdf"
    download.save_as(saved)
    assert saved.read_bytes() == DRAWING
    download_url = download.url

    # the contract is terminated: access ends at that second, with no job running
    with unit_of_work(engine) as session:
        terminate(session, contract_id, datetime.now(UTC))
    refused = partner.goto(download_url)
    assert refused is not None and refused.status == 403
    assert "not in force" in partner.inner_text("main")
    again = partner.goto(document_url)
    assert again is not None and again.status == 403
    partner.goto(f"{base_url}/vault")
    assert "Gearbox housing" not in partner.inner_text("[data-testid=document-table]")
    partner.screenshot(path=str(ARTIFACTS / "vault-partner-after-termination.png"), full_page=True)
    context.close()

    with unit_of_work(engine) as session:
        entries = session.execute(
            select(AuditEntry.action, AuditEntry.after)
            .where(
                AuditEntry.entity == "vault_document",
                AuditEntry.actor_label == world.users["partner_a"],
            )
            .order_by(AuditEntry.id)
        ).all()
    actions = [(action, (after or {}).get("attempt")) for action, after in entries]
    assert ("download", None) in actions
    assert actions[-2:] == [("deny", "download"), ("deny", "read")]
    assert {(after or {}).get("reason") for a, after in entries if a == "deny"} == {
        "contract_not_in_force"
    }

    # the owner sees the refusals in the document's access report
    page.goto(document_url)
    page.click("[data-testid=access-report]")
    events = page.inner_text("[data-testid=access-events]")
    assert "Refused" in events and "Downloaded" in events
    page.screenshot(path=str(ARTIFACTS / "vault-access-report.png"), full_page=True)

    # the owner uploads revision D, then deletes revision C (confirmation required)
    page.goto(document_url)
    page.set_input_files(
        "[data-testid=upload-form] input[type=file]",
        {"name": "GH-200-rev-D.pdf", "mimeType": "application/pdf", "buffer": DRAWING + b"%D"},
    )
    page.click("[data-testid=upload]")
    page.wait_for_selector("[data-testid=version-table] >> text=GH-200-rev-D.pdf")
    page.click("[data-testid=version-table] tr:has-text('GH-200-rev-C.pdf') summary")
    form = page.locator("[data-testid=delete-v1]")
    form.locator("input[name=confirm]").check()
    form.locator("button").click()
    page.wait_for_load_state()
    versions = page.inner_text("[data-testid=version-table]")
    assert "GH-200-rev-D.pdf" in versions and "GH-200-rev-C.pdf" not in versions
    with unit_of_work(engine) as session:
        deleted = session.execute(
            select(AuditEntry.before).where(
                AuditEntry.entity == "vault_version", AuditEntry.action == "delete"
            )
        ).scalars()
        assert [(before or {}).get("filename") for before in deleted] == ["GH-200-rev-C.pdf"]
