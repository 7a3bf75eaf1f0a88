"""Issue 13 defects 1 and 3: a field that needs another is refused (never dropped), messages name
fields by their label, the dashboard card shows what /contracts/attention lists, and a blank
``days`` means the default window."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from tests.conftest import World, csrf_of, login
from tests.contracts.contract_factories import make_contract, terms
from tests.contracts.test_contracts_pages import FORM

from cofab.contracts.models import Contract
from cofab.db.session import unit_of_work


def _errors_block(html: str) -> str:
    """The page's error list (the form itself carries field paths in its input names)."""
    found = re.search(r'<div class="flash error".*?</div>', html, re.S) or re.search(
        r"<ul>.*?</ul>", html, re.S
    )
    assert found, html[:3000]
    return found.group(0)


def _contract_count(engine: Engine) -> int:
    with unit_of_work(engine) as session:
        return int(session.execute(select(func.count()).select_from(Contract)).scalar_one())


@pytest.mark.parametrize(
    ("blanked", "filled", "label_ko", "dependent_ko"),
    [
        ("terms.cost.currency", "terms.cost.price_tiers", "통화", "단가 구간"),
        ("terms.logistics.incoterm", "terms.logistics.named_place", "인코텀즈 2020", "지정 장소"),
    ],
)
def test_blank_anchor_refuses_and_keeps_input(
    world: World,
    base_url: str,
    engine: Engine,
    blanked: str,
    filled: str,
    label_ko: str,
    dependent_ko: str,
) -> None:
    client = login(base_url, world.users["manager"])
    client.cookies.set("cofab_lang", "ko")
    csrf = csrf_of(client, "/contracts/new")
    form = FORM | {"partner_ids": [str(world.partner_a)], blanked: "", "csrf_token": csrf}
    if blanked == "terms.cost.currency":  # penalties need a currency too: keep that rule apart
        form = {k: v for k, v in form.items() if not k.startswith("terms.penalties")}
    response = client.post("/contracts/new", data=form)
    assert response.status_code == 422, response.text[:1500]
    errors = _errors_block(response.text)
    assert label_ko in errors and dependent_ko in errors
    assert "terms." not in errors  # no field path in what the user reads
    assert f'value="{FORM["title"]}"' in response.text  # typed input kept
    kept = FORM[filled].split("\n")[0]
    assert kept in response.text
    assert _contract_count(engine) == 0


def test_blank_currency_with_payment_days_only(world: World, base_url: str) -> None:
    client = login(base_url, world.users["manager"])
    csrf = csrf_of(client, "/contracts/new")
    form = {
        "kind": "cm_agreement",
        "title": "Payment only",
        "terms.term.start": "2026-01-01",
        "terms.term.last_day": "2026-12-31",
        "terms.cost.payment_days": "45",
        "partner_ids": [str(world.partner_a)],
        "csrf_token": csrf,
    }
    response = client.post("/contracts/new", data=form)
    assert response.status_code == 422
    errors = _errors_block(response.text)
    assert "Payment (days) cannot be stored without Currency" in errors
    assert 'value="45"' in response.text
    fixed = client.post("/contracts/new", data=form | {"terms.cost.currency": "eur"})
    assert fixed.status_code == 303


def test_api_refuses_cost_without_currency_naming_both(
    world: World, api: Any, engine: Engine
) -> None:
    doc = terms(
        cost={"price_tiers": [{"min_volume": "0", "unit_price": "3"}], "payment_days": 30},
        penalties={},
    )
    body = {"kind": "cm_agreement", "title": "No currency", "partner_ids": [world.partner_a]}
    response = api(world.users["manager"], "ko").post(
        "/api/v1/contracts", json=body | {"terms": doc}
    )
    assert response.status_code == 422
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    fields = {e["field"] for e in problem["errors"]}
    assert fields == {"terms.cost.price_tiers", "terms.cost.payment_days"}
    messages = " ".join(e["message"] for e in problem["errors"])
    assert "통화" in messages and "단가 구간" in messages and "지급 기한(일)" in messages
    assert "terms." not in messages
    assert _contract_count(engine) == 0
    ok = api(world.users["manager"]).post(
        "/api/v1/contracts",
        json=body | {"terms": doc | {"cost": doc["cost"] | {"currency": "KRW"}}},
    )
    assert ok.status_code == 201, ok.text


