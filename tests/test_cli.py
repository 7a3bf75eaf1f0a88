"""The cofab CLI against a real database file: user create, demo load, import/export, errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from cofab import cli
from cofab.accounts.models import User
from cofab.db.session import unit_of_work
from cofab.partners.models import Capability, Certification, Partner, Site

runner = CliRunner()


@pytest.fixture
def cli_db(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setattr(cli, "_engine", lambda: engine)
    monkeypatch.setattr(cli, "migrate", lambda: None)
    monkeypatch.setenv("COFAB_LANG", "en")
    return engine


def count(engine: Engine, model: type) -> int:
    with unit_of_work(engine) as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def test_help_everywhere() -> None:
    for args in (
        [],
        ["db"],
        ["user"],
        ["demo"],
        ["audit"],
        ["partners"],
        ["up"],
        ["partners", "import"],
    ):
        result = runner.invoke(cli.app, [*args, "--help"])
        assert result.exit_code == 0, (args, result.output)
        assert "Usage" in result.output


def test_demo_load_is_idempotent_and_rich(cli_db: Engine) -> None:
    first = runner.invoke(cli.app, ["demo", "load", "--case", "all"])
    assert first.exit_code == 0, first.output
    assert "admin@hanbit.example" in first.output
    partners = count(cli_db, Partner)
    assert (
        partners >= 20 and count(cli_db, Site) >= partners and count(cli_db, Capability) > partners
    )
    # 4 owner roles and 1 partner login per case, plus the group admin
    assert count(cli_db, Certification) > partners and count(cli_db, User) == 16
    again = runner.invoke(cli.app, ["demo", "load", "--case", "electronics"])
    assert again.exit_code == 0 and count(cli_db, Partner) == partners
    with unit_of_work(cli_db) as session:
        jv = session.execute(select(Partner).where(Partner.form == "joint_venture")).scalars().all()
        assert jv and jv[0].status == "active"
    bad = runner.invoke(cli.app, ["demo", "load", "--case", "shipbuilding"])
    assert bad.exit_code == 1 and "shipbuilding" in bad.output


def test_user_create_validates(cli_db: Engine) -> None:
    ok = runner.invoke(
        cli.app, ["user", "create", "boss@x.test", "--role", "admin", "--password", "long-enough-1"]
    )
    assert ok.exit_code == 0, ok.output
    dup = runner.invoke(
        cli.app, ["user", "create", "boss@x.test", "--role", "admin", "--password", "long-enough-1"]
    )
    assert dup.exit_code == 1 and "already exists" in dup.output
    short = runner.invoke(
        cli.app, ["user", "create", "x@x.test", "--role", "wizard", "--password", "a"]
    )
    # fields are named by their labels ("Role", "Password"), never by their keys
    assert short.exit_code == 1 and "Role" in short.output and "Password" in short.output
    assert "Traceback" not in short.output


def test_import_export_round_trip(cli_db: Engine, tmp_path: Path) -> None:
    source = tmp_path / "partners.csv"
    source.write_text(
        "external_ref,name_ko,name_en,types,form,country\n"
        "C-1,한국 주조,Korea Casting,supplier,vertical,KR\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli.app, ["partners", "import", str(source)])
    assert result.exit_code == 0 and "1 created" in result.output, result.output
    again = runner.invoke(cli.app, ["partners", "import", str(source)])
    assert "1 unchanged" in again.output
    out = tmp_path / "out.xlsx"
    exported = runner.invoke(cli.app, ["partners", "export", str(out)])
    assert exported.exit_code == 0 and out.stat().st_size > 0
    missing = runner.invoke(cli.app, ["partners", "import", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 1 and "not found" in missing.output
    broken = tmp_path / "broken.csv"
    broken.write_text("external_ref,name_en\nX,\n", encoding="utf-8")
    bad = runner.invoke(cli.app, ["partners", "import", str(broken)])
    assert bad.exit_code == 1 and "row 2" in bad.output
