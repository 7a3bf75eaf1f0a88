"""How far can one weight move before a different candidate comes out on top?

For criterion k the weight moves to t and the other weights are rescaled proportionally so they
still sum to 1: w_j(t) = w_j · (1 − t)/(1 − w_k). The answer per criterion is the nearest t
below and above w_k at which the leader is tied by another candidate — any further move makes
that candidate first. Weighted sum: exact, because every score is linear in t. TOPSIS: a grid
scan over t followed by bisection, because closeness is not linear in t.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

from cofab.selection.scoring import TIE_DECIMALS, TopsisParts

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


FloatArray: TypeAlias = "npt.NDArray[np.float64]"
IntArray: TypeAlias = "npt.NDArray[np.int64]"

TOPSIS_GRID = 4000
"""Grid steps over the whole [0, 1] weight range: a 0.025-point resolution for the scan."""

TOPSIS_BISECTIONS = 50
"""Halvings after the scan: 2^-50 of a 0.025-point bracket is far below any meaningful weight."""

_TIE = 10.0**-TIE_DECIMALS

Path = Callable[[FloatArray], FloatArray]
"""Closeness of every candidate (columns) at each weight t (rows) along one criterion's path."""


@dataclass(frozen=True)
class FlipTable:
    """Per criterion: the weight (fraction) at which the leader changes, in each direction.

    NaN / -1 where no change happens over the whole range (0 … 1), or where the criterion
    carries all the weight so "rescale the others proportionally" has no meaning.
    """

    leader: int
    weights: FloatArray
    decrease_to: FloatArray
    decrease_leader: IntArray
    increase_to: FloatArray
    increase_leader: IntArray

    @property
    def smallest_change(self) -> FloatArray:
        """Smallest |Δweight| (fraction) in either direction; NaN when nothing flips."""
        import numpy as np

        down = self.weights - self.decrease_to
        up = self.increase_to - self.weights
        both = np.vstack([down, up])
        result: FloatArray = np.where(
            np.isnan(both).all(axis=0), np.nan, np.nanmin(np.where(np.isnan(both), np.inf, both), 0)
        )
        return result


def _leader(scores: FloatArray) -> int:
    import numpy as np

    return int(np.argmax(np.round(scores, TIE_DECIMALS)))


