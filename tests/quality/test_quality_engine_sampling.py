"""ISO 2859-1 tables against values read from the standard (ISO 2859-1 / MIL-STD-105E).

Every expected value below is a literal read off the printed tables, never recomputed with
the module's own ladder logic, so a wrong rung or a misplaced diagonal fails here.
"""

from __future__ import annotations

import pytest

from cofab.quality.engine.sampling import (
    AQL_SERIES,
    DOWN,
    LEVELS,
    TABLE_1,
    TABLE_2A,
    TABLE_2B,
    TABLE_2C,
    UP,
    code_letter,
    plan_for,
)

# Table 1 as printed (lot range → S-1 S-2 S-3 S-4 I II III), one row per range.
TABLE_1_PRINTED = [
    (2, 8, "A A A A A A B"),
    (9, 15, "A A A A A B C"),
    (16, 25, "A A B B B C D"),
    (26, 50, "A B B C C D E"),
    (51, 90, "B B C C C E F"),
    (91, 150, "B B C D D F G"),
    (151, 280, "B C D E E G H"),
    (281, 500, "B C D E F H J"),
    (501, 1200, "C C E F G J K"),
    (1201, 3200, "C D E G H K L"),
    (3201, 10000, "C D F G J L M"),
    (10001, 35000, "C D F H K M N"),
    (35001, 150000, "D E G J L N P"),
    (150001, 500000, "D E G J M P Q"),
    (500001, 10_000_000, "D E H K N Q R"),
]


@pytest.mark.parametrize(("low", "high", "letters"), TABLE_1_PRINTED)
def test_table_1_every_cell_at_both_ends_of_the_range(low: int, high: int, letters: str) -> None:
    for level, letter in zip(LEVELS, letters.split(), strict=True):
        assert code_letter(low, level) == letter
        assert code_letter(high, level) == letter
    assert len(TABLE_1) == 15


def cell(table: dict[str, tuple[object, ...]], letter: str, aql: float) -> object:
    return table[letter][AQL_SERIES.index(aql)]


# (letter, AQL, printed cell) from Table 2-A (normal)
NORMAL_CELLS = [
    ("A", 6.5, (0, 1)), ("A", 10.0, UP), ("A", 15.0, DOWN), ("A", 25.0, (1, 2)),
    ("A", 40.0, (2, 3)), ("A", 65.0, (3, 4)), ("A", 100.0, (5, 6)), ("A", 150.0, (7, 8)),
    ("A", 250.0, (10, 11)), ("A", 400.0, (14, 15)), ("A", 650.0, (21, 22)),
    ("A", 1000.0, (30, 31)), ("A", 4.0, DOWN), ("B", 4.0, (0, 1)), ("B", 1000.0, (44, 45)),
    ("C", 650.0, (44, 45)), ("C", 1000.0, UP), ("D", 250.0, (30, 31)), ("E", 150.0, (30, 31)),
    ("E", 250.0, (44, 45)), ("E", 400.0, UP), ("E", 100.0, (21, 22)), ("F", 100.0, UP),
    ("F", 65.0, (21, 22)), ("G", 0.40, (0, 1)), ("H", 0.25, (0, 1)), ("H", 1.5, (2, 3)),
    ("J", 0.15, (0, 1)), ("J", 0.25, UP), ("J", 0.40, DOWN), ("J", 0.65, (1, 2)),
    ("J", 1.0, (2, 3)), ("J", 1.5, (3, 4)), ("J", 2.5, (5, 6)), ("J", 4.0, (7, 8)),
    ("J", 6.5, (10, 11)), ("J", 10.0, (14, 15)), ("J", 15.0, (21, 22)), ("J", 25.0, UP),
    ("K", 0.10, (0, 1)), ("K", 0.65, (2, 3)), ("K", 10.0, (21, 22)), ("K", 15.0, UP),
    ("L", 0.065, (0, 1)), ("L", 0.65, (3, 4)), ("L", 6.5, (21, 22)), ("M", 0.65, (5, 6)),
    ("N", 0.65, (7, 8)), ("N", 0.025, (0, 1)), ("P", 0.65, (10, 11)), ("P", 0.015, (0, 1)),
    ("Q", 0.010, (0, 1)), ("Q", 0.65, (14, 15)), ("Q", 1.0, (21, 22)), ("R", 0.025, (1, 2)),
    ("R", 0.65, (21, 22)), ("R", 1.0, UP), ("D", 1.5, (0, 1)), ("E", 1.0, (0, 1)),
    ("F", 0.65, (0, 1)), ("C", 2.5, (0, 1)), ("C", 10.0, (1, 2)), ("D", 6.5, (1, 2)),
]  # fmt: skip

