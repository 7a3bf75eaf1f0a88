"""Several evaluators' scores combined into one table, and the scores that need a justification.

Layout: ``scores[evaluator, candidate, criterion]``; NaN where an evaluator gave no score.
A cell nobody scored stays NaN after aggregation, so the candidate is reported as incomplete.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypeAlias

from cofab.core.i18n import N_

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


FloatArray: TypeAlias = "npt.NDArray[np.float64]"
BoolArray: TypeAlias = "npt.NDArray[np.bool_]"
IntArray: TypeAlias = "npt.NDArray[np.int64]"

Aggregation = Literal["mean", "median"]
AGGREGATIONS: tuple[Aggregation, ...] = ("mean", "median")
AGGREGATION_LABELS: dict[Aggregation, str] = {"mean": N_("mean"), "median": N_("median")}

OUTLIER_SHARE = 0.5
"""A score half the scale's range away from the other evaluators' median is an outlier."""

MEASURED_OUTLIER_RATIO = 0.5
"""For measured values (no range): 50 % away from the others' median."""


@dataclass(frozen=True)
class Aggregated:
    scores: FloatArray  # (candidates, criteria), NaN where nobody scored
    evaluator_count: IntArray  # (candidates, criteria): how many evaluators scored the cell


def aggregate(scores: npt.ArrayLike, method: Aggregation = "mean") -> Aggregated:
    """Mean or median over evaluators, ignoring evaluators who left the cell empty.

    The median resists one evaluator's extreme score; the mean uses every opinion.
    """
    import numpy as np

    values = np.asarray(scores, dtype=np.float64)
    if values.ndim == 2:
        values = values[np.newaxis]
    count = (~np.isnan(values)).sum(axis=0).astype(np.int64)
    with warnings.catch_warnings():
        # All-NaN cells are expected (nobody scored them) and stay NaN on purpose.
        warnings.simplefilter("ignore", RuntimeWarning)
        combined = np.nanmedian(values, axis=0) if method == "median" else np.nanmean(values, 0)
    return Aggregated(np.asarray(combined, dtype=np.float64), count)


@dataclass(frozen=True)
class ExtremeScores:
    """Which individual scores an evaluator should justify, and why."""

    at_scale_end: BoolArray  # (evaluators, candidates, criteria)
    outlier: BoolArray  # same shape: far from what the other evaluators gave

    @property
    def any(self) -> BoolArray:
        result: BoolArray = self.at_scale_end | self.outlier
        return result


def extreme_scores(
    scores: npt.ArrayLike,
    lower: npt.ArrayLike,
    upper: npt.ArrayLike,
    *,
    outlier_share: float = OUTLIER_SHARE,
    measured_ratio: float = MEASURED_OUTLIER_RATIO,
) -> ExtremeScores:
    """Scores at either end of a bounded scale, and scores far from the other evaluators.

    "Far" compares each score with the median of the *other* evaluators' scores for the same
    candidate and criterion (so one outlier cannot pull the reference towards itself); it needs
    at least one other evaluator. Measured values have no scale ends and use a relative gap.
    """
    import numpy as np

    values = np.asarray(scores, dtype=np.float64)
    if values.ndim == 2:
        values = values[np.newaxis]
    lo = np.asarray(lower, dtype=np.float64)
    hi = np.asarray(upper, dtype=np.float64)
    bounded = np.isfinite(lo) & np.isfinite(hi)
    present = ~np.isnan(values)
    at_end = present & bounded & ((values == lo) | (values == hi))
    evaluators = values.shape[0]
    others_median = np.full(values.shape, np.nan)
    if evaluators > 1:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            for e in range(evaluators):  # evaluators are few; the arrays inside are vectorised
                others = np.delete(values, e, axis=0)
                others_median[e] = np.nanmedian(others, axis=0)
    gap = np.abs(values - others_median)
    span = np.where(bounded, hi - lo, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        far_bounded = bounded & (gap >= outlier_share * span)
        far_measured = ~bounded & (gap > measured_ratio * np.abs(others_median))
    outlier = present & ~np.isnan(others_median) & (far_bounded | far_measured)
    return ExtremeScores(at_end, outlier)
