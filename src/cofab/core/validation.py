"""Turn pydantic's validation errors into field problems with messages in both languages, and
name every field by its label.

Pydantic speaks English only; we map its error types to our own msgids so a Korean user reads
Korean, and keep the context values (limits, patterns) as parameters. A library text never
reaches a user: an error type without a msgid gets a generic one.

Problems keep the machine path (``name_ko``, ``row 3: valid_to``) in ``field`` for API clients
and tests; whatever a person reads names the field by its label (:func:`field_label`). Domains
register the labels of their fields with :func:`register_field_labels`; a field nobody labelled
is shown humanised ("valid_to" → "Valid to", translated where that text has a translation),
never as its key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from cofab.core.errors import FieldProblem
from cofab.core.i18n import N_, catalog, translate

MESSAGES: dict[str, str] = {
    "missing": N_("This field is required."),
    "missing_argument": N_("This field is required."),
    "extra_forbidden": N_("Unknown field."),
    "unexpected_keyword_argument": N_("Unknown field."),
    "string_too_short": N_("Must not be empty."),
    "string_too_long": N_("Must be at most {max_length} characters."),
    "string_pattern_mismatch": N_("Has the wrong format."),
    "string_type": N_("Must be text."),
    "string_unicode": N_("Must be text."),
    "string_sub_type": N_("Must be text."),
    "int_parsing": N_("Must be a whole number."),
    "int_type": N_("Must be a whole number."),
    "int_from_float": N_("Must be a whole number."),
    "int_parsing_size": N_("The number is too large."),
    "float_parsing": N_("Must be a number."),
    "float_type": N_("Must be a number."),
    "decimal_parsing": N_("Must be a number."),
    "decimal_type": N_("Must be a number."),
    "finite_number": N_("Must be a finite number."),
    "decimal_max_digits": N_("Must have at most {max_digits} digits."),
    "decimal_max_places": N_("Must have at most {decimal_places} decimal places."),
    "decimal_whole_digits": N_("Must have at most {whole_digits} digits before the decimal point."),
    "multiple_of": N_("Must be a multiple of {multiple_of}."),
    "greater_than_equal": N_("Must be at least {ge}."),
    "greater_than": N_("Must be greater than {gt}."),
    "less_than_equal": N_("Must be at most {le}."),
    "less_than": N_("Must be less than {lt}."),
    "enum": N_("Must be one of: {expected}."),
    "literal_error": N_("Must be one of: {expected}."),
    "date_from_datetime_parsing": N_("Must be a date (YYYY-MM-DD)."),
    "date_from_datetime_inexact": N_("Must be a date (YYYY-MM-DD)."),
    "date_parsing": N_("Must be a date (YYYY-MM-DD)."),
    "date_type": N_("Must be a date (YYYY-MM-DD)."),
    "date_past": N_("Must be in the past."),
    "date_future": N_("Must be in the future."),
    "datetime_parsing": N_("Must be a date and time (ISO 8601)."),
    "datetime_from_date_parsing": N_("Must be a date and time (ISO 8601)."),
    "datetime_type": N_("Must be a date and time (ISO 8601)."),
    "datetime_object_invalid": N_("Must be a date and time (ISO 8601)."),
    "datetime_past": N_("Must be in the past."),
    "datetime_future": N_("Must be in the future."),
    "timezone_aware": N_("Must include a time zone."),
    "timezone_naive": N_("Must not include a time zone."),
    "time_parsing": N_("Must be a time of day (HH:MM)."),
    "time_type": N_("Must be a time of day (HH:MM)."),
    "bool_parsing": N_("Must be true or false."),
    "bool_type": N_("Must be true or false."),
    "list_type": N_("Must be a list."),
    "set_type": N_("Must be a list."),
    "tuple_type": N_("Must be a list."),
    "too_short": N_("Must have at least {min_length} item(s)."),
    "too_long": N_("Must have at most {max_length} item(s)."),
    "json_invalid": N_("The body is not valid JSON."),
    "json_type": N_("The body is not valid JSON."),
    "model_attributes_type": N_("Must be an object."),
    "model_type": N_("Must be an object."),
    "dict_type": N_("Must be an object."),
    "url_parsing": N_("Must be a web address (https://…)."),
    "url_scheme": N_("Must be a web address (https://…)."),
    "url_type": N_("Must be a web address (https://…)."),
    "uuid_parsing": N_("Has the wrong format."),
    "uuid_type": N_("Has the wrong format."),
    "none_required": N_("Must be empty."),
    "frozen_field": N_("Cannot be changed."),
}
INVALID = N_("This value is not valid.")
# kept for callers that pass a detail of their own; pydantic's texts never go here
FALLBACK = N_("Invalid value: {detail}")
CUSTOM = {
    "must not be before valid_from": N_("Must not be before the start date."),
    "unknown time zone": N_("Unknown time zone."),
}
_QUOTED_CHOICE = re.compile(r"'([^']*)'")

# --- field labels ------------------------------------------------------------------------------

FIELD_LABELS: dict[str, str] = {
    "body": N_("Request"),
    "file": N_("File"),
    "kind": N_("Type"),
    "format": N_("Format"),
    "page": N_("Page"),
    "q": N_("Search"),
    "id": N_("ID"),
    "ids": N_("Selection"),
    "name": N_("Name"),
    "name_ko": N_("Name (Korean)"),
    "name_en": N_("Name (English)"),
    "email": N_("E-mail"),
    "password": N_("Password"),
    "role": N_("Role"),
    "notes": N_("Notes"),
    "title": N_("Title"),
    "country": N_("Country"),
    "currency": N_("Currency"),
    "external_ref": N_("External reference"),
    "partner_id": N_("Partner"),
    "partner_ref": N_("Partner reference"),
    "site_id": N_("Site"),
    "site_ref": N_("Site reference"),
    "days": N_("Days"),
    "reason": N_("Reason"),
}
ROW_FIELD = N_("row {row}, {label} ({column})")
ROW_ONLY = N_("row {row}")
COLUMN = N_("column {column}")
_ROW = re.compile(r"^row (\d+)(?:(?::\s*|\.)(.*))?$")
_COLUMN = re.compile(r"^column (.+)$")
_INDEX = re.compile(r"^\d+$")


def register_error_messages(messages: Mapping[str, str]) -> None:
    """Msgids for a domain's own error types (``PydanticCustomError("country_code", …)``)."""
    MESSAGES.update(messages)


