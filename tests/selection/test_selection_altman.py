"""Altman Z (1968, public) and Z'' (private) against hand calculations."""

from __future__ import annotations

import numpy as np
import pytest

from cofab.selection.altman import altman_z, zone_of
from cofab.selection.problems import SelectionInputError


def test_public_z_by_hand() -> None:
    # WC 25, RE 30, EBIT 12, market equity 80, sales 150, TA 100, TL 50:
    # X = (.25, .30, .12, 1.6, 1.5)
    # Z = 1.2·.25 + 1.4·.30 + 3.3·.12 + 0.6·1.6 + 1.0·1.5 = .3 + .42 + .396 + .96 + 1.5 = 3.576
    result = altman_z(
        working_capital=25,
        retained_earnings=30,
        ebit=12,
        equity=80,
        sales=150,
        total_assets=100,
        total_liabilities=50,
    )
    assert float(result.z) == pytest.approx(3.576)
    assert str(result.zone) == "safe"
    np.testing.assert_allclose(result.ratios, [0.25, 0.30, 0.12, 1.6, 1.5])


def test_private_z_double_prime_by_hand() -> None:
    # Same firm with book equity 40: X4 = .8, no sales term.
    # Z'' = 6.56·.25 + 3.26·.30 + 6.72·.12 + 1.05·.8 = 1.64 + .978 + .8064 + .84 = 4.2644
    result = altman_z(
        working_capital=25,
        retained_earnings=30,
        ebit=12,
        equity=40,
        total_assets=100,
        total_liabilities=50,
        model="private",
    )
    assert float(result.z) == pytest.approx(4.2644)
    assert str(result.zone) == "safe"


def test_distressed_firm_vectorised_both_models() -> None:
    # WC -5, RE -10, EBIT 2, equity 20 (market) / 10 (book), sales 60, TA 100, TL 90:
    # Z   = 1.2·-.05 + 1.4·-.1 + 3.3·.02 + .6·(20/90) + 1.0·.6 = -.06 - .14 + .066 + .13333 + .6
    #     = 0.59933
    # Z'' = 6.56·-.05 + 3.26·-.1 + 6.72·.02 + 1.05·(10/90) = -.328 - .326 + .1344 + .11667
    #     = -0.40293
    public = altman_z(
        working_capital=[25, -5],
        retained_earnings=[30, -10],
        ebit=[12, 2],
        equity=[80, 20],
        sales=[150, 60],
        total_assets=[100, 100],
        total_liabilities=[50, 90],
    )
    np.testing.assert_allclose(public.z, [3.576, 0.6 - 0.2 + 0.066 + 0.6 * 20 / 90])
    assert public.zone.tolist() == ["safe", "distress"]
    private = altman_z(
        working_capital=-5,
        retained_earnings=-10,
        ebit=2,
        equity=10,
        total_assets=100,
        total_liabilities=90,
        model="private",
    )
    assert float(private.z) == pytest.approx(-0.328 - 0.326 + 0.1344 + 1.05 * 10 / 90)
    assert str(private.zone) == "distress"


def test_zone_boundaries_belong_to_grey() -> None:
    assert zone_of([3.0, 2.99, 1.81, 1.8], "public").tolist() == [
        "safe",
        "grey",
        "grey",
        "distress",
    ]
    assert zone_of([2.61, 2.6, 1.1, 1.09], "private").tolist() == [
        "safe",
        "grey",
        "grey",
        "distress",
    ]


def test_bad_financial_figures() -> None:
    with pytest.raises(SelectionInputError) as caught:
        altman_z(
            working_capital=1,
            retained_earnings=float("nan"),
            ebit=1,
            equity=1,
            total_assets=0,
            total_liabilities=-3,
        )
    codes = sorted((p.code, p.field) for p in caught.value.problems)
    assert codes == [
        ("altman_not_finite", "/retained_earnings"),
        ("altman_not_positive", "/total_assets"),
        ("altman_not_positive", "/total_liabilities"),
        ("altman_sales", "/sales"),
    ]
    rendered = {p.field: p.render("ko") for p in caught.value.problems}
    assert rendered["/total_assets"].startswith("Altman Z-score를 계산하려면 총자산이")
    assert rendered["/retained_earnings"] == "이익잉여금은(는) 숫자여야 합니다."
