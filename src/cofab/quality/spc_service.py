"""Control limits and capability of characteristics, combined from stored subgroup statistics.

Ten million measurements cannot travel to Python for every dashboard, nor be re-aggregated
value by value: every writer stores each subgroup's count, mean, range, standard deviation and
sum of squared deviations (M2) beside the values (``quality.subgroups``), and this module
combines those rows per characteristic in one statement — R̄, S̄ and X̿ as averages of the
subgroups', and the overall variance pooled exactly (Chan et al.'s parallel combination):

    M2_total = Σ M2_i + Σ n_i (mean_i − X̿)²,   σ_overall² = M2_total / (N − 1)

Only complete subgroups (as many values as the characteristic's subgroup size) enter, as the
constants d2, c4 are for that size and a partial subgroup's range is biased low; all of them
have the same n, so Σ n_i (mean_i − X̿)² = n · k · var_pop(mean). PostgreSQL's ``var_pop`` is
computed with the Youngs–Cramer update, which loses no digits on means far from zero; SQLite has
no ``var_pop``, so there the means are shifted by one of the characteristic's own before
squaring. The benchmark checks both against DuckDB over the raw values to 1e-9.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Connection, bindparam, select, text
from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.quality.engine import analysis, capability, spc
from cofab.quality.models import Characteristic, Measurement, MeasurementSubgroup
from cofab.quality.rules import get_scoped

# One row per characteristic and subgroup count; :ids limits it (expanding bind).
# between_sq = Σ (mean_i − mean of the means)² over the rows of that count.
_COMBINE_SQL = {
    "postgresql": """
SELECT s.characteristic_id AS cid, s.n AS n, count(*) AS k, avg(s.mean) AS grand,
       avg(s.value_range) AS rbar, avg(s.std) AS sbar, sum(s.m2) AS m2,
       count(*) * var_pop(s.mean) AS between_sq
  FROM quality_subgroups s
 WHERE s.characteristic_id IN :ids
 GROUP BY s.characteristic_id, s.n
""",
    "sqlite": """
WITH ch AS MATERIALIZED (
    SELECT c.id AS cid,
           (SELECT s.mean FROM quality_subgroups s
             WHERE s.characteristic_id = c.id LIMIT 1) AS shift
      FROM quality_characteristics c
     WHERE c.id IN :ids
)
SELECT s.characteristic_id AS cid, s.n AS n, count(*) AS k, avg(s.mean) AS grand,
       avg(s.value_range) AS rbar, avg(s.std) AS sbar, sum(s.m2) AS m2,
       sum((s.mean - ch.shift) * (s.mean - ch.shift))
         - sum(s.mean - ch.shift) * sum(s.mean - ch.shift) / count(*) AS between_sq
  FROM quality_subgroups s JOIN ch ON ch.cid = s.characteristic_id
 GROUP BY s.characteristic_id, s.n
""",
}


@dataclass(frozen=True, slots=True)
class CharacteristicStats:
    """X̄-R/X̄-S limits and capability of one characteristic, from complete subgroups."""

    characteristic_id: int
    subgroup_size: int
    subgroups: int
    n: int
    grand_mean: float
    mean_range: float
    mean_std: float
    xbar: tuple[float, float, float]  # center, lcl, ucl
    r: tuple[float, float, float]
    capability: capability.Capability


def _complete_subgroups(connection: Connection, ids: list[int]) -> list[Any]:
    """The combined row of each characteristic's complete subgroups (size 2…25 only)."""
    if not ids:
        return []
    sizes = dict(
        connection.execute(
            select(Characteristic.id, Characteristic.subgroup_size).where(
                Characteristic.id.in_(ids)
            )
        ).all()
    )
    sql = _COMBINE_SQL["postgresql" if connection.dialect.name == "postgresql" else "sqlite"]
    stmt = text(sql).bindparams(bindparam("ids", expanding=True))
    rows = connection.execute(stmt, {"ids": ids})
    return [
        row
        for row in rows
        if row.n == sizes.get(row.cid) and 2 <= row.n <= 25 and row.between_sq is not None
    ]


