"""Weighted sum and TOPSIS against worked examples computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cofab.selection.problems import SelectionInputError
from cofab.selection.scoring import (
    check_columns,
    check_scores,
    check_weights_percent,
    closeness,
    competition_ranks,
    complete_rows,
    normalise,
    topsis,
    topsis_parts,
    weighted_sum,
    weights_from_percent,
)

NAN = math.nan


def test_weighted_sum_worked_example() -> None:
    # Criteria: quality 1–5 benefit (50 %), unit price measured cost (30 %),
    # on-time delivery 0–100 benefit (20 %).
    scores = np.array([[4, 100, 90], [5, 125, 80], [3, 80, 95]], dtype=float)
    benefit = [True, False, True]
    lower = [1, NAN, 0]
    upper = [5, NAN, 100]
    # By hand:
    #   quality (x-1)/4       A .75  B 1.0  C .50
    #   price min/x, min = 80 A .80  B .64  C 1.0
    #   delivery x/100        A .90  B .80  C .95
    #   A = .5·.75 + .3·.80 + .2·.90 = .375 + .24 + .18 = .795
    #   B = .5·1.0 + .3·.64 + .2·.80 = .5 + .192 + .16 = .852
    #   C = .5·.50 + .3·1.0 + .2·.95 = .25 + .3 + .19 = .740
    r = normalise(scores, benefit, lower, upper)
    np.testing.assert_allclose(r, [[0.75, 0.8, 0.9], [1.0, 0.64, 0.8], [0.5, 1.0, 0.95]])
    total = weighted_sum(r, weights_from_percent([50, 30, 20]))
    np.testing.assert_allclose(total, [0.795, 0.852, 0.740])
    assert competition_ranks(total).tolist() == [2, 1, 3]


def test_bounded_cost_scale_and_measured_benefit() -> None:
    # A 1–5 cost criterion maps 5 → 0 and 1 → 1; a measured benefit divides by the best.
    r = normalise([[2, 50], [5, 200]], [False, True], [1, NAN], [5, NAN])
    np.testing.assert_allclose(r, [[0.75, 0.25], [0.0, 1.0]])


def test_topsis_worked_example() -> None:
    # Columns chosen for whole-number norms: (2,3,6) → 7, (1,4,8) → 9, (2,6,9) → 11.
    # Criteria: benefit, benefit, cost; weights .5, .3, .2.
    scores = np.array([[2, 1, 2], [3, 4, 6], [6, 8, 9]], dtype=float)
    # v = w·x/norm:          c1       c2        c3
    #   A                 1/7     .3/9      .4/11
    #   B               1.5/7    1.2/9     1.2/11
    #   C                 3/7    2.4/9     1.8/11
    # ideal (max, max, min) = (3/7, 2.4/9, .4/11); anti-ideal = (1/7, .3/9, 1.8/11)
    d_plus_a = math.sqrt((2 / 7) ** 2 + (2.1 / 9) ** 2)  # 0.368886
    d_minus_a = 1.4 / 11  # 0.127273
    d_plus_b = math.sqrt((1.5 / 7) ** 2 + (1.2 / 9) ** 2 + (0.8 / 11) ** 2)  # 0.262651
    d_minus_b = math.sqrt((0.5 / 7) ** 2 + (0.9 / 9) ** 2 + (0.6 / 11) ** 2)  # 0.134452
    d_plus_c, d_minus_c = d_minus_a, d_plus_a  # C mirrors A
    expected = [
        d_minus_a / (d_plus_a + d_minus_a),  # 0.127273 / 0.496159 = 0.256516
        d_minus_b / (d_plus_b + d_minus_b),  # 0.134452 / 0.397103 = 0.338582
        d_minus_c / (d_plus_c + d_minus_c),  # 0.368886 / 0.496159 = 0.743484
    ]
    result = topsis(scores, [0.5, 0.3, 0.2], [True, True, False])
    np.testing.assert_allclose(result, expected, rtol=1e-12)
    np.testing.assert_allclose(result, [0.256516, 0.338582, 0.743484], atol=1e-6)
    assert competition_ranks(result).tolist() == [3, 2, 1]


def test_topsis_many_weight_vectors_match_one_at_a_time() -> None:
    rng = np.random.default_rng(1)
    parts = topsis_parts(rng.random((6, 4)) + 0.1, [True, False, True, True])
    draws = rng.dirichlet(np.ones(4), size=5)
    together = closeness(parts, draws)
    for d in range(5):
        np.testing.assert_allclose(together[:, d], closeness(parts, draws[d]))


def test_ranks_share_ties_and_skip_missing() -> None:
    assert competition_ranks([0.5, 0.9, 0.5, NAN, 0.1]).tolist() == [2, 1, 2, 0, 4]
    # Floating noise below 12 decimals is a tie, not a win.
    assert competition_ranks([0.3, 0.1 + 0.2]).tolist() == [1, 1]


def test_weights_must_sum_to_100_within_a_tenth() -> None:
    assert check_weights_percent([33.3, 33.3, 33.3]) == []
    np.testing.assert_allclose(weights_from_percent([33.3, 33.3, 33.3]), [1 / 3] * 3)
    (problem,) = check_weights_percent([60, 30])
    assert problem.code == "weights_sum" and problem.field == "/criteria"
    assert "90" in problem.render("en")
    assert "합계" in problem.render("ko")
    with pytest.raises(SelectionInputError):
        weights_from_percent([60, 30])


def test_negative_and_non_finite_weights_are_named() -> None:
    problems = check_weights_percent([120, -20, NAN], names=["a", "b", "c"])
    assert {(p.code, p.field) for p in problems} == {
        ("weight_negative", "/criteria/1"),
        ("weight_not_finite", "/criteria/2"),
    }
    assert [p.code for p in check_weights_percent([0, 0])] == ["weights_all_zero"]


def test_scores_outside_their_scale_are_each_reported() -> None:
    scores = np.array([[[6, 50, 10], [3, 101, -1], [NAN, 100, 0]]], dtype=float)
    problems = check_scores(scores, [1, 0, NAN], [5, 100, NAN], names=["q", "otd", "price"])
    found = {(p.code, p.field) for p in problems}
    assert found == {
        ("score_out_of_scale", "/scores/0/0/0"),
        ("score_out_of_scale", "/scores/0/1/1"),
        ("measured_negative", "/scores/0/1/2"),
    }
    text = next(p for p in problems if p.field == "/scores/0/0/0").render("en")
    assert "6" in text and "1–5" in text


def test_missing_scores_make_a_row_incomplete_not_zero() -> None:
    scores = np.array([[4, 3], [NAN, 5]], dtype=float)
    assert complete_rows(scores).tolist() == [True, False]
    r = normalise(scores, [True, True], [1, 1], [5, 5])
    assert math.isnan(r[1, 0])  # stays missing, never 0


def test_zero_column_is_an_error_and_a_zero_cost_value_a_warning() -> None:
    scores = np.array([[0, 0, 3], [0, 10, 4]], dtype=float)
    problems = check_columns(scores, [True, False, True], [NAN, NAN, 1], [NAN, NAN, 5])
    assert [(p.code, p.field, p.severity) for p in problems] == [
        ("zero_column", "/criteria/0", "error"),
        ("cost_has_zero", "/criteria/1", "warning"),
    ]
    with pytest.raises(SelectionInputError) as caught:
        topsis_parts(scores, [True, False, True])
    assert caught.value.problems[0].code == "zero_column"


def test_measured_references_come_from_the_reference_rows() -> None:
    # An incomplete candidate (row 2) must not move the complete ones' normalised values.
    scores = np.array([[100, 4], [200, 3], [50, NAN]], dtype=float)
    r = normalise(scores, [False, True], [NAN, 1], [NAN, 5], reference=[True, True, False])
    np.testing.assert_allclose(r[:2, 0], [1.0, 0.5])
    assert r[2, 0] == pytest.approx(2.0)  # provisional: better than every reference value