def register_field_labels(labels: Mapping[str, str]) -> None:
    """Labels (English msgids) of a domain's fields, by name (``valid_to``) or dotted path
    (``terms.cost.currency``); a path wins over a bare name, so domains can disagree on names."""
    FIELD_LABELS.update(labels)


def _humanised(key: str) -> str:
    text = key.replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:] if text else text


def _label_of_path(path: str, locale: str) -> str:
    parts = [p for p in path.split(".") if p and not _INDEX.match(p)]
    if not parts:
        return translate(FIELD_LABELS["body"], locale)
    for start in range(len(parts)):
        key = ".".join(parts[start:])
        if key in FIELD_LABELS:
            return translate(FIELD_LABELS[key], locale)
    human = _humanised(parts[-1])
    return translate(human, locale) if human in catalog(locale) or locale == "en" else human


def field_label(field: str, locale: str) -> str:
    """What a person reads for a problem's field: its label in ``locale``; an imported file's
    ``row 3: valid_to`` reads "row 3, Valid to (valid_to)" (the column as the file names it),
    and a JSON path into an uploaded document (``$.sites[0].capacity``) stays that path."""
    if field.startswith("$"):
        return field  # a JSON path into a document the user wrote names the place exactly
    row = _ROW.match(field)
    if row:
        number, rest = row.group(1), (row.group(2) or "").strip()
        if not rest:
            return _fill(ROW_ONLY, locale, row=number)
        if _COLUMN.match(rest):
            return _fill(ROW_ONLY, locale, row=number) + ", " + field_label(rest, locale)
        label = _label_of_path(rest, locale)
        column_name = ".".join(p for p in rest.split(".") if not _INDEX.match(p))
        return _fill(ROW_FIELD, locale, row=number, label=label, column=column_name)
    column = _COLUMN.match(field)
    if column:
        return _fill(COLUMN, locale, column=column.group(1))
    return _label_of_path(field, locale)


