"""Control limits and capability of characteristics, aggregated in the database.

Ten million measurements cannot travel to Python for every dashboard, so the database reduces
them to one row per characteristic in a single statement: per subgroup the count, mean, range
and sum of squares, then per characteristic the means of those and the pooled sums. The same
SQL runs on SQLite and PostgreSQL, so both give the same numbers.

Why the values are shifted: a variance from sums of squares loses digits when the values sit far
from zero (74.00 ± 0.01 mm squares to 5476 while the spread squares to 1e-4). Each
characteristic's values are shifted by one of its own measurements (an index lookup per
characteristic) before squaring, which keeps the sums near the spread's own scale; the
benchmark checks the result against DuckDB's var_samp over the raw values to 1e-9.

Only complete subgroups (as many values as the characteristic's subgroup size) enter the
limits, as the constants d2, c4 are for that size and a partial subgroup's range is biased low.
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
from cofab.quality.models import Characteristic, Measurement
from cofab.quality.rules import get_scoped

# One row per characteristic. :ids limits it (expanding bind); subgroup sizes come from the
# characteristic. Works unchanged on SQLite (3.35+, sqrt) and PostgreSQL.
_AGGREGATE_SQL = """
WITH chars AS MATERIALIZED (
    SELECT c.id AS cid, c.subgroup_size AS size,
           (SELECT m.value FROM quality_measurements m
             WHERE m.characteristic_id = c.id LIMIT 1) AS shift
      FROM quality_characteristics c
     WHERE c.id IN :ids
),
sg AS (
    SELECT m.characteristic_id AS cid, m.subgroup AS subgroup, count(*) AS n,
           avg(m.value - ch.shift) AS dmean,
           max(m.value) - min(m.value) AS r,
           sum((m.value - ch.shift) * (m.value - ch.shift)) AS sq
      FROM quality_measurements m
      JOIN chars ch ON ch.cid = m.characteristic_id
     GROUP BY m.characteristic_id, m.subgroup, ch.size
    HAVING count(*) = ch.size
)
SELECT sg.cid, ch.shift, ch.size, count(*) AS k, sum(sg.n) AS total,
       avg(sg.dmean) AS dgrand, avg(sg.r) AS rbar,
       avg(sqrt(CASE WHEN sg.sq - sg.n * sg.dmean * sg.dmean > 0
                     THEN (sg.sq - sg.n * sg.dmean * sg.dmean) / (sg.n - 1) ELSE 0 END)) AS sbar,
       sum(sg.sq) AS sq, sum(sg.n * sg.dmean) AS dsum
  FROM sg JOIN chars ch ON ch.cid = sg.cid
 GROUP BY sg.cid, ch.shift, ch.size
"""


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


def _aggregate(connection: Connection, ids: list[int]) -> list[Any]:
    if not ids:
        return []
    stmt = text(_AGGREGATE_SQL).bindparams(bindparam("ids", expanding=True))
    return list(connection.execute(stmt, {"ids": ids}))


def stats_for(
    connection: Connection, ids: list[int], specs: dict[int, tuple[float | None, float | None]]
) -> list[CharacteristicStats]:
    """Limits and capability for many characteristics: one SQL statement, then numpy over the
    per-characteristic rows (vectorised across characteristics)."""
    rows = [row for row in _aggregate(connection, ids) if row.size and 2 <= row.size <= 25]
    if not rows:
        return []
    size = np.array([r.size for r in rows], dtype=np.int64)
    shift = np.array([r.shift for r in rows], dtype=np.float64)
    total = np.array([r.total for r in rows], dtype=np.float64)
    grand = shift + np.array([r.dgrand for r in rows], dtype=np.float64)
    rbar = np.array([r.rbar for r in rows], dtype=np.float64)
    sbar = np.array([r.sbar for r in rows], dtype=np.float64)
    dsum = np.array([r.dsum for r in rows], dtype=np.float64)
    sq = np.array([r.sq for r in rows], dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        overall = np.sqrt(np.maximum(sq - dsum * dsum / total, 0.0) / (total - 1))
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
                mean_std=float(sbar[i]),
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
    rule violations). None while there are too few values for the chart."""
    char = characteristic_for(session, actor=actor, characteristic_id=characteristic_id)
    size = char.subgroup_size if 2 <= char.subgroup_size <= 25 else 1
    kind = chart or ("i-mr" if size == 1 else "xbar-r" if size <= 10 else "xbar-s")
    rows = session.execute(
        select(Measurement.subgroup, Measurement.value)
        .where(Measurement.characteristic_id == char.id)
        .order_by(Measurement.subgroup.desc(), Measurement.seq.desc())
        .limit(last * max(size, 1) * 2)
    ).all()
    groups: dict[int, list[float]] = {}
    for subgroup, value in reversed(rows):
        groups.setdefault(subgroup, []).append(value)
    if kind == "i-mr":
        values = [v for members in groups.values() for v in members][-last:]
        size = 1
    else:
        whole = [members for members in groups.values() if len(members) == size][-last:]
        values = [v for members in whole for v in members]
    if len(values) < max(2, 2 * size):
        return None
    return analysis.analyse(values, chart=kind, subgroup_size=size, lsl=char.lsl, usl=char.usl)
