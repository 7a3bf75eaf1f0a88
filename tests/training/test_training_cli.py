"""``cofab training``: records with validity, export, compliance, a bad option as one line."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from tests.conftest import World
from typer.testing import CliRunner

from cofab.cli import app as cli_app
from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.training import cli as training_cli
from cofab.training import schemas, service


@pytest.fixture
def run(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(training_cli, "engine", lambda: engine)
    monkeypatch.setenv("COFAB_LANG", "en")
    runner = CliRunner()
    return lambda *args: runner.invoke(cli_app, ["training", *args])


def test_list_export_compliance(run: Any, world: World, engine: Engine, tmp_path: Path) -> None:
    today = date.today()
    with unit_of_work(engine) as session:
        for name, until in (
            ("Ahn", today - timedelta(days=2)),
            ("Baek", today + timedelta(days=90)),
        ):
            service.create_record(
                session,
                actor=SYSTEM_ACTOR,
                data=schemas.RecordCreate(
                    partner_id=world.partner_a,
                    person_name=name,
                    course_kind="security",
                    course_title="Security rules",
                    completed_on=today - timedelta(days=400),
                    valid_until=until,
                ),
            )
    expired = run("list", "--validity", "expired")
    assert expired.exit_code == 0 and "Ahn" in expired.output and "Baek" not in expired.output
    out = tmp_path / "training.csv"
    assert run("list", "--out", str(out)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))
    assert sorted(r["validity"] for r in rows) == ["expired", "valid"]
    compliance = run("compliance")
    assert compliance.exit_code == 0 and "1/2" in compliance.output and "50.0" in compliance.output
    bad = run("list", "--validity", "soon")
    assert bad.exit_code == 1 and "--validity" in bad.output and "Traceback" not in bad.output
    assert "Ahn" not in run("list", "--as", world.users["partner_b"]).output
