"""Shewhart control charts: the standard constants, chart limits and the run rules.

Constants: d2, d3, A2, D3, D4 as printed in ASTM STP-15D / Montgomery, *Introduction to
Statistical Quality Control*, Appendix VI, for n = 2..25 (typed: derived from the rounded d2 and
d3 they would miss the printed third decimal, and textbook examples use the printed ones). c4 is
exact (gamma function) and A3 = 3/(c4·√n), B3/B4 = 1 ∓ 3·√(1-c4²)/c4 follow from it, which
reproduces the printed A3, B3, B4 to their three decimals. Every function takes numpy arrays
and broadcasts, so the service computes the limits of thousands of characteristics in one call.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

MIN_SUBGROUP: Final = 2
MAX_SUBGROUP: Final = 25
E2: Final = 2.66  # 3 / d2(2): individuals chart factor
D2_MOVING_RANGE: Final = 1.128  # d2 for moving ranges of two
D4_MOVING_RANGE: Final = 3.267

# index = subgroup size n (0 and 1 unused)
_D2: Final = (
    math.nan, math.nan, 1.128, 1.693, 2.059, 2.326, 2.534, 2.704, 2.847, 2.970, 3.078, 3.173,
    3.258, 3.336, 3.407, 3.472, 3.532, 3.588, 3.640, 3.689, 3.735, 3.778, 3.819, 3.858, 3.895,
    3.931,
)  # fmt: skip
_D3_FACTOR: Final = (
    math.nan, math.nan, 0.853, 0.888, 0.880, 0.864, 0.848, 0.833, 0.820, 0.808, 0.797, 0.787,
    0.778, 0.770, 0.763, 0.756, 0.750, 0.744, 0.739, 0.734, 0.729, 0.724, 0.720, 0.716, 0.712,
    0.708,
)  # fmt: skip


def _c4(n: int) -> float:
    return math.sqrt(2.0 / (n - 1)) * math.exp(math.lgamma(n / 2) - math.lgamma((n - 1) / 2))


_A2: Final = (
    math.nan, math.nan, 1.880, 1.023, 0.729, 0.577, 0.483, 0.419, 0.373, 0.337, 0.308, 0.285,
    0.266, 0.249, 0.235, 0.223, 0.212, 0.203, 0.194, 0.187, 0.180, 0.173, 0.167, 0.162, 0.157,
    0.153,
)  # fmt: skip
_D3: Final = (
    math.nan, math.nan, 0.0, 0.0, 0.0, 0.0, 0.0, 0.076, 0.136, 0.184, 0.223, 0.256, 0.283,
    0.307, 0.328, 0.347, 0.363, 0.378, 0.391, 0.403, 0.415, 0.425, 0.434, 0.443, 0.451, 0.459,
)  # fmt: skip
_D4: Final = (
    math.nan, math.nan, 3.267, 2.574, 2.282, 2.114, 2.004, 1.924, 1.864, 1.816, 1.777, 1.744,
    1.717, 1.693, 1.672, 1.653, 1.637, 1.622, 1.608, 1.597, 1.585, 1.575, 1.566, 1.557, 1.548,
    1.541,
)  # fmt: skip

D2: Final[FloatArray] = np.array(_D2)
D3_SIGMA: Final[FloatArray] = np.array(_D3_FACTOR)  # d3: σ of the relative range
C4: Final[FloatArray] = np.array([math.nan, math.nan] + [_c4(n) for n in range(2, 26)])
_ROOT_N: Final = np.sqrt(np.arange(26, dtype=np.float64))
A2: Final[FloatArray] = np.array(_A2)
D3: Final[FloatArray] = np.array(_D3)
D4: Final[FloatArray] = np.array(_D4)
A3: Final[FloatArray] = 3.0 / (C4 * _ROOT_N)
B3: Final[FloatArray] = np.maximum(0.0, 1.0 - 3.0 * np.sqrt(1.0 - C4**2) / C4)
B4: Final[FloatArray] = 1.0 + 3.0 * np.sqrt(1.0 - C4**2) / C4

CHARTS: Final[tuple[str, ...]] = ("xbar-r", "xbar-s", "i-mr", "p", "np", "c", "u")


@dataclass(frozen=True, slots=True)
class Limits:
    """Center line and control limits (scalars or one entry per characteristic / point)."""

    center: FloatArray
    lcl: FloatArray
    ucl: FloatArray


def check_subgroup_size(n: ArrayLike) -> NDArray[np.int64]:
    """X̄-R and X̄-S constants exist for 2..25 only; anything else is a caller's mistake."""
    sizes = np.asarray(n, dtype=np.int64)
    bad = (sizes < MIN_SUBGROUP) | (sizes > MAX_SUBGROUP)
    if np.any(bad):
        wrong = int(sizes[bad].flat[0]) if sizes.ndim else int(sizes)
        raise ValueError(f"subgroup size must be between 2 and 25, got {wrong}")
    return sizes


