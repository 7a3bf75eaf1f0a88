"""HHI per quarter and by region against hand-computed shares, with the bands on the page."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine
from tests.conftest import World, login, make_partner
from tests.operations.ops_factories import deliver, line_ids, make_order

from cofab.db.session import unit_of_work
from cofab.risk.regions import region_of


def _receipts(engine: Engine, world: World) -> None:
    """Q1: Alpha (VN) 60·10 = 600, Bravo (KR) 20·20 = 400. Q2: Alpha 100, Bravo 100,
    Charlie (DE) 200, Delta (CN) 100. Q3: nothing."""
    with unit_of_work(engine) as session:
        charlie = make_partner(session, "Charlie Cells", "DE").id
        delta = make_partner(session, "Delta Devices", "CN").id
        deliveries = [
            (world.partner_a, 60, 10, date(2026, 2, 10)),
            (world.partner_b, 20, 20, date(2026, 3, 31)),
            (world.partner_a, 10, 10, date(2026, 4, 1)),
            (world.partner_b, 10, 10, date(2026, 5, 5)),
            (charlie, 20, 10, date(2026, 6, 30)),
            (delta, 10, 10, date(2026, 6, 1)),
        ]
        for n, (partner, qty, price, day) in enumerate(deliveries):
            order = make_order(session, partner, f"O-{n}", [("P1", qty, price, day)])
            deliver(session, line_ids(session, order)[0], f"S-{n}", day, qty)


def test_region_table() -> None:
    assert [region_of(c) for c in ("KR", "vn", "DE", "MX", "US", "ZZ", None)] == [
        "east_asia",
        "southeast_asia",
        "europe",
        "latin_america",
        "north_america",
        "other",
        "other",
    ]


def test_quarterly_hhi_by_partner_and_region(
    world: World, engine: Engine, api: Any, base_url: str
) -> None:
    _receipts(engine, world)
    owner = api(world.users["manager"])
    period = {"start": "2026-02-15", "end": "2026-09-30"}  # from the quarter holding the start

    trend = owner.get("/api/v1/risk/concentration/trend", params=period).json()
    assert trend["bands"] == {"moderate_from": 1000.0, "high_above": 1800.0}
    q1, q2, q3 = trend["quarters"]
    assert [q["quarter"] for q in (q1, q2, q3)] == ["2026-Q1", "2026-Q2", "2026-Q3"]
    assert q1["hhi"] == pytest.approx((0.6**2 + 0.4**2) * 10_000)  # 5,200
    assert q2["hhi"] == pytest.approx((3 * 0.2**2 + 0.4**2) * 10_000)  # 2,800
    assert q2["top"][0]["key"] == "Charlie Cells" and len(q2["top"]) == 3
    assert (q3["hhi"], q3["band"], q3["total"]) == (None, None, 0.0)

    regions = owner.get(
        "/api/v1/risk/concentration/trend", params=period | {"by": "region"}
    ).json()["quarters"]
    # Q2 by region: Southeast Asia 100, East Asia 100 + 100, Europe 200 → .2, .4, .4
    assert regions[1]["hhi"] == pytest.approx((0.2**2 + 2 * 0.4**2) * 10_000)
    assert sorted(s["key"] for s in regions[1]["top"]) == ["east_asia", "europe", "southeast_asia"]

    whole = owner.get(
        "/api/v1/risk/concentration",
        params={"start": "2026-01-01", "end": "2026-06-30", "by": "region", "measure": "volume"},
    ).json()
    # volume: SEA 70, EA 20 + 10 + 10 = 40, EU 20 → of 130
    expected = sum((v / 130) ** 2 for v in (70, 40, 20)) * 10_000
    assert whole["hhi"] == pytest.approx(expected, abs=0.1)

    bad = owner.get("/api/v1/risk/concentration/trend", params=period | {"by": "planet"})
    assert bad.status_code in (400, 422) and "by" in bad.text
    assert (
        api(world.users["partner_a"])
        .get("/api/v1/risk/concentration/trend", params=period)
        .status_code
        == 404
    )

    client = login(base_url, world.users["viewer"])
    page = client.get("/risk/concentration", params=period | {"by": "region"})
    assert page.status_code == 200
    assert 'data-quarter="2026-Q2"' in page.text and "Southeast Asia" in page.text
    assert "hhiBands" in page.text  # the DOJ/FTC bands are drawn behind the line
    assert login(base_url, world.users["partner_a"]).get("/risk/concentration").status_code == 404
    # all of time is one report, but not 40,000 quarters of trend (it answered 500 at 9999-Q4)
    ages = {"start": "0001-01-01", "end": "9999-12-31"}
    assert owner.get("/api/v1/risk/concentration", params=ages).status_code == 200
    long = owner.get("/api/v1/risk/concentration/trend", params=ages)
    assert long.status_code == 422 and long.json()["errors"][0]["field"] == "start"
    last = {"start": "9980-01-01", "end": "9999-12-31"}  # 80 quarters up to the last one
    quarters = owner.get("/api/v1/risk/concentration/trend", params=last).json()["quarters"]
    assert (len(quarters), quarters[-1]["quarter"]) == (80, "9999-Q4")
    refused = client.get("/risk/concentration", params=ages)
    assert refused.status_code == 422 and "at most 80 quarters (20 years)" in refused.text
