"""Contract end: the exit report lists what the partner accessed and what it must return or
destroy, closes its shares, and records the partner's confirmation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from tests.conftest import World, csrf_of, login
from tests.vault.vault_factories import (
    ADMIN,
    actor_of,
    at,
    make_agreement,
    make_document,
    scratch_store,
    share,
    terminate,
    upload,
)

from cofab.core.audit import AuditEntry
from cofab.core.errors import Conflict, ValidationFailed
from cofab.db.session import unit_of_work
from cofab.vault import access, documents, exits
from cofab.vault.downloads import prepare_download
from cofab.vault.models import VaultShare

T = at("2026-04-01T12:00:00")
HOUR = timedelta(hours=1)


def fetch(session, actor, store, version_id, when) -> bytes:  # type: ignore[no-untyped-def]
    prepared = prepare_download(session, actor=actor, store=store, version_id=version_id, at=when)
    return b"".join(prepared.chunks)


def test_exit_report_after_termination(engine: Engine, world: World) -> None:
    store = scratch_store()
    with unit_of_work(engine) as session:
        partner = actor_of(session, world.users["partner_a"])
        nda = make_agreement(session, [world.partner_a], T - 100 * 24 * HOUR, T + 100 * 24 * HOUR)
        drawing = make_document(session, title="Bracket drawing")
        v1 = upload(session, store, drawing.id, b"rev A")
        v2 = upload(session, store, drawing.id, b"rev B")
        brochure = make_document(session, title="Brochure", classification="public")
        b1 = upload(session, store, brochure.id, b"public brochure")
        recipe = make_document(session, title="Plating recipe", classification="secret")
        r1 = upload(session, store, recipe.id, b"secret recipe")
        unshared = make_document(session, title="Cost model")
        for doc in (drawing, brochure, recipe):
            share(session, doc.id, world.partner_a, now=T - 10 * HOUR)
        with pytest.raises(access.AccessRefused) as probe:  # guessing an id of an unshared one
            documents.view_document(session, actor=partner, document_id=unshared.id, at=T)
        session.commit()
        access.log_refusal(engine, probe.value.refusal)

        assert fetch(session, partner, store, v1.id, T - 5 * HOUR) == b"rev A"
        assert fetch(session, partner, store, v2.id, T - 4 * HOUR) == b"rev B"
        assert fetch(session, partner, store, b1.id, T - 3 * HOUR) == b"public brochure"
        documents.view_document(session, actor=partner, document_id=brochure.id, at=T - 3 * HOUR)
        with pytest.raises(access.AccessRefusedVisible) as refused:
            fetch(session, partner, store, r1.id, T - 2 * HOUR)
        session.commit()  # as the route does: release the write lock, then log on its own
        access.log_refusal(engine, refused.value.refusal)
        with pytest.raises(Conflict):  # nothing has ended yet
            exits.issue_exit_report(session, actor=ADMIN, partner_id=world.partner_a, now=T)
        terminate(session, nda.id, T)
        with pytest.raises(access.AccessRefusedVisible):
            fetch(session, partner, store, v2.id, T)
        report = exits.issue_exit_report(
            session, actor=ADMIN, partner_id=world.partner_a, now=T + HOUR
        )
        report_id = report.id
        items = {i["title"]: i for i in report.items}
        assert set(items) == {"Bracket drawing", "Brochure", "Plating recipe"}
        assert unshared.title not in items
        assert items["Bracket drawing"]["action"] == exits.RETURN_OR_DESTROY
        assert items["Bracket drawing"]["versions_downloaded"] == [1, 2]
        assert items["Bracket drawing"]["downloads"] == 2
        assert items["Brochure"]["action"] == exits.NO_ACTION  # public: nothing to return
        assert (items["Brochure"]["views"], items["Brochure"]["downloads"]) == (1, 1)
        assert items["Plating recipe"]["action"] == exits.NO_ACTION
        assert items["Plating recipe"]["refusals"] == 1
        assert report.contract_id == nda.id
        shares = session.execute(
            select(VaultShare).where(VaultShare.partner_id == world.partner_a)
        ).scalars()
        assert {s.revoked_at for s in shares} == {T + HOUR}

    with unit_of_work(engine) as session:
        other = actor_of(session, world.users["partner_b"])
        assert exits.list_exit_reports(session, actor=other) == []
        manager = actor_of(session, world.users["manager"])
        with pytest.raises(ValidationFailed):  # the owner must say how it was confirmed
            exits.confirm_exit_report(session, actor=manager, report_id=report_id, note="  ")
        confirmed = exits.confirm_exit_report(
            session, actor=partner, report_id=report_id, note="Shredded on site, 2 copies"
        )
        assert confirmed.status == "confirmed"
        assert confirmed.confirmed_by_label == world.users["partner_a"]
        with pytest.raises(Conflict):
            exits.confirm_exit_report(session, actor=partner, report_id=report_id, note=None)
        entry = session.execute(
            select(AuditEntry).where(
                AuditEntry.entity == "vault_exit_report", AuditEntry.action == "confirm"
            )
        ).scalar_one()
        assert entry.partner_id == world.partner_a
        assert entry.after is not None and entry.after["on_behalf"] is False


def test_partial_exit_covers_only_documents_given_under_the_ended_contract(
    engine: Engine, world: World
) -> None:
    store = scratch_store()
    with unit_of_work(engine) as session:
        partner = actor_of(session, world.users["partner_a"])
        supply = make_agreement(
            session, [world.partner_a], T - 900 * HOUR, T, kind="supply_agreement"
        )
        make_agreement(session, [world.partner_a], T - 900 * HOUR, T + 900 * HOUR)
        linked = make_document(session, title="Supply spec", contract_id=supply.id)
        general = make_document(session, title="Supplier handbook")
        for doc in (linked, general):
            version = upload(session, store, doc.id, doc.title.encode())
            share(session, doc.id, world.partner_a, now=T - 50 * HOUR)
            fetch(session, partner, store, version.id, T - HOUR)
        with pytest.raises(ValidationFailed):  # the NDA has not ended
            exits.issue_exit_report(
                session, actor=ADMIN, partner_id=world.partner_a, contract_id=999, now=T
            )
        report = exits.issue_exit_report(
            session, actor=ADMIN, partner_id=world.partner_a, contract_id=supply.id, now=T
        )
        assert [i["title"] for i in report.items] == ["Supply spec"]
        open_shares = session.execute(
            select(VaultShare.document_id).where(VaultShare.revoked_at.is_(None))
        ).scalars()
        assert list(open_shares) == [general.id]


def test_exit_reports_through_the_api(world: World, api, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    with unit_of_work(engine) as session:
        make_agreement(
            session, [world.partner_a], now - timedelta(days=60), now - timedelta(days=1)
        )
    manager = api(world.users["manager"])
    alpha = api(world.users["partner_a"])
    bravo = api(world.users["partner_b"])
    assert (
        alpha.post("/api/v1/vault/exit-reports", json={"partner_id": world.partner_a}).status_code
        == 403
    )
    nothing = manager.post("/api/v1/vault/exit-reports", json={"partner_id": world.partner_b})
    assert nothing.status_code == 409
    issued = manager.post("/api/v1/vault/exit-reports", json={"partner_id": world.partner_a})
    assert issued.status_code == 201, issued.text
    report_id = issued.json()["id"]
    assert [r["id"] for r in alpha.get("/api/v1/vault/exit-reports").json()] == [report_id]
    assert bravo.get("/api/v1/vault/exit-reports").json() == []
    assert bravo.get(f"/api/v1/vault/exit-reports/{report_id}").status_code == 404
    assert bravo.post(f"/api/v1/vault/exit-reports/{report_id}/confirm", json={}).status_code == 404
    done = alpha.post(f"/api/v1/vault/exit-reports/{report_id}/confirm", json={"note": "none held"})
    assert done.status_code == 200 and done.json()["status"] == "confirmed"


def test_exit_report_pages(world: World, base_url: str, engine: Engine) -> None:
    now = datetime.now(UTC)
    store = scratch_store()
    with unit_of_work(engine) as session:
        nda = make_agreement(session, [world.partner_a], now - timedelta(days=60), now + HOUR)
        drawing = make_document(session, title="Housing drawing")
        version = upload(session, store, drawing.id, b"geometry")
        share(session, drawing.id, world.partner_a)
        partner = actor_of(session, world.users["partner_a"])
        fetch(session, partner, store, version.id, now)
        terminate(session, nda.id, now)
    owner = login(base_url, world.users["manager"])
    csrf = csrf_of(owner, "/vault/exit-reports")
    access_page = owner.get(f"/vault/partners/{world.partner_a}/access")
    assert "Mutual NDA" in access_page.text and "issue-exit-report" in access_page.text
    issued = owner.post(
        "/vault/exit-reports", data={"csrf_token": csrf, "partner_id": str(world.partner_a)}
    )
    assert issued.status_code == 303, issued.text[:300]
    report_url = issued.headers["location"].split("?")[0]
    page = owner.get(report_url)
    assert "Housing drawing" in page.text and "Return or destroy every copy" in page.text
    nothing = owner.post(
        "/vault/exit-reports", data={"csrf_token": csrf, "partner_id": str(world.partner_b)}
    )
    assert nothing.status_code == 409 and "No NDA or contract" in nothing.text

    alpha = login(base_url, world.users["partner_a"])
    alpha_csrf = csrf_of(alpha, "/vault/exit-reports")
    assert report_url in alpha.get("/vault/exit-reports").text
    confirmed = alpha.post(
        f"{report_url}/confirm", data={"csrf_token": alpha_csrf, "note": "Destroyed"}
    )
    assert confirmed.status_code == 303
    assert "Destroyed" in alpha.get(report_url).text
    bravo = login(base_url, world.users["partner_b"])
    assert bravo.get(report_url).status_code == 404
