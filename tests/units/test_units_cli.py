"""``cofab unit``: found units, file partners and users under them, list them."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select
from tests.conftest import World
from typer.testing import CliRunner

from cofab.accounts.models import User
from cofab.cli import app
from cofab.db.session import unit_of_work
from cofab.units import cli as units_cli
from cofab.units import service as units


@pytest.fixture
def cli_db(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setattr(units_cli, "_engine", lambda: engine)
    monkeypatch.setenv("COFAB_LANG", "en")
    return engine


def test_create_link_member_and_list(world: World, engine: Engine, cli_db: Engine) -> None:
    runner = CliRunner()
    made = runner.invoke(
        app, ["unit", "create", "battery", "--name-ko", "배터리", "--name-en", "Battery"]
    )
    assert made.exit_code == 0, made.output
    again = runner.invoke(
        app, ["unit", "create", "battery", "--name-ko", "배터리", "--name-en", "Battery"]
    )
    assert again.exit_code == 0  # idempotent
    upper = runner.invoke(
        app, ["unit", "create", "BATTERY", "--name-ko", "배터리", "--name-en", "B"]
    )
    assert upper.exit_code == 0  # the same unit: codes are case-insensitive
    assert runner.invoke(app, ["unit", "link", "battery", str(world.partner_a)]).exit_code == 0
    member = runner.invoke(app, ["unit", "member", world.users["manager"], "--unit", "battery"])
    assert member.exit_code == 0, member.output
    listed = runner.invoke(app, ["unit", "list"])
    assert "battery" in listed.output and world.users["manager"] in listed.output
    with unit_of_work(engine) as session:
        unit = units.unit_by_code(session, "battery")
        assert unit is not None
        assert units.partners_of_unit(session, unit.id) == [world.partner_a]
        user = session.execute(
            select(User).where(User.email == world.users["manager"])
        ).scalar_one()
        assert units.units_of_user(session, user.id) == [unit.id] and not user.all_units


def test_bad_input_is_one_line_and_exit_1(world: World, cli_db: Engine) -> None:
    runner = CliRunner()
    bad = runner.invoke(app, ["unit", "create", "Bad Code!", "--name-ko", "x", "--name-en", "x"])
    assert bad.exit_code == 1
    assert "Traceback" not in bad.output
    missing = runner.invoke(app, ["unit", "member", world.users["manager"], "--unit", "nope"])
    assert missing.exit_code == 1