def test_korean_error_names_labels_not_keys(world: World, base_url: str) -> None:
    client = login(base_url, world.users["manager"])
    client.cookies.set("cofab_lang", "ko")
    csrf = csrf_of(client, "/contracts/new")
    form = FORM | {"partner_ids": [str(world.partner_a)], "csrf_token": csrf}
    response = client.post(
        "/contracts/new", data=form | {"terms.penalties.late_delivery.cap_pct": "-1"}
    )
    assert response.status_code == 422
    errors = _errors_block(response.text)
    assert "<b>상한(라인 금액의 %)</b>: 0 이상이어야 합니다." in errors
    assert "terms." not in errors and "cap_pct" not in errors and "Input should" not in errors
    response = client.post("/contracts/new", data=form | {"terms.term.last_day": "2025-06-01"})
    assert response.status_code == 422
    errors = _errors_block(response.text)
    assert "<b>효력 종료일</b>" in errors and "(2026-01-01)" in errors
    assert "terms." not in errors and "T00:00:00" not in errors


def test_dashboard_card_lists_what_attention_lists(
    world: World, base_url: str, engine: Engine
) -> None:
    soon = date.today() + timedelta(days=20)
    with unit_of_work(engine) as session:
        contract = make_contract(
            session,
            [world.partner_a],
            title="Ends soon agreement",
            terms_doc=terms(
                term={
                    "start": (date.today() - timedelta(days=300)).isoformat(),
                    "end": soon.isoformat(),
                }
            ),
        )
        contract.next_review_date = date.today() + timedelta(days=5)
    admin = login(base_url, world.users["admin"])
    listed = admin.get("/contracts/attention")
    assert listed.status_code == 200 and "Ends soon agreement" in listed.text
    dashboard = admin.get("/").text
    card = dashboard[dashboard.index('data-testid="contracts-widget"') :]
    card = card[: card.index("</div>")]
    assert "Ends soon agreement" in card
    assert "Nothing needs attention" not in card
    total = re.search(r'data-testid="contracts-widget-total">(\d+)<', card)
    rows = listed.text.count('<tr>\n    <td><a href="/contracts/')
    assert total is not None and int(total.group(1)) == rows >= 1
    blank = admin.get("/contracts/attention?days=")
    assert blank.status_code == 200 and 'value="90"' in blank.text
    assert admin.get("/contracts/attention?days=abc").status_code == 422


def test_api_attention_blank_days_is_default(world: World, api: Any, engine: Engine) -> None:
    client = api(world.users["manager"])
    assert client.get("/api/v1/contracts/attention", params={"days": ""}).status_code == 200
    bad = api(world.users["manager"], "ko").get("/api/v1/contracts/attention?days=x")
    assert bad.status_code == 422
    assert "기간(일)" in bad.json()["errors"][0]["message"]


def test_review_interval_alone_sets_the_first_review(world: World, api: Any) -> None:
    body = {
        "kind": "nda",
        "title": "Interval only",
        "partner_ids": [world.partner_a],
        "review_interval_months": 6,
        "terms": terms(cost=None, penalties={}),
    }
    created = api(world.users["manager"]).post("/api/v1/contracts", json=body)
    assert created.status_code == 201, created.text
    today = date.today()
    expected_month = (today.month - 1 + 6) % 12 + 1
    review = date.fromisoformat(created.json()["next_review_date"])
    assert review.month == expected_month and review > today + timedelta(days=150)
