"""Turn pydantic's validation errors into field problems with messages in both languages.

Pydantic speaks English only; we map its error types to our own msgids so a Korean user reads
Korean, and keep the context values (limits, patterns) as parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from cofab.core.errors import FieldProblem
from cofab.core.i18n import N_

MESSAGES: dict[str, str] = {
    "missing": N_("This field is required."),
    "extra_forbidden": N_("Unknown field."),
    "string_too_short": N_("Must not be empty."),
    "string_too_long": N_("Must be at most {max_length} characters."),
    "string_pattern_mismatch": N_("Has the wrong format."),
    "string_type": N_("Must be text."),
    "int_parsing": N_("Must be a whole number."),
    "int_type": N_("Must be a whole number."),
    "float_parsing": N_("Must be a number."),
    "float_type": N_("Must be a number."),
    "decimal_parsing": N_("Must be a number."),
    "decimal_type": N_("Must be a number."),
    "greater_than_equal": N_("Must be at least {ge}."),
    "greater_than": N_("Must be greater than {gt}."),
    "less_than_equal": N_("Must be at most {le}."),
    "less_than": N_("Must be less than {lt}."),
    "enum": N_("Must be one of: {expected}."),
    "literal_error": N_("Must be one of: {expected}."),
    "date_from_datetime_parsing": N_("Must be a date (YYYY-MM-DD)."),
    "date_parsing": N_("Must be a date (YYYY-MM-DD)."),
    "date_type": N_("Must be a date (YYYY-MM-DD)."),
    "datetime_parsing": N_("Must be a date and time (ISO 8601)."),
    "datetime_from_date_parsing": N_("Must be a date and time (ISO 8601)."),
    "bool_parsing": N_("Must be true or false."),
    "list_type": N_("Must be a list."),
    "too_short": N_("Must have at least {min_length} item(s)."),
    "too_long": N_("Must have at most {max_length} item(s)."),
    "json_invalid": N_("The body is not valid JSON."),
    "model_attributes_type": N_("Must be an object."),
    "dict_type": N_("Must be an object."),
}
FALLBACK = N_("Invalid value: {detail}")
CUSTOM = {
    "must not be before valid_from": N_("Must not be before the start date."),
    "unknown time zone": N_("Unknown time zone."),
}


def field_path(loc: Sequence[Any], *, drop_body: bool = True) -> str:
    parts = [str(p) for p in loc]
    if drop_body and parts and parts[0] in {"body", "query", "path", "form"}:
        parts = parts[1:]
    return ".".join(parts) or "body"


def problem_for(error: dict[str, Any], prefix: str = "") -> FieldProblem:
    kind = str(error.get("type", ""))
    ctx = {
        k: (str(v) if isinstance(v, Decimal) else v)
        for k, v in (error.get("ctx") or {}).items()
        if isinstance(v, str | int | float | Decimal)
    }
    path = field_path(error.get("loc", ()))
    if prefix:
        path = f"{prefix}.{path}" if path != "body" else prefix
    if kind == "value_error":
        raw = str(error.get("msg", "")).removeprefix("Value error, ")
        return FieldProblem(path, CUSTOM.get(raw, FALLBACK), {"detail": raw})
    message = MESSAGES.get(kind)
    if message is None:
        return FieldProblem(path, FALLBACK, {"detail": str(error.get("msg", kind))})
    return FieldProblem(path, message, ctx)


def problems_from(exc: ValidationError, prefix: str = "") -> list[FieldProblem]:
    return [problem_for(dict(e), prefix) for e in exc.errors()]
