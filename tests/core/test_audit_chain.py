"""Every change leaves a chained audit entry; editing or deleting one by hand is detected."""

from __future__ import annotations

import os

from sqlalchemy import Engine, func, select, text
from tests.conftest import World
from typer.testing import CliRunner

from cofab.core.audit import AuditEntry, verify_chain
from cofab.db.session import unit_of_work


def entries(engine: Engine) -> list[AuditEntry]:
    with unit_of_work(engine) as session:
        return list(session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars())


def test_change_is_logged_with_before_and_after_in_the_same_transaction(
    world: World, api, engine: Engine
) -> None:
    client = api(world.users["manager"])
    before_count = len(entries(engine))
    assert (
        client.patch(f"/api/v1/partners/{world.partner_a}", json={"notes": "audited"}).status_code
        == 200
    )
    log = entries(engine)
    assert len(log) == before_count + 1
    last = log[-1]
    assert (last.action, last.entity, last.entity_id) == ("update", "partner", str(world.partner_a))
    assert last.actor_label == world.users["manager"]
    assert last.before["notes"] is None and last.after["notes"] == "audited"
    assert last.prev_hash == log[-2].hash
    # A refused change leaves no entry.
    assert (
        client.post(
            f"/api/v1/partners/{world.partner_a}/status", json={"status": "active"}
        ).status_code
        == 409
    )
    assert len(entries(engine)) == len(log)


def _verify(engine: Engine):  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        return verify_chain(session)


def test_verify_passes_then_names_an_edited_row(world: World, engine: Engine) -> None:
    report = _verify(engine)
    assert report.ok and report.checked == len(entries(engine)) > 5
    target = entries(engine)[3].id
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_log SET actor_label = 'mallory' WHERE id = :id"), {"id": target}
        )
    broken = _verify(engine)
    assert not broken.ok and broken.first_broken_id == target
    assert "hash" in (broken.reason or "")


def test_verify_names_the_gap_left_by_a_deleted_row(world: World, engine: Engine) -> None:
    target = entries(engine)[2].id
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": target})
    broken = _verify(engine)
    assert broken.first_broken_id == target + 1
    assert str(target) in (broken.reason or "")


def test_cli_audit_verify_exit_codes(world: World, engine: Engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from cofab import cli

    monkeypatch.setattr(cli, "_engine", lambda: engine)
    monkeypatch.setattr(cli, "migrate", lambda: None)
    runner = CliRunner()
    ok = runner.invoke(cli.app, ["audit", "verify"])
    assert ok.exit_code == 0, ok.output
    with unit_of_work(engine) as session:
        n = session.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET after = NULL WHERE id = :id"), {"id": n})
    bad = runner.invoke(cli.app, ["audit", "verify"])
    assert bad.exit_code == 1
    assert str(n) in bad.output
    assert os.environ.get("COFAB_DATABASE_URL") is None or True


def test_admin_browses_and_filters_the_log_others_cannot(world: World, api) -> None:
    admin = api(world.users["admin"])
    page = admin.get("/api/v1/audit", params={"entity": "site", "action": "create"}).json()
    assert page["total"] == 2 and {e["entity"] for e in page["items"]} == {"site"}
    by_partner = admin.get("/api/v1/audit", params={"partner_id": world.partner_b}).json()
    assert all(e["partner_id"] == world.partner_b for e in by_partner["items"])
    assert admin.get("/api/v1/audit/verify").json()["ok"] is True
    for role in ("manager", "viewer", "partner_a"):
        assert api(world.users[role]).get("/api/v1/audit").status_code == 403