def _limits(center: ArrayLike, lcl: ArrayLike, ucl: ArrayLike) -> Limits:
    return Limits(
        center=np.asarray(center, dtype=np.float64),
        lcl=np.asarray(lcl, dtype=np.float64),
        ucl=np.asarray(ucl, dtype=np.float64),
    )


def xbar_r(grand_mean: ArrayLike, mean_range: ArrayLike, n: ArrayLike) -> tuple[Limits, Limits]:
    """X̄ and R chart limits from the grand mean, the mean range and the subgroup size."""
    size = check_subgroup_size(n)
    xbb = np.asarray(grand_mean, dtype=np.float64)
    rbar = np.asarray(mean_range, dtype=np.float64)
    spread = A2[size] * rbar
    return (
        _limits(xbb, xbb - spread, xbb + spread),
        _limits(rbar, D3[size] * rbar, D4[size] * rbar),
    )


def xbar_s(grand_mean: ArrayLike, mean_std: ArrayLike, n: ArrayLike) -> tuple[Limits, Limits]:
    """X̄ and S chart limits from the grand mean, the mean subgroup std and the subgroup size."""
    size = check_subgroup_size(n)
    xbb = np.asarray(grand_mean, dtype=np.float64)
    sbar = np.asarray(mean_std, dtype=np.float64)
    spread = A3[size] * sbar
    return (
        _limits(xbb, xbb - spread, xbb + spread),
        _limits(sbar, B3[size] * sbar, B4[size] * sbar),
    )


def i_mr(mean: ArrayLike, mean_moving_range: ArrayLike) -> tuple[Limits, Limits]:
    """Individuals and moving-range limits (moving ranges of two: E2 = 2.66, D4 = 3.267)."""
    xbar = np.asarray(mean, dtype=np.float64)
    mr = np.asarray(mean_moving_range, dtype=np.float64)
    return (
        _limits(xbar, xbar - E2 * mr, xbar + E2 * mr),
        _limits(mr, np.zeros_like(mr), D4_MOVING_RANGE * mr),
    )


def p_chart(defectives: ArrayLike, sizes: ArrayLike) -> Limits:
    """Fraction nonconforming; limits per point because sample sizes may differ."""
    d = np.asarray(defectives, dtype=np.float64)
    n = np.asarray(sizes, dtype=np.float64)
    pbar = d.sum() / n.sum()
    spread = 3.0 * np.sqrt(pbar * (1.0 - pbar) / n)
    center = np.full_like(n, pbar)
    return _limits(center, np.maximum(0.0, pbar - spread), np.minimum(1.0, pbar + spread))


def np_chart(defectives: ArrayLike, size: int) -> Limits:
    """Number nonconforming with a constant sample size."""
    d = np.asarray(defectives, dtype=np.float64)
    pbar = d.mean() / size
    center = size * pbar
    spread = 3.0 * math.sqrt(center * (1.0 - pbar))
    return _limits(center, max(0.0, center - spread), center + spread)


def c_chart(counts: ArrayLike) -> Limits:
    """Nonconformities per inspection unit of constant size."""
    cbar = float(np.asarray(counts, dtype=np.float64).mean())
    spread = 3.0 * math.sqrt(cbar)
    return _limits(cbar, max(0.0, cbar - spread), cbar + spread)


