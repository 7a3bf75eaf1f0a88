"""Import a characteristic's measurements from CSV/XLSX: all rows or none, idempotent.

A partner's SPC export can hold a million rows, so the file is read column-wise and validated
with numpy (one pass, the first bad row named by its column label and row number), and written
in one statement batch: PostgreSQL gets a COPY straight into the table (through a temporary
table and one ``INSERT … SELECT … ON CONFLICT DO NOTHING`` when some reference is stored
already); SQLite an ``INSERT OR IGNORE`` executemany in the same transaction. A row whose
``external_ref`` is stored already for the characteristic is skipped, so posting the same file
twice stores it once. The touched subgroups' statistics are written in the same transaction,
which SPC reads (see ``store``).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from cofab.core import audit
from cofab.core.access import Actor
from cofab.core.errors import BadRequest, FieldProblem, ValidationFailed
from cofab.core.i18n import N_
from cofab.core.tabular import TableLimits, read_table
from cofab.quality import subgroups
from cofab.quality.models import Characteristic, Measurement
from cofab.quality.rules import require_owner_writer
from cofab.quality.spc_service import characteristic_for

MAX_ROWS = 1_000_000

# column → accepted headers (English, Korean); the first is the label used in messages
COLUMNS: dict[str, tuple[str, ...]] = {
    "subgroup": ("subgroup", "부분군"),
    "seq": ("seq", "순번"),
    "value": ("value", "측정값"),
    "external_ref": ("external_ref", "외부참조"),
    "measured_at": ("measured_at", "측정일시"),
}
LABELS = {
    "subgroup": N_("Subgroup"),
    "seq": N_("Sequence"),
    "value": N_("Measured value"),
    "external_ref": N_("External reference"),
    "measured_at": N_("Measured at"),
}
MSG_MISSING_COLUMN = N_("The file has no {column} column.")
MSG_NOT_NUMBER = N_("Row {row}: {value} is not a number.")
MSG_NOT_WHOLE = N_("Row {row}: {value} is not a whole number.")
MSG_EMPTY = N_("Row {row}: the value is missing.")
MSG_TOO_LONG = N_("Row {row}: at most 64 characters.")
MSG_BAD_TIME = N_("Row {row}: {value} is not a date and time.")
MSG_DUPLICATE_REF = N_("Row {row}: {value} appears twice in the file.")
MSG_NO_ROWS = N_("The file has no measurements.")
MSG_TOO_MANY = N_("At most {limit} rows per file.")


@dataclass(frozen=True, slots=True)
class ImportResult:
    rows: int
    inserted: int
    skipped: int


def _columns_from_csv(content: bytes) -> tuple[dict[str, list[str]], int]:
    try:
        decoded = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadRequest(N_("The CSV file is not UTF-8 text.")) from exc
    if '"' not in decoded:
        plain = _columns_from_plain_csv(decoded)
        if plain is not None:
            return plain
    reader = csv.reader(io.StringIO(decoded, newline=""))
    try:
        header = [h.strip().lower().replace(" ", "_") for h in next(reader)]
        records = [r for r in reader if r]
    except StopIteration:
        return {}, 0
    except csv.Error as exc:
        raise BadRequest(N_("The CSV file is malformed: {reason}"), reason=str(exc)) from exc
    width = len(header)
    columns: dict[str, list[str]] = {}
    for index, name in enumerate(header):
        columns[name] = [r[index] if index < len(r) else "" for r in records] if width else []
    return columns, len(records)


def _columns_from_plain_csv(decoded: str) -> tuple[dict[str, list[str]], int] | None:
    """Columns of a CSV without quotes whose rows all have the header's width (what SPC
    exports write), or None for anything else (then the csv module reads it).

    Without quotes a cell is exactly the text between commas, so one split of the joined rows
    and a slice per column give what ``csv.reader`` would — without a list object per row:
    a million of them kept the garbage collector busy for a second or more."""
    rows = decoded.replace("\r\n", "\n").replace("\r", "\n").split("\n")  # csv's line ends
    lines = [line for line in rows if line]
    if not lines:
        return {}, 0
    header = [h.strip().lower().replace(" ", "_") for h in lines[0].split(",")]
    width, commas = len(header), len(header) - 1
    if any(line.count(",") != commas for line in lines):
        return None
    cells = ",".join(lines[1:]).split(",") if len(lines) > 1 else []
    return {name: cells[index::width] for index, name in enumerate(header)}, len(lines) - 1


def _columns_from_xlsx(content: bytes) -> tuple[dict[str, list[str]], int]:
    rows = read_table(content, "upload.xlsx", TableLimits(rows=MAX_ROWS, cells=5 * MAX_ROWS))
    names: list[str] = list(rows[0].values) if rows else []
    return {name: [r.values.get(name, "") for r in rows] for name in names}, len(rows)


def _pick(columns: dict[str, list[str]], key: str) -> list[str] | None:
    for header in COLUMNS[key]:
        if header in columns:
            return columns[header]
    return None


def _problem(key: str, message: str, **params: Any) -> ValidationFailed:
    return ValidationFailed(problems=[FieldProblem(LABELS[key], message, params)])


def _numbers(key: str, raw: list[str], *, whole: bool) -> np.ndarray[Any, Any]:
    """Column as float64; the first bad cell raises with its row number (header is row 1)."""
    try:  # numpy reads a cell like float() does, surrounding blanks included
        values = np.array(raw, dtype=np.float64) if raw else np.zeros(0)
        bad = ~np.isfinite(values)
        if whole:
            bad |= values != np.round(values)
    except ValueError:
        values, bad = np.zeros(0), np.zeros(0, dtype=bool)
        for index, cell in enumerate(s.strip() for s in raw):
            if not cell:
                raise _problem(key, MSG_EMPTY, row=index + 2) from None
            try:
                float(cell)
            except ValueError:
                raise _problem(key, MSG_NOT_NUMBER, row=index + 2, value=cell) from None
    if bad.any():
        index = int(np.flatnonzero(bad)[0])
        message = MSG_NOT_WHOLE if whole and math.isfinite(values[index]) else MSG_NOT_NUMBER
        raise _problem(key, message, row=index + 2, value=raw[index].strip())
    return values


def _times(raw: list[str]) -> list[datetime | None]:
    out: list[datetime | None] = []
    for index, cell in enumerate(raw):
        cell = cell.strip()
        if not cell:
            out.append(None)
            continue
        try:
            moment = datetime.fromisoformat(cell.replace("Z", "+00:00"))
        except ValueError:
            raise _problem("measured_at", MSG_BAD_TIME, row=index + 2, value=cell) from None
        out.append(moment if moment.tzinfo else moment.replace(tzinfo=UTC))  # Excel: no zone
    return out


def _refuse_refs(refs: list[str | None]) -> None:
    """Name the first reference that is too long or given twice (only called when one is)."""
    seen: set[str] = set()
    for index, ref in enumerate(refs):
        if ref is None:
            continue
        if len(ref) > 64:
            raise _problem("external_ref", MSG_TOO_LONG, row=index + 2)
        if ref in seen:
            raise _problem("external_ref", MSG_DUPLICATE_REF, row=index + 2, value=ref)
        seen.add(ref)


def parse(content: bytes, filename: str) -> dict[str, Any]:
    """Validated columns: value (float64), subgroup, seq (int64), refs, times."""
    if filename.lower().endswith(".xlsx"):
        columns, count = _columns_from_xlsx(content)
    elif filename.lower().endswith((".csv", ".txt")):
        columns, count = _columns_from_csv(content)
    else:
        raise BadRequest(N_("Unsupported file type: use .csv or .xlsx."))
    if count == 0:
        raise ValidationFailed(problems=[FieldProblem("file", MSG_NO_ROWS, {})])
    if count > MAX_ROWS:
        raise ValidationFailed(problems=[FieldProblem("file", MSG_TOO_MANY, {"limit": MAX_ROWS})])
    for key in ("subgroup", "value"):
        if _pick(columns, key) is None:
            raise _problem(key, MSG_MISSING_COLUMN, column=COLUMNS[key][0])
    value = _numbers("value", _pick(columns, "value") or [], whole=False)
    subgroup = _numbers("subgroup", _pick(columns, "subgroup") or [], whole=True).astype(np.int64)
    seq_raw = _pick(columns, "seq")
    if seq_raw is None:  # numbered within each subgroup in file order
        seq = np.zeros(count, dtype=np.int64)
        order = np.argsort(subgroup, kind="stable")
        sorted_groups = subgroup[order]
        starts = np.r_[0, np.flatnonzero(np.diff(sorted_groups)) + 1]
        run = np.arange(count) - np.repeat(starts, np.diff(np.r_[starts, count]))
        seq[order] = run + 1
    else:
        seq = _numbers("seq", seq_raw, whole=True).astype(np.int64)
    refs_raw = _pick(columns, "external_ref")
    refs: list[str | None] = [None] * count
    if refs_raw is not None:
        refs = [r.strip() or None for r in refs_raw]
        given = [r for r in refs if r is not None]
        if given and (max(map(len, given)) > 64 or len(set(given)) < len(given)):
            _refuse_refs(refs)
    times_raw = _pick(columns, "measured_at")
    times = _times(times_raw) if times_raw is not None else [None] * count
    return {"value": value, "subgroup": subgroup, "seq": seq, "refs": refs, "times": times}


def import_measurements(
    session: Session, *, actor: Actor, characteristic_id: int, content: bytes, filename: str
) -> ImportResult:
    """Validate the whole file, then store every new row in this transaction (or none)."""
    char = characteristic_for(session, actor=actor, characteristic_id=characteristic_id)
    if not actor.is_partner:
        require_owner_writer(actor)
    data = parse(content, filename)
    inserted = store(session, char, data)
    rows = int(data["value"].size)
    result = ImportResult(rows=rows, inserted=inserted, skipped=rows - inserted)
    audit.record(
        session,
        actor=actor,
        action="import",
        entity="quality_measurements",
        entity_id=char.id,
        partner_id=char.partner_id,
        after={"rows": result.rows, "inserted": result.inserted, "skipped": result.skipped},
    )
    return result


def store(session: Session, char: Characteristic, data: dict[str, Any]) -> int:
    """Write the validated rows and their subgroups' statistics; returns how many were new.

    When the file's subgroups held no values before and every row was new (a partner's next
    batch, the usual case), the statistics come from the values in memory (``subgroup_rows``);
    otherwise they are recomputed from the table (``subgroups.refresh``), which alone knows
    the earlier values of a subgroup the file adds to."""
    groups = data["subgroup"]
    first, last = int(groups.min()), int(groups.max())
    fresh = subgroups.range_is_empty(session, characteristic_id=char.id, first=first, last=last)
    if session.connection().dialect.name == "postgresql":
        inserted = _copy_postgres(session, char, data)
    else:
        inserted = _insert_sqlite(session, char, data)
    if fresh and inserted == groups.size:
        subgroups.store_computed(
            session,
            characteristic_id=char.id,
            first=first,
            last=last,
            rows=subgroup_rows(char, groups, data["value"]),
        )
    elif inserted:
        subgroups.refresh(session, characteristic_id=char.id, first=first, last=last)
    return inserted


def subgroup_rows(
    char: Characteristic, groups: np.ndarray[Any, Any], values: np.ndarray[Any, Any]
) -> list[tuple[int, int, int, int, float, float, float, float, float, float]]:
    """Per subgroup: count, mean, M2 (squared deviations from its own mean, as
    ``subgroups`` sums them), sample standard deviation, range, minimum and maximum."""
    order = np.argsort(groups, kind="stable")
    keys, ordered = groups[order], values[order]
    starts = np.r_[0, np.flatnonzero(np.diff(keys)) + 1]
    counts = np.diff(np.r_[starts, keys.size])
    means = np.add.reduceat(ordered, starts) / counts
    deviations = ordered - np.repeat(means, counts)
    m2 = np.add.reduceat(deviations * deviations, starts)
    std = np.sqrt(np.divide(m2, counts - 1, out=np.zeros_like(m2), where=counts > 1))
    lows = np.minimum.reduceat(ordered, starts)
    highs = np.maximum.reduceat(ordered, starts)
    count = starts.size
    return list(
        zip(
            [char.id] * count,
            [char.partner_id] * count,
            keys[starts].tolist(),
            counts.tolist(),
            means.tolist(),
            m2.tolist(),
            std.tolist(),
            (highs - lows).tolist(),
            lows.tolist(),
            highs.tolist(),
            strict=True,
        )
    )


def _insert_sqlite(session: Session, char: Characteristic, data: dict[str, Any]) -> int:
    """One executemany of plain tuples on the driver cursor (SQLAlchemy's per-row dicts cost
    more than the insert itself at a million rows), inside the session's transaction; returns
    how many rows were new (an ignored row counts no change)."""
    connection = session.connection()
    to_db = Measurement.__table__.c.measured_at.type.bind_processor(connection.dialect)
    times = [to_db(t) if to_db and t is not None else None for t in data["times"]]
    count = int(data["value"].size)
    rows = zip(
        [char.id] * count,
        [char.partner_id] * count,
        data["subgroup"].tolist(),
        data["seq"].tolist(),
        data["value"].tolist(),
        times,
        data["refs"],
        strict=True,
    )
    raw = connection.connection.driver_connection
    assert raw is not None
    cursor = raw.executemany(
        "INSERT OR IGNORE INTO quality_measurements (characteristic_id, partner_id, subgroup,"
        " seq, value, measured_at, external_ref) VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    return int(cursor.rowcount)


def _write_rows(copy: Any, data: dict[str, Any], *constants: int) -> None:
    """The rows (constants first, then subgroup, seq, value, time, reference) into a COPY."""
    count = int(data["value"].size)
    for row in zip(
        *([constant] * count for constant in constants),
        data["subgroup"].tolist(),
        data["seq"].tolist(),
        data["value"].tolist(),
        data["times"],
        data["refs"],
        strict=True,
    ):
        copy.write_row(row)


def _first_ref_stored(cursor: Any, characteristic_id: int, refs: list[str | None]) -> bool:
    first = next((ref for ref in refs if ref is not None), None)
    if first is None:
        return False
    cursor.execute(
        "SELECT 1 FROM quality_measurements WHERE characteristic_id = %s AND external_ref = %s",
        (characteristic_id, first),
    )
    return cursor.fetchone() is not None


def _copy_postgres(session: Session, char: Characteristic, data: dict[str, Any]) -> int:
    """COPY straight into the table under a savepoint; returns how many rows it inserted.

    A unique violation means some external reference is stored already (the same file posted
    again, or one overlapping an earlier one): the savepoint is rolled back — at the first
    stored reference, so a repeated file costs little — and the rows go through a temporary
    table and one ``INSERT … ON CONFLICT DO NOTHING`` that skips the stored ones."""
    from psycopg.errors import UniqueViolation  # PostgreSQL only; keeps SQLite runs free of it

    raw = session.connection().connection.driver_connection
    assert raw is not None
    count = int(data["value"].size)
    with raw.cursor() as cursor:
        if not _first_ref_stored(cursor, char.id, data["refs"]):  # else: the same file again
            try:
                with (
                    raw.transaction(),
                    cursor.copy(
                        "COPY quality_measurements (characteristic_id, partner_id, subgroup, seq,"
                        " value, measured_at, external_ref) FROM STDIN"
                    ) as copy,
                ):
                    _write_rows(copy, data, char.id, char.partner_id)
                return count
            except UniqueViolation:
                pass
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS quality_measurement_load ("
            " subgroup integer, seq integer, value double precision,"
            " measured_at timestamptz, external_ref varchar(64)) ON COMMIT DROP"
        )
        cursor.execute("TRUNCATE quality_measurement_load")
        with cursor.copy(
            "COPY quality_measurement_load (subgroup, seq, value, measured_at, external_ref)"
            " FROM STDIN"
        ) as copy:
            _write_rows(copy, data)
        cursor.execute(
            "INSERT INTO quality_measurements"
            " (characteristic_id, partner_id, subgroup, seq, value, measured_at, external_ref)"
            " SELECT %s, %s, subgroup, seq, value, measured_at, external_ref"
            " FROM quality_measurement_load"
            " ON CONFLICT (characteristic_id, external_ref) DO NOTHING",
            (char.id, char.partner_id),
        )
        return int(cursor.rowcount)