# Table 2-B (tightened): the 0/1 diagonal stays, every other rung moves one column right.
TIGHTENED_CELLS = [
    ("B", 6.5, (0, 1)), ("C", 4.0, (0, 1)), ("C", 6.5, DOWN), ("C", 10.0, DOWN),
    ("C", 15.0, (1, 2)), ("D", 2.5, (0, 1)), ("D", 10.0, (1, 2)), ("D", 15.0, (2, 3)),
    ("E", 1.5, (0, 1)), ("E", 6.5, (1, 2)), ("F", 1.0, (0, 1)), ("F", 4.0, (1, 2)),
    ("F", 15.0, (5, 6)), ("G", 0.65, (0, 1)), ("G", 2.5, (1, 2)), ("G", 10.0, (5, 6)),
    ("G", 15.0, (8, 9)), ("H", 1.5, (1, 2)), ("H", 15.0, (12, 13)), ("J", 0.65, DOWN),
    ("J", 1.0, (1, 2)), ("J", 6.5, (8, 9)), ("J", 15.0, (18, 19)), ("K", 0.65, (1, 2)),
    ("K", 10.0, (18, 19)), ("K", 15.0, UP), ("L", 0.65, (2, 3)), ("A", 1000.0, (27, 28)),
    ("B", 1000.0, (41, 42)), ("S", 0.025, (1, 2)),
]  # fmt: skip

# Table 2-C (reduced, Z1.4 / ISO 2859-1:1989 with the Ac–Re gap).
REDUCED_CELLS = [
    ("J", 0.15, (0, 1)), ("J", 0.25, UP), ("J", 0.40, DOWN), ("J", 0.65, (0, 2)),
    ("J", 1.0, (1, 3)), ("J", 1.5, (1, 4)), ("J", 2.5, (2, 5)), ("J", 4.0, (3, 6)),
    ("J", 6.5, (5, 8)), ("J", 10.0, (7, 10)), ("J", 15.0, (10, 13)), ("J", 25.0, UP),
    ("K", 0.65, (1, 3)), ("E", 150.0, (14, 17)), ("E", 250.0, (21, 24)),
]  # fmt: skip


@pytest.mark.parametrize(("letter", "aql", "expected"), NORMAL_CELLS)
def test_table_2a_cells(letter: str, aql: float, expected: object) -> None:
    assert cell(TABLE_2A, letter, aql) == expected


@pytest.mark.parametrize(("letter", "aql", "expected"), TIGHTENED_CELLS)
def test_table_2b_cells(letter: str, aql: float, expected: object) -> None:
    assert cell(TABLE_2B, letter, aql) == expected


@pytest.mark.parametrize(("letter", "aql", "expected"), REDUCED_CELLS)
def test_table_2c_cells(letter: str, aql: float, expected: object) -> None:
    assert cell(TABLE_2C, letter, aql) == expected


def test_every_table_row_has_26_columns_and_no_plan_repeats_within_a_row() -> None:
    for table in (TABLE_2A, TABLE_2B, TABLE_2C):
        for row in table.values():
            assert len(row) == 26
            plans = [c for c in row if not isinstance(c, str)]
            assert len(plans) == len(set(plans))


@pytest.mark.parametrize(
    ("lot", "aql", "level", "severity", "expected"),
    [
        (1000, 1.0, "II", "normal", ("J", 80, 2, 3, False)),  # the example
        (1000, 1.0, "II", "tightened", ("J", 80, 1, 2, False)),
        (1000, 1.0, "II", "reduced", ("J", 32, 1, 3, False)),
        # J at 0.40 is a down arrow: K's plan, n=125 with Ac 1 Re 2
        (1000, 0.40, "II", "normal", ("K", 125, 1, 2, False)),
        # J at 0.25 is an up arrow: H's plan, n=50 with Ac 0 Re 1
        (1000, 0.25, "II", "normal", ("H", 50, 0, 1, False)),
        # lot 10 → B (3); AQL 0.65 arrow down to F (20): n ≥ lot → 100 % inspection
        (10, 0.65, "II", "normal", ("F", 10, 0, 1, True)),
        # D at 2.5 is an up arrow: C's plan, n=5 with Ac 0 Re 1
        (50, 2.5, "II", "normal", ("C", 5, 0, 1, False)),
        (500, 4.0, "I", "normal", ("F", 20, 2, 3, False)),
        (3000, 0.65, "III", "normal", ("L", 200, 3, 4, False)),
        (200, 1.5, "S-3", "normal", ("D", 8, 0, 1, False)),
        (5000, 10.0, "II", "normal", ("K", 125, 21, 22, False)),  # L at 10 ↑ → K
        (8, 6.5, "II", "normal", ("A", 2, 0, 1, False)),
        (2, 6.5, "II", "normal", ("A", 2, 0, 1, True)),
    ],
)
def test_plan_for_with_arrows_and_full_inspection(
    lot: int, aql: float, level: str, severity: str, expected: tuple[object, ...]
) -> None:
    plan = plan_for(lot, aql, level, severity)
    got = (plan.code_letter, plan.sample_size, plan.accept, plan.reject, plan.full_inspection)
    assert got == expected


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lot_size": 0, "aql": 1.0}, "lot size"),
        ({"lot_size": 100, "aql": 1.2}, "AQL 1.2"),
        ({"lot_size": 100, "aql": 1.0, "level": "IV"}, "inspection level"),
        ({"lot_size": 100, "aql": 1.0, "severity": "strict"}, "severity"),
    ],
)
def test_bad_input_is_refused_with_a_message(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        plan_for(**kwargs)  # type: ignore[arg-type]
