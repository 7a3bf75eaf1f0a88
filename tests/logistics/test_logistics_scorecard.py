"""The carrier scorecard against hand-computed points (no database needed).

10 shipments, 9 on time: 90 % → (90 − 85) / (98 − 85) · 100 = 38.4615 points (weight 50);
5 of 1000 units rejected: 0.5 % → (0.5 − 2) / (0.1 − 2) · 100 = 78.9474 (weight 25);
readings on every shipment, none out of range: 0 % → 100 (weight 25).
Score (38.4615 · 50 + 78.9474 · 25 + 100 · 25) / 100 = 63.97 → grade C (50 ≤ 63.97 < 70).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from cofab.logistics.scorecard import score_carrier
from cofab.logistics.service import LaneKpi


def _kpi(**over: object) -> LaneKpi:
    base: dict[str, object] = {
        "lane_id": 0,
        "code": "",
        "currency": "USD",
        "shipments": 10,
        "delivered": 10,
        "on_time": 9,
        "received": Decimal(1000),
        "rejected": Decimal(5),
        "readings": 20,
        "excursions": 0,
        "shipments_with_excursion": 0,
    }
    base.update(over)
    return LaneKpi(**base)  # type: ignore[arg-type]


def test_weighted_points_and_grade() -> None:
    card = score_carrier(_kpi())
    assert [m.points for m in card.metrics] == [38.4615, 78.9474, 100.0]
    assert card.score == pytest.approx(63.97) and card.grade == "C"


def test_a_carrier_without_readings_is_scored_on_the_rest() -> None:
    """No readings: excursions have no value and their weight drops out:
    (38.4615 · 50 + 78.9474 · 25) / 75 = 51.96 → C; 2 of 10 with an excursion: 20 % → 0 points,
    (19.2308 + 19.7368 + 0) = 38.97 → D."""
    assert score_carrier(_kpi(readings=0)).score == pytest.approx(51.96)
    worse = score_carrier(_kpi(shipments_with_excursion=2, excursions=3))
    assert worse.score == pytest.approx(38.97) and worse.grade == "D"
    assert (
        score_carrier(
            _kpi(shipments=0, delivered=0, on_time=0, received=Decimal(0), readings=0)
        ).grade
        is None
    )
