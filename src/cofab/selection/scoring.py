"""Weighted-sum and TOPSIS scoring of candidates on criteria: arrays in, arrays out.

Layout everywhere: ``scores[candidate, criterion]``; a missing score is NaN (never zero, so a
candidate with a gap cannot quietly lose to one without). A criterion's scale is given by
``lower``/``upper`` bounds (1–5, 0–100, …); NaN bounds mean a measured value with a unit
(price, lead time, capacity), which is normalised against the values actually observed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

from cofab.core.i18n import N_
from cofab.selection.problems import (
    CriterionField,
    Problem,
    ScoreField,
    default_criterion_field,
    default_score_field,
    raise_if_errors,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


FloatArray: TypeAlias = "npt.NDArray[np.float64]"
BoolArray: TypeAlias = "npt.NDArray[np.bool_]"
IntArray: TypeAlias = "npt.NDArray[np.int64]"

WEIGHT_TOLERANCE_PERCENT = 0.1
"""People type 33.3 three times; a tenth of a point absorbs that and nothing larger."""

TIE_DECIMALS = 12
"""Scores equal to 12 decimals are ties: floating noise must not decide a ranking."""

MSG_WEIGHTS_SUM = N_("Weights add up to {total:g} %; they must add up to 100 %.")
MSG_WEIGHT_NEGATIVE = N_("Weight {weight:g} % of criterion {criterion} is negative.")
MSG_WEIGHT_NOT_FINITE = N_("Weight of criterion {criterion} is not a finite number.")
MSG_WEIGHTS_ALL_ZERO = N_("At least one criterion needs a weight above zero.")
MSG_SCORE_OUT_OF_SCALE = N_(
    "Score {value:g} for criterion {criterion} is outside its scale {lower:g}–{upper:g}."
)
MSG_MEASURED_NEGATIVE = N_(
    "Measured value {value:g} for criterion {criterion} is negative; measured values must be "
    "zero or more."
)
MSG_SCORE_NOT_FINITE = N_("Score for criterion {criterion} is not a finite number.")
MSG_ZERO_COLUMN = N_(
    "Criterion {criterion} is zero for every complete candidate; TOPSIS cannot normalise an "
    "all-zero column. Drop the criterion or measure it differently."
)
MSG_COST_HAS_ZERO = N_(
    "Cost criterion {criterion} has a measured value of zero; the weighted sum gives every "
    "other candidate 0 on it."
)


def _name(names: Sequence[str] | None, index: int) -> str:
    return names[index] if names is not None else f"#{index + 1}"


def check_weights_percent(
    weights_percent: npt.ArrayLike,
    *,
    names: Sequence[str] | None = None,
    field: CriterionField = default_criterion_field,
    total_field: str = "/criteria",
    tolerance: float = WEIGHT_TOLERANCE_PERCENT,
) -> list[Problem]:
    """Direct weights in percent: finite, non-negative, not all zero, summing to 100."""
    import numpy as np

    weights = np.asarray(weights_percent, dtype=np.float64)
    problems: list[Problem] = []
    finite = np.isfinite(weights)
    for j in np.flatnonzero(~finite):
        problems.append(
            Problem(
                "weight_not_finite",
                field(int(j)),
                MSG_WEIGHT_NOT_FINITE,
                {"criterion": _name(names, int(j))},
            )
        )
    for j in np.flatnonzero(finite & (weights < 0)):
        problems.append(
            Problem(
                "weight_negative",
                field(int(j)),
                MSG_WEIGHT_NEGATIVE,
                {"criterion": _name(names, int(j)), "weight": float(weights[j])},
            )
        )
    if problems:
        return problems
    total = float(weights.sum())
    if total <= 0:
        problems.append(Problem("weights_all_zero", total_field, MSG_WEIGHTS_ALL_ZERO))
    elif abs(total - 100.0) > tolerance + 1e-9:
        problems.append(
            Problem("weights_sum", total_field, MSG_WEIGHTS_SUM, {"total": round(total, 6)})
        )
    return problems


def weights_from_percent(
    weights_percent: npt.ArrayLike,
    *,
    names: Sequence[str] | None = None,
    field: CriterionField = default_criterion_field,
    total_field: str = "/criteria",
) -> FloatArray:
    """Validated percent weights as fractions summing to exactly 1."""
    import numpy as np

    weights = np.asarray(weights_percent, dtype=np.float64)
    raise_if_errors(
        check_weights_percent(weights, names=names, field=field, total_field=total_field)
    )
    result: FloatArray = weights / weights.sum()
    return result


def check_scores(
    scores: npt.ArrayLike,
    lower: npt.ArrayLike,
    upper: npt.ArrayLike,
    *,
    names: Sequence[str] | None = None,
    field: ScoreField = default_score_field,
) -> list[Problem]:
    """Every present score within its scale; ``scores`` is (evaluators, candidates, criteria).

    NaN is a missing score and is not a problem here: completeness is reported, not rejected.
    """
    import numpy as np

    values = np.asarray(scores, dtype=np.float64)
    if values.ndim == 2:
        values = values[np.newaxis]
    lo = np.broadcast_to(np.asarray(lower, dtype=np.float64), values.shape[-1:])
    hi = np.broadcast_to(np.asarray(upper, dtype=np.float64), values.shape[-1:])
    bounded = np.isfinite(lo) & np.isfinite(hi)
    problems: list[Problem] = []
    infinite = np.isinf(values)
    for e, i, j in np.argwhere(infinite):
        problems.append(
            Problem(
                "score_not_finite",
                field(int(e), int(i), int(j)),
                MSG_SCORE_NOT_FINITE,
                {"criterion": _name(names, int(j))},
            )
        )
    finite = np.isfinite(values)
    with np.errstate(invalid="ignore"):
        out_of_scale = finite & bounded & ((values < lo) | (values > hi))
        negative_measured = finite & ~bounded & (values < 0)
    for e, i, j in np.argwhere(out_of_scale):
        problems.append(
            Problem(
                "score_out_of_scale",
                field(int(e), int(i), int(j)),
                MSG_SCORE_OUT_OF_SCALE,
                {
                    "criterion": _name(names, int(j)),
                    "value": float(values[e, i, j]),
                    "lower": float(lo[j]),
                    "upper": float(hi[j]),
                },
            )
        )
    for e, i, j in np.argwhere(negative_measured):
        problems.append(
            Problem(
                "measured_negative",
                field(int(e), int(i), int(j)),
                MSG_MEASURED_NEGATIVE,
                {"criterion": _name(names, int(j)), "value": float(values[e, i, j])},
            )
        )
    return problems


def complete_rows(scores: npt.ArrayLike) -> BoolArray:
    """Candidates with a score on every criterion."""
    import numpy as np

    values = np.asarray(scores, dtype=np.float64)
    result: BoolArray = np.asarray(~np.isnan(values).any(axis=1), dtype=np.bool_)
    return result


def check_columns(
    scores: npt.ArrayLike,
    benefit: npt.ArrayLike,
    lower: npt.ArrayLike,
    upper: npt.ArrayLike,
    *,
    names: Sequence[str] | None = None,
    field: CriterionField = default_criterion_field,
) -> list[Problem]:
    """Columns the normalisations cannot handle, judged on the complete candidates only."""
    import numpy as np

    values = np.asarray(scores, dtype=np.float64)
    values = values[complete_rows(values)]
    if values.shape[0] == 0:
        return []
    is_benefit = np.asarray(benefit, dtype=bool)
    measured = ~(np.isfinite(np.asarray(lower, float)) & np.isfinite(np.asarray(upper, float)))
    problems: list[Problem] = []
    zero_column = (values == 0).all(axis=0)
    for j in np.flatnonzero(zero_column):
        problems.append(
            Problem(
                "zero_column", field(int(j)), MSG_ZERO_COLUMN, {"criterion": _name(names, int(j))}
            )
        )
    cost_zero = measured & ~is_benefit & (values == 0).any(axis=0) & ~zero_column
    for j in np.flatnonzero(cost_zero):
        problems.append(
            Problem(
                "cost_has_zero",
                field(int(j)),
                MSG_COST_HAS_ZERO,
                {"criterion": _name(names, int(j))},
                severity="warning",
            )
        )
    return problems


def normalise(
    scores: npt.ArrayLike,
    benefit: npt.ArrayLike,
    lower: npt.ArrayLike,
    upper: npt.ArrayLike,
    reference: npt.ArrayLike | None = None,
) -> FloatArray:
    """Per-criterion values in [0, 1] where 1 is best, for the weighted sum.

    Bounded scales map linearly onto their own bounds, so a candidate's normalised score does
    not move when another candidate is added. Measured values use ratio normalisation against
    the best observed value (benefit x/max, cost min/x), which keeps proportions: a partner 20 %
    dearer loses a sixth of that criterion, not all of it as min–max scaling would imply.
    ``reference`` (boolean rows) chooses whose values define max/min — the complete candidates,
    so an incomplete one cannot shift the ranking of the others. NaN stays NaN.
    """
    import numpy as np

    values = np.asarray(scores, dtype=np.float64)
    is_benefit = np.asarray(benefit, dtype=bool)
    lo = np.asarray(lower, dtype=np.float64)
    hi = np.asarray(upper, dtype=np.float64)
    bounded = np.isfinite(lo) & np.isfinite(hi)
    rows = np.ones(values.shape[0], bool) if reference is None else np.asarray(reference, bool)
    if not rows.any():
        rows = np.ones(values.shape[0], bool)
    ref = values[rows]
    result = np.empty_like(values)
    span = np.where(bounded, hi - lo, 1.0)
    with np.errstate(invalid="ignore", divide="ignore", all="ignore"):
        linear = np.where(is_benefit, (values - lo) / span, (hi - values) / span)
        observed = ~np.isnan(ref)
        best_high = np.max(np.where(observed, ref, -np.inf), axis=0, initial=-np.inf)
        best_low = np.min(np.where(observed, ref, np.inf), axis=0, initial=np.inf)
        ratio_benefit = np.where(best_high > 0, values / best_high, 0.0)
        # min/x with min = 0: the zero itself is best (1), any positive value gets 0.
        ratio_cost = np.where(values == best_low, 1.0, np.where(values > 0, best_low / values, 0.0))
        ratio = np.where(is_benefit, ratio_benefit, ratio_cost)
    result[...] = np.where(bounded, linear, ratio)
    result[np.isnan(values)] = np.nan
    return result


def weighted_sum(normalised: npt.ArrayLike, weights: npt.ArrayLike) -> FloatArray:
    """Σ_j w_j r_ij; weights are fractions summing to 1, so the result is in [0, 1]."""
    import numpy as np

    result: FloatArray = np.asarray(normalised, np.float64) @ np.asarray(weights, np.float64)
    return result


@dataclass(frozen=True)
class TopsisParts:
    """Weight-free pieces of TOPSIS.

    With v_ij = w_j r_ij and w ≥ 0, the ideal and anti-ideal are w_j times the unweighted ones,
    so D+_i² = Σ_j w_j² p_ij and D-_i² = Σ_j w_j² q_ij: any weight vector — or ten thousand of
    them — costs one matrix product. Robustness and Monte Carlo rely on this.
    """

    normalised: FloatArray  # r_ij = x_ij / ||x_·j||
    ideal_gap: FloatArray  # p_ij = (r_ij - r+_j)²
    anti_gap: FloatArray  # q_ij = (r_ij - r-_j)²


def topsis_parts(scores: npt.ArrayLike, benefit: npt.ArrayLike) -> TopsisParts:
    """Vector normalisation and squared gaps to the ideal and anti-ideal, per criterion."""
    import numpy as np

    values = np.asarray(scores, dtype=np.float64)
    is_benefit = np.asarray(benefit, dtype=bool)
    norms = np.sqrt((values * values).sum(axis=0))
    zero = norms == 0
    if zero.any():
        raise_if_errors(
            [
                Problem(
                    "zero_column",
                    default_criterion_field(int(j)),
                    MSG_ZERO_COLUMN,
                    {"criterion": f"#{int(j) + 1}"},
                )
                for j in np.flatnonzero(zero)
            ]
        )
    r = values / norms
    ideal = np.where(is_benefit, r.max(axis=0), r.min(axis=0))
    anti = np.where(is_benefit, r.min(axis=0), r.max(axis=0))
    return TopsisParts(r, (r - ideal) ** 2, (r - anti) ** 2)


def closeness(parts: TopsisParts, weights: npt.ArrayLike) -> FloatArray:
    """Relative closeness D-/(D+ + D-) for one weight vector (M,) or many (D, M) → (N, D).

    A candidate that is both ideal and anti-ideal (every candidate identical) gets 1.
    """
    import numpy as np

    w = np.asarray(weights, dtype=np.float64)
    w2 = (w * w).T
    d_plus = np.sqrt(parts.ideal_gap @ w2)
    d_minus = np.sqrt(parts.anti_gap @ w2)
    total = d_plus + d_minus
    with np.errstate(invalid="ignore", divide="ignore"):
        result: FloatArray = np.where(total > 0, d_minus / total, 1.0)
    return result


def topsis(scores: npt.ArrayLike, weights: npt.ArrayLike, benefit: npt.ArrayLike) -> FloatArray:
    """TOPSIS closeness of complete candidates (higher is better)."""
    return closeness(topsis_parts(scores, benefit), weights)


def competition_ranks(values: npt.ArrayLike) -> IntArray:
    """1 = best (highest); ties share the better rank ("1224"); NaN gets rank 0 (unranked)."""
    import numpy as np

    v = np.asarray(values, dtype=np.float64)
    ranks = np.zeros(v.shape, dtype=np.int64)
    present = ~np.isnan(v)
    if present.any():
        # imported here: scipy.stats costs about half a second, paid by every CLI call and
        # server start if imported with the module, and ranks are only needed when scoring
        from scipy.stats import rankdata

        ranks[present] = rankdata(-np.round(v[present], TIE_DECIMALS), method="min").astype(
            np.int64
        )
    return ranks
