"""``cofab meet committees|meetings|actions|series``: the records from the command line, and a
refused series as one line per field with exit code 1."""

from __future__ import annotations

import json

from sqlalchemy import Engine
from tests.conftest import World
from tests.governance.governance_factories import NEXT_YEAR, make_board
from typer.testing import CliRunner

from cofab.cli import app

ENV = {"COFAB_LANG": "en", "COLUMNS": "200"}


def test_records_are_listed_and_a_series_is_planned(
    world: World, engine: Engine, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from cofab.governance import cli as meet_cli

    monkeypatch.setattr(meet_cli, "_database", lambda: engine)
    ids = make_board(world, engine, "a")
    runner = CliRunner()
    listed = runner.invoke(app, ["meet", "committees", "--json"], env=ENV)
    assert listed.exit_code == 0, listed.output
    assert [(c["id"], c["committee"], c["cadence"]) for c in json.loads(listed.output)] == [
        (str(ids["committee_id"]), "Steering a", "quarterly")
    ]
    actions = runner.invoke(app, ["meet", "actions", "--open", "--json"], env=ENV)
    assert [a["action_item"] for a in json.loads(actions.output)] == ["Quote line a"]
    planned = runner.invoke(
        app,
        [
            "meet",
            "series",
            str(ids["committee_id"]),
            "--first",
            f"{NEXT_YEAR}-01-31T10:00",
            "--count",
            "3",
        ],
        env=ENV,
    )
    assert planned.exit_code == 0, planned.output
    assert "3 meeting(s) planned" in planned.output
    meetings = runner.invoke(
        app, ["meet", "meetings", "--committee", str(ids["committee_id"]), "--json"], env=ENV
    )
    starts = sorted(m["starts_utc"] for m in json.loads(meetings.output))
    # quarterly from 31 Jan 10:00 Seoul (01:00 UTC): 30 Apr and 31 Jul; plus the board's own
    assert starts == [
        f"{NEXT_YEAR}-01-31 01:00",
        f"{NEXT_YEAR}-03-02 01:00",
        f"{NEXT_YEAR}-04-30 01:00",
        f"{NEXT_YEAR}-07-31 01:00",
    ]
    past = runner.invoke(
        app, ["meet", "series", str(ids["committee_id"]), "--first", "2020-01-01T10:00"], env=ENV
    )
    assert past.exit_code == 1
    assert "First start" in past.output and "past" in past.output
    garbled = runner.invoke(
        app, ["meet", "series", str(ids["committee_id"]), "--first", "tomorrow"], env=ENV
    )
    assert garbled.exit_code == 1 and "Not a date and time" in garbled.output
