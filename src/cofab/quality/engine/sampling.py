"""ISO 2859-1 (= ANSI/ASQ Z1.4, MIL-STD-105E) single sampling plans for inspection by attributes.

Source: ISO 2859-1 Table 1 (sample size code letters) and Tables 2-A, 2-B, 2-C (single
sampling for normal, tightened and reduced inspection), typed from the standard; the cells
were checked against MIL-STD-105E Table II-A/II-B (the identical master tables) in
tests/quality/test_quality_engine_sampling.py.

Why the master tables are kept as *diagonal ladders* rather than 16 × 26 literal cells: in each
master table a cell depends only on ``letter index + AQL index`` (both series step by the same
R5 ratio, so sample size × AQL is constant along a diagonal). Each table is therefore one
ladder of Ac/Re pairs over diagonal positions plus the letter rows where the largest acceptance
numbers stop. A typo then breaks a whole diagonal, which the tests notice, instead of hiding in
one cell. ``TABLE_2A`` etc. expand the ladders into the literal grid for readers and tests.

Reduced inspection follows Z1.4 / ISO 2859-1:1989 Table II-C: Ac and Re may differ by more than
one; a lot with Ac < d < Re is accepted but inspection returns to normal (switching.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

AQL_SERIES: Final[tuple[float, ...]] = (
    0.010, 0.015, 0.025, 0.040, 0.065, 0.10, 0.15, 0.25, 0.40, 0.65, 1.0, 1.5, 2.5,
    4.0, 6.5, 10.0, 15.0, 25.0, 40.0, 65.0, 100.0, 150.0, 250.0, 400.0, 650.0, 1000.0,
)  # fmt: skip

CODE_LETTERS: Final[str] = "ABCDEFGHJKLMNPQRS"  # S exists only in Table 2-B (tightened)

LEVELS: Final[tuple[str, ...]] = ("S-1", "S-2", "S-3", "S-4", "I", "II", "III")
SEVERITIES: Final[tuple[str, ...]] = ("normal", "tightened", "reduced")

# Table 1: upper bound of each lot-size range → code letter for S-1 S-2 S-3 S-4 I II III.
TABLE_1: Final[tuple[tuple[int | None, str], ...]] = (
    (8, "AAAAAAB"),
    (15, "AAAAABC"),
    (25, "AABBBCD"),
    (50, "ABBCCDE"),
    (90, "BBCCCEF"),
    (150, "BBCDDFG"),
    (280, "BCDEEGH"),
    (500, "BCDEFHJ"),
    (1200, "CCEFGJK"),
    (3200, "CDEGHKL"),
    (10000, "CDFGJLM"),
    (35000, "CDFHKMN"),
    (150000, "DEGJLNP"),
    (500000, "DEGJMPQ"),
    (None, "DEHKNQR"),
)

SAMPLE_SIZES: Final[dict[str, dict[str, int]]] = {
    "normal": dict(zip("ABCDEFGHJKLMNPQR", (2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315,
                                             500, 800, 1250, 2000), strict=True)),
    "tightened": dict(zip("ABCDEFGHJKLMNPQRS", (2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315,
                                                500, 800, 1250, 2000, 3150), strict=True)),
    "reduced": dict(zip("ABCDEFGHJKLMNPQR", (2, 2, 2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200,
                                             315, 500, 800), strict=True)),
}  # fmt: skip

UP: Final = "up"  # "use the first sampling plan above the arrow"
DOWN: Final = "down"  # "use the first sampling plan below the arrow"
Cell = tuple[int, int] | str

# The ladders: diagonal position (letter index + AQL index) → Ac/Re or arrow. Below the first
# position every cell is DOWN, beyond the last every cell is UP. The last two rungs of each
# ladder (Ac 30/44 normal, 27/41 tightened, 14/21 reduced) are printed only in rows A-E.
_WIDE_ROWS_END: Final = 4  # letter index of E
_LADDERS: Final[dict[str, tuple[Cell, ...]]] = {
    # d = 14, 15, 16, 17, ...
    "normal": ((0, 1), UP, DOWN, (1, 2), (2, 3), (3, 4), (5, 6), (7, 8), (10, 11), (14, 15),
               (21, 22), (30, 31), (44, 45)),
    "reduced": ((0, 1), UP, DOWN, (0, 2), (1, 3), (1, 4), (2, 5), (3, 6), (5, 8), (7, 10),
                (10, 13), (14, 17), (21, 24)),
    # tightened starts one diagonal later: d = 15, 16, 17, 18, ...
    "tightened": ((0, 1), DOWN, DOWN, (1, 2), (2, 3), (3, 4), (5, 6), (8, 9), (12, 13),
                  (18, 19), (27, 28), (41, 42)),
}  # fmt: skip
_FIRST_DIAGONAL: Final[dict[str, int]] = {"normal": 14, "reduced": 14, "tightened": 15}


def _cell(severity: str, letter_index: int, aql_index: int) -> Cell:
    ladder = _LADDERS[severity]
    rung = letter_index + aql_index - _FIRST_DIAGONAL[severity]
    if rung < 0:
        return DOWN
    if rung >= len(ladder):
        return UP
    if rung >= len(ladder) - 2 and letter_index > _WIDE_ROWS_END:
        return UP
    return ladder[rung]


def _grid(severity: str) -> dict[str, tuple[Cell, ...]]:
    letters = SAMPLE_SIZES[severity]
    return {
        letter: tuple(_cell(severity, CODE_LETTERS.index(letter), j) for j in range(26))
        for letter in letters
    }


TABLE_2A: Final[dict[str, tuple[Cell, ...]]] = _grid("normal")
TABLE_2B: Final[dict[str, tuple[Cell, ...]]] = _grid("tightened")
TABLE_2C: Final[dict[str, tuple[Cell, ...]]] = _grid("reduced")
TABLES: Final[dict[str, dict[str, tuple[Cell, ...]]]] = {
    "normal": TABLE_2A,
    "tightened": TABLE_2B,
    "reduced": TABLE_2C,
}


@dataclass(frozen=True, slots=True)
class SamplingPlan:
    """One single sampling plan as the inspector applies it.

    ``code_letter`` is the letter of the plan actually used (after following an arrow), so it
    always matches ``sample_size`` in the table; ``full_inspection`` means the sample would be
    at least the lot, so every unit is inspected (``sample_size`` is then the lot size) and the
    same Ac/Re apply.
    """

    code_letter: str
    sample_size: int
    accept: int
    reject: int
    full_inspection: bool


def aql_index(aql: float) -> int:
    """The column of an AQL in the standard's series; anything else is refused, not rounded."""
    for index, value in enumerate(AQL_SERIES):
        if abs(value - aql) <= value * 1e-9:
            return index
    raise ValueError(f"AQL {aql} is not in the ISO 2859-1 series")


