"""The pure modules' ``Problem`` findings turned into the web's field problems.

Keys inside the maths are stable codes (criterion keys, candidate ids); people read names, so
parameters that hold keys are swapped for the names in the reader's language before rendering.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cofab.core.errors import FieldProblem, ValidationFailed
from cofab.selection.problems import Label, Problem

NAME_PARAMS = ("criterion", "first", "second")
CANDIDATE_PARAMS = ("candidate",)


def field_problem(problem: Problem, locale: str) -> FieldProblem:
    """Keep msgid + params (translated at the edge) unless a parameter is itself a msgid."""
    field = problem.field.strip("/").replace("/", ".") or "body"
    if any(isinstance(value, Label) for value in problem.params.values()):
        return FieldProblem(field, problem.render(locale))
    return FieldProblem(field, problem.message, dict(problem.params))


def validation_failed(problems: Sequence[Problem], locale: str) -> ValidationFailed:
    return ValidationFailed(problems=[field_problem(p, locale) for p in problems])


def with_names(
    problem: Problem, criteria: Mapping[str, str], candidates: Mapping[str, str]
) -> Problem:
    """The same finding with criterion and candidate keys replaced by display names."""
    params = dict(problem.params)
    for name in NAME_PARAMS:
        value = params.get(name)
        if isinstance(value, str) and value in criteria:
            params[name] = criteria[value]
    for name in CANDIDATE_PARAMS:
        value = params.get(name)
        if isinstance(value, str) and value in candidates:
            params[name] = candidates[value]
    missing = params.get("missing")
    if isinstance(missing, str):
        params["missing"] = ", ".join(criteria.get(k, k) for k in missing.split(", "))
    return Problem(problem.code, problem.field, problem.message, params, problem.severity)
