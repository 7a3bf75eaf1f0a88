"""Messages name fields by label in the reader's language, never by key or in pydantic's words;
forms keep what was typed; country codes, capacities and certificate days make sense
(issue 13, defects 6, 8 and 9)."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, select
from tests.conftest import World, csrf_of, login
from typer.testing import CliRunner

from cofab import cli
from cofab.accounts.models import User
from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.partners import service
from cofab.partners.models import Certification

RAW_PYDANTIC = ("Input should", "Decimal input", "Value error", "String should", "Field required")


def page_errors(text: str) -> list[tuple[str, str]]:
    """(field, message) of each line of a page's error list."""
    return [
        (html.unescape(field), html.unescape(message))
        for field, message in re.findall(r"<li><b>(.*?)</b>: (.*?)</li>", text)
    ]


def speaking(engine: Engine, email: str, locale: str) -> None:
    with unit_of_work(engine) as session:
        session.execute(select(User).where(User.email == email)).scalar_one().locale = locale


def assert_no_developer_text(text: str, *keys: str) -> None:
    for raw in RAW_PYDANTIC:
        assert raw not in text, raw
    for key in keys:
        assert key not in text, key


@pytest.mark.parametrize(
    ("locale", "name_label", "country_text"),
    [
        ("en", "Name (Korean)", "Not an ISO 3166 country code"),
        ("ko", "이름(한국어)", "ISO 3166 국가 코드가 아닙니다"),
    ],
)
def test_api_errors_carry_labels_and_translated_messages(
    world: World, api: Any, locale: str, name_label: str, country_text: str
) -> None:
    client = api(world.users["manager"], locale)
    for country in ("ZZ", "XX"):
        response = client.post(
            "/api/v1/partners",
            json={
                "name_en": "Nowhere Ltd",
                "types": ["supplier"],
                "form": "vertical",
                "country": country,
            },
        )
        assert response.status_code == 422
        errors = {e["field"]: e for e in response.json()["errors"]}
        assert errors["name_ko"]["label"] == name_label
        assert country_text in errors["country"]["message"]
        readable = " ".join(e["label"] + " " + e["message"] for e in errors.values())
        assert_no_developer_text(readable, "name_ko", "country_code")
    accepted = client.post(
        "/api/v1/partners",
        json={
            "name_ko": "남아공",
            "name_en": "Cape Works",
            "types": ["supplier"],
            "form": "vertical",
            "country": "ZA",
        },
    )
    assert accepted.status_code == 201, accepted.text


@pytest.mark.parametrize(
    ("locale", "places", "too_big"),
    [
        ("en", "at most 3 decimal places", "at most 1000000000000"),
        ("ko", "소수점 아래 3자리", "1000000000000"),
    ],
)
def test_capacity_is_bounded_with_a_field_message(
    world: World, api: Any, locale: str, places: str, too_big: str
) -> None:
    client = api(world.users["manager"], locale)
    site = world.ids["a"]["site_id"]
    for value, expected in (("1e300", too_big), ("12.34567", places)):
        response = client.post(
            f"/api/v1/sites/{site}/capabilities", json={"process": "SMT", "capacity": value}
        )
        assert response.status_code == 422, response.text
        (error,) = response.json()["errors"]
        assert error["label"] == ("Capacity" if locale == "en" else "생산 능력")
        assert expected in error["message"]
        assert_no_developer_text(error["message"])
    fine = client.post(
        f"/api/v1/sites/{site}/capabilities", json={"process": "SMT", "capacity": "1000000000000"}
    )
    assert fine.status_code == 201, fine.text


@pytest.mark.parametrize("locale", ["en", "ko"])
def test_certificate_form_keeps_input_and_names_fields_by_label(
    world: World, engine: Engine, base_url: str, locale: str
) -> None:
    speaking(engine, world.users["manager"], locale)
    browser = login(base_url, world.users["manager"])
    partner = world.partner_a
    token = csrf_of(browser, f"/partners/{partner}")
    response = browser.post(
        f"/partners/{partner}/certifications",
        data={
            "csrf_token": token,
            "standard": "ISO 13485",
            "number": "MD-<42>",
            "issuer": "BSI",
            "site_id": str(world.ids["a"]["site_id"]),
            "valid_from": "2027-01-01",
            "valid_to": "2026-01-01",
        },
    )
    assert response.status_code == 422
    text = response.text
    errors = page_errors(text)
    label = "Valid to" if locale == "en" else "만료일"
    assert [field for field, _m in errors] == [label]
    assert_no_developer_text(" ".join(f + m for f, m in errors), "valid_to", "valid_from")
    action = f'action="/partners/{partner}/certifications"'
    form = text.split(action, 1)[1].split("</form>")[0]
    for value in ("ISO 13485", "MD-&lt;42&gt;", "BSI", "2027-01-01", "2026-01-01"):
        assert f'value="{value}"' in form, value
    assert f'<option value="{world.ids["a"]["site_id"]}" selected>' in form
    opened = r'<details class="card" open><summary>[^<]*</summary>\s*<form method="post" '
    assert re.search(opened + re.escape(action), text)


