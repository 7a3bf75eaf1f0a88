"""Cross-domain hooks are registered by the composition root, in the web app and in a CLI
process alike: the vault's rotation re-wraps selection's evidence keys, contracts read
operations' receipts, a worker finds every job handler — with no import between the domains."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from tests.conftest import World
from typer.testing import CliRunner

from cofab.config import Settings
from cofab.core import wiring
from cofab.core.access import SYSTEM_ACTOR
from cofab.core.audit import AuditEntry
from cofab.db.session import unit_of_work

PROBE = """
import json, sys
if sys.argv[1] == "cli":
    import cofab.cli  # the composition root of a CLI process; imports no domain itself
from cofab.contracts.operations_feed import _feeds
from cofab.core.jobs import _handlers
from cofab.core.wiring import ensure_wired
from cofab.vault.rotation import key_holders
holders = [h.name for h in key_holders()]  # reading a hook registry wires the domains
ensure_wired()
print(json.dumps({
    "holders": holders,
    "feeds": [f.__module__ for f in _feeds],
    "jobs": sorted(_handlers),
    "selection_loaded": "cofab.selection.models" in sys.modules,
}))
"""


def _probe(mode: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={**os.environ, "COFAB_LANG": "en"},
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_a_cli_process_registers_every_domains_hooks_before_they_are_read() -> None:
    wired = _probe("cli")
    assert wired["holders"] == ["vault versions", "quality files", "selection evidence"]
    assert wired["feeds"] == ["cofab.operations.contract_feed"]
    assert {"planning.solve", "planning.simulate"} <= set(wired["jobs"])  # type: ignore[arg-type]


def test_without_the_composition_root_the_vault_knows_only_its_own_table() -> None:
    alone = _probe("vault-only")
    assert alone == {
        "holders": ["vault versions"],
        "feeds": [],
        "jobs": [],
        "selection_loaded": False,
    }


@pytest.fixture
def restored_wiring() -> Iterator[None]:
    saved, was_wired = list(wiring._wiring), wiring._wired.is_set()
    yield
    wiring._wiring[:] = saved
    if was_wired:
        wiring._wired.set()
    else:
        wiring._wired.clear()


def test_ensure_wired_runs_the_wiring_once(restored_wiring: None) -> None:
    calls: list[int] = []
    wiring.set_wiring(lambda: calls.append(1))
    wiring.ensure_wired()
    wiring.ensure_wired()
    assert calls == [1]
    wiring.set_wiring(lambda: calls.append(2))  # a new wiring runs again
    wiring.ensure_wired()
    assert calls == [1, 2]


def test_rotation_rewraps_selection_evidence_through_the_registered_holder(
    engine: Engine, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cofab.cli import app as cli_app
    from cofab.selection import schemas, service
    from cofab.selection.evidence import add_evidence, evidence_store, open_evidence
    from cofab.selection.models import Candidate, Evidence
    from cofab.vault import cli as vault_cli
    from cofab.vault.keys import Keyring, load_keyring

    monkeypatch.delenv("COFAB_MASTER_KEY", raising=False)
    monkeypatch.delenv("COFAB_MASTER_KEY_PREVIOUS", raising=False)
    settings = Settings(data_dir=tmp_path / "data", database_url="sqlite://")
    store = evidence_store(settings)
    content = b"audit report, page 1 of 1\n" * 100
    with unit_of_work(engine) as session:
        template = service.list_templates(session, actor=SYSTEM_ACTOR)[0].template
        evaluation = service.create_evaluation(
            session,
            actor=SYSTEM_ACTOR,
            data=schemas.EvaluationCreate(
                title="Second CM",
                template_id=template.id,
                partner_ids=[world.partner_a],
            ),
        )
        candidate = session.execute(
            select(Candidate).where(Candidate.evaluation_id == evaluation.id)
        ).scalar_one()
        evidence_id = add_evidence(
            session,
            actor=SYSTEM_ACTOR,
            store=store,
            candidate_id=candidate.id,
            content=content,
            filename="audit.pdf",
        ).id
    old_id = store.keyring.current.key_id
    monkeypatch.setattr(vault_cli, "target", lambda: vault_cli.Target(engine, settings))

    result = CliRunner().invoke(cli_app, ["vault", "rotate-master-key"])
    assert result.exit_code == 0, result.output

    new = load_keyring(Path(settings.data_dir)).current
    assert new.key_id != old_id
    only_new = Keyring(current=new, by_id={new.key_id: new})
    with unit_of_work(engine) as session:
        row = session.get(Evidence, evidence_id)
        assert row is not None and row.key_id == new.key_id
        entry = session.execute(
            select(AuditEntry).where(AuditEntry.action == "rotate_key")
        ).scalar_one()
        assert entry.after is not None
        assert entry.after["rewrapped"] == {
            "vault versions": 0,
            "quality files": 0,
            "selection evidence": 1,
        }
        _row, chunks = open_evidence(
            session,
            actor=SYSTEM_ACTOR,
            store=type(store)(store.storage, only_new, store.limit_mb),
            evidence_id=evidence_id,
        )
        assert b"".join(chunks) == content
