"""The value of demand lost while a node recovers (issue 16: "in units and in value").

A market's own price of a lost unit counts; the planner's unmet-demand penalty of a registry
scenario is a big-M (ten times the dearest unit), and counting it as value gave losses near 1e17
on the demo's live TTS page, so those units are valued at the product's average unit price.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine
from tests.conftest import World, csrf_of, login

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.operations.models import InventorySnapshot
from cofab.partners.models import Partner
from cofab.risk.live_network import live_network
from cofab.risk.tts_runs import analyse_document

# S1 makes P1, P2 and P3, S2 only P1 (12 a week, all of P1's demand). S1 down for its TTR of two
# weeks: M1 misses 2 × 5 = 10 P2 and M2 2 × 2 = 4 P3, nothing of P1.
# M1 has no price of its own: P2 at its average unit price over the sites, 30 (only S1 prices it)
# → 300. M2 has its own price of a lost unit, 50 → 4 × 50 = 200 (not P3's 7). Total 500.
NETWORK: dict[str, Any] = {
    "products": [
        {"id": "P1", "family": "F1"},
        {"id": "P2", "family": "F2"},
        {"id": "P3", "family": "F3"},
    ],
    "periods": ["W1"],
    "sites": [
        {
            "id": "S1",
            "capacity": {"F1": 10, "F2": 10, "F3": 10},
            "unit_cost": {"P1": 4, "P2": 30, "P3": 7},
            "ttr_weeks": 2,
        },
        {"id": "S2", "capacity": {"F1": 12}, "unit_cost": {"P1": 6}},
    ],
    "markets": [
        {"id": "M1", "demand": {"P1": 8, "P2": 5}},
        {"id": "M2", "demand": {"P1": 4, "P3": 2}, "lost_unit_cost": 50},
    ],
    "lanes": [{"site": s, "market": m, "unit_cost": 1} for s in ("S1", "S2") for m in ("M1", "M2")],
}


def _post(client: Any, data: dict[str, str], upload: dict[str, Any]) -> Any:
    files = {"file": ("net.json", json.dumps(upload).encode(), "application/json")}
    body = {"csrf_token": csrf_of(client, "/risk/tts"), **data}
    return client.post("/risk/tts", data=body, files=files)


def test_lost_value_is_units_times_the_markets_or_the_products_price() -> None:
    result = analyse_document(NETWORK, "S1")
    (s1,) = result["nodes"]
    assert s1["tts_weeks"] == pytest.approx(0.0) and s1["exposed"]
    assert s1["lost_units"] == pytest.approx(14.0)
    lost = {(r["market"], r["product"]): (r["units"], r["value"]) for r in s1["lost"]}
    assert lost == {
        ("M1", "P2"): (pytest.approx(10.0), pytest.approx(300.0)),
        ("M2", "P3"): (
            pytest.approx(4.0),
            pytest.approx(200.0),
        ),
    }
    assert s1["lost_value"] == pytest.approx(500.0) and s1["unpriced_units"] == 0.0
    valuation = result["valuation"]
    assert valuation["market_prices"] == {"M2": 50.0}
    assert valuation["markets_at_product_price"] == ["M1"]
    assert valuation["product_prices"] == {"P1": 5.0, "P2": 30.0, "P3": 7.0}


def test_a_product_nobody_prices_is_counted_not_valued() -> None:
    doc = {**NETWORK, "sites": [dict(s) for s in NETWORK["sites"]]}
    doc["sites"][0] = {**doc["sites"][0], "unit_cost": {"P1": 4, "P3": 7}}
    (s1,) = analyse_document(doc, "S1")["nodes"]
    assert s1["lost_units"] == pytest.approx(14.0)
    assert s1["lost_value"] == pytest.approx(200.0) and s1["unpriced_units"] == pytest.approx(10)


def test_ranking_follows_the_value_not_the_units() -> None:
    # S1 loses 10 units worth 1 each, S3 4 units worth 100 each: S3 ranks first
    doc = {
        "products": [{"id": "A", "family": "FA"}, {"id": "B", "family": "FB"}],
        "periods": ["W1"],
        "sites": [
            {"id": "S1", "capacity": {"FA": 5}, "unit_cost": {"A": 1}, "ttr_weeks": 2},
            {"id": "S3", "capacity": {"FB": 2}, "unit_cost": {"B": 100}, "ttr_weeks": 2},
        ],
        "markets": [{"id": "M", "demand": {"A": 5, "B": 2}}],
        "lanes": [{"site": "S1", "market": "M"}, {"site": "S3", "market": "M"}],
    }
    rows = analyse_document(doc)["nodes"]
    assert [(r["node"], r["lost_units"], r["lost_value"]) for r in rows] == [
        ("S3", pytest.approx(4.0), pytest.approx(400.0)),
        ("S1", pytest.approx(10.0), pytest.approx(10.0)),
    ]


def test_the_live_network_values_lost_units_at_the_product_price(
    world: World, engine: Engine
) -> None:
    """The registry scenario's markets carry the planner's default penalty (a big-M): the live
    TTS network drops it, so a lost F1 unit is worth F1's average unit price at the sites."""
    with unit_of_work(engine) as session:
        for pid in (world.partner_a, world.partner_b):
            session.get(Partner, pid).status = "active"  # type: ignore[union-attr]
        session.add(
            InventorySnapshot(
                partner_id=world.partner_a,
                site_id=world.ids["a"]["site_id"],
                item="F1",
                at=datetime(2026, 1, 1, tzinfo=UTC),
                on_hand=Decimal(100),
                reserved=Decimal(10),
                in_transit=Decimal(0),
                posted_by="t",
            )
        )
    with unit_of_work(engine) as session:
        doc = live_network(session, actor=SYSTEM_ACTOR, ttr_weeks=8)
    assert all("unmet_penalty" not in m for m in doc["markets"])
    prices = [s["unit_cost"]["F1"] for s in doc["sites"] if "F1" in s.get("unit_cost", {})]
    assert prices
    price = sum(prices) / len(prices)
    rows = {r["node"]: r for r in analyse_document(doc)["nodes"]}
    alpha = rows["Alpha Assembly Site"]
    assert alpha["lost_units"] > 0
    assert alpha["lost_value"] == pytest.approx(alpha["lost_units"] * price, rel=1e-9)


def test_the_tts_page_says_how_lost_value_is_valued(world: World, base_url: str) -> None:
    client = login(base_url, world.users["quality"])
    page = _post(client, {"source": "upload", "node": "S1"}, NETWORK)
    assert page.status_code == 200, page.text
    row = re.search(r'data-node="S1" data-exposed="yes">(.*?)</tr>', page.text, re.S)
    assert row is not None and ">500<" in row.group(1)  # 300 + 200, hand-computed above
    note = re.search(r'data-testid="tts-valuation">(.*?)</p>', page.text, re.S)
    assert note is not None
    assert "Lost value in M1: lost units × the product&#39;s average unit price" in note.group(1)
    assert "Lost value in M2: lost units × the market&#39;s own price" in note.group(1)
    korean = login(base_url, world.users["quality"])
    korean.cookies.set("cofab_lang", "ko")
    ko = _post(korean, {"source": "upload", "node": "S1"}, NETWORK).text
    assert "M1의 손실 금액: 손실 수량 × 네트워크 사이트들의 해당 제품 평균 단가" in ko
