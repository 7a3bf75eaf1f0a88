"""Input problems: where (a JSON path) and what (an English msgid with parameters).

Problems are translated only when shown, so the API can render them in the caller's language
and tests can compare msgids instead of prose.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from jsonschema.exceptions import ValidationError

from cofab.core.i18n import N_, translate
from cofab.core.labels import register_labels
from cofab.core.validation import INVALID as NOT_VALID

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

MISSING_FIELD = N_("Missing required field '{field}'")
UNKNOWN_FIELD = N_("Unknown field '{field}'")
WRONG_TYPE = N_("Wrong type: expected {expected}, got {actual}")
WRONG_TYPE_EITHER = N_("Wrong type: expected {first} or {second}, got {actual}")
# JSON type names as label codes, so "number" reads "숫자" in Korean messages
TYPE_LABELS: dict[str, str] = {
    "json:string": N_("text"),
    "json:number": N_("a number"),
    "json:integer": N_("a whole number"),
    "json:boolean": N_("true or false"),
    "json:array": N_("a list"),
    "json:object": N_("an object"),
    "json:null": N_("nothing (null)"),
}
register_labels(TYPE_LABELS)
NEGATIVE = N_("Must not be negative (got {value})")
BELOW_MINIMUM = N_("Must be at least {limit} (got {value})")
NOT_ABOVE = N_("Must be greater than {limit} (got {value})")
ABOVE_MAXIMUM = N_("Must be at most {limit} (got {value})")
NOT_BELOW = N_("Must be less than {limit} (got {value})")
NOT_ONE_OF = N_("Must be one of {allowed} (got {value})")
TOO_FEW_ITEMS = N_("Needs at least {limit} item(s)")
TOO_MANY_ITEMS = N_("At most {limit} item(s) allowed")
NOT_UNIQUE = N_("Items must be unique")
EMPTY_TEXT = N_("Must not be empty")
INVALID_VALUE = N_("Invalid value: {detail}")
WRONG_FORMAT = N_("Has the wrong format (got {value})")
NOT_JSON = N_("Not valid JSON: {detail}")
FILE_UNREADABLE = N_("Cannot read file: {detail}")

_JSON_TYPE_NAMES = {
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    list: "array",
    dict: "object",
    type(None): "null",
}


def json_path(parts: Iterable[str | int]) -> str:
    """``$.sites[0].capacity`` style path; odd keys are quoted (``$.demand['P 1']``)."""
    text = "$"
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _IDENTIFIER.match(part):
            text += f".{part}"
        else:
            escaped = part.replace("\\", "\\\\").replace("'", "\\'")
            text += f"['{escaped}']"
    return text


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    message: str  # English msgid with {placeholders}
    params: dict[str, object] = field(default_factory=dict)

    def text(self, locale: str = "en") -> str:
        return translate(self.message, locale, **self.params)

    def as_dict(self, locale: str = "en") -> dict[str, object]:
        return {"path": self.path, "message": self.text(locale), "code": self.message}


def _number(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _type_code(name: str) -> str:
    code = f"json:{name}"
    return code if code in TYPE_LABELS else name


def _json_type(value: object) -> str:
    return _JSON_TYPE_NAMES.get(type(value), type(value).__name__)


def problems_from_schema_error(error: ValidationError) -> Iterator[Problem]:
    """One readable problem per schema violation (a missing/extra field each get their own)."""
    parts: list[str | int] = list(error.absolute_path)
    path = json_path(parts)
    kind = error.validator
    limit = error.validator_value
    value = error.instance
    if kind == "required" and isinstance(value, dict) and isinstance(limit, Sequence):
        # jsonschema reports each missing name as an error of its own, each carrying the whole
        # list: answering every error with every missing name said each one four times
        for name in limit:
            if isinstance(name, str) and name not in value and error.message.startswith(repr(name)):
                yield Problem(json_path([*parts, name]), MISSING_FIELD, {"field": name})
        return
    if kind == "additionalProperties" and isinstance(value, dict):
        allowed = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        for name in value:
            if name not in allowed:
                yield Problem(json_path([*parts, name]), UNKNOWN_FIELD, {"field": name})
        return
    if kind == "type":
        names = limit if isinstance(limit, list) else [limit]
        actual = _type_code(_json_type(value))
        if len(names) == 2:
            first, second = (_type_code(str(n)) for n in names)
            yield Problem(
                path, WRONG_TYPE_EITHER, {"first": first, "second": second, "actual": actual}
            )
        else:
            expected = ", ".join(str(n) for n in names)
            yield Problem(path, WRONG_TYPE, {"expected": _type_code(expected), "actual": actual})
    elif kind == "minimum":
        if limit == 0:
            yield Problem(path, NEGATIVE, {"value": _number(value)})
        else:
            yield Problem(path, BELOW_MINIMUM, {"limit": _number(limit), "value": _number(value)})
    elif kind == "exclusiveMinimum":
        yield Problem(path, NOT_ABOVE, {"limit": _number(limit), "value": _number(value)})
    elif kind == "maximum":
        yield Problem(path, ABOVE_MAXIMUM, {"limit": _number(limit), "value": _number(value)})
    elif kind == "exclusiveMaximum":
        yield Problem(path, NOT_BELOW, {"limit": _number(limit), "value": _number(value)})
    elif kind == "enum":
        allowed_text = ", ".join(str(item) for item in limit)
        yield Problem(path, NOT_ONE_OF, {"allowed": allowed_text, "value": value})
    elif kind == "minItems":
        yield Problem(path, TOO_FEW_ITEMS, {"limit": limit})
    elif kind == "maxItems":
        yield Problem(path, TOO_MANY_ITEMS, {"limit": limit})
    elif kind == "uniqueItems":
        yield Problem(path, NOT_UNIQUE)
    elif kind == "minLength":
        yield Problem(path, EMPTY_TEXT)
    elif kind == "pattern":
        yield Problem(path, WRONG_FORMAT, {"value": value})
    elif kind == "const":
        yield Problem(path, NOT_ONE_OF, {"allowed": str(limit), "value": value})
    else:
        # jsonschema's own sentence is English developer text: never shown
        yield Problem(path, NOT_VALID)


def unique(problems: Iterable[Problem]) -> list[Problem]:
    """Each problem once, in order (a path and message reported by two rules is one problem)."""
    seen: set[tuple[str, str, str]] = set()
    out: list[Problem] = []
    for problem in problems:
        key = (problem.path, problem.message, repr(sorted(problem.params.items())))
        if key not in seen:
            seen.add(key)
            out.append(problem)
    return out


def render(problems: Sequence[Problem], locale: str = "en") -> list[str]:
    """``$.path: message`` lines, the form both the CLI and logs use."""
    return [f"{problem.path}: {problem.text(locale)}" for problem in problems]
