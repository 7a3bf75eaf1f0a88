"""Spend HHI across currencies: other currencies converted at the owner's exchange rates,
a currency without a rate left out and listed (never added at face value); the period
defaults to the last four quarters and the current one."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from tests.conftest import World, login
from tests.operations.ops_factories import line_ids, make_order, receive, ship

from cofab.db.session import unit_of_work
from cofab.partners.models import Partner
from cofab.planning.models import ExchangeRate


def _bought(session: Session, partner: int, ref: str, qty: int, price: int, cur: str) -> None:
    """An order priced in ``cur``, shipped and received in full today."""
    day = date.today()
    line = [("P2", qty, price, day)]
    order = make_order(session, partner, ref, line, currency=cur, order_date=day)
    line_id = line_ids(session, order)[0]
    shipment = ship(session, f"S-{ref}", [(line_id, qty)], day)
    receive(session, shipment, line_id, day, qty, currency=cur)


def test_spend_is_converted_or_left_out_by_currency(world: World, engine: Engine, api: Any) -> None:
    with unit_of_work(engine) as session:
        # USD needs no row: it is worth 1 US dollar
        session.add(ExchangeRate(currency="EUR", usd_value=Decimal("1.25")))
        _bought(session, world.partner_a, "U-1", 10, 10, "USD")  # 100 USD
        _bought(session, world.partner_a, "U-2", 5, 10, "USD")  # 50 USD
        _bought(session, world.partner_b, "E-1", 8, 10, "EUR")  # 80 EUR = 100 USD
        _bought(session, world.partner_b, "J-1", 3, 1000, "JPY")  # no rate
    owner = api(world.users["manager"])

    report = owner.get("/api/v1/risk/concentration").json()  # default period holds today
    assert report["currency"] == "USD" and report["converted_from"] == ["EUR"]
    assert report["left_out"] == [{"currency": "JPY", "receipts": 1, "amount": 3000.0}]
    # A 150 USD, B 100 USD (the EUR line) → shares 0.6, 0.4
    assert report["total"] == pytest.approx(250.0)
    assert report["hhi"] == pytest.approx((0.6**2 + 0.4**2) * 10_000, abs=0.1)

    in_euro = owner.get("/api/v1/risk/concentration", params={"currency": "EUR"}).json()
    assert in_euro["total"] == pytest.approx(200.0)  # 150/1.25 + 80
    assert in_euro["converted_from"] == ["USD"]
    trend = owner.get("/api/v1/risk/concentration/trend").json()
    assert trend["left_out"][0]["currency"] == "JPY"
    assert trend["quarters"][-1]["total"] == pytest.approx(250.0)
    volume = owner.get("/api/v1/risk/concentration", params={"measure": "volume"}).json()
    assert volume["total"] == pytest.approx(26.0) and volume["left_out"] == []


def test_concentration_page_names_what_it_left_out(
    world: World, engine: Engine, base_url: str
) -> None:
    with unit_of_work(engine) as session:
        _bought(session, world.partner_a, "U-1", 10, 10, "USD")
        _bought(session, world.partner_a, "U-2", 10, 10, "USD")
        _bought(session, world.partner_b, "J-1", 3, 1000, "JPY")
    client = login(base_url, world.users["manager"])
    page = client.get("/risk/concentration")
    assert page.status_code == 200 and 'data-testid="hhi-left-out"' in page.text
    assert "JPY" in page.text
    client.cookies.set("cofab_lang", "ko")
    assert "환율이 없어" in client.get("/risk/concentration").text


def test_single_source_spend_counts_every_convertible_currency(
    world: World, engine: Engine, api: Any
) -> None:
    with unit_of_work(engine) as session:
        for partner in (world.partner_a, world.partner_b):
            found = session.get(Partner, partner)
            assert found is not None
            found.status = "active"
        session.add(ExchangeRate(currency="EUR", usd_value=Decimal("1.25")))
        _bought(session, world.partner_a, "U-1", 10, 10, "USD")  # 100 USD
        _bought(session, world.partner_a, "U-2", 5, 10, "USD")  # 50 USD: USD is most received
        _bought(session, world.partner_a, "E-1", 8, 10, "EUR")  # 80 EUR = 100 USD
        _bought(session, world.partner_a, "J-1", 3, 1000, "JPY")  # no rate: not counted
    sources = api(world.users["manager"]).get("/api/v1/risk/single-sources").json()
    [f1] = [s for s in sources if s["family"] == "F1"]
    assert (f1["partner_id"], f1["currency"]) == (world.partner_a, "USD")
    assert f1["spend"] == pytest.approx(250.0)