def stats_for(
    connection: Connection, ids: list[int], specs: dict[int, tuple[float | None, float | None]]
) -> list[CharacteristicStats]:
    """Limits and capability for many characteristics: one SQL statement over the stored
    subgroup rows, then numpy over the per-characteristic rows (vectorised across them)."""
    rows = _complete_subgroups(connection, ids)
    if not rows:
        return []
    size = np.array([r.n for r in rows], dtype=np.int64)
    total = size * np.array([r.k for r in rows], dtype=np.float64)
    grand = np.array([r.grand for r in rows], dtype=np.float64)
    rbar = np.array([r.rbar for r in rows], dtype=np.float64)
    pooled = np.array([r.m2 for r in rows], dtype=np.float64) + size * np.maximum(
        np.array([r.between_sq for r in rows], dtype=np.float64), 0.0
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        overall = np.sqrt(pooled / (total - 1))
    x_limits, r_limits = spc.xbar_r(grand, rbar, size)
    within = rbar / spc.D2[size]
    out: list[CharacteristicStats] = []
    for i, row in enumerate(rows):
        lsl, usl = specs.get(int(row.cid), (None, None))
        out.append(
            CharacteristicStats(
                characteristic_id=int(row.cid),
                subgroup_size=int(size[i]),
                subgroups=int(row.k),
                n=int(total[i]),
                grand_mean=float(grand[i]),
                mean_range=float(rbar[i]),
                mean_std=float(row.sbar),
                xbar=(float(x_limits.center[i]), float(x_limits.lcl[i]), float(x_limits.ucl[i])),
                r=(float(r_limits.center[i]), float(r_limits.lcl[i]), float(r_limits.ucl[i])),
                capability=capability.indices(
                    n=int(total[i]),
                    mean=float(grand[i]),
                    within=float(within[i]),
                    overall=float(overall[i]) if math.isfinite(overall[i]) else 0.0,
                    lsl=lsl,
                    usl=usl,
                ),
            )
        )
    return out


def characteristic_for(session: Session, *, actor: Actor, characteristic_id: int) -> Characteristic:
    """The characteristic if the actor may see it (another partner's → 404)."""
    return get_scoped(session, Characteristic, characteristic_id, actor)


def capability_of(
    session: Session, *, actor: Actor, characteristic_id: int
) -> CharacteristicStats | None:
    """The SQL-aggregated limits and capability; None while no complete subgroup exists."""
    char = characteristic_for(session, actor=actor, characteristic_id=characteristic_id)
    found = stats_for(session.connection(), [char.id], {char.id: (char.lsl, char.usl)})
    return found[0] if found else None


def chart_of(
    session: Session, *, actor: Actor, characteristic_id: int, chart: str | None = None,
    last: int = 200,
) -> analysis.Analysis | None:  # fmt: skip
    """The last ``last`` complete subgroups in order, analysed for drawing (points, limits,
    rule violations). None while there are too few values for the chart.

    X̄-R and X̄-S read the stored subgroup rows (a point and its run-rule flags per subgroup);
    the individuals chart reads the last values themselves."""
    char = characteristic_for(session, actor=actor, characteristic_id=characteristic_id)
    size = char.subgroup_size if 2 <= char.subgroup_size <= 25 else 1
    kind = chart or ("i-mr" if size == 1 else "xbar-r" if size <= 10 else "xbar-s")
    if kind != "i-mr":
        if size == 1:
            return None  # X̄ charts need subgroups of 2…25
        return _subgroup_chart(session, char, kind, size, last)
    rows = session.execute(
        select(Measurement.subgroup, Measurement.value)
        .where(Measurement.characteristic_id == char.id)
        .order_by(Measurement.subgroup.desc(), Measurement.seq.desc())
        .limit(last * max(size, 1) * 2)
    ).all()
    values = [value for _subgroup, value in reversed(rows)][-last:]
    if len(values) < 2:
        return None
    return analysis.analyse(values, chart=kind, subgroup_size=1, lsl=char.lsl, usl=char.usl)


def _subgroup_chart(
    session: Session, char: Characteristic, kind: str, size: int, last: int
) -> analysis.Analysis | None:
    """The last ``last`` complete subgroups from their stored statistics (at least two)."""
    stored = MeasurementSubgroup
    rows = session.execute(
        select(stored.mean, stored.value_range, stored.std, stored.m2)
        .where(stored.characteristic_id == char.id, stored.n == size)
        .order_by(stored.subgroup.desc())
        .limit(last)
    ).all()
    if len(rows) < 2:
        return None
    means, ranges, stds, m2 = np.array([tuple(r) for r in reversed(rows)], dtype=np.float64).T
    return analysis.analyse_subgroups(
        chart=kind,
        subgroup_size=size,
        means=means,
        ranges=ranges,
        stds=stds,
        m2=m2,
        lsl=char.lsl,
        usl=char.usl,
    )
