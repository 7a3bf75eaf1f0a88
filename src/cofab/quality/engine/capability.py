"""Process capability: Cp/Cpk from the within-subgroup σ, Pp/Ppk from the overall σ.

Within σ follows the chart (R̄/d2 for X̄-R, S̄/c4 for X̄-S, MR̄/1.128 for individuals), because
capability is only meaningful for the short-term variation the control chart shows to be
stable; Pp/Ppk use the sample standard deviation of all values and so include drift between
subgroups. The Cpk interval is Bissell's (1990) normal approximation,
Cpk ± z·√(1/(9n) + Cpk²/(2(n-1))).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
from numpy.typing import ArrayLike

from cofab.quality.engine import spc


@dataclass(frozen=True, slots=True)
class Capability:
    """Capability indices; an index is None where the limit it needs is missing."""

    n: int
    mean: float
    sigma_within: float
    sigma_overall: float
    cp: float | None
    cpk: float | None
    pp: float | None
    ppk: float | None
    cpk_lower: float | None
    cpk_upper: float | None

    def as_json(self) -> dict[str, object]:
        """The indices as the CLI, the chart API and the capability API print them."""
        return {
            "mean": self.mean,
            "sigma_within": self.sigma_within,
            "sigma_overall": self.sigma_overall,
            "cp": self.cp,
            "cpk": self.cpk,
            "pp": self.pp,
            "ppk": self.ppk,
            "cpk_ci95": None if self.cpk_lower is None else [self.cpk_lower, self.cpk_upper],
        }


def check_spec(lsl: float | None, usl: float | None) -> None:
    if lsl is not None and usl is not None and lsl >= usl:
        raise ValueError(f"LSL ({lsl}) must be below USL ({usl})")


def sigma_within(chart: str, *, mean_range: float = math.nan, mean_std: float = math.nan,
                 mean_moving_range: float = math.nan, n: int = 0) -> float:  # fmt: skip
    """Short-term σ estimate belonging to the chart."""
    if chart == "xbar-r":
        return mean_range / float(spc.D2[spc.check_subgroup_size(n)])
    if chart == "xbar-s":
        return mean_std / float(spc.C4[spc.check_subgroup_size(n)])
    if chart == "i-mr":
        return mean_moving_range / spc.D2_MOVING_RANGE
    raise ValueError(f"chart must be xbar-r, xbar-s or i-mr, got {chart!r}")


def _ratio(numerator: float, sigma: float) -> float | None:
    return numerator / (3.0 * sigma) if sigma > 0 else None


def indices(
    *,
    n: int,
    mean: float,
    within: float,
    overall: float,
    lsl: float | None,
    usl: float | None,
    confidence: float = 0.95,
) -> Capability:
    """Cp, Cpk, Pp, Ppk and the Cpk interval from the summary numbers (the SQL path uses it)."""
    check_spec(lsl, usl)

    def one_sided(sigma: float) -> float | None:
        sides = [
            _ratio(usl - mean, sigma) if usl is not None else None,
            _ratio(mean - lsl, sigma) if lsl is not None else None,
        ]
        known = [s for s in sides if s is not None]
        return min(known) if known else None

    both = lsl is not None and usl is not None
    cp = _ratio((usl - lsl) / 2.0, within) if both else None  # type: ignore[operator]
    pp = _ratio((usl - lsl) / 2.0, overall) if both else None  # type: ignore[operator]
    cpk = one_sided(within)
    lower = upper = None
    if cpk is not None and n > 1:
        z = NormalDist().inv_cdf(0.5 + confidence / 2.0)
        half = z * math.sqrt(1.0 / (9.0 * n) + cpk**2 / (2.0 * (n - 1)))
        lower, upper = cpk - half, cpk + half
    return Capability(
        n=n,
        mean=mean,
        sigma_within=within,
        sigma_overall=overall,
        cp=cp,
        cpk=cpk,
        pp=pp,
        ppk=one_sided(overall),
        cpk_lower=lower,
        cpk_upper=upper,
    )


def from_values(
    values: ArrayLike,
    *,
    chart: str,
    subgroup_size: int = 1,
    lsl: float | None = None,
    usl: float | None = None,
) -> Capability:
    """Capability of raw values in time order, grouped in consecutive subgroups for X̄ charts."""
    data = np.asarray(values, dtype=np.float64)
    if data.size < 2:
        raise ValueError("need at least two values")
    if chart == "i-mr":
        within = sigma_within(chart, mean_moving_range=float(np.abs(np.diff(data)).mean()))
        used = data
    else:
        means, ranges, stds = spc.subgroup_statistics(data, subgroup_size)
        used = data[: means.size * subgroup_size]
        within = sigma_within(
            chart,
            mean_range=float(ranges.mean()),
            mean_std=float(stds.mean()),
            n=subgroup_size,
        )
    return indices(
        n=int(used.size),
        mean=float(used.mean()),
        within=within,
        overall=float(used.std(ddof=1)),
        lsl=lsl,
        usl=usl,
    )
