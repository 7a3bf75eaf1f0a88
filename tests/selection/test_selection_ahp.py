"""AHP weights and consistency against Saaty's published values and closed forms."""

from __future__ import annotations

import numpy as np
import pytest

from cofab.selection.ahp import (
    RANDOM_INDEX,
    ahp_weights,
    check_pairwise_matrix,
    saaty_label,
)
from cofab.selection.problems import SelectionInputError


def test_random_index_table_is_saatys() -> None:
    # Saaty, The Analytic Hierarchy Process (1980), table of average random consistency.
    published = [0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49]
    assert [RANDOM_INDEX[n] for n in range(1, 11)] == published


def test_three_by_three_against_closed_form() -> None:
    # For a reciprocal 3×3 matrix with a12 = a, a13 = b, a23 = c the principal eigenvalue is
    # λ = 1 + δ^(1/3) + δ^(-1/3) with δ = b/(a·c), and the eigenvector is the row geometric
    # means. a = 3, b = 5, c = 3: δ = 5/9, λ = 1 + 0.822071 + 1.216440 = 3.038511,
    # CI = 0.019256, CR = CI/0.58 = 0.033199. Weights ∝ (15^(1/3), 1, 15^(-1/3))
    # = (2.466212, 1, 0.405480)/3.871692 = (0.636986, 0.258285, 0.104729) — the textbook
    # 0.637 / 0.258 / 0.105 with CR 0.033.
    result = ahp_weights([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]])
    delta = 5 / 9
    lam = 1 + delta ** (1 / 3) + delta ** (-1 / 3)
    assert result.lambda_max == pytest.approx(lam, rel=1e-12)
    assert result.consistency_index == pytest.approx((lam - 3) / 2, rel=1e-9)
    assert result.consistency_ratio == pytest.approx((lam - 3) / 2 / 0.58, rel=1e-9)
    geo = np.array([15 ** (1 / 3), 1.0, 15 ** (-1 / 3)])
    np.testing.assert_allclose(result.weights, geo / geo.sum(), rtol=1e-10)
    np.testing.assert_allclose(result.weights, [0.637, 0.258, 0.105], atol=5e-4)
    assert result.consistency_ratio == pytest.approx(0.0332, abs=1e-4)
    assert result.acceptable
    assert result.consistency_warning(["a", "b", "c"]) is None


def test_perfectly_consistent_matrix_has_cr_zero() -> None:
    w = np.array([0.4, 0.3, 0.2, 0.1])
    matrix = w[:, None] / w[None, :]  # a_ij = w_i / w_j, consistent by construction
    result = ahp_weights(matrix)
    np.testing.assert_allclose(result.weights, w, rtol=1e-12)
    assert result.lambda_max == pytest.approx(4.0, abs=1e-12)
    assert result.consistency_ratio == pytest.approx(0.0, abs=1e-12)


def test_inconsistent_matrix_names_the_pair_to_revisit() -> None:
    w = np.array([0.4, 0.3, 0.2, 0.1])
    matrix = w[:, None] / w[None, :]
    # Reverse one judgement: criterion 0 vs 3 should be 4, enter 1/4 instead.
    matrix[0, 3], matrix[3, 0] = 1 / 4, 4.0
    result = ahp_weights(matrix)
    assert result.consistency_ratio > 0.10
    assert result.worst_pair == (0, 3)
    warning = result.consistency_warning(["tech", "quality", "price", "delivery"])
    assert warning is not None and warning.severity == "warning"
    assert warning.field == "/ahp/matrix/0/3"
    text = warning.render("en")
    assert "tech versus delivery" in text and "entered 1/4" in text
    assert "가장 일관성이 낮은 판단은 tech 대 delivery" in warning.render("ko")


def test_two_criteria_are_always_consistent() -> None:
    result = ahp_weights([[1, 3], [1 / 3, 1]])
    np.testing.assert_allclose(result.weights, [0.75, 0.25])
    assert result.consistency_ratio == 0.0


@pytest.mark.parametrize(
    ("matrix", "size", "code", "field"),
    [
        ([[1, 2, 3], [0.5, 1, 2]], 3, "ahp_shape", "/ahp/matrix"),
        ([[1, 2], [0.5, 1]], 3, "ahp_shape", "/ahp/matrix"),
        ([[1, -2], [0.5, 1]], 2, "ahp_not_positive", "/ahp/matrix/0/1"),
        ([[2, 2], [0.5, 1]], 2, "ahp_diagonal", "/ahp/matrix/0/0"),
        ([[1, 12], [1 / 12, 1]], 2, "ahp_scale", "/ahp/matrix/0/1"),
        ([[1, 3], [0.5, 1]], 2, "ahp_reciprocal", "/ahp/matrix/1/0"),
        (np.ones((16, 16)), 16, "ahp_too_large", "/ahp/matrix"),
    ],
)
def test_bad_matrices(matrix: object, size: int, code: str, field: str) -> None:
    problems = check_pairwise_matrix(matrix, size)  # type: ignore[arg-type]
    assert (problems[0].code, problems[0].field) == (code, field)
    assert problems[0].render("ko") != problems[0].render("en")


def test_rounded_reciprocals_are_accepted_and_bad_input_raises() -> None:
    assert check_pairwise_matrix([[1, 3], [0.333, 1]], 2) == []
    with pytest.raises(SelectionInputError):
        ahp_weights([[1, 3], [3, 1]])


def test_saaty_labels_read_like_judgements() -> None:
    assert [saaty_label(v) for v in (3.0, 1 / 3, 1.0, 0.99999)] == ["3", "1/3", "1", "1"]
