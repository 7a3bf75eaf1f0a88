"""The measurement import's shortcuts give what the plain paths give.

- Subgroup statistics computed from the file's values (a range that was empty, every row new)
  equal the table's own recomputation (``subgroups.rebuild``) — rows given out of order.
- A file whose first reference is new but a later one is stored (PostgreSQL: the straight COPY
  fails part-way and its savepoint is rolled back) stores exactly the new rows, and the
  statistics of the subgroups it adds to are recomputed from the table.
- An unquoted CSV (read by one split) and the same file with quoted cells (read by ``csv``) give
  the same columns, and ragged rows still go through ``csv``.
"""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import Engine, select, text
from tests.conftest import World
from tests.quality.spc_factories import actor_of, make_characteristic

from cofab.db.session import unit_of_work
from cofab.quality import measurement_import, subgroups
from cofab.quality.models import Measurement

STATS = "subgroup, n, mean, m2, std, value_range, min_value, max_value"


def _load(engine: Engine, world: World, char: int, body: str) -> measurement_import.ImportResult:
    actor = actor_of(engine, world.users["quality"])
    with unit_of_work(engine) as session:
        return measurement_import.import_measurements(
            session, actor=actor, characteristic_id=char, content=body.encode(), filename="m.csv"
        )


def _stats(engine: Engine, char: int, *, rebuilt: bool = False) -> np.ndarray:
    with unit_of_work(engine) as session:
        if rebuilt:
            subgroups.rebuild(session.connection(), [char])
        rows = session.execute(
            text(
                f"SELECT {STATS} FROM quality_subgroups WHERE characteristic_id = :c"
                " ORDER BY subgroup"
            ),
            {"c": char},
        ).all()
    return np.array(rows, dtype=float)


def test_statistics_from_the_file_equal_the_tables(engine: Engine, world: World) -> None:
    rng = np.random.default_rng(7)
    values = np.round(74.0 + 0.01 * rng.standard_normal(60), 5)
    groups = np.repeat(np.arange(1, 13), 5)
    order = rng.permutation(60)  # the file lists the rows shuffled
    char = make_characteristic(engine, world.partner_a)
    cells = list(zip(groups.tolist(), values.tolist(), strict=True))
    body = "subgroup,value,external_ref\n" + "".join(
        f"{cells[i][0]},{cells[i][1]!r},R{i}\n" for i in order.tolist()
    )
    assert _load(engine, world, char, body).inserted == 60
    kept = _stats(engine, char)
    assert kept.shape == (12, 8)
    by_hand = values.reshape(12, 5)
    assert kept[:, 2] == pytest.approx(by_hand.mean(axis=1), rel=1e-15)
    assert kept[:, 5] == pytest.approx(np.ptp(by_hand, axis=1), rel=1e-12)
    assert np.allclose(kept, _stats(engine, char, rebuilt=True), rtol=1e-13, atol=0)


def test_a_later_stored_reference_falls_back_and_recomputes(engine: Engine, world: World) -> None:
    """Subgroups of 2. First file: subgroup 1 = (1, 3) as a, b. Second: c (new, first row),
    b again (stored: skipped), d: subgroup 1 gains nothing, subgroup 2 = (4, 8)."""
    char = make_characteristic(engine, world.partner_a, subgroup_size=2)
    _load(engine, world, char, "subgroup,value,external_ref\n1,1,a\n1,3,b\n")
    second = _load(engine, world, char, "subgroup,value,external_ref\n2,4,c\n1,3,b\n2,8,d\n")
    assert (second.inserted, second.skipped) == (2, 1)
    with unit_of_work(engine) as session:
        refs = session.execute(
            select(Measurement.external_ref)
            .where(Measurement.characteristic_id == char)
            .order_by(Measurement.external_ref)
        ).scalars()
        assert list(refs) == ["a", "b", "c", "d"]
    assert _stats(engine, char).tolist() == [
        [1, 2, 2.0, 2.0, 2**0.5, 2.0, 1.0, 3.0],
        [2, 2, 6.0, 8.0, 8**0.5, 4.0, 4.0, 8.0],
    ]


def test_unquoted_and_quoted_csv_read_alike() -> None:
    plain = b"subgroup,seq,value\r\n1,1, 2.5\r\n\r\n1,2,3\n"
    quoted = b'"subgroup","seq","value"\n"1","1"," 2.5"\n"1","2","3"\n'
    a, b = (measurement_import.parse(body, "m.csv") for body in (plain, quoted))
    assert a["value"].tolist() == b["value"].tolist() == [2.5, 3.0]
    assert a["seq"].tolist() == b["seq"].tolist() == [1, 2]
    ragged = measurement_import.parse(b"subgroup,value,external_ref\n1,2\n1,3,x\n", "m.csv")
    assert ragged["refs"] == [None, "x"]
