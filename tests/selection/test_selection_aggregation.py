"""Several evaluators: mean or median, and which scores need a justification."""

from __future__ import annotations

import math

import numpy as np

from cofab.selection.aggregation import aggregate, extreme_scores

NAN = math.nan


def test_mean_and_median_ignore_blank_cells() -> None:
    # Three evaluators, one candidate, two criteria; evaluator 3 left criterion 2 blank.
    scores = np.array([[[2, 4]], [[3, 5]], [[5, NAN]]], dtype=float)
    mean = aggregate(scores, "mean")
    np.testing.assert_allclose(mean.scores, [[10 / 3, 4.5]])
    assert mean.evaluator_count.tolist() == [[3, 2]]
    np.testing.assert_allclose(aggregate(scores, "median").scores, [[3, 4.5]])


def test_a_cell_nobody_scored_stays_missing() -> None:
    scores = np.array([[[NAN, 4]], [[NAN, 2]]], dtype=float)
    result = aggregate(scores, "median")
    assert math.isnan(result.scores[0, 0]) and result.evaluator_count[0, 0] == 0


def test_scale_ends_and_outliers_are_flagged() -> None:
    # 1–5 scale: outlier = half the range (2 points) from the others' median.
    # Criterion 2 is measured: outlier = 50 % away from the others' median.
    scores = np.array(
        [[[5, 100]], [[3, 105]], [[3, 160]]],
        dtype=float,
    )
    flags = extreme_scores(scores, [1, NAN], [5, NAN])
    assert flags.at_scale_end[:, 0, 0].tolist() == [True, False, False]
    # Evaluator 1 gave 5 vs others' median 3: gap 2 ≥ 2 → outlier.
    assert flags.outlier[:, 0, 0].tolist() == [True, False, False]
    # 160 vs median(100, 105) = 102.5: gap 57.5 > 51.25 → outlier; 100 vs 132.5 is not.
    assert flags.outlier[:, 0, 1].tolist() == [False, False, True]
    assert flags.any[:, 0, 0].tolist() == [True, False, False]


def test_a_single_evaluator_has_no_outliers() -> None:
    flags = extreme_scores(np.array([[[1, 3]]], dtype=float), [1, 1], [5, 5])
    assert flags.at_scale_end.tolist() == [[[True, False]]]
    assert not flags.outlier.any()
