"""Criterion weights from an AHP pairwise-comparison matrix (Saaty's eigenvector method).

``matrix[i, j]`` says how much more important criterion i is than criterion j on Saaty's 1–9
scale (1/9 … 9), with ``matrix[j, i] = 1 / matrix[i, j]``.

The most inconsistent pair is the judgement that disagrees most with the weights all judgements
together produce: with weights w, a consistent matrix would hold w_i / w_j, so the ratio
e_ij = a_ij · w_j / w_i measures each judgement's error, and the pair with the largest
|ln e_ij| (equivalently max(e_ij, 1/e_ij), which treats "3× too high" and "3× too low" alike)
is named. This is Saaty's own suggestion for which judgement to revisit first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

from cofab.core.i18n import N_
from cofab.selection.problems import Problem, pointer, raise_if_errors

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


FloatArray: TypeAlias = "npt.NDArray[np.float64]"
CellField = Callable[[int, int], str]

RANDOM_INDEX: dict[int, float] = {
    1: 0.0,
    2: 0.0,
    3: 0.58,
    4: 0.90,
    5: 1.12,
    6: 1.24,
    7: 1.32,
    8: 1.41,
    9: 1.45,
    10: 1.49,
    11: 1.51,
    12: 1.48,
    13: 1.56,
    14: 1.57,
    15: 1.59,
}
"""Saaty's random consistency index by matrix size (Saaty 1980; 11–15 from his later table)."""

CR_THRESHOLD = 0.10
SAATY_LOW, SAATY_HIGH = 1.0 / 9.0, 9.0
RECIPROCAL_TOLERANCE = 0.01
"""Relative: 0.333 typed for 1/3 passes, 0.3 does not."""

MSG_AHP_SHAPE = N_(
    "The AHP matrix is {rows}×{cols}; it must be {size}×{size}, one row and column per criterion."
)
MSG_AHP_TOO_LARGE = N_(
    "AHP supports at most {limit} criteria (Saaty's random index is tabulated up to {limit}); "
    "set weights directly or group criteria."
)
MSG_AHP_NOT_POSITIVE = N_("AHP entry [{row}][{col}] must be a positive number.")
MSG_AHP_DIAGONAL = N_("AHP entry [{row}][{col}] is on the diagonal and must be 1.")
MSG_AHP_SCALE = N_("AHP entry [{row}][{col}] = {value:g} is outside Saaty's scale 1/9 … 9.")
MSG_AHP_RECIPROCAL = N_(
    "AHP entry [{row}][{col}] = {value:g} must be the reciprocal of entry [{col}][{row}] "
    "= {mirror:g}, i.e. {expected:g}."
)
MSG_AHP_INCONSISTENT = N_(
    "AHP consistency ratio is {cr:.3f}, above 0.10. The most inconsistent judgement is "
    "{first} versus {second}: entered {entered}, the other judgements imply about {implied}."
)


def default_cell_field(row: int, col: int) -> str:
    return pointer("ahp", "matrix", row, col)


def check_pairwise_matrix(
    matrix: npt.ArrayLike,
    size: int,
    *,
    field: CellField = default_cell_field,
    matrix_field: str = "/ahp/matrix",
) -> list[Problem]:
    """Square, of the criteria's size, positive, unit diagonal, on Saaty's scale, reciprocal."""
    import numpy as np

    try:
        a = np.asarray(matrix, dtype=np.float64)
    except (TypeError, ValueError):
        a = np.empty((0, 0))
    shape = (*a.shape, 0, 0)
    rows, cols = int(shape[0]), int(shape[1])
    if a.ndim != 2 or rows != size or cols != size:
        return [
            Problem(
                "ahp_shape", matrix_field, MSG_AHP_SHAPE, {"rows": rows, "cols": cols, "size": size}
            )
        ]
    if size > max(RANDOM_INDEX):
        return [
            Problem("ahp_too_large", matrix_field, MSG_AHP_TOO_LARGE, {"limit": max(RANDOM_INDEX)})
        ]
    problems: list[Problem] = []
    positive = np.isfinite(a) & (a > 0)
    for i, j in np.argwhere(~positive):
        problems.append(
            Problem(
                "ahp_not_positive",
                field(int(i), int(j)),
                MSG_AHP_NOT_POSITIVE,
                {"row": int(i), "col": int(j)},
            )
        )
    diagonal = np.eye(size, dtype=bool)
    for i in np.flatnonzero(positive[diagonal] & (np.abs(np.diag(a) - 1) > 1e-9)):
        problems.append(
            Problem(
                "ahp_diagonal",
                field(int(i), int(i)),
                MSG_AHP_DIAGONAL,
                {"row": int(i), "col": int(i)},
            )
        )
    slack = 1 + RECIPROCAL_TOLERANCE
    with np.errstate(invalid="ignore"):
        off_scale = positive & ~diagonal & ((a < SAATY_LOW / slack) | (a > SAATY_HIGH * slack))
    for i, j in np.argwhere(off_scale):
        problems.append(
            Problem(
                "ahp_scale",
                field(int(i), int(j)),
                MSG_AHP_SCALE,
                {"row": int(i), "col": int(j), "value": float(a[i, j])},
            )
        )
    both = positive & positive.T & ~diagonal
    with np.errstate(invalid="ignore"):
        broken = both & (np.abs(a * a.T - 1) > RECIPROCAL_TOLERANCE)
    for i, j in np.argwhere(np.triu(broken, k=1)):
        problems.append(
            Problem(
                "ahp_reciprocal",
                field(int(j), int(i)),
                MSG_AHP_RECIPROCAL,
                {
                    "row": int(j),
                    "col": int(i),
                    "value": float(a[j, i]),
                    "mirror": float(a[i, j]),
                    "expected": round(1 / float(a[i, j]), 4),
                },
            )
        )
    return problems