def code_letter(lot_size: int, level: str = "II") -> str:
    """Table 1: the sample size code letter for a lot size and inspection level."""
    if lot_size < 1:
        raise ValueError(f"lot size must be at least 1, got {lot_size}")
    if level not in LEVELS:
        raise ValueError(f"inspection level must be one of {', '.join(LEVELS)}, got {level!r}")
    column = LEVELS.index(level)
    for upper, letters in TABLE_1:
        if upper is None or lot_size <= upper:
            return letters[column]
    raise AssertionError("Table 1 ends with an open range")  # pragma: no cover


def _follow_arrows(severity: str, letter: str, column: int) -> tuple[str, int, int]:
    """Follow the arrow to the first plan in its direction; use that plan's n AND Ac/Re.

    An arrow that leaves the printed table (only in the corner of very large lots at the
    smallest AQLs) falls back to the nearest plan in the other direction of the same column,
    the only plan the table offers there.
    """
    grid = TABLES[severity]
    letters = [x for x in CODE_LETTERS if x in grid]
    row = letters.index(letter)
    cell = grid[letter][column]
    if not isinstance(cell, str):
        return letter, cell[0], cell[1]
    for direction in (1, -1) if cell == DOWN else (-1, 1):
        probe = row + direction
        while 0 <= probe < len(letters):
            found = grid[letters[probe]][column]
            if not isinstance(found, str):
                return letters[probe], found[0], found[1]
            probe += direction
    raise AssertionError(f"no plan in column {column} of {severity}")  # pragma: no cover


def plan_for(
    lot_size: int, aql: float, level: str = "II", severity: str = "normal"
) -> SamplingPlan:
    """The single sampling plan for a lot: Table 1 letter, then Table 2-A/B/C with arrows."""
    if lot_size < 1:
        raise ValueError(f"lot size must be at least 1, got {lot_size}")
    if severity not in SEVERITIES:
        raise ValueError(f"severity must be one of {', '.join(SEVERITIES)}, got {severity!r}")
    column = aql_index(aql)
    letter, accept, reject = _follow_arrows(severity, code_letter(lot_size, level), column)
    sample_size = SAMPLE_SIZES[severity][letter]
    full = sample_size >= lot_size
    return SamplingPlan(
        code_letter=letter,
        sample_size=lot_size if full else sample_size,
        accept=accept,
        reject=reject,
        full_inspection=full,
    )
