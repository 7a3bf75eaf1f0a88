"""Control limits, run rules and capability against Montgomery's piston-ring example.

Data: Montgomery, *Introduction to Statistical Quality Control* (6th ed.), Table 6.3, inside
diameter of forged piston rings, 25 samples of 5 (tests/quality/data/piston_rings.csv). The book
rounds x̿ = 74.001 and R̄ = 0.023 and prints UCL/LCL 74.014 / 73.988 for X̄, UCL 0.049 for R,
σ̂ = 0.0099 and Cp = 1.68 for specifications 74.000 ± 0.05. The exact expectations below are
computed by hand from the column sums (Σx̄ = 1850.0314, ΣR = 0.571 for this transcription).
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest

from cofab.quality.engine import capability, spc

DATA = Path(__file__).parent / "data" / "piston_rings.csv"


def piston_rings() -> list[float]:
    with DATA.open() as handle:
        return [float(row["value"]) for row in csv.DictReader(handle)]


def test_printed_constants() -> None:
    # Montgomery Appendix VI, rows n = 2, 5, 10, 25
    assert spc.A2[5] == 0.577 and spc.D4[5] == 2.114 and spc.D3[5] == 0.0
    assert spc.D2[5] == 2.326 and spc.D2[2] == 1.128 and spc.D2[25] == 3.931
    assert round(float(spc.C4[5]), 4) == 0.9400
    assert round(float(spc.C4[25]), 4) == 0.9896
    for n, a3, b3, b4 in (
        (2, 2.659, 0.0, 3.267),
        (10, 0.975, 0.284, 1.716),
        (25, 0.606, 0.565, 1.435),
    ):
        assert round(float(spc.A3[n]), 3) == a3
        assert round(float(spc.B3[n]), 3) == b3
        assert round(float(spc.B4[n]), 3) == b4
    # typed A2/D3/D4 agree with d2/d3 (catches a typo in any row)
    n = np.arange(2, 26)
    assert np.allclose(spc.A2[2:], 3 / (spc.D2[2:] * np.sqrt(n)), atol=0.002)
    assert np.allclose(spc.D4[2:], 1 + 3 * spc.D3_SIGMA[2:] / spc.D2[2:], atol=0.003)
    assert np.allclose(spc.D3[2:], np.maximum(0, 1 - 3 * spc.D3_SIGMA[2:] / spc.D2[2:]), atol=0.003)


def test_piston_ring_xbar_r_limits_match_the_book() -> None:
    means, ranges, _ = spc.subgroup_statistics(piston_rings(), 5)
    xbar, r = spc.xbar_r(means.mean(), ranges.mean(), 5)
    xbb, rbar = 1850.0314 / 25, 0.571 / 25  # by hand from the sums
    assert float(xbar.center) == pytest.approx(xbb, abs=1e-12)
    assert float(xbar.ucl) == pytest.approx(xbb + 0.577 * rbar, abs=1e-12)
    assert float(xbar.lcl) == pytest.approx(xbb - 0.577 * rbar, abs=1e-12)
    assert round(float(xbar.ucl), 3) == 74.014 and round(float(xbar.lcl), 3) == 73.988
    assert float(r.ucl) == pytest.approx(2.114 * rbar, abs=1e-12)
    assert float(r.ucl) == pytest.approx(0.049, abs=0.001)  # the book's R̄ was rounded up
    assert float(r.lcl) == 0.0
    # the book finds the process in control: no point beyond the limits
    assert [v for v in spc.violations(means, xbar.center, xbar.ucl, xbar.lcl) if v[0] == "N1"] == []


def test_piston_ring_capability() -> None:
    cap = capability.from_values(
        piston_rings(), chart="xbar-r", subgroup_size=5, lsl=73.95, usl=74.05
    )
    sigma = (0.571 / 25) / 2.326
    assert cap.sigma_within == pytest.approx(sigma, rel=1e-12)
    assert cap.cp == pytest.approx(0.10 / (6 * sigma), rel=1e-12)
    assert cap.cp == pytest.approx(1.68, abs=0.02)  # the book: 1.68 with rounded R̄
    xbb = 1850.0314 / 25
    assert cap.cpk == pytest.approx(min(74.05 - xbb, xbb - 73.95) / (3 * sigma), rel=1e-12)
    overall = float(np.std(piston_rings(), ddof=1))
    assert cap.pp == pytest.approx(0.10 / (6 * overall), rel=1e-12)
    assert cap.n == 125
    assert cap.cpk is not None and cap.cpk_lower is not None and cap.cpk_upper is not None
    half = 1.959963984540054 * math.sqrt(1 / (9 * 125) + cap.cpk**2 / (2 * 124))
    assert cap.cpk_lower == pytest.approx(cap.cpk - half, rel=1e-12)
    assert cap.cpk_upper == pytest.approx(cap.cpk + half, rel=1e-12)


def test_xbar_s_and_individuals_by_hand() -> None:
    # subgroups (1,2,3) and (3,5,7): means 2, 5; stds 1, 2; S̄ = 1.5; c4(3) = 0.8862
    xbar, s = spc.xbar_s(3.5, 1.5, 3)
    assert float(xbar.ucl) == pytest.approx(3.5 + 3 * 1.5 / (0.886227 * math.sqrt(3)), abs=1e-5)
    assert float(s.ucl) == pytest.approx(2.568 * 1.5, abs=2e-3)  # B4(3) = 2.568
    cap = capability.from_values([1, 2, 3, 3, 5, 7], chart="xbar-s", subgroup_size=3)
    assert cap.sigma_within == pytest.approx(1.5 / 0.886227, abs=1e-5)
    assert cap.cp is None and cap.cpk is None
    # individuals 2,4,6,4,2,4,6,4: MR̄ = 2, σ = 2/1.128, limits 4 ± 2.66·2
    i, mr = spc.i_mr(4.0, 2.0)
    assert (float(i.lcl), float(i.ucl)) == pytest.approx((4 - 5.32, 4 + 5.32))
    assert float(mr.ucl) == pytest.approx(6.534)
    cap = capability.from_values([2, 4, 6, 4, 2, 4, 6, 4], chart="i-mr", usl=10.0)
    assert cap.cpk == pytest.approx(6 / (3 * 2 / 1.128))
    assert cap.cp is None and cap.pp is None


def test_attribute_charts_by_hand() -> None:
    p = spc.p_chart([10] * 20, [100] * 20)
    assert float(p.center[0]) == pytest.approx(0.10)
    assert float(p.ucl[0]) == pytest.approx(0.19) and float(p.lcl[0]) == pytest.approx(0.01)
    npc = spc.np_chart([4, 6], 50)  # p̄ = 0.1, np̄ = 5, σ = √4.5
    assert float(npc.ucl) == pytest.approx(5 + 3 * math.sqrt(4.5))
    c = spc.c_chart([4, 4, 4, 4])
    assert (float(c.lcl), float(c.ucl)) == (0.0, 10.0)
    u = spc.u_chart([2, 6], [1, 3])  # ū = 2; n=1: 2 ± 3√2
    assert float(u.ucl[0]) == pytest.approx(2 + 3 * math.sqrt(2))
    assert float(u.ucl[1]) == pytest.approx(2 + 3 * math.sqrt(2 / 3))


def rules_at(points: list[float]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for rule, index in spc.violations(points, 0.0, 3.0, -3.0):
        found.setdefault(rule, []).append(index)
    return found


def test_run_rules_report_the_completing_point() -> None:
    assert rules_at([0.5, -0.5, 3.5, 0.5, -4])["N1"] == [2, 4]
    nine_above = [-0.5] + [0.5] * 9
    assert rules_at(nine_above)["N2"] == [9]
    assert rules_at(nine_above)["WE4"] == [8, 9]
    assert rules_at([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6])["N3"] == [5, 6]
    assert rules_at([-0.1, 2.5, 0.0, 2.2])["N5"] == [3]
    assert "N5" not in rules_at([2.5, 0.0, -2.5])
    assert rules_at([1.5, 1.5, 0.0, 1.5, 1.5])["N6"] == [4]
    assert rules_at([0.1, -0.1] * 7)["N4"] == [13]
    assert rules_at([0.2, -0.2] * 8)["N7"] == [14, 15]
    assert rules_at([1.5, -1.5] * 4)["N8"] == [7]
    assert rules_at([0.3, -0.2, 0.1]) == {}


@pytest.mark.parametrize("n", [1, 26])
def test_subgroup_size_outside_2_to_25_is_refused(n: int) -> None:
    with pytest.raises(ValueError, match="between 2 and 25"):
        spc.xbar_r(0.0, 1.0, n)


def test_lsl_not_below_usl_is_refused() -> None:
    with pytest.raises(ValueError, match="LSL"):
        capability.from_values([1, 2, 3, 4], chart="i-mr", lsl=5, usl=5)


@pytest.mark.parametrize("chart", ["xbar-r", "xbar-s"])
def test_chart_from_stored_subgroup_statistics_equals_the_raw_values(chart: str) -> None:
    """The page's X̄ charts are drawn from stored subgroup rows: same points, limits, rule flags
    and capability as the analysis of the values themselves (a shift after subgroup 20 fires
    run rules on both)."""
    from cofab.quality.engine import analysis

    rng = np.random.default_rng(7)
    values = 74.0 + 0.01 * rng.standard_normal(150)
    values[100:] += 0.02
    groups = values.reshape(30, 5)
    means = groups.mean(axis=1)
    m2 = ((groups - means[:, None]) ** 2).sum(axis=1)
    raw = analysis.analyse(values, chart=chart, subgroup_size=5, lsl=73.95, usl=74.06)
    stored = analysis.analyse_subgroups(
        chart=chart,
        subgroup_size=5,
        means=means,
        ranges=np.ptp(groups, axis=1),
        stds=groups.std(axis=1, ddof=1),
        m2=m2,
        lsl=73.95,
        usl=74.06,
    )
    for a, b in zip(raw.charts, stored.charts, strict=True):
        assert a.name == b.name and a.violations == b.violations
        assert np.allclose(a.points, b.points, rtol=1e-12)
        assert (a.center, a.lcl, a.ucl) == pytest.approx((b.center, b.lcl, b.ucl), rel=1e-12)
    assert raw.charts[0].violations  # the shift is flagged
    for name in ("n", "mean", "sigma_within", "sigma_overall", "cp", "cpk", "pp", "ppk"):
        assert getattr(raw.capability, name) == pytest.approx(
            getattr(stored.capability, name), rel=1e-10
        )
