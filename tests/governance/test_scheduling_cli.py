"""``cofab meet slots``: the JSON the issue names, the table, and one readable line per mistake."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from cofab.cli import app

ISSUE_COMMAND = [
    "meet",
    "slots",
    "--tz",
    "Asia/Seoul",
    "--tz",
    "Europe/Berlin",
    "--from",
    "2027-03-22",
    "--to",
    "2027-04-02",
    "--duration",
    "60",
]

SEOUL_NEW_YORK = (
    "meet slots --tz Asia/Seoul --tz America/New_York --from 2027-03-22 --to 2027-03-23"
)
SEOUL_NEW_YORK_ARGS = SEOUL_NEW_YORK.split()


def test_json_is_one_maximal_window_per_weekday() -> None:
    out = CliRunner().invoke(app, [*ISSUE_COMMAND, "--hours", "09:00-18:00", "--json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert list(doc) == ["slots"]
    assert doc["slots"][0] == {
        "start_utc": "2027-03-22T08:00:00Z",
        "end_utc": "2027-03-22T09:00:00Z",
    }
    assert doc["slots"][5] == {
        "start_utc": "2027-03-29T07:00:00Z",
        "end_utc": "2027-03-29T09:00:00Z",
    }
    assert len(doc["slots"]) == 10
    assert all(set(slot) == {"start_utc", "end_utc"} for slot in doc["slots"])


def test_holidays_option_drops_easter_for_berlin() -> None:
    out = CliRunner().invoke(
        app, [*ISSUE_COMMAND, "--holidays", "KR", "--holidays", "DE", "--json"]
    )
    assert out.exit_code == 0, out.output
    starts = [slot["start_utc"][:10] for slot in json.loads(out.stdout)["slots"]]
    assert "2027-03-26" not in starts and "2027-03-29" not in starts and len(starts) == 8


def test_table_shows_each_local_time_and_marks_when_none_is_common() -> None:
    runner = CliRunner()
    table = runner.invoke(app, ISSUE_COMMAND, env={"COFAB_LANG": "en", "COLUMNS": "200"})
    assert table.exit_code == 0, table.output
    assert "Mon 03-22 17:00–18:00" in table.stdout and "Mon 03-22 09:00–10:00" in table.stdout
    none = runner.invoke(
        app,
        SEOUL_NEW_YORK_ARGS,
        env={"COFAB_LANG": "en", "COLUMNS": "200"},
    )
    assert none.exit_code == 0, none.output
    assert "least-bad" in none.stdout and "Tue 03-23 06:00–07:00 *" in none.stdout
    empty = runner.invoke(
        app,
        [*SEOUL_NEW_YORK_ARGS, "--json"],
    )
    assert json.loads(empty.stdout) == {"slots": []}


def test_bad_input_is_one_line_naming_the_option() -> None:
    runner = CliRunner()
    base = ["meet", "slots", "--from", "2027-03-22", "--to", "2027-03-26"]
    cases = [
        (["--tz", "Asia/Seol"], "--tz", "Asia/Seol"),
        (["--tz", "UTC", "--hours", "9-18"], "--hours", "HH:MM"),
        (["--tz", "UTC", "--duration", "0"], "--duration", "minute"),
        (["--tz", "UTC", "--holidays", "XX"], "--holidays", "XX"),
    ]
    for extra, option, detail in cases:
        out = runner.invoke(app, [*base, *extra], env={"COFAB_LANG": "en", "COLUMNS": "200"})
        assert out.exit_code == 1, (extra, out.output)
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"error: {option}:") and detail in lines[0]
        assert "Traceback" not in out.output
    backwards = runner.invoke(
        app,
        ["meet", "slots", "--tz", "UTC", "--from", "2027-03-22", "--to", "2027-03-20"],
        env={"COFAB_LANG": "en"},
    )
    assert backwards.exit_code == 1 and "--to" in backwards.stderr
    korean = runner.invoke(app, [*base, "--tz", "Asia/Seol"], env={"COFAB_LANG": "ko"})
    assert korean.exit_code == 1 and korean.stderr.startswith("오류: --tz:")
    assert "시간대" in korean.stderr


def test_holiday_commands_seed_add_list_and_remove(engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from cofab.governance import cli as meet_cli

    monkeypatch.setattr(meet_cli, "_database", lambda: engine)
    runner = CliRunner()
    env = {"COFAB_LANG": "en", "COLUMNS": "200"}
    seeded = runner.invoke(app, ["meet", "holidays", "seed", "de", "--year", "2027"], env=env)
    assert seeded.exit_code == 0 and "DE: 9 holidays added." in seeded.stdout, seeded.output
    added = runner.invoke(
        app, ["meet", "holidays", "add", "DE", "2027-03-30", "Works outing"], env=env
    )
    assert added.exit_code == 0 and "DE 2027-03-30: Works outing" in added.stdout
    listed = runner.invoke(app, ["meet", "holidays", "list", "--country", "DE"], env=env)
    lines = [line.split("\t") for line in listed.stdout.splitlines()]
    assert len(lines) == 10
    good_friday = next(row for row in lines if row[2] == "2027-03-26")
    assert good_friday[3] == "Good Friday" and good_friday[4] == "published"
    removed = runner.invoke(app, ["meet", "holidays", "remove", good_friday[0]], env=env)
    assert removed.exit_code == 0
    relisted = runner.invoke(app, ["meet", "holidays", "list", "--country", "DE"], env=env)
    assert "2027-03-26" not in relisted.stdout and "2027-03-30" in relisted.stdout
    for bad in (
        ["add", "DE", "2027-02-30"],
        ["seed", "XX", "--year", "2027"],
        ["remove", "999999"],
    ):
        refused = runner.invoke(app, ["meet", "holidays", *bad], env=env)
        assert refused.exit_code == 1 and "Traceback" not in refused.output
        assert refused.stderr.startswith("error:")


def test_weekends_option_adds_saturday_and_the_dst_sunday() -> None:
    # Sunday 28 March 2027 is the change day itself: Berlin 09:00 is already CEST (07:00Z).
    command = "meet slots --tz Asia/Seoul --tz Europe/Berlin --from 2027-03-26 --to 2027-03-29"
    out = CliRunner().invoke(app, [*command.split(), "--weekends", "--json"])
    assert out.exit_code == 0, out.output
    spans = [(s["start_utc"], s["end_utc"]) for s in json.loads(out.stdout)["slots"]]
    assert spans == [
        ("2027-03-26T08:00:00Z", "2027-03-26T09:00:00Z"),
        ("2027-03-27T08:00:00Z", "2027-03-27T09:00:00Z"),
        ("2027-03-28T07:00:00Z", "2027-03-28T09:00:00Z"),
        ("2027-03-29T07:00:00Z", "2027-03-29T09:00:00Z"),
    ]
