"""``cofab dev``: the ownership rule from the shell, the register exported, bad input as one
line and exit 1."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from tests.conftest import World
from tests.development.development_factories import contract_with_ip, project_with_everything
from typer.testing import CliRunner

from cofab.cli import app as cli_app
from cofab.development import cli as dev_cli


@pytest.fixture
def run(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(dev_cli, "engine", lambda: engine)
    monkeypatch.setenv("COFAB_LANG", "en")
    runner = CliRunner()
    return lambda *args: runner.invoke(cli_app, ["dev", *args])


def test_owner_rule_from_the_shell(run: Any) -> None:
    joint = run("owner", "--foreground", "joint", "--json")
    assert joint.exit_code == 0, joint.output
    assert json.loads(joint.output) == {
        "owners": ["owner", "partner"],
        "code": "joint",
        "licence_back": False,
        "rule": "foreground_ip=joint",
    }
    grant = run("owner", "--kind", "improvement_partner_background", "--improvements", "grant_back")
    assert "The partner" in grant.output and "licenses it back" in grant.output
    nobody = run("owner", "--no-contract", "--inventor", "partner", "--inventor", "owner", "--json")
    assert json.loads(nobody.output)["code"] == "joint"
    bad = run("owner", "--foreground", "both")
    assert bad.exit_code == 1 and "--foreground" in bad.output and "Traceback" not in bad.output


def test_register_export(run: Any, world: World, engine: Engine, tmp_path: Path) -> None:
    contract_id = contract_with_ip(engine, world.partner_a)
    project_with_everything(engine, world.partner_a, contract_id)
    listed = run("list")
    assert listed.exit_code == 0 and "JDP-" in listed.output
    out = tmp_path / "register.csv"
    written = run("inventions", "--out", str(out))
    assert written.exit_code == 0, written.output
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))
    assert rows[0]["computed_owners"] == "joint" and rows[0]["rule"] == "foreground_ip=joint"
    wrong = run("inventions", "--out", str(tmp_path / "register.pdf"))
    assert wrong.exit_code == 1 and ".xlsx" in wrong.output
    partner_view = run("inventions", "--as", world.users["partner_b"])
    assert partner_view.exit_code == 0 and "INV-" not in partner_view.output
