"""HHI against hand-computed shares, on received quantities priced at the order line."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine
from tests.conftest import World
from tests.operations.ops_factories import deliver, line_ids, make_order

from cofab.db.session import unit_of_work
from cofab.risk.engine.concentration import band_of, concentration


@pytest.mark.parametrize(
    ("n", "hhi", "band"),
    [(1, 10_000.0, "high"), (10, 1_000.0, "moderate"), (11, 10_000 / 11, "unconcentrated")],
)
def test_equal_suppliers(n: int, hhi: float, band: str) -> None:
    result = concentration({f"S{i}": 5.0 for i in range(n)})
    assert result.hhi == pytest.approx(hhi) and result.band == band


def test_bands_and_order() -> None:
    assert (band_of(999.9), band_of(1800.0), band_of(1800.1)) == (
        "unconcentrated",
        "moderate",
        "high",
    )
    result = concentration({"a": 1.0, "b": 3.0, "c": 0.0})
    assert [s.key for s in result.shares] == ["b", "a"]  # zero amounts carry no share
    assert result.hhi == pytest.approx((0.75**2 + 0.25**2) * 10_000)


def test_hhi_of_received_spend_and_volume(world: World, engine: Engine, api: Any) -> None:
    with unit_of_work(engine) as session:
        a1 = make_order(session, world.partner_a, "A-1", [("P1", 60, 10, date(2026, 2, 1))])
        a2 = make_order(
            session, world.partner_a, "A-2", [("P3", 20, 10, date(2026, 2, 1))], family="F2"
        )
        b1 = make_order(
            session, world.partner_b, "B-1", [("P2", 20, 20, date(2026, 2, 1))], family="F2"
        )
        late = make_order(session, world.partner_b, "B-2", [("P2", 500, 20, date(2026, 5, 1))])
        deliver(session, line_ids(session, a1)[0], "S-A1", date(2026, 2, 10), 60)
        deliver(session, line_ids(session, a2)[0], "S-A2", date(2026, 2, 11), 20)
        deliver(session, line_ids(session, b1)[0], "S-B1", date(2026, 3, 1), 20)
        deliver(session, line_ids(session, late)[0], "S-B2", date(2026, 5, 2), 500)  # outside
    owner = api(world.users["manager"])
    period = {"start": "2026-01-01", "end": "2026-03-31"}

    spend = owner.get("/api/v1/risk/concentration", params=period).json()
    # A: 60·10 + 20·10 = 800, B: 20·20 = 400 → shares 2/3, 1/3
    assert spend["currency"] == "USD" and spend["total"] == pytest.approx(1200.0)
    assert [s["share"] for s in spend["shares"]] == pytest.approx([2 / 3, 1 / 3])
    assert spend["hhi"] == pytest.approx(((2 / 3) ** 2 + (1 / 3) ** 2) * 10_000, abs=0.1)
    assert spend["band"] == "high"

    volume = owner.get("/api/v1/risk/concentration", params=period | {"measure": "volume"})
    # A 80 units, B 20 → 0.8² + 0.2² = 0.68
    assert volume.json()["hhi"] == pytest.approx(6800.0)

    family = owner.get("/api/v1/risk/concentration", params=period | {"by": "family"}).json()
    # F1 600, F2 200 + 400 = 600 → 0.5² + 0.5²
    assert family["hhi"] == pytest.approx(5000.0)
    assert sorted(s["key"] for s in family["shares"]) == ["F1", "F2"]

    bad = owner.get(
        "/api/v1/risk/concentration", params={"start": "2026-03-01", "end": "2026-01-01"}
    )
    assert bad.status_code in (400, 422) and "end" in bad.text
    partner = api(world.users["partner_a"])
    assert partner.get("/api/v1/risk/concentration", params=period).status_code == 404
