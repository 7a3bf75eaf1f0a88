"""The vault demo loads through the services: encrypted files that open, shares, a grant for
the secret process sheet, and the partner's first download in the access log."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from tests.conftest import make_partner, make_user
from tests.vault.vault_factories import make_agreement

from cofab.config import Settings
from cofab.core.audit import AuditEntry
from cofab.db.base import utcnow
from cofab.db.session import unit_of_work
from cofab.demo import vault_demo
from cofab.vault.documents import vault_store
from cofab.vault.downloads import open_decrypted_verified
from cofab.vault.models import VaultDocument, VaultGrant, VaultShare, VaultVersion


def test_vault_demo_is_readable_and_idempotent(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COFAB_MASTER_KEY", raising=False)
    settings = Settings(data_dir=tmp_path / "data", database_url="sqlite://")
    monkeypatch.setattr(vault_demo, "get_settings", lambda: settings)
    with unit_of_work(engine) as session:
        partner = make_partner(session, "Saigon Precision Assembly")
        make_user(session, "manager@hanbit.example", "manager")
        make_user(session, "partner@saigon.example", "partner", partner.id)
        now = utcnow()
        cm = make_agreement(
            session,
            [partner.id],
            now - timedelta(days=9),
            now + timedelta(days=9),
            kind="cm_agreement",
        )
        refs = {"DEMO-E-SGP": partner.id}
    for _ in range(2):  # the second load adds nothing
        with unit_of_work(engine) as session:
            vault_demo.load(session, "electronics", refs, date(2026, 11, 1))
    store = vault_store(settings)
    with unit_of_work(engine) as session:
        documents = list(session.execute(select(VaultDocument)).scalars())
        assert sorted(d.classification for d in documents) == [
            "confidential",
            "confidential",
            "internal",
            "public",
            "secret",
        ]
        assert {d.contract_id for d in documents if d.kind in ("drawing", "bom")} == {cm.id}
        versions = list(session.execute(select(VaultVersion)).scalars())
        assert len(versions) == 6
        texts = {v.filename: b"".join(open_decrypted_verified(store, v)) for v in versions}
        assert b"rev B" in texts["PH-14-rev-B.svg"]
        assert session.execute(select(func.count()).select_from(VaultShare)).scalar_one() == 5
        assert session.execute(select(func.count()).select_from(VaultGrant)).scalar_one() == 1
        downloads = session.execute(
            select(AuditEntry.actor_label, AuditEntry.after).where(
                AuditEntry.entity == "vault_document", AuditEntry.action == "download"
            )
        ).all()
        assert [(label, after["version"]) for label, after in downloads] == [
            ("partner@saigon.example", 2)
        ]
