"""Subgroup statistics written with the measurements: the one function every writer calls.

Control limits and capability need, per characteristic, only sums over its subgroups (R̄, S̄,
X̿ and the pooled variance), so each subgroup's count, mean, range, standard deviation and sum of
squared deviations (M2) is stored in ``quality_subgroups`` when its measurements are written,
and SPC reads those rows instead of re-aggregating every raw value (``spc_service``).

Why recompute from the stored measurements instead of from the rows being written: an import
may add values to a subgroup stored earlier, or skip rows already stored (idempotent imports),
so only the table knows the subgroup's values. One ``INSERT … SELECT … GROUP BY`` over the key
range the write touched (an index range on (characteristic, subgroup)) keeps it a set
operation, inside the writer's transaction: the statistics and the values commit or roll back
together.

M2 is summed from deviations from the subgroup's own mean (the mean as a window over the rows,
then the squared deviations), so values far from zero (74.000 ± 0.001 mm) keep their digits;
the pooled results then equal a computation over the raw values to about 1e-13.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, bindparam, text
from sqlalchemy.orm import Session

_COLUMNS = (
    "characteristic_id, partner_id, subgroup, n, mean, m2, std, value_range, min_value, max_value"
)

# {where} filters quality_measurements (aliased m). Each row carries its subgroup's mean (a window
# over the same sort order as the grouping), so M2 is summed from exact deviations in one scan.
_INSERT_SQL = """
INSERT INTO quality_subgroups ({columns})
SELECT cid, pid, subgroup, n, mean, m2,
       CASE WHEN n > 1 THEN sqrt(m2 / (n - 1)) ELSE 0.0 END,
       hi - lo, lo, hi
  FROM (
    SELECT cid, max(pid) AS pid, subgroup, count(*) AS n, max(mean) AS mean,
           sum((value - mean) * (value - mean)) AS m2, min(value) AS lo, max(value) AS hi
      FROM (
        SELECT m.characteristic_id AS cid, m.partner_id AS pid, m.subgroup AS subgroup,
               m.value AS value,
               avg(m.value) OVER (PARTITION BY m.characteristic_id, m.subgroup) AS mean
          FROM quality_measurements m
         WHERE {where}
      ) AS with_mean
     GROUP BY cid, subgroup
  ) AS per_subgroup
"""

_RANGE = "m.characteristic_id = :cid AND m.subgroup BETWEEN :first AND :last"
_CHARACTERISTICS = "m.characteristic_id IN :ids"


def refresh(session: Session, *, characteristic_id: int, first: int, last: int) -> None:
    """Recompute the stored statistics of subgroups ``first``…``last`` of one characteristic
    from its measurements (call it after writing values into that range, same transaction)."""
    params = {"cid": characteristic_id, "first": first, "last": last}
    session.execute(
        text(
            "DELETE FROM quality_subgroups"
            " WHERE characteristic_id = :cid AND subgroup BETWEEN :first AND :last"
        ),
        params,
    )
    session.execute(text(_INSERT_SQL.format(columns=_COLUMNS, where=_RANGE)), params)


def range_is_empty(session: Session, *, characteristic_id: int, first: int, last: int) -> bool:
    """True when the characteristic stores no measurement in subgroups ``first``…``last`` (an
    index range probe): a writer about to fill such a range knows every value of its subgroups."""
    found = session.execute(
        text(
            "SELECT 1 FROM quality_measurements"
            " WHERE characteristic_id = :cid AND subgroup BETWEEN :first AND :last LIMIT 1"
        ),
        {"cid": characteristic_id, "first": first, "last": last},
    ).first()
    return found is None


def store_computed(
    session: Session,
    *,
    characteristic_id: int,
    first: int,
    last: int,
    rows: Iterable[tuple[int, int, int, int, float, float, float, float, float, float]],
) -> None:
    """Store statistics the writer computed from values it holds (rows in ``_COLUMNS`` order),
    replacing what the range held. Only for a range that was empty before the write
    (``range_is_empty``) and every one of whose values the writer stored: then the rows it holds
    are the subgroups' values and no scan of the table is needed. PostgreSQL gets a COPY."""
    session.execute(
        text(
            "DELETE FROM quality_subgroups"
            " WHERE characteristic_id = :cid AND subgroup BETWEEN :first AND :last"
        ),
        {"cid": characteristic_id, "first": first, "last": last},
    )
    raw = session.connection().connection.driver_connection
    assert raw is not None
    if session.connection().dialect.name == "postgresql":
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY quality_subgroups ({_COLUMNS}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    raw.executemany(
        f"INSERT INTO quality_subgroups ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def rebuild(connection: Connection, characteristic_ids: Sequence[int]) -> None:
    """Recompute every subgroup of these characteristics (measurements loaded outside cofab's
    writers, e.g. by a bulk ``COPY``)."""
    ids = list(characteristic_ids)
    if not ids:
        return
    connection.execute(
        text("DELETE FROM quality_subgroups WHERE characteristic_id IN :ids").bindparams(
            bindparam("ids", expanding=True)
        ),
        {"ids": ids},
    )
    connection.execute(
        text(_INSERT_SQL.format(columns=_COLUMNS, where=_CHARACTERISTICS)).bindparams(
            bindparam("ids", expanding=True)
        ),
        {"ids": ids},
    )