def weight_flip_weighted_sum(normalised: npt.ArrayLike, weights: npt.ArrayLike) -> FlipTable:
    """Exact breakpoints for the weighted sum from the linear scores s_i(t) = t·r_ik + (1−t)·b_ik.

    b_ik = (S_i − w_k r_ik)/(1 − w_k) is candidate i's score on the other criteria alone. The
    leader a and a rival c tie where t·(r_ak − r_ck) + (1 − t)·(b_ak − b_ck) = 0, i.e. at
    t* = β/(β − α) with α = r_ak − r_ck, β = b_ak − b_ck. The nearest t* on each side of w_k
    within [0, 1] is the answer; among rivals tying at the same t*, the one rising fastest in
    that direction takes the lead.
    """
    import numpy as np

    r = np.asarray(normalised, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    n, m = r.shape
    total = r @ w
    a = _leader(total)
    nan = np.full(m, np.nan)
    none = np.full(m, -1, dtype=np.int64)
    if n < 2:
        return FlipTable(a, w, nan, none.copy(), nan.copy(), none.copy())
    free = w < 1 - 1e-12
    rest = np.where(free, 1 - w, 1.0)
    b = (total[:, None] - r * w[None, :]) / rest[None, :]
    alpha = r[a][None, :] - r  # d(1): leader minus rival with all weight on k
    beta = b[a][None, :] - b  # d(0): leader minus rival with no weight on k
    # d(t) is linear and d(w_k) >= 0, so a rival takes over above w_k iff d(1) < 0 and below
    # iff d(0) < 0; the crossing is then automatically on that side.
    with np.errstate(divide="ignore", invalid="ignore"):
        t_star = beta / (beta - alpha)
    rival = free[None, :] & (np.arange(n) != a)[:, None]
    up = rival & (alpha < -_TIE)
    down = rival & (beta < -_TIE)
    slope = r - b  # d s_i / dt
    t_up = np.where(up, np.clip(t_star, w[None, :], 1.0), np.inf)
    t_down = np.where(down, np.clip(t_star, 0.0, w[None, :]), -np.inf)
    inc_to, inc_who = _nearest(t_up, -slope, np.inf)
    dec_to, dec_who = _nearest(-t_down, slope, np.inf)
    return FlipTable(a, w, -dec_to, dec_who, inc_to, inc_who)


def _nearest(
    distance: FloatArray, tiebreak: FloatArray, missing: float
) -> tuple[FloatArray, IntArray]:
    """Per column the smallest distance and its row (ties: smallest tiebreak), NaN/-1 if none."""
    import numpy as np

    best = distance.min(axis=0)
    ties = np.where(distance == best[None, :], tiebreak, np.inf)
    who = np.argmin(ties, axis=0).astype(np.int64)
    found = best != missing
    return np.where(found, best, np.nan), np.where(found, who, -1).astype(np.int64)


def weight_flip_topsis(
    parts: TopsisParts,
    weights: npt.ArrayLike,
    *,
    grid: int = TOPSIS_GRID,
    bisections: int = TOPSIS_BISECTIONS,
) -> FlipTable:
    """Breakpoints for TOPSIS by a 1-D scan over t and bisection of the first change.

    Along the path, D±_i(t)² = t²·P±_ik + ((1 − t)/(1 − w_k))²·Q±_ik with P±_ik the squared
    gap on criterion k and Q±_ik the weighted gaps on the others, so every grid point costs
    O(candidates). The scan cannot see a lead change that reverts within one grid step
    (0.025 weight points by default).
    """
    import numpy as np

    w = np.asarray(weights, dtype=np.float64)
    m = w.shape[0]
    w2 = w * w
    gap_plus = parts.ideal_gap
    gap_minus = parts.anti_gap
    base_plus = gap_plus @ w2
    base_minus = gap_minus @ w2
    n = gap_plus.shape[0]
    base = _closeness(base_plus, base_minus)
    a = _leader(base)
    dec_to = np.full(m, np.nan)
    inc_to = np.full(m, np.nan)
    dec_who = np.full(m, -1, dtype=np.int64)
    inc_who = np.full(m, -1, dtype=np.int64)
    if n < 2:
        return FlipTable(a, w, dec_to, dec_who, inc_to, inc_who)
    for k in range(m):
        if w[k] >= 1 - 1e-12:
            continue
        p_plus, p_minus = gap_plus[:, k], gap_minus[:, k]
        q_plus = (base_plus - w2[k] * p_plus) / (1 - w[k]) ** 2
        q_minus = (base_minus - w2[k] * p_minus) / (1 - w[k]) ** 2

        def along(
            t: FloatArray,
            pp: FloatArray = p_plus,
            pm: FloatArray = p_minus,
            qp: FloatArray = q_plus,
            qm: FloatArray = q_minus,
        ) -> FloatArray:
            tt = t[:, None]
            s2 = (1 - tt) ** 2
            return _closeness(tt * tt * pp + s2 * qp, tt * tt * pm + s2 * qm)

        for direction, end in ((1, 1.0), (-1, 0.0)):
            found = _scan(along, a, float(w[k]), end, grid, bisections)
            if found is None:
                continue
            t_cross, who = found
            if direction > 0:
                inc_to[k], inc_who[k] = t_cross, who
            else:
                dec_to[k], dec_who[k] = t_cross, who
    return FlipTable(a, w, dec_to, dec_who, inc_to, inc_who)


def _closeness(d_plus_sq: FloatArray, d_minus_sq: FloatArray) -> FloatArray:
    import numpy as np

    d_plus = np.sqrt(np.maximum(d_plus_sq, 0))
    d_minus = np.sqrt(np.maximum(d_minus_sq, 0))
    total = d_plus + d_minus
    with np.errstate(invalid="ignore", divide="ignore"):
        result: FloatArray = np.where(total > 0, d_minus / total, 1.0)
    return result


def _scan(
    evaluate: Path, leader: int, start: float, end: float, grid: int, bisections: int
) -> tuple[float, int] | None:
    """First t from ``start`` towards ``end`` where ``leader`` stops being (jointly) first."""
    import numpy as np

    steps = max(2, int(np.ceil(abs(end - start) * grid)) + 1)
    ts = np.linspace(start, end, steps)
    chunk = max(1, 4_000_000 // max(1, evaluate(np.array([start])).shape[1]))
    previous = start
    for first in range(0, steps, chunk):
        block = ts[first : first + chunk]
        values = np.round(evaluate(block), TIE_DECIMALS)
        others = values.copy()
        others[:, leader] = -np.inf
        lost = others.max(axis=1) > values[:, leader]
        if lost.any():
            g = int(np.argmax(lost))
            inside, outside = (block[g - 1] if g > 0 else previous), float(block[g])
            for _ in range(bisections):
                middle = (inside + outside) / 2
                row = np.round(evaluate(np.array([middle]))[0], TIE_DECIMALS)
                rival = np.delete(row, leader).max()
                if rival > row[leader]:
                    outside = middle
                else:
                    inside = middle
            row = evaluate(np.array([outside]))[0]
            row[leader] = -np.inf
            return (inside + outside) / 2, int(np.argmax(row))
        previous = float(block[-1])
    return None
