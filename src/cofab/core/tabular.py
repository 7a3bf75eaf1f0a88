"""CSV and XLSX in and out, through the csv module and openpyxl only.

Rows come back as dicts keyed by a normalised header, each with its spreadsheet row number so
an import can report "row 7, column country: …" exactly where a user will look.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from cofab.core.cell_safety import inert, restored, xlsx_safe
from cofab.core.errors import BadRequest, PayloadTooLarge
from cofab.core.i18n import N_

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
# Excel has no time zones: an aware time is written as UTC with the zone in the cell's format,
# and the reader gives such a cell back as an aware ISO 8601 time
UTC_NUMBER_FORMAT = 'yyyy-mm-dd hh:mm:ss "UTC"'

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Row:
    number: int
    values: dict[str, str]


def _normalise_header(name: object) -> str:
    return str(name or "").strip().lower().replace(" ", "_")


def _cell_text(value: Any, number_format: str = "") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime) and '"UTC"' in number_format:
        return value.replace(tzinfo=UTC).isoformat()
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass(frozen=True)
class TableLimits:
    """What one imported file may hold once unpacked. A 300 KB XLSX can hold 200k rows and a
    zip bomb gigabytes of XML: both are refused before they fill memory or hold a worker."""

    rows: int = 100_000
    cells: int = 3_000_000
    unzipped_mb: int = 200

    @classmethod
    def of(cls, settings: Any) -> TableLimits:
        return cls(settings.max_import_rows, settings.max_import_cells, settings.max_unzipped_mb)


# Spreadsheet XML deflates about 10-70:1; far beyond that is a bomb, not a sheet.
MAX_COMPRESSION_RATIO = 100
MSG_TOO_MANY_ROWS = N_("The file has more than {limit} rows; split it into smaller files.")
MSG_TOO_MANY_CELLS = N_("The file has more than {limit} cells; split it into smaller files.")
MSG_UNZIPPED = N_("The XLSX file unpacks to more than {limit_mb} MB; it was not opened.")
MSG_BOMB = N_("The XLSX file is packed more than {ratio}:1, which no spreadsheet needs.")
MSG_BAD_XLSX = N_("The XLSX file could not be read.")


def read_table(content: bytes, filename: str, limits: TableLimits | None = None) -> list[Row]:
    """Parse an uploaded CSV or XLSX file; a malformed file is a 400 with a readable reason,
    one past ``limits`` a 413 naming the limit. Synchronous and slow for big files: call it
    from a threadpool route, never on the event loop."""
    limits = limits or TableLimits()
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        return _read_xlsx(content, limits)
    if lower.endswith(".csv") or lower.endswith(".txt"):
        return _read_csv(content, limits)
    raise BadRequest(N_("Unsupported file type: use .csv or .xlsx."))


def _capped(records: Iterable[list[str]], limits: TableLimits) -> Iterator[list[str]]:
    """Pass records through, stopping at the row and cell limits (the header row is free)."""
    cells = 0
    for count, record in enumerate(records):
        if count > limits.rows:
            raise PayloadTooLarge(MSG_TOO_MANY_ROWS, limit=limits.rows)
        cells += len(record)
        if cells > limits.cells:
            raise PayloadTooLarge(MSG_TOO_MANY_CELLS, limit=limits.cells)
        yield record


def _read_csv(content: bytes, limits: TableLimits) -> list[Row]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadRequest(N_("The CSV file is not UTF-8 text.")) from exc
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        return _rows_from_records(_capped(reader, limits))
    except csv.Error as exc:
        raise BadRequest(N_("The CSV file is malformed: {reason}"), reason=str(exc)) from exc


def _check_unpacked_size(content: bytes, limits: TableLimits) -> None:
    """Read the zip's directory (not its data) and refuse a bomb before openpyxl opens it.
    zipfile never inflates a member past its declared size, so the declared sizes bound it."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise BadRequest(MSG_BAD_XLSX) from exc
    if sum(m.file_size for m in members) > limits.unzipped_mb << 20:
        raise PayloadTooLarge(MSG_UNZIPPED, limit_mb=limits.unzipped_mb)
    for member in members:
        packed = max(member.compress_size, 1)
        if member.file_size > 1 << 20 and member.file_size / packed > MAX_COMPRESSION_RATIO:
            raise PayloadTooLarge(MSG_BOMB, ratio=MAX_COMPRESSION_RATIO)


def _read_xlsx(content: bytes, limits: TableLimits) -> list[Row]:
    # openpyxl is imported where a workbook is read or written: at module level it adds a
    # tenth of a second to every CLI call and server start
    from xml.etree.ElementTree import ParseError

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _check_unpacked_size(content, limits)
    unreadable = (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except unreadable as exc:
        raise BadRequest(MSG_BAD_XLSX) from exc
    try:
        sheet = workbook.worksheets[0]
        # the sheet's own <dimension> may claim A1:XFD1048576: pad no row to it
        sheet.reset_dimensions()
        records = ([_xlsx_cell_text(cell) for cell in row] for row in sheet.iter_rows())
        return _rows_from_records(_capped(records, limits))
    except (*unreadable, ParseError) as exc:
        raise BadRequest(MSG_BAD_XLSX) from exc
    finally:
        workbook.close()


def _xlsx_cell_text(cell: Any) -> str:
    value = cell.value
    # the style lookup costs time on every cell: only a time needs its format (is it UTC?)
    number_format = getattr(cell, "number_format", "") if isinstance(value, datetime) else ""
    return _cell_text(value, number_format or "")


def _rows_from_records(records: Iterable[list[str]]) -> list[Row]:
    """Rows are built as records stream in: the whole sheet is never held twice."""
    stream = iter(records)
    header = next(stream, None)
    if header is None or not any(cell.strip() for cell in header):
        raise BadRequest(N_("The file has no header row."))
    headers = [_normalise_header(h) for h in header]
    rows: list[Row] = []
    for index, record in enumerate(stream, start=2):
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
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])

    def cell(value: Any) -> Any:
        if isinstance(value, datetime) and value.tzinfo is not None:
            utc = WriteOnlyCell(sheet, value=value.astimezone(UTC).replace(tzinfo=None))
            utc.number_format = UTC_NUMBER_FORMAT
            return utc
        return xlsx_safe(_export_value(value))

    sheet.append([xlsx_safe(inert(h)) for h in headers])
    for row in rows:
        sheet.append([cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def split_list(value: str) -> list[str]:
    """Cells holding several values use ';' or ',' between them."""
    return [part.strip() for part in value.replace(",", ";").split(";") if part.strip()]