def _fill(msgid: str, locale: str, **params: str) -> str:
    """Translate, then fill verbatim: a column named "status" is not the code "status"."""
    return translate(msgid, locale).format(**params)


def labelled(problems: Iterable[FieldProblem], locale: str) -> list[dict[str, str]]:
    """Problems as people read them (pages, CLI): label and translated message, once each."""
    out: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for problem in problems:
        entry = {
            "field": field_label(problem.field, locale),
            "message": translate(problem.message, locale, **problem.params),
        }
        key = (entry["field"], entry["message"])
        if key not in seen:
            seen.add(key)
            out.append(entry)
    return out


# --- pydantic errors -----------------------------------------------------------------------------


def field_path(loc: Sequence[Any], *, drop_body: bool = True) -> str:
    parts = [str(p) for p in loc]
    if drop_body and parts and parts[0] in {"body", "query", "path", "form"}:
        parts = parts[1:]
    if parts and all(_INDEX.match(p) for p in parts) and loc and str(loc[0]) == "body":
        parts = []  # a position inside an unreadable body, not a field
    return ".".join(parts) or "body"


def _choices(expected: object) -> str:
    """Pydantic's "'a', 'b' or 'c'" as "a, b, c": the "or" is English and the quotes noise."""
    text = str(expected)
    found = _QUOTED_CHOICE.findall(text)
    return ", ".join(found) if found else text.replace(" or ", ", ")


def problem_for(error: dict[str, Any], prefix: str = "") -> FieldProblem:
    kind = str(error.get("type", ""))
    ctx = {
        k: (str(v) if isinstance(v, Decimal) else v)
        for k, v in (error.get("ctx") or {}).items()
        if isinstance(v, str | int | float | Decimal)
    }
    if "expected" in ctx:
        ctx["expected"] = _choices(ctx["expected"])
    path = field_path(error.get("loc", ()))
    if prefix:
        path = f"{prefix}.{path}" if path != "body" else prefix
    if kind in ("value_error", "assertion_error"):
        raw = (
            str(error.get("msg", ""))
            .removeprefix("Value error, ")
            .removeprefix("Assertion failed, ")
        )
        if raw in CUSTOM:
            return FieldProblem(path, CUSTOM[raw])
        # a domain's own validator may raise with a msgid of ours; anything else stays unshown
        return FieldProblem(path, raw if raw in catalog("ko") else INVALID)
    message = MESSAGES.get(kind)
    if message is None:
        # a domain's PydanticCustomError whose message is a msgid of ours is shown as it is
        raw = str(error.get("msg", ""))
        return FieldProblem(path, raw if raw in catalog("ko") else INVALID, ctx)
    return FieldProblem(path, message, ctx)


def problems_from(exc: ValidationError, prefix: str = "") -> list[FieldProblem]:
    return unique([problem_for(dict(e), prefix) for e in exc.errors()])


def unique(problems: Iterable[FieldProblem]) -> list[FieldProblem]:
    """One problem per field and message: a union type or a repeated rule reports it once."""
    seen: set[tuple[str, str]] = set()
    out: list[FieldProblem] = []
    for problem in problems:
        key = (problem.field, problem.message)
        if key not in seen:
            seen.add(key)
            out.append(problem)
    return out
