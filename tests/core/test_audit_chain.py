"""Every change leaves an audit entry, the sealer chains it, and editing or deleting one by hand is
detected."""

from __future__ import annotations

import itertools
from pathlib import Path

from sqlalchemy import Engine, func, select, text
from tests.conftest import World
from typer.testing import CliRunner

from cofab.config import Settings
from cofab.core import audit_keys
from cofab.core.audit import GENESIS_HASH, AuditEntry, entry_digest, seal_of, verify_chain
from cofab.core.audit_sealer import seal_pending
from cofab.core.audit_verify import AuditVerdict, verify_audit
from cofab.db.session import unit_of_work


def entries(engine: Engine) -> list[AuditEntry]:
    with unit_of_work(engine) as session:
        return list(session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars())


def chain(engine: Engine) -> list[AuditEntry]:
    with unit_of_work(engine) as session:
        stmt = select(AuditEntry).where(AuditEntry.seq.is_not(None)).order_by(AuditEntry.seq)
        return list(session.execute(stmt).scalars())


def test_change_is_logged_with_before_and_after_in_the_same_transaction(
    world: World, api, engine: Engine, settings: Settings
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
    assert last.seq is None and last.hash is None  # written by the writer, chained later
    # A refused change leaves no entry.
    assert (
        client.post(
            f"/api/v1/partners/{world.partner_a}/status", json={"status": "active"}
        ).status_code
        == 409
    )
    assert len(entries(engine)) == len(log)


def test_sealer_chains_every_entry_once_with_a_keyed_seal(
    world: World, engine: Engine, settings: Settings
) -> None:
    pending = len(entries(engine))
    assert seal_pending(engine, settings.data_dir) == pending > 5
    assert seal_pending(engine, settings.data_dir) == 0
    sealed = chain(engine)
    key = audit_keys.seal_key(settings.data_dir)
    assert [e.seq for e in sealed] == list(range(1, pending + 1))
    assert sealed[0].prev_hash == GENESIS_HASH
    for prev, entry in itertools.pairwise(sealed):
        assert entry.prev_hash == prev.hash
    for entry in sealed:
        assert entry.hash == entry_digest(entry)
        assert entry.seal == seal_of(entry.hash or "", key) != seal_of(entry.hash or "", b"x" * 32)


def _verify(engine: Engine, data_dir: Path) -> AuditVerdict:
    return verify_audit(engine, data_dir)


def test_verify_passes_then_names_an_edited_row(
    world: World, engine: Engine, settings: Settings
) -> None:
    report = _verify(engine, settings.data_dir)
    assert report.ok and report.checked == len(entries(engine)) > 5
    target = chain(engine)[3]
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_log SET actor_label = 'mallory' WHERE id = :id"), {"id": target.id}
        )
    broken = _verify(engine, settings.data_dir)
    assert not broken.ok
    assert (broken.first_broken_seq, broken.first_broken_id) == (target.seq, target.id)
    assert "hash" in (broken.reason or "")
    assert f"entry {target.seq}:" in broken.message("en")


def test_verify_names_the_gap_left_by_a_deleted_row(
    world: World, engine: Engine, settings: Settings
) -> None:
    seal_pending(engine, settings.data_dir)
    sealed = chain(engine)
    target = sealed[2]
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": target.id})
    broken = _verify(engine, settings.data_dir)
    assert broken.first_broken_seq == target.seq == 3
    assert broken.first_broken_id == sealed[3].id
    assert broken.reason_params == {"first": 3, "last": 3}


def test_verify_without_a_key_checks_only_the_hashes(
    world: World, engine: Engine, settings: Settings
) -> None:
    seal_pending(engine, settings.data_dir)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET seal = NULL WHERE seq = 2"))
    with unit_of_work(engine) as session:
        assert verify_chain(session).ok
        missing = verify_chain(session, seal_key=audit_keys.seal_key(settings.data_dir))
    assert (missing.ok, missing.first_broken_seq) == (False, 2)


def test_cli_audit_verify_exit_codes(
    world: World, engine: Engine, settings: Settings, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from cofab import cli

    monkeypatch.setattr(cli, "_engine", lambda: engine)
    monkeypatch.setattr(cli, "migrate", lambda: None)
    monkeypatch.setattr(cli, "get_settings", lambda: settings)
    runner = CliRunner()
    ok = runner.invoke(cli.app, ["audit", "verify"])
    assert ok.exit_code == 0, ok.output
    with unit_of_work(engine) as session:
        n = session.execute(select(func.max(AuditEntry.seq))).scalar_one()
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET after = NULL WHERE seq = :seq"), {"seq": n})
    bad = runner.invoke(cli.app, ["audit", "verify"])
    assert bad.exit_code == 1
    assert f"entry {n}:" in bad.output
    assert len(bad.output.strip().splitlines()) == 1
    missing = runner.invoke(cli.app, ["audit", "verify", "--checkpoint", "/nonexistent/cp.json"])
    assert missing.exit_code == 1 and "Traceback" not in missing.output


def test_admin_browses_and_filters_the_log_others_cannot(world: World, api) -> None:
    admin = api(world.users["admin"])
    page = admin.get("/api/v1/audit", params={"entity": "site", "action": "create"}).json()
    assert page["total"] == 2 and {e["entity"] for e in page["items"]} == {"site"}
    # Listing seals first, so what is shown is already chained.
    assert all(e["sealed"] and e["seq"] and e["hash"] for e in page["items"])
    by_partner = admin.get("/api/v1/audit", params={"partner_id": world.partner_b}).json()
    assert all(e["partner_id"] == world.partner_b for e in by_partner["items"])
    verdict = admin.get("/api/v1/audit/verify").json()
    assert verdict["ok"] is True and verdict["checked"] == verdict["head_seq"] > 5
    assert verdict["checkpoint"] is None and verdict["checkpoints"] == 0
    for role in ("manager", "viewer", "partner_a"):
        assert api(world.users[role]).get("/api/v1/audit").status_code == 403
        assert api(world.users[role]).get("/api/v1/audit/verify").status_code == 403
