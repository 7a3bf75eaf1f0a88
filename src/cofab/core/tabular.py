"""CSV and XLSX in and out, through the csv module and openpyxl only.

Rows come back as dicts keyed by a normalised header, each with its spreadsheet row number so
an import can report "row 7, column country: …" exactly where a user will look.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from cofab.core.cell_safety import inert, restored
from cofab.core.errors import BadRequest
from cofab.core.i18n import N_

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Row:
    number: int
    values: dict[str, str]


def _normalise_header(name: object) -> str:
    return str(name or "").strip().lower().replace(" ", "_")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(content: bytes, filename: str) -> list[Row]:
    """Parse an uploaded CSV or XLSX file; a malformed file is a 400 with a readable reason."""
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        return _read_xlsx(content)
    if lower.endswith(".csv") or lower.endswith(".txt"):
        return _read_csv(content)
    raise BadRequest(N_("Unsupported file type: use .csv or .xlsx."))


def _read_csv(content: bytes) -> list[Row]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadRequest(N_("The CSV file is not UTF-8 text.")) from exc
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        records = list(reader)
    except csv.Error as exc:
        raise BadRequest(N_("The CSV file is malformed: {reason}"), reason=str(exc)) from exc
    return _rows_from_records(records)


def _read_xlsx(content: bytes) -> list[Row]:
    # openpyxl is imported where a workbook is read or written: at module level it adds a
    # tenth of a second to every CLI call and server start
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise BadRequest(N_("The XLSX file could not be read.")) from exc
    sheet = workbook.worksheets[0]
    records = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return _rows_from_records(records)


def _rows_from_records(records: list[list[str]]) -> list[Row]:
    if not records or not any(cell.strip() for cell in records[0]):
        raise BadRequest(N_("The file has no header row."))
    headers = [_normalise_header(h) for h in records[0]]
    rows: list[Row] = []
    for index, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(headers) and any(c.strip() for c in record[len(headers) :]):
            raise BadRequest(N_("Row {row} has more cells than the header has columns."), row=index)
        values = {
            h: (restored(record[i].strip()) if i < len(record) else "")
            for i, h in enumerate(headers)
        }
        rows.append(Row(index, values))
    return rows


def _export_value(value: Any) -> Any:
    # every writer passes here, so no exported cell can hold a live formula (see cell_safety)
    if isinstance(value, list | tuple):
        return inert("; ".join(str(v) for v in value))
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else str(value)
    return inert(value)


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([inert(h) for h in headers])
    for row in rows:
        writer.writerow(["" if v is None else _export_value(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], title: str = "export"
) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([inert(h) for h in headers])
    for row in rows:
        sheet.append([_export_value(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def split_list(value: str) -> list[str]:
    """Cells holding several values use ';' or ',' between them."""
    return [part.strip() for part in value.replace(",", ";").split(";") if part.strip()]
