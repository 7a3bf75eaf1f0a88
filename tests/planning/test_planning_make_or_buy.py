"""Make-or-buy against hand calculations."""

from __future__ import annotations

import numpy as np
import pytest

from cofab.planning.engine.make_or_buy import MakeOrBuyCase, Outsourcing, OwnCapacity, analyse


def case(rate: float = 0.0, ramp: int = 0) -> MakeOrBuyCase:
    return MakeOrBuyCase(
        own=OwnCapacity(capex=100_000, fixed_opex=1_000, unit_cost=5.0, ramp_up_periods=ramp),
        outsource=Outsourcing(unit_price=8.0, fixed_fee=500),
        periods=24,
        discount_rate=rate,
    )


def test_break_even_without_discounting() -> None:
    """(100000 + 24·1000 − 24·500) / (24·(8 − 5)) = 112000 / 72."""
    result = analyse(case(), np.array([1000.0, 2000.0]))
    assert result.break_even_volume == pytest.approx(112_000 / 72)
    assert result.own_npv.tolist() == pytest.approx(
        [100_000 + 24 * (1000 + 5 * 1000), 100_000 + 24 * (1000 + 5 * 2000)]
    )
    assert result.outsource_npv.tolist() == pytest.approx(
        [24 * (500 + 8 * 1000), 24 * (500 + 8 * 2000)]
    )
    assert result.cheaper == ["outsource", "own"]


def test_break_even_with_discounting() -> None:
    """Annuity factor a = (1 − 1.01^−24) / 0.01; v = (100000 + a·500) / (a·3)."""
    annuity = (1 - 1.01**-24) / 0.01
    result = analyse(case(rate=0.01))
    assert result.break_even_volume == pytest.approx((100_000 + annuity * 500) / (annuity * 3))


def test_ramp_up_buys_the_shortfall_from_the_partner() -> None:
    """Ramp 2: own share 1/3, 2/3, then 1 → Σshare = 23; own slope 24·8 − 3·23 = 123 vs 192:
    v = 112000 / 69."""
    result = analyse(case(ramp=2))
    assert result.own.slope == pytest.approx(123.0)
    assert result.break_even_volume == pytest.approx(112_000 / 69)


def test_never_own_when_partner_is_cheaper_per_unit() -> None:
    expensive = MakeOrBuyCase(
        own=OwnCapacity(capex=10, fixed_opex=0, unit_cost=9.0),
        outsource=Outsourcing(unit_price=8.0, fixed_fee=0),
        periods=12,
        discount_rate=0.0,
    )
    result = analyse(expensive, np.array([10.0]))
    assert result.break_even_volume is None
    assert result.cheaper == ["outsource"]