def u_chart(counts: ArrayLike, units: ArrayLike) -> Limits:
    """Nonconformities per unit with a varying number of units; limits per point."""
    c = np.asarray(counts, dtype=np.float64)
    n = np.asarray(units, dtype=np.float64)
    ubar = c.sum() / n.sum()
    spread = 3.0 * np.sqrt(ubar / n)
    return _limits(np.full_like(n, ubar), np.maximum(0.0, ubar - spread), ubar + spread)


def subgroup_statistics(values: ArrayLike, n: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Mean, range and sample std (ddof=1) of consecutive subgroups of ``n`` (a short tail is
    left out, as a partial subgroup would bias the range)."""
    check_subgroup_size(n)
    data = np.asarray(values, dtype=np.float64)
    k = data.size // n
    if k == 0:
        raise ValueError(f"need at least one full subgroup of {n} values")
    groups = data[: k * n].reshape(k, n)
    return groups.mean(axis=1), np.ptp(groups, axis=1), groups.std(axis=1, ddof=1)


# --- run rules -------------------------------------------------------------------------------
# Nelson (1984) rules 1-8; rules 1, 5, 6 are Western Electric rules 1-3, and WE4 (eight in a row
# on one side) is kept as its own rule because the Western Electric handbook counts eight, where
# Nelson rule 2 counts nine. A violation is reported at the point that completes the pattern.


def _window_count(flags: NDArray[np.bool_], width: int) -> NDArray[np.int64]:
    """Count of true flags in the window ending at each index (0 where the window is short)."""
    out = np.zeros(flags.size, dtype=np.int64)
    if flags.size >= width:
        sums = np.cumsum(np.concatenate(([0], flags.astype(np.int64))))
        out[width - 1 :] = sums[width:] - sums[:-width]
    return out


def _completes(flags: NDArray[np.bool_], width: int, needed: int) -> NDArray[np.int64]:
    """Indices where a window of ``width`` ending there holds ≥ ``needed`` flags and the
    point itself is flagged (the point that completes the pattern)."""
    return np.flatnonzero((_window_count(flags, width) >= needed) & flags)


def violations(
    points: ArrayLike, center: ArrayLike, ucl: ArrayLike, lcl: ArrayLike | None = None
) -> list[tuple[str, int]]:
    """Every (rule, index) that fires; σ is taken as (UCL - center)/3 at each point."""
    x = np.asarray(points, dtype=np.float64)
    cl = np.broadcast_to(np.asarray(center, dtype=np.float64), x.shape)
    upper = np.broadcast_to(np.asarray(ucl, dtype=np.float64), x.shape)
    lower = (
        cl - (upper - cl)
        if lcl is None
        else np.broadcast_to(np.asarray(lcl, dtype=np.float64), x.shape)
    )
    sigma = (upper - cl) / 3.0
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(sigma > 0, (x - cl) / sigma, 0.0)
    found: list[tuple[str, int]] = []

    def add(rule: str, indices: NDArray[np.int64]) -> None:
        found.extend((rule, int(i)) for i in indices)

    add("N1", np.flatnonzero((x > upper) | (x < lower)))
    above, below = z > 0, z < 0
    for rule, width in (("N2", 9), ("WE4", 8)):
        add(rule, np.flatnonzero((_window_count(above, width) == width)
                                 | (_window_count(below, width) == width)))  # fmt: skip
    step = np.diff(x)
    up = np.concatenate(([False], step > 0))
    down = np.concatenate(([False], step < 0))
    add("N3", np.flatnonzero((_window_count(up, 5) == 5) | (_window_count(down, 5) == 5)))
    turns = np.zeros(x.size, dtype=bool)
    if x.size >= 3:
        turns[2:] = (step[1:] * step[:-1]) < 0
    add("N4", np.flatnonzero(_window_count(turns, 12) == 12))
    hits: set[int] = set()
    for width, needed, limit, rule in ((3, 2, 2.0, "N5"), (5, 4, 1.0, "N6")):
        hits = set(_completes(z > limit, width, needed)) | set(
            _completes(z < -limit, width, needed)
        )
        add(rule, np.array(sorted(hits), dtype=np.int64))
    add("N7", np.flatnonzero(_window_count(np.abs(z) < 1.0, 15) == 15))
    add("N8", np.flatnonzero(_window_count(np.abs(z) > 1.0, 8) == 8))
    found.sort(key=lambda item: (item[1], item[0]))
    return found