def saaty_label(value: float) -> str:
    """3 → '3', 0.333… → '1/3', 2.5 → '2.5': judgements read as people enter them."""
    if value >= 0.9995:
        return f"{value:.3g}"
    return f"1/{1 / value:.3g}"


@dataclass(frozen=True)
class AhpResult:
    weights: FloatArray
    lambda_max: float
    consistency_index: float
    random_index: float
    consistency_ratio: float
    worst_pair: tuple[int, int] | None
    worst_entered: float
    worst_implied: float

    @property
    def acceptable(self) -> bool:
        return self.consistency_ratio <= CR_THRESHOLD

    def consistency_warning(
        self, names: Sequence[str], field: CellField = default_cell_field
    ) -> Problem | None:
        """The CR > 0.10 warning naming the judgement to revisit; None when consistent enough."""
        if self.acceptable or self.worst_pair is None:
            return None
        i, j = self.worst_pair
        return Problem(
            "ahp_inconsistent",
            field(i, j),
            MSG_AHP_INCONSISTENT,
            {
                "cr": self.consistency_ratio,
                "first": names[i],
                "second": names[j],
                "entered": saaty_label(self.worst_entered),
                "implied": saaty_label(self.worst_implied),
            },
            severity="warning",
        )


def ahp_weights(matrix: npt.ArrayLike) -> AhpResult:
    """Principal-eigenvector weights, λ_max, CI = (λ_max − n)/(n − 1), CR = CI / RI(n)."""
    import numpy as np

    a = np.asarray(matrix, dtype=np.float64)
    size = a.shape[0] if a.ndim == 2 else 0
    raise_if_errors(check_pairwise_matrix(a, size))
    if size == 0:
        # No criteria yet (an empty form's preview): nothing to weigh, nothing inconsistent.
        return AhpResult(np.zeros(0), 0.0, 0.0, 0.0, 0.0, None, 1.0, 1.0)
    eigenvalues, eigenvectors = np.linalg.eig(a)
    k = int(np.argmax(eigenvalues.real))
    lambda_max = float(eigenvalues[k].real)
    vector = np.abs(eigenvectors[:, k].real)
    weights: FloatArray = vector / vector.sum()
    if size <= 2:
        # Every 1×1 or 2×2 reciprocal matrix is consistent; RI is 0 there.
        return AhpResult(weights, float(size), 0.0, 0.0, 0.0, None, 1.0, 1.0)
    ci = max(0.0, (lambda_max - size) / (size - 1))
    ri = RANDOM_INDEX[size]
    errors = np.abs(np.log(a * weights[np.newaxis, :] / weights[:, np.newaxis]))
    errors[np.tril_indices(size)] = -1.0
    i, j = (int(x) for x in np.unravel_index(int(np.argmax(errors)), errors.shape))
    return AhpResult(
        weights=weights,
        lambda_max=lambda_max,
        consistency_index=ci,
        random_index=ri,
        consistency_ratio=ci / ri,
        worst_pair=(i, j),
        worst_entered=float(a[i, j]),
        worst_implied=float(weights[i] / weights[j]),
    )
