"""Signed checkpoints catch what a hash chain alone cannot: entries cut off the end, and a rewrite
by someone with database access but without the keys in the data folder. Writers never wait for
each other, and the sealer chains every entry exactly once."""

from __future__ import annotations

import base64
import json
import threading
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, func, select, text, update
from tests.conftest import World
from typer.testing import CliRunner

from cofab.core import audit, audit_checkpoint
from cofab.core.access import SYSTEM_ACTOR
from cofab.core.audit import AuditEntry, entry_digest, verify_chain
from cofab.core.audit_sealer import seal_pending, start_sealer, write_checkpoint
from cofab.core.audit_verify import BAD_CHECKPOINT, REWRITTEN, TRUNCATED, verify_audit
from cofab.db.session import unit_of_work


def sealed(engine: Engine) -> list[AuditEntry]:
    with unit_of_work(engine) as session:
        stmt = select(AuditEntry).where(AuditEntry.seq.is_not(None)).order_by(AuditEntry.seq)
        return list(session.execute(stmt).scalars())


def checkpointed(engine: Engine, data_dir: Path) -> audit_checkpoint.Checkpoint:
    checkpoint = write_checkpoint(engine, data_dir)
    assert checkpoint is not None
    return checkpoint


def test_a_checkpoint_signs_the_sealed_head_and_count(
    world: World, engine: Engine, tmp_path: Path
) -> None:
    checkpoint = checkpointed(engine, tmp_path)
    chain = sealed(engine)
    assert (checkpoint.seq, checkpoint.hash, checkpoint.count) == (
        len(chain),
        chain[-1].hash,
        len(chain),
    )
    lines = (tmp_path / "audit-checkpoints.jsonl").read_text().splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [len(chain)]
    for name in ("audit-seal.key", "audit-signing.pem", "audit-checkpoints.jsonl"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o600
    # Nothing new: a periodic checkpoint is skipped, an explicit one is written.
    assert write_checkpoint(engine, tmp_path, only_if_moved=True) is None
    verdict = verify_audit(engine, tmp_path)
    assert verdict.ok and verdict.latest == checkpoint
    assert "1 signed checkpoints match" in verdict.message("en")


def test_deleting_the_last_five_entries_after_a_checkpoint_names_the_first_missing(
    world: World, engine: Engine, tmp_path: Path
) -> None:
    checkpoint = checkpointed(engine, tmp_path)
    head = checkpoint.seq
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq > :s"), {"s": head - 5})
    # What is left is a perfect chain: without the checkpoint nothing looks wrong.
    with unit_of_work(engine) as session:
        assert verify_chain(session).ok
    verdict = verify_audit(engine, tmp_path)
    assert not verdict.ok and verdict.reason == TRUNCATED
    assert verdict.first_broken_seq == head - 4
    assert f"entry {head - 4}:" in verdict.message("en")
    assert f"entries from {head - 4} on are missing" in verdict.message("en")
    # New entries sealed on top of the cut do not hide it either.
    with unit_of_work(engine) as session:
        for n in range(6):
            audit.record(session, actor=SYSTEM_ACTOR, action="create", entity="x", entity_id=n)
    later = verify_audit(engine, tmp_path)
    assert not later.ok and later.reason == REWRITTEN and later.first_broken_seq == head


def test_editing_one_entry_and_rehashing_the_rest_names_exactly_that_entry(
    world: World, engine: Engine, tmp_path: Path
) -> None:
    checkpointed(engine, tmp_path)
    chain = sealed(engine)
    target = chain[4]
    # The attacker edits one row and recomputes every following hash and link, as anyone with
    # database access can; they cannot make the seals, whose key is not in the database.
    with unit_of_work(engine) as session:
        rows = list(
            session.execute(
                select(AuditEntry).where(AuditEntry.seq >= target.seq).order_by(AuditEntry.seq)
            ).scalars()
        )
        rows[0].actor_label = "mallory"
        prev = rows[0].prev_hash
        for row in rows:
            row.prev_hash = prev
            row.hash = entry_digest(row)
            prev = row.hash
    with unit_of_work(engine) as session:
        assert verify_chain(session).ok  # the hash chain alone is fooled
    verdict = verify_audit(engine, tmp_path)
    assert not verdict.ok
    assert (verdict.first_broken_seq, verdict.first_broken_id) == (target.seq, target.id)
    assert verdict.reason == audit.BAD_SEAL


def test_a_forged_checkpoint_line_is_refused(world: World, engine: Engine, tmp_path: Path) -> None:
    real = checkpointed(engine, tmp_path)
    forged_by_other_key = Ed25519PrivateKey.generate()
    fake = audit_checkpoint.Checkpoint(
        seq=real.seq + 100, hash="f" * 64, count=real.count + 100, at=real.at, key_id=real.key_id
    )
    signature = base64.b64encode(forged_by_other_key.sign(fake.signed_bytes())).decode()
    line = json.dumps({**json.loads(fake.to_json()), "signature": signature})
    with (tmp_path / "audit-checkpoints.jsonl").open("a") as handle:
        handle.write(line + "\n")
    verdict = verify_audit(engine, tmp_path)
    assert not verdict.ok and verdict.reason == BAD_CHECKPOINT
    assert verdict.reason_params == {"line": 2}
    # A real line with one field changed is refused the same way.
    (tmp_path / "audit-checkpoints.jsonl").write_text(
        json.dumps({**json.loads(real.to_json()), "count": real.count - 1}) + "\n"
    )
    assert verify_audit(engine, tmp_path).reason == BAD_CHECKPOINT


def test_an_exported_checkpoint_still_catches_truncation_when_the_local_file_is_gone(
    world: World, engine: Engine, tmp_path: Path, settings, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from cofab import cli

    data_dir = tmp_path / "data"
    monkeypatch.setattr(cli, "_engine", lambda: engine)
    monkeypatch.setattr(cli, "migrate", lambda: None)
    monkeypatch.setattr(
        cli, "get_settings", lambda: settings.model_copy(update={"data_dir": data_dir})
    )
    runner = CliRunner()
    export = tmp_path / "auditor.json"
    made = runner.invoke(cli.app, ["audit", "checkpoint", "--export", str(export)])
    assert made.exit_code == 0, made.output
    printed = json.loads(made.output.splitlines()[0])
    document = json.loads(export.read_text())
    assert "PRIVATE" not in export.read_text() and "BEGIN PUBLIC KEY" in document["public_key"]
    assert document["checkpoints"][-1]["seq"] == printed["seq"]
    assert runner.invoke(cli.app, ["audit", "verify", "--checkpoint", str(export)]).exit_code == 0
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq > :s"), {"s": printed["seq"] - 5})
    (data_dir / "audit-checkpoints.jsonl").unlink()  # the attacker removes the local copy too
    assert runner.invoke(cli.app, ["audit", "verify"]).exit_code == 0  # nothing left to compare
    caught = runner.invoke(cli.app, ["audit", "verify", "--checkpoint", str(export)])
    assert caught.exit_code == 1
    assert f"entry {printed['seq'] - 4}:" in caught.output
    assert len(caught.output.strip().splitlines()) == 1
    bad = tmp_path / "not-a-checkpoint.json"
    bad.write_text("[1, 2")
    refused = runner.invoke(cli.app, ["audit", "verify", "--checkpoint", str(bad)])
    assert refused.exit_code == 1 and "Traceback" not in refused.output


def test_unsealed_legacy_entries_are_backfilled_only_before_the_first_checkpoint(
    world: World, engine: Engine, tmp_path: Path
) -> None:
    seal_pending(engine, tmp_path)
    with engine.begin() as conn:  # as after the migration: chained, never sealed
        conn.execute(update(AuditEntry).values(seal=None))
    assert verify_audit(engine, tmp_path).ok  # back-filled: their chain checks out
    checkpointed(engine, tmp_path)
    with engine.begin() as conn:
        conn.execute(update(AuditEntry).where(AuditEntry.seq == 3).values(seal=None))
    verdict = verify_audit(engine, tmp_path)
    assert (verdict.ok, verdict.first_broken_seq, verdict.reason) == (False, 3, audit.NO_SEAL)


def _audited_write(engine: Engine, label: str, hold_s: float = 0.0) -> None:
    with unit_of_work(engine) as session:
        audit.record(session, actor=SYSTEM_ACTOR, action="create", entity="probe", entity_id=label)
        time.sleep(hold_s)


def test_concurrent_writers_do_not_wait_for_each_other(engine: Engine, tmp_path: Path) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time by design; this is about PostgreSQL")
    recorded = threading.Event()

    def slow() -> None:
        with unit_of_work(engine) as session:
            audit.record(session, actor=SYSTEM_ACTOR, action="create", entity="probe", entity_id=1)
            recorded.set()
            time.sleep(1.5)

    first = threading.Thread(target=slow)
    first.start()
    assert recorded.wait(5)
    started = time.monotonic()
    second = threading.Thread(target=_audited_write, args=(engine, "2"))
    second.start()
    second.join(timeout=1.0)
    took = time.monotonic() - started
    assert not second.is_alive() and took < 1.0, f"the second writer waited {took:.2f}s"
    first.join()
    assert seal_pending(engine, tmp_path) == 2


def test_many_concurrent_writers_each_land_exactly_once_in_the_chain(
    engine: Engine, tmp_path: Path
) -> None:
    threads, per_thread = 8, 6
    workers = [
        threading.Thread(
            target=lambda t=t: [_audited_write(engine, f"{t}-{i}", 0.01) for i in range(per_thread)]
        )
        for t in range(threads)
    ]
    sealer = start_sealer(engine, tmp_path, interval_s=0.02)
    try:
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
    finally:
        sealer.stop()
    verdict = verify_audit(engine, tmp_path)
    assert verdict.ok and verdict.checked == threads * per_thread
    with unit_of_work(engine) as session:
        labels = session.execute(
            select(AuditEntry.entity_id, func.count()).group_by(AuditEntry.entity_id)
        ).all()
        seqs = session.execute(select(AuditEntry.seq).order_by(AuditEntry.seq)).scalars().all()
    assert sorted(label for label, _ in labels) == sorted(
        f"{t}-{i}" for t in range(threads) for i in range(per_thread)
    )
    assert all(n == 1 for _, n in labels)
    assert seqs == list(range(1, threads * per_thread + 1))


def test_the_sealer_thread_seals_soon_and_stops_promptly(engine: Engine, tmp_path: Path) -> None:
    sealer = start_sealer(engine, tmp_path, interval_s=0.05, checkpoint_every_s=0.0)
    try:
        _audited_write(engine, "soon")
        deadline = time.monotonic() + 5
        while not sealed(engine) or not audit_checkpoint.has_checkpoints(tmp_path):
            assert time.monotonic() < deadline, "not sealed and checkpointed within 5 s"
            time.sleep(0.02)
    finally:
        started = time.monotonic()
        sealer.stop()
    assert not sealer.thread.is_alive() and time.monotonic() - started < 2.0
    assert audit_checkpoint.read_local(tmp_path).latest is not None


@pytest.fixture
def fresh_engine(tmp_path: Path):  # type: ignore[no-untyped-def]
    """An empty database of its own, to migrate step by step."""
    import os
    import secrets

    from sqlalchemy import create_engine

    url = os.environ.get("COFAB_TEST_DATABASE_URL")
    if not url:
        eng = create_engine(f"sqlite:///{tmp_path / 'legacy.db'}")
        yield eng
        eng.dispose()
        return
    schema = f"cofab_legacy_{secrets.token_hex(4)}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    eng = create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    yield eng
    eng.dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def test_entries_chained_before_the_migration_keep_their_hashes_and_get_sealed(
    fresh_engine: Engine, tmp_path: Path
) -> None:
    from sqlalchemy import insert

    from cofab.db.base import utcnow
    from cofab.db.migrate import upgrade

    upgrade(fresh_engine, "0001_foundation")
    prev = audit.GENESIS_HASH
    with fresh_engine.begin() as conn:
        for i in range(1, 4):  # chained by id, the way record() used to do it
            entry = AuditEntry(
                id=i,
                at=utcnow(),
                actor_label="system",
                action="create",
                entity="legacy",
                entity_id=str(i),
                before=None,
                after={"n": i},
                prev_hash=prev,
            )
            entry.hash = entry_digest(entry)
            columns = ("id", "at", "actor_label", "action", "entity", "entity_id", "after")
            values = {c: getattr(entry, c) for c in (*columns, "prev_hash", "hash")}
            conn.execute(insert(AuditEntry.__table__).values(**values))
            prev = entry.hash
    upgrade(fresh_engine)
    with unit_of_work(fresh_engine) as session:
        assert session.execute(select(AuditEntry.seq).order_by(AuditEntry.id)).scalars().all() == [
            1,
            2,
            3,
        ]
        audit.record(session, actor=None, action="create", entity="new", entity_id=4)
    verdict = verify_audit(fresh_engine, tmp_path)
    assert verdict.ok and verdict.checked == 4
    chain = sealed(fresh_engine)
    assert [(e.id, e.seq) for e in chain] == [(1, 1), (2, 2), (3, 3), (4, 4)]
    assert chain[3].prev_hash == prev and all(e.seal for e in chain)


def test_the_audit_api_and_page_report_the_checkpoint(
    world: World, api, engine: Engine, settings, base_url: str
) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import login

    data_dir = settings.data_dir
    admin = api(world.users["admin"])  # issuing its token is audited too
    browser = login(base_url, world.users["admin"])
    try:
        checkpoint = checkpointed(engine, data_dir)
        verdict = admin.get("/api/v1/audit/verify").json()
        assert verdict["ok"] is True and verdict["checkpoints"] == 1
        assert verdict["checkpoint"]["seq"] == checkpoint.seq == verdict["head_seq"]
        assert verdict["checkpoint"]["hash"] == checkpoint.hash
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_log WHERE seq > :s"), {"s": checkpoint.seq - 5})
        broken = admin.get("/api/v1/audit/verify").json()
        assert (broken["ok"], broken["first_broken_seq"]) == (False, checkpoint.seq - 4)
        page = browser.get("/audit", params={"verify": 1})
        assert page.status_code == 200
        assert f"entries from {checkpoint.seq - 4} on are missing" in page.text
    finally:
        audit_checkpoint.checkpoints_path(data_dir).unlink(missing_ok=True)
