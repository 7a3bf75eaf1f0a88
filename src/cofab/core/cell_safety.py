"""Exported cells must never run as formulas, and re-import must give the original text back.

A partner writes the text of a shipment's carrier; the owner opens the export in a spreadsheet.
A cell that starts with ``= + - @``, a tab or a carriage return is read as a formula (OWASP
"CSV injection"), so such text gets a leading single quote on the way out. Text that already
starts with quotes before one of those characters gets one more quote, so that the importers,
which remove exactly one quote before such a character, restore every text unchanged. Text that
is a plain number (``-5``, ``+1.5e3``) is data, not a formula, and stays as it is; real numbers
stay numbers.
"""

from __future__ import annotations

import re
from typing import Any

_NEEDS_QUOTE = re.compile(r"^'*[=+\-@\t\r]")
_QUOTED = re.compile(r"^'+[=+\-@\t\r]")
# the control characters XLSX cannot store (openpyxl's ILLEGAL_CHARACTERS_RE, without importing it)
_NOT_IN_XLSX = re.compile(r"[\000-\010\013\014\016-\037]")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def inert(value: Any) -> Any:
    """The value as it may be written into a CSV or XLSX cell; non-text values pass through."""
    if not isinstance(value, str) or not _NEEDS_QUOTE.match(value):
        return value
    if _PLAIN_NUMBER.match(value):
        return value
    return "'" + value


def restored(text: str) -> str:
    """The text an importer should use for a cell that :func:`inert` may have quoted."""
    return text[1:] if _QUOTED.match(text) else text


def xlsx_safe(value: Any) -> Any:
    """XLSX cannot hold most control characters (openpyxl refuses the whole file): drop them."""
    return _NOT_IN_XLSX.sub("", value) if isinstance(value, str) else value
