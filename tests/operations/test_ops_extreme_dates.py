"""Any date range a user can type answers a page or a field message — never a 5xx: the KPI
report, the KPI page, scorecard computing and reviews with dates at the ends of the calendar."""

from __future__ import annotations

import pytest
from tests.conftest import World, csrf_of, login

EXTREMES = [
    {"start": "0001-01-01", "end": "9999-12-31"},
    {"start": "0001-01-01", "end": "0001-01-01"},
    {"start": "9999-12-31", "end": "9999-12-31"},
    {"start": "2025-01-01", "end": "9999-12-31"},
    {"period": "0000-Q1"},
    {"period": "9999-Q4"},
    {"period": "0001-01"},
]


@pytest.mark.parametrize("params", EXTREMES)
def test_kpi_api_and_page_refuse_extreme_dates_by_field(
    world: World, api, base_url: str, params: dict[str, str]
) -> None:
    manager = api(world.users["manager"])
    answer = manager.get("/api/v1/kpis", params=params)
    assert answer.status_code == 422, answer.text
    fields = {e["field"] for e in answer.json()["errors"]}
    assert fields & {"start", "end", "period"}, fields
    page = login(base_url, world.users["manager"]).get("/kpis", params=params)
    assert page.status_code == 422
    assert "1900-01-01" in page.text and "2999-12-31" in page.text


def test_kpi_dates_at_the_supported_ends_answer(world: World, api) -> None:
    manager = api(world.users["manager"])
    answer = manager.get("/api/v1/kpis", params={"start": "1900-01-01", "end": "2999-12-31"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["start"] == "1900-01-01"


def test_korean_page_names_the_range(world: World, base_url: str) -> None:
    client = login(base_url, world.users["manager"])
    client.cookies.set("cofab_lang", "ko")
    token = csrf_of(client, "/kpis")
    client.post("/lang", data={"csrf_token": token, "locale": "ko"})
    page = client.get("/kpis", params={"start": "0001-01-01", "end": "9999-12-31"})
    assert page.status_code == 422
    assert "사이의 날짜" in page.text


def test_scorecard_and_review_refuse_extreme_dates(world: World, api) -> None:
    manager = api(world.users["manager"])
    card = manager.post("/api/v1/scorecards/compute", json={"period_start": "9999-12-31"})
    assert card.status_code == 422, card.text
    assert card.json()["errors"][0]["field"] == "period_start"
    review = manager.post(
        "/api/v1/reviews",
        json={
            "partner_id": world.partner_a,
            "title": "Far future",
            "held_on": "2025-04-01",
            "period_start": "0001-01-01",
            "period_end": "9999-12-31",
        },
    )
    assert review.status_code == 422, review.text
    assert {e["field"] for e in review.json()["errors"]} == {"period_start", "period_end"}


def test_cli_refuses_extreme_dates_in_one_line(
    world: World, engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from cofab.cli import app as cli_app
    from cofab.performance import cli as performance_cli

    monkeypatch.setattr(performance_cli, "engine", lambda: engine)
    monkeypatch.setenv("COFAB_LANG", "en")
    runner = CliRunner()
    for args in (
        ["ops", "kpis", "--from", "0001-01-01", "--to", "9999-12-31"],
        ["ops", "score", "--period-start", "9999-12-31"],
    ):
        result = runner.invoke(cli_app, args)
        assert result.exit_code == 1, result.output
        assert "1900-01-01" in result.output and "Traceback" not in result.output
