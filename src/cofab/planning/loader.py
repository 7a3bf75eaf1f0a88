"""Read a planner input document: JSON Schema first, then the semantic checks, then arrays.

Web-free on purpose: the CLI, the API and tests call the same two functions and get either a
:class:`PlanningInput` or every problem found, each with its JSON path.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from cofab.planning.input_bounds import model_size, non_finite
from cofab.planning.planning_input import PlanningInput, build_planning_input
from cofab.planning.problems import (
    FILE_UNREADABLE,
    NOT_JSON,
    Problem,
    problems_from_schema_error,
    unique,
)
from cofab.planning.semantic_checks import check_semantics


@lru_cache(maxsize=1)
def input_schema() -> dict[str, Any]:
    """The JSON Schema (Draft 2020-12) every input document must satisfy."""
    text = resources.files("cofab.planning").joinpath("input_schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(input_schema())


def validate_document(doc: Any) -> list[Problem]:
    """Every problem in the document: schema violations, then broken references."""
    problems: list[Problem] = non_finite(doc) + model_size(doc)
    if problems:
        return problems
    errors = sorted(_validator().iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path])
    for error in errors:
        problems.extend(problems_from_schema_error(error))
    if isinstance(doc, dict):
        problems.extend(check_semantics(doc))
    return unique(problems)


def load_document(doc: Any) -> PlanningInput | list[Problem]:
    problems = validate_document(doc)
    if problems:
        return problems
    return build_planning_input(doc)


def read_json_file(path: Path) -> tuple[Any, list[Problem]]:
    """Parsed JSON and no problems, or ``None`` and the one problem that stopped reading."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return None, [Problem("$", FILE_UNREADABLE, {"detail": str(error)})]
    try:
        return json.loads(text), []
    except json.JSONDecodeError as error:
        detail = f"{error.msg} (line {error.lineno}, column {error.colno})"
        return None, [Problem("$", NOT_JSON, {"detail": detail})]


def load_file(path: Path) -> PlanningInput | list[Problem]:
    doc, problems = read_json_file(path)
    if problems:
        return problems
    return load_document(doc)