def test_every_partner_form_keeps_what_was_typed(
    world: World, engine: Engine, base_url: str
) -> None:
    browser = login(base_url, world.users["manager"])
    partner, site = world.partner_a, world.ids["a"]["site_id"]

    def post(path: str, data: dict[str, str]) -> httpx.Response:
        return browser.post(
            path, data={"csrf_token": csrf_of(browser, f"/partners/{partner}")} | data
        )

    site_page = post(
        f"/partners/{partner}/sites",
        {
            "name": "Da Nang Plant",
            "country": "ZZ",
            "region": "Central",
            "timezone": "Asia/Ho_Chi_Minh",
        },
    )
    assert site_page.status_code == 422
    assert page_errors(site_page.text)[0][0] == "Country (ISO code)"
    for value in ("Da Nang Plant", "ZZ", "Central", "Asia/Ho_Chi_Minh"):
        assert f'value="{value}"' in site_page.text
    capability = post(
        f"/sites/{site}/capabilities",
        {
            "site": str(site),
            "process": "Reflow",
            "product_families": "phone, tablet",
            "capacity": "1e300",
            "capacity_unit": "boards",
            "capacity_period": "week",
        },
    )
    assert capability.status_code == 422
    for value in ("Reflow", "phone, tablet", "1e300", "boards"):
        assert f'value="{value}"' in capability.text
    assert '<option value="week" selected>' in capability.text
    contact = post(
        f"/partners/{partner}/contacts",
        {"name": "Lan Pham", "email": "not-an-address", "phone": "+84 1"},
    )
    assert contact.status_code == 422 and page_errors(contact.text)[0][0] == "E-mail"
    for value in ("Lan Pham", "not-an-address", "+84 1"):
        assert f'value="{value}"' in contact.text
    edit = browser.post(
        f"/partners/{partner}/edit",
        data={
            "csrf_token": csrf_of(browser, f"/partners/{partner}/edit"),
            "name_ko": "알파",
            "name_en": "Alpha Assembly",
            "form": "vertical",
            "types": "supplier",
            "country": "XX",
            "notes": "kept",
        },
    )
    assert edit.status_code == 422 and 'value="XX"' in edit.text and ">kept</textarea>" in edit.text


def test_korean_cli_names_rows_and_fields_in_korean(
    world: World, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "_engine", lambda: engine)
    monkeypatch.setattr(cli, "migrate", lambda: None)
    monkeypatch.setenv("COFAB_LANG", "ko")
    source = tmp_path / "bad.csv"
    source.write_text(
        "external_ref,name_ko,name_en,types,form,country\n"
        "K-1,,Korea Casting,supplier,vertical,ZZ\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli.app, ["partners", "import", str(source)])
    assert result.exit_code == 1
    assert "2행, 이름(한국어)(name_ko 열): 필수 항목입니다." in result.output, result.output
    assert "2행, 국가(ISO 코드)(country 열): ISO 3166 국가 코드가 아닙니다" in result.output
    assert "row 2" not in result.output and "Input should" not in result.output


def test_expired_certificates_say_how_long_ago(world: World, engine: Engine, base_url: str) -> None:
    with unit_of_work(engine) as session:
        for number, days in (("OLD-5", -5), ("OLD-1", -1), ("TODAY", 0), ("SOON-1", 1)):
            service.add_child(
                session,
                actor=SYSTEM_ACTOR,
                model=Certification,
                partner_id=world.partner_a,
                values={
                    "standard": "GMP",
                    "number": number,
                    "valid_from": date.today() - timedelta(days=300),
                    "valid_to": date.today() + timedelta(days=days),
                },
            )
    browser = login(base_url, world.users["manager"])
    page = browser.get("/certifications", params={"days": -5}).text
    assert "Certificates expiring within 1 day<" in page and "1 days" not in page
    for text in ("expired 5 days ago", "expired 1 day ago", "expires today", "1 day left"):
        assert text in page, text
    for path in (f"/partners/{world.partner_a}", "/"):
        assert "expired 5 days ago" in browser.get(path).text, path
    speaking(engine, world.users["manager"], "ko")
    korean = login(base_url, world.users["manager"]).get("/certifications").text
    assert "5일 전 만료" in korean and "1일 남음" in korean and "오늘 만료" in korean
