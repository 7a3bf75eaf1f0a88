"""Read an evaluation document (the JSON of ``cofab select rank``) into arrays.

Structure problems are collected for the whole document before anything is computed, each
with a JSON Pointer to the offending field, so one run shows everything to fix. The format is
described in docs/selection-input.md.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from cofab.core.i18n import N_
from cofab.selection.aggregation import AGGREGATIONS, Aggregation
from cofab.selection.problems import Problem, pointer, raise_if_errors

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


FloatArray: TypeAlias = "npt.NDArray[np.float64]"
BoolArray: TypeAlias = "npt.NDArray[np.bool_]"

SCALES: dict[str, tuple[float, float]] = {
    "1-5": (1.0, 5.0),
    "0-100": (0.0, 100.0),
    "measured": (math.nan, math.nan),
}
DIRECTIONS = ("benefit", "cost")

MSG_NOT_JSON = N_("The file is not valid JSON: {error} (line {line}, column {column}).")
MSG_UNREADABLE = N_("Cannot read {path}: {error}.")
MSG_NOT_OBJECT = N_("Expected a JSON object here.")
MSG_NOT_LIST = N_("Expected a non-empty list here.")
MSG_REQUIRED = N_("This field is required.")
MSG_KEY = N_("Expected a non-empty text key.")
MSG_DUPLICATE_KEY = N_("Key {key} is used twice.")
MSG_TEXT = N_("Expected text, or an object with en/ko texts.")
MSG_DIRECTION = N_("Type must be benefit (higher is better) or cost (lower is better).")
MSG_SCALE = N_("Scale must be 1-5, 0-100 or measured.")
MSG_UNIT_REQUIRED = N_("A measured criterion needs a unit (for example KRW or days).")
MSG_NUMBER = N_("Expected a number.")
MSG_NUMBER_OR_FRACTION = N_("Expected a number or a fraction such as 1/3.")
MSG_WEIGHTS_OR_AHP = N_("Give each criterion a weight, or an AHP matrix — not both.")
MSG_WEIGHT_MISSING = N_("Criterion {criterion} has no weight; give every criterion a weight.")
MSG_UNKNOWN_CRITERION = N_("Unknown criterion {key}.")
MSG_UNKNOWN_CANDIDATE = N_("Unknown candidate {key}.")
MSG_AGGREGATION = N_("Aggregation must be mean or median.")
MSG_SCORES_TWICE = N_("Scores are given both per candidate and per evaluator; use one of the two.")
MSG_NO_SCORES = N_("No scores are given: add scores to candidates or an evaluators list.")


@dataclass(frozen=True)
class CriterionSpec:
    key: str
    names: dict[str, str]
    benefit: bool
    scale: str
    lower: float
    upper: float
    unit: str | None
    weight_percent: float | None

    def name(self, locale: str) -> str:
        return self.names.get(locale) or self.names.get("en") or next(iter(self.names.values()))


@dataclass(frozen=True)
class CandidateSpec:
    key: str
    names: dict[str, str]

    def name(self, locale: str) -> str:
        return self.names.get(locale) or self.names.get("en") or next(iter(self.names.values()))


@dataclass(frozen=True)
class EvaluationInput:
    titles: dict[str, str]
    criteria: tuple[CriterionSpec, ...]
    candidates: tuple[CandidateSpec, ...]
    evaluators: tuple[str, ...]
    scores: FloatArray  # (evaluators, candidates, criteria), NaN = not scored
    justified: BoolArray  # same shape: the evaluator wrote a justification
    aggregation: Aggregation
    ahp_matrix: FloatArray | None
    per_evaluator: bool  # scores came from an evaluators list (changes the pointers)

    def title(self, locale: str) -> str:
        return self.titles.get(locale) or self.titles.get("en") or ""

    def weight_field(self, criterion: int) -> str:
        return pointer("criteria", criterion, "weight")

    def criterion_field(self, criterion: int) -> str:
        return pointer("criteria", criterion)

    def ahp_field(self, row: int, col: int) -> str:
        return pointer("ahp", "matrix", row, col)

    def score_field(self, evaluator: int, candidate: int, criterion: int) -> str:
        key = self.criteria[criterion].key
        if self.per_evaluator:
            return pointer("evaluators", evaluator, "scores", self.candidates[candidate].key, key)
        return pointer("candidates", candidate, "scores", key)

    @property
    def lower(self) -> FloatArray:
        import numpy as np

        return np.array([c.lower for c in self.criteria])

    @property
    def upper(self) -> FloatArray:
        import numpy as np

        return np.array([c.upper for c in self.criteria])

    @property
    def benefit(self) -> BoolArray:
        import numpy as np

        return np.array([c.benefit for c in self.criteria], dtype=bool)


def load_evaluation(path: Path) -> EvaluationInput:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise_if_errors(
            [Problem("unreadable", "", MSG_UNREADABLE, {"path": str(path), "error": str(error)})]
        )
        raise  # unreachable: raise_if_errors raised
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise_if_errors(
            [
                Problem(
                    "not_json",
                    "",
                    MSG_NOT_JSON,
                    {"error": error.msg, "line": error.lineno, "column": error.colno},
                )
            ]
        )
        raise
    return parse_evaluation(data)


class _Reader:
    """Collects problems while walking the document, so every mistake is reported at once."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.check_criterion_keys = True

    def add(self, code: str, field: str, message: str, **params: object) -> None:
        self.problems.append(Problem(code, field, message, params))

    def obj(self, value: object, field: str) -> dict[str, object] | None:
        if isinstance(value, dict):
            return value
        self.add("not_object", field, MSG_NOT_OBJECT)
        return None

    def items(self, value: object, field: str) -> list[object]:
        if isinstance(value, list) and value:
            return value
        self.add("not_list", field, MSG_NOT_LIST)
        return []

    def key(self, value: object, field: str, seen: set[str]) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.add("key", field, MSG_KEY if value is not None else MSG_REQUIRED)
            return None
        if value in seen:
            self.add("duplicate_key", field, MSG_DUPLICATE_KEY, key=value)
        seen.add(value)
        return value

    def names(self, value: object, field: str, fallback: str) -> dict[str, str]:
        if value is None:
            return {"en": fallback}
        if isinstance(value, str) and value.strip():
            return {"en": value}
        if (
            isinstance(value, dict)
            and value
            and all(isinstance(k, str) and isinstance(v, str) and v for k, v in value.items())
        ):
            return {str(k): str(v) for k, v in value.items()}
        self.add("text", field, MSG_TEXT)
        return {"en": fallback}

    def number(self, value: object, field: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.add("number", field, MSG_NUMBER)
            return math.nan
        return float(value)

    def fraction(self, value: object, field: str) -> float:
        """AHP judgements as people write them: 3, 0.333 or "1/3"."""
        if isinstance(value, str):
            top, slash, bottom = value.partition("/")
            try:
                numerator = float(top)
                return numerator / float(bottom) if slash else numerator
            except (ValueError, ZeroDivisionError):
                pass
        elif not isinstance(value, bool) and isinstance(value, int | float):
            return float(value)
        self.add("number", field, MSG_NUMBER_OR_FRACTION)
        return math.nan


def parse_evaluation(data: object) -> EvaluationInput:
    """Validate the document's structure and turn it into arrays; raises with every problem."""
    import numpy as np

    read = _Reader()
    root = read.obj(data, "")
    if root is None:
        raise_if_errors(read.problems)
        raise AssertionError  # unreachable
    title = read.names(root.get("title"), "/title", "") if "title" in root else {"en": ""}
    aggregation = root.get("aggregation", "mean")
    if aggregation not in AGGREGATIONS:
        read.add("aggregation", "/aggregation", MSG_AGGREGATION)
        aggregation = "mean"
    criteria = _criteria(read, root)
    # Broken criteria would make every score look like it names an unknown criterion.
    read.check_criterion_keys = not any(p.field.startswith("/criteria") for p in read.problems)
    ahp_matrix = _ahp(read, root, criteria)
    candidates, candidate_scores = _candidates(read, root)
    criterion_index = {c.key: j for j, c in enumerate(criteria)}
    candidate_index = {c.key: i for i, c in enumerate(candidates)}
    has_candidate_scores = any(s is not None for s, _ in candidate_scores)
    evaluators_raw = root.get("evaluators")
    evaluator_names: list[str] = []
    score_sheets: list[tuple[str, object, object]] = []  # (pointer prefix, scores, reasons)
    if evaluators_raw is not None:
        if has_candidate_scores:
            read.add("scores_twice", "/evaluators", MSG_SCORES_TWICE)
        seen: set[str] = set()
        for e, raw in enumerate(read.items(evaluators_raw, "/evaluators")):
            entry = read.obj(raw, pointer("evaluators", e))
            if entry is None:
                continue
            name = read.key(entry.get("name"), pointer("evaluators", e, "name"), seen)
            evaluator_names.append(name or f"#{e + 1}")
            score_sheets.append(
                (pointer("evaluators", e), entry.get("scores"), entry.get("justifications"))
            )
    elif has_candidate_scores:
        evaluator_names.append("")
    else:
        read.add("no_scores", "/candidates", MSG_NO_SCORES)
    shape = (len(evaluator_names), len(candidates), len(criteria))
    scores = np.full(shape, np.nan)
    justified = np.zeros(shape, dtype=bool)
    if evaluators_raw is not None:
        for e, (prefix, sheet, reasons) in enumerate(score_sheets):
            sheet_obj = read.obj(sheet, prefix + "/scores") if sheet is not None else {}
            for cand_key, row in (sheet_obj or {}).items():
                field = prefix + pointer("scores", cand_key)
                if cand_key not in candidate_index:
                    read.add("unknown_candidate", field, MSG_UNKNOWN_CANDIDATE, key=cand_key)
                    continue
                _fill_row(read, row, field, criterion_index, scores[e, candidate_index[cand_key]])
            reasons_obj = read.obj(reasons, prefix + "/justifications") if reasons else {}
            for cand_key, row in (reasons_obj or {}).items():
                if cand_key in candidate_index and isinstance(row, dict):
                    _fill_justified(row, criterion_index, justified[e, candidate_index[cand_key]])
    elif has_candidate_scores:
        for i, (row, reasons) in enumerate(candidate_scores):
            if row is not None:
                field = pointer("candidates", i, "scores")
                _fill_row(read, row, field, criterion_index, scores[0, i])
            if isinstance(reasons, dict):
                _fill_justified(reasons, criterion_index, justified[0, i])
    raise_if_errors(read.problems)
    return EvaluationInput(
        titles=title,
        criteria=tuple(criteria),
        candidates=tuple(candidates),
        evaluators=tuple(evaluator_names),
        scores=scores,
        justified=justified,
        aggregation=aggregation,  # type: ignore[arg-type]
        ahp_matrix=ahp_matrix,
        per_evaluator=evaluators_raw is not None,
    )


def _criteria(read: _Reader, root: dict[str, object]) -> list[CriterionSpec]:
    result: list[CriterionSpec] = []
    seen: set[str] = set()
    for j, raw in enumerate(read.items(root.get("criteria"), "/criteria")):
        field = pointer("criteria", j)
        entry = read.obj(raw, field)
        if entry is None:
            continue
        key = read.key(entry.get("key"), field + "/key", seen) or f"#{j + 1}"
        names = read.names(entry.get("name"), field + "/name", key)
        direction = entry.get("type")
        if direction not in DIRECTIONS:
            read.add("direction", field + "/type", MSG_DIRECTION)
        scale = entry.get("scale")
        if not isinstance(scale, str) or scale not in SCALES:
            read.add("scale", field + "/scale", MSG_SCALE)
            scale = "1-5"
        unit = entry.get("unit")
        if scale == "measured" and (not isinstance(unit, str) or not unit.strip()):
            read.add("unit", field + "/unit", MSG_UNIT_REQUIRED)
        weight = entry.get("weight")
        weight_percent = None if weight is None else read.number(weight, field + "/weight")
        lower, upper = SCALES[scale]
        result.append(
            CriterionSpec(
                key=key,
                names=names,
                benefit=direction != "cost",
                scale=scale,
                lower=lower,
                upper=upper,
                unit=unit if isinstance(unit, str) else None,
                weight_percent=weight_percent,
            )
        )
    return result


def _ahp(
    read: _Reader, root: dict[str, object], criteria: list[CriterionSpec]
) -> FloatArray | None:
    import numpy as np

    weights_given = [c.weight_percent is not None for c in criteria]
    raw = root.get("ahp")
    if raw is None:
        for j, given in enumerate(weights_given):
            if not given:
                read.add(
                    "weight_missing",
                    pointer("criteria", j, "weight"),
                    MSG_WEIGHT_MISSING,
                    criterion=criteria[j].key,
                )
        return None
    if any(weights_given):
        read.add("weights_or_ahp", "/ahp", MSG_WEIGHTS_OR_AHP)
    entry = read.obj(raw, "/ahp")
    if entry is None:
        return None
    rows = entry.get("matrix")
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        read.add("not_list", "/ahp/matrix", MSG_NOT_LIST)
        return None
    width = max((len(row) for row in rows), default=0)
    if any(len(row) != width for row in rows):
        # Ragged: report the shape problem through the matrix check with a padded array.
        width = max(width, len(rows))
    matrix = np.full((len(rows), width), np.nan)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            matrix[i, j] = read.fraction(value, pointer("ahp", "matrix", i, j))
    return matrix


def _candidates(
    read: _Reader, root: dict[str, object]
) -> tuple[list[CandidateSpec], list[tuple[object | None, object | None]]]:
    result: list[CandidateSpec] = []
    scores: list[tuple[object | None, object | None]] = []
    seen: set[str] = set()
    for i, raw in enumerate(read.items(root.get("candidates"), "/candidates")):
        field = pointer("candidates", i)
        entry = read.obj(raw, field)
        if entry is None:
            continue
        key = read.key(entry.get("key"), field + "/key", seen) or f"#{i + 1}"
        result.append(CandidateSpec(key, read.names(entry.get("name"), field + "/name", key)))
        scores.append((entry.get("scores"), entry.get("justifications")))
    return result, scores


def _fill_row(
    read: _Reader,
    row: object,
    field: str,
    criterion_index: dict[str, int],
    target: FloatArray,
) -> None:
    entry = read.obj(row, field)
    for crit_key, value in (entry or {}).items():
        where = field + pointer(crit_key)
        if crit_key not in criterion_index:
            if read.check_criterion_keys:
                read.add("unknown_criterion", where, MSG_UNKNOWN_CRITERION, key=crit_key)
        elif value is not None:
            target[criterion_index[crit_key]] = read.number(value, where)


def _fill_justified(
    row: dict[str, object], criterion_index: dict[str, int], target: BoolArray
) -> None:
    for crit_key, text in row.items():
        if crit_key in criterion_index and isinstance(text, str) and text.strip():
            target[criterion_index[crit_key]] = True
