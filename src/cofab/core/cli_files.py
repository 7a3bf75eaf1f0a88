"""Dates and table files on a domain command's line: how a CLI reads a ``--from`` date, checks an
``--out`` name before any work and writes rows as CSV or XLSX, the same way for every domain.

Bad input is one line and exit 1 (``core.cli_errors``). Only light modules load with this one;
the spreadsheet writer is imported when a file is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from cofab.core.cli_errors import fail
from cofab.core.i18n import N_, cli_locale, translate

if TYPE_CHECKING:
    from pathlib import Path

    from rich.console import Console

MSG_BAD_DATE = N_("{name} must be a date like 2026-03-31, got {value}.")
MSG_OUTPUT_TYPE = N_("Name the output file .csv or .xlsx (got {path}).")
MSG_WROTE = N_("Wrote {n} rows to {path}.")
MSG_IMPORTED = N_("Imported {kind}: {created} created, {updated} updated, {unchanged} unchanged.")


class ImportCounts(Protocol):
    """What an all-or-nothing import reports (every domain's importer answers with these)."""

    @property
    def created(self) -> int: ...
    @property
    def updated(self) -> int: ...
    @property
    def unchanged(self) -> int: ...


def date_option(name: str, value: str) -> date:
    """``value`` of the option ``name`` as a date (ISO, e.g. 2026-03-31)."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(MSG_BAD_DATE, name=name, value=value)


def check_output(out: Path) -> None:
    """Before any work: the file type follows the name, and only CSV and XLSX are written."""
    if out.suffix.lower() not in (".csv", ".xlsx"):
        fail(MSG_OUTPUT_TYPE, path=str(out))


def write_table(
    console: Console, out: Path, headers: list[str], rows: Sequence[Sequence[Any]], sheet: str
) -> None:
    """``rows`` under ``headers`` to ``out`` (XLSX by its name, else CSV), then say so."""
    from cofab.core.tabular import write_csv, write_xlsx

    xlsx = out.suffix.lower() == ".xlsx"
    out.write_bytes(write_xlsx(headers, rows, sheet) if xlsx else write_csv(headers, rows))
    console.print(translate(MSG_WROTE, cli_locale(), n=len(rows), path=str(out)), highlight=False)


def say_imported(console: Console, kind: str, report: ImportCounts) -> None:
    """One line: how many rows of ``kind`` the import created, updated and left unchanged."""
    counts = {"created": report.created, "updated": report.updated, "unchanged": report.unchanged}
    console.print(translate(MSG_IMPORTED, cli_locale(), kind=kind, **counts), highlight=False)
