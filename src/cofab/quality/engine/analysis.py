"""One characteristic's chart and capability from its values: what the CLI, the API and the
page all show, computed in one place so they cannot disagree."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from cofab.quality.engine import capability, spc

VARIABLE_CHARTS = ("xbar-r", "xbar-s", "i-mr")


@dataclass(frozen=True, slots=True)
class ChartSeries:
    """One drawn chart: its points in order and its limits (scalars)."""

    name: str  # "xbar", "r", "s", "i", "mr"
    points: list[float]
    center: float
    lcl: float
    ucl: float
    violations: list[tuple[str, int]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Analysis:
    chart: str
    subgroup_size: int
    charts: list[ChartSeries]
    capability: capability.Capability

    def as_json(self) -> dict[str, Any]:
        return {
            "chart": self.chart,
            "subgroup_size": self.subgroup_size,
            "n": self.capability.n,
            **self.capability.as_json(),
            "limits": {
                c.name: {"center": c.center, "lcl": c.lcl, "ucl": c.ucl} for c in self.charts
            },
            "violations": [
                {"chart": c.name, "rule": rule, "index": index}
                for c in self.charts
                for rule, index in c.violations
            ],
        }


def _series(
    name: str, points: np.ndarray[Any, Any], limits: spc.Limits, *, rules: bool
) -> ChartSeries:
    center, lcl, ucl = float(limits.center), float(limits.lcl), float(limits.ucl)
    found = (
        spc.violations(points, center, ucl, lcl)
        if rules
        else [("N1", int(i)) for i in np.flatnonzero((points > ucl) | (points < lcl))]
    )
    return ChartSeries(name, [float(p) for p in points], center, lcl, ucl, found)


def analyse(
    values: ArrayLike,
    *,
    chart: str,
    subgroup_size: int = 1,
    lsl: float | None = None,
    usl: float | None = None,
) -> Analysis:
    """Limits, run-rule violations (all rules on the location chart, beyond-limits on the
    dispersion chart) and capability of values in time order."""
    if chart not in VARIABLE_CHARTS:
        raise ValueError(f"chart must be xbar-r, xbar-s or i-mr, got {chart!r}")
    capability.check_spec(lsl, usl)
    data = np.asarray(values, dtype=np.float64)
    cap = capability.from_values(data, chart=chart, subgroup_size=subgroup_size, lsl=lsl, usl=usl)
    if chart == "i-mr":
        moving = np.abs(np.diff(data))
        i_limits, mr_limits = spc.i_mr(data.mean(), moving.mean())
        charts = [
            _series("i", data, i_limits, rules=True),
            _series("mr", moving, mr_limits, rules=False),
        ]
        return Analysis(chart, 1, charts, cap)
    means, ranges, stds = spc.subgroup_statistics(data, subgroup_size)
    charts = _subgroup_charts(chart, means, ranges, stds, subgroup_size)
    return Analysis(chart, subgroup_size, charts, cap)


def _subgroup_charts(
    chart: str, means: np.ndarray[Any, Any], ranges: np.ndarray[Any, Any],
    stds: np.ndarray[Any, Any], size: int,
) -> list[ChartSeries]:  # fmt: skip
    """The X̄ chart (every run rule) and its R or S chart (beyond the limits) of subgroups."""
    if chart == "xbar-r":
        x_limits, r_limits = spc.xbar_r(means.mean(), ranges.mean(), size)
        spread_name, spread = "r", ranges
    else:
        x_limits, r_limits = spc.xbar_s(means.mean(), stds.mean(), size)
        spread_name, spread = "s", stds
    return [
        _series("xbar", means, x_limits, rules=True),
        _series(spread_name, spread, r_limits, rules=False),
    ]


def analyse_subgroups(
    *,
    chart: str,
    subgroup_size: int,
    means: ArrayLike,
    ranges: ArrayLike,
    stds: ArrayLike,
    m2: ArrayLike,
    lsl: float | None = None,
    usl: float | None = None,
) -> Analysis:
    """The same analysis of an X̄ chart from stored statistics of complete subgroups in time
    order (mean, range, s and the sum of squared deviations M2 of each): the points are the
    subgroups, so the raw values need not be read; the overall σ pools the subgroups exactly
    (ΣM2 + n·Σ(mean − X̿)²)."""
    if chart not in ("xbar-r", "xbar-s"):
        raise ValueError(f"chart must be xbar-r or xbar-s, got {chart!r}")
    capability.check_spec(lsl, usl)
    n = int(spc.check_subgroup_size(subgroup_size))
    x = np.asarray(means, dtype=np.float64)
    r = np.asarray(ranges, dtype=np.float64)
    s = np.asarray(stds, dtype=np.float64)
    total = n * x.size
    grand = float(x.mean())
    pooled = float(np.asarray(m2, dtype=np.float64).sum() + n * ((x - grand) ** 2).sum())
    within = capability.sigma_within(
        chart, mean_range=float(r.mean()), mean_std=float(s.mean()), n=n
    )
    cap = capability.indices(
        n=total,
        mean=grand,
        within=within,
        overall=math.sqrt(pooled / (total - 1)) if total > 1 else 0.0,
        lsl=lsl,
        usl=usl,
    )
    return Analysis(chart, n, _subgroup_charts(chart, x, r, s, n), cap)
