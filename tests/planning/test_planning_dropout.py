"""A sole source dropping out is planned as unmet demand; schema errors come once each; absurd
numbers are refused; costs carry their currency (issue 13, defects 5, 6, 8 and planning costs)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from sqlalchemy import Engine
from tests.conftest import World, login
from typer.testing import CliRunner

from cofab.core import jobs
from cofab.planning import cli as planning_cli
from cofab.planning.input_bounds import TOO_LARGE
from cofab.planning.loader import validate_document
from cofab.planning.problems import MISSING_FIELD
from cofab.planning.what_if import dropout_penalty, without_sites


def sole_source_doc(penalty: float | None = None) -> dict[str, Any]:
    """A makes vials only (5 + 1 freight); B is the only site that makes cartridges (7 + 1)."""
    market: dict[str, Any] = {"id": "EU", "demand": {"vial": 60, "cart": 40}}
    if penalty is not None:
        market["unmet_penalty"] = penalty
    return {
        "name": "Fill-finish",
        "currency": "EUR",
        "products": [{"id": "vial", "family": "vial"}, {"id": "cart", "family": "cart"}],
        "sites": [
            {"id": "A", "capacity": {"vial": 100}, "unit_cost": {"vial": 5}},
            {"id": "B", "capacity": {"vial": 50, "cart": 80}, "unit_cost": {"vial": 6, "cart": 7}},
        ],
        "markets": [market],
        "lanes": [
            {"site": "A", "market": "EU", "unit_cost": 1},
            {"site": "B", "market": "EU", "unit_cost": 1},
        ],
    }


def run_worker(engine: Engine) -> int:
    return jobs.work(engine, once=True, kinds={"planning.solve"})


def test_dropout_penalty_is_ten_times_the_dearest_unit_with_a_floor() -> None:
    # dearest unit cost 7 + dearest freight 1 = 8; 10 × 8 = 80 is below the floor of 1000
    assert dropout_penalty(sole_source_doc()) == 1000.0
    dear = sole_source_doc()
    dear["sites"][1]["unit_cost"]["cart"] = 300
    assert dropout_penalty(dear) == pytest.approx(10 * (300 + 1))
    out = without_sites(dear, {"B"})
    assert [s["id"] for s in out["sites"]] == ["A"] and out["markets"][0]["unmet_penalty"] == 3010
    # a market's own price is kept
    assert without_sites(sole_source_doc(55), {"B"})["markets"][0]["unmet_penalty"] == 55


def test_sole_source_out_solves_and_shows_the_unmet_demand(
    world: World, api: Any, engine: Engine, base_url: str
) -> None:
    client = api(world.users["manager"])
    parent = client.post("/api/v1/plans", json={"input": sole_source_doc()})
    assert parent.status_code == 201, parent.text
    out = client.post(
        f"/api/v1/plans/{parent.json()['id']}/what-if",
        json={"kind": "sites_out", "site_ids": ["B"]},
    )
    assert out.status_code == 201, out.text
    child = out.json()["scenario"]["id"]
    assert run_worker(engine) == 1
    plan = client.get(f"/api/v1/plans/{child}/result").json()
    assert plan["status"] == "optimal"
    # vials from A: 60 × (5 + 1) = 360; the 40 cartridges nobody can make are unmet at 1000
    assert plan["cost"]["total"] == pytest.approx(360 + 40 * 1000)
    assert plan["unmet"] == [{"market": "EU", "product": "cart", "period": "all", "qty": 40.0}]

    page = login(base_url, world.users["manager"]).get(f"/planning/{child}")
    assert page.status_code == 200
    table = page.text.split('data-testid="unmet-table"', 1)[1].split("</table>", 1)[0]
    assert re.search(r"<td>EU</td><td>cart</td><td>all</td><td[^>]*>40\.0</td>", table), table
    assert "EUR" in page.text.split('data-testid="total-cost"', 1)[1][:80]
    note = page.text.split('data-testid="dropout-penalty">', 1)[1].split("</p>", 1)[0]
    assert "1,000 EUR" in note


def test_uploaded_demand_nobody_can_serve_is_still_an_input_error() -> None:
    """Without an unmet-demand price such demand is a mistake in the document, said as such."""
    doc = sole_source_doc()
    doc["lanes"].pop(1)
    found = validate_document(doc)
    assert [p.path for p in found] == ["$.markets[0].demand.cart"]
    priced = sole_source_doc(penalty=50)
    priced["lanes"].pop(1)
    assert validate_document(priced) == []


def test_each_missing_field_is_reported_once() -> None:
    found = validate_document({})
    assert [(p.path, p.message) for p in found] == [
        (f"$.{name}", MISSING_FIELD) for name in ("products", "sites", "markets", "lanes")
    ]


def test_korean_cli_says_four_problems_in_korean(tmp_path: Any, monkeypatch: Any) -> None:
    source = tmp_path / "empty.json"
    source.write_text("{}", encoding="utf-8")
    doc = sole_source_doc()
    doc["sites"][0]["capacity"] = "lots"
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps(doc), encoding="utf-8")
    monkeypatch.setenv("COFAB_LANG", "ko")
    runner = CliRunner()
    result = runner.invoke(planning_cli.app, ["solve", str(source)])
    assert result.exit_code == 1
    assert "4건" in result.output and result.output.count("'products'") == 1
    typed = runner.invoke(planning_cli.app, ["solve", str(wrong)])
    assert "숫자 또는 객체" in typed.output and "텍스트" in typed.output, typed.output
    assert " or " not in typed.output and "number" not in typed.output


def test_absurd_numbers_are_refused_at_their_path() -> None:
    doc = sole_source_doc()
    doc["markets"][0]["demand"]["vial"] = 1e15
    doc["sites"][0]["capacity"]["vial"] = 10**400
    found = {p.path: p for p in validate_document(doc)}
    assert found["$.markets[0].demand.vial"].message == TOO_LARGE
    assert found["$.sites[0].capacity.vial"].message == TOO_LARGE
    doc["markets"][0]["demand"]["vial"] = 1e12  # the bound itself is allowed
    doc["sites"][0]["capacity"]["vial"] = 100
    assert validate_document(doc) == []


def test_costs_show_their_currency_on_every_planning_page(
    world: World, api: Any, engine: Engine, base_url: str
) -> None:
    client = api(world.users["manager"])
    priced = client.post("/api/v1/plans", json={"input": sole_source_doc(50)}).json()["id"]
    plain_doc = sole_source_doc(50)
    del plain_doc["currency"]
    plain_doc["name"] = "No currency"
    plain = client.post("/api/v1/plans", json={"input": plain_doc}).json()["id"]
    for scenario in (priced, plain):
        assert client.post(f"/api/v1/plans/{scenario}/solve").status_code == 202
    assert run_worker(engine) == 2
    browser = login(base_url, world.users["manager"])
    detail = browser.get(f"/planning/{priced}").text
    assert re.search(r'data-testid="total-cost">[\d,]+ <small>EUR</small>', detail)
    assert "Amount (EUR)" in detail
    assert "<small>USD</small>" in browser.get(f"/planning/{plain}").text
    index = browser.get("/planning").text
    assert re.search(r"[\d,]+ EUR</td>", index) and re.search(r"[\d,]+ USD</td>", index)
    compare = browser.get("/planning/compare", params=[("ids", priced), ("ids", plain)]).text
    assert re.search(r"<b>[\d,]+ EUR</b>", compare) and re.search(r"<b>[\d,]+ USD</b>", compare)


@pytest.mark.parametrize(
    ("locale", "unit_cost", "capex", "demand"),
    [
        ("en", "Own plant: unit cost", "Own plant: capex", "Demand"),
        ("ko", "자체 공장: 단위 원가", "자체 공장: 투자비", "수요"),
    ],
)
def test_planning_forms_name_fields_by_label(
    world: World,
    api: Any,
    engine: Engine,
    base_url: str,
    locale: str,
    unit_cost: str,
    capex: str,
    demand: str,
) -> None:
    from cofab.accounts.models import User
    from cofab.db.session import unit_of_work

    with unit_of_work(engine) as session:
        email = world.users["manager"]
        session.query(User).filter(User.email == email).one().locale = locale
    scenario = api(world.users["manager"]).post("/api/v1/plans", json={"input": sole_source_doc(5)})
    browser = login(base_url, world.users["manager"])
    page = browser.get(f"/planning/{scenario.json()['id']}").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    mob = browser.post(
        f"/planning/{scenario.json()['id']}/make-or-buy",
        data={"csrf_token": token.group(1), "own_unit_cost": "abc", "partner_price": "3"},
    )
    assert mob.status_code == 422
    errors = dict(re.findall(r"<li><b>(.*?)</b>: (.*?)</li>", mob.text))
    assert unit_cost in errors, errors
    missing = browser.post(
        f"/planning/{scenario.json()['id']}/make-or-buy",
        data={"csrf_token": token.group(1), "own_unit_cost": "2", "partner_price": "3"},
    )
    fields = dict(re.findall(r"<li><b>(.*?)</b>: (.*?)</li>", missing.text))
    assert capex in fields and not any(f.startswith("$") for f in fields), fields
    huge = browser.post(
        "/planning/from-registry",
        data={
            "csrf_token": token.group(1),
            "name": "x",
            "partner_ids": str(world.partner_a),
            "m_id": "EU",
            "m_region": "EU",
            "m_demand": "1e15",
            "m_penalty": "",
        },
    )
    assert huge.status_code == 422
    (line,) = re.findall(r"<li><b>(.*?)</b>: (.*?)</li>", huge.text)
    assert line[0] == demand and "1,000,000,000,000" in line[1]


def test_schema_texts_never_reach_the_reader() -> None:
    doc = sole_source_doc()
    doc["currency"] = "euro"
    (problem,) = validate_document(doc)
    assert problem.path == "$.currency"
    assert problem.text("en") == "Has the wrong format (got euro)"
    assert problem.text("ko") == "형식이 올바르지 않습니다(입력값 euro)"
    assert "does not match" not in problem.text("en")
