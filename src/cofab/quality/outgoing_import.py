"""A partner's outgoing (final) inspection results from a CSV/XLSX file: all rows or none.

Columns: ``lot_no``, ``external_ref``, ``sample_size`` and, per defect line, ``defect_code``,
``defect_class``, ``quantity`` (``note`` optional; ``partner_id`` when owner staff import on a
partner's behalf). Rows sharing an ``external_ref`` are one inspection with several defect lines.
Every row is checked (schema, the partner's lot, the lot plan's rules) before anything is
written, and each problem names its row and field label; an inspection whose reference is
stored already is left as it is, so the same file imported twice stores it once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import ValidationError
from sqlalchemy.orm import Session

from cofab.core.access import Actor, ensure_partner_writable
from cofab.core.errors import FieldProblem, ValidationFailed
from cofab.core.i18n import N_
from cofab.core.tabular import Row
from cofab.core.validation import problems_from
from cofab.quality import lots, schemas
from cofab.quality.models import Lot
from cofab.quality.rules import require_owner_writer

EMPTY_FILE = N_("The file has no rows.")
NO_SUCH_LOT = N_("No lot {lot_no} of this partner.")
PARTNER_NEEDED = N_("Give the partner of each row.")
ROWS_DISAGREE = N_("Rows of reference {ref} give different lots or sample sizes.")
COLUMNS = (
    "partner_id",
    "lot_no",
    "external_ref",
    "sample_size",
    "defect_code",
    "defect_class",
    "quantity",
    "note",
)


@dataclass
class _Group:
    """The rows of one inspection (one external reference)."""

    first: schemas.OutgoingRow
    numbers: list[int] = field(default_factory=list)
    defects: list[schemas.DefectIn] = field(default_factory=list)
    defect_rows: list[int] = field(default_factory=list)  # the row of each defect line


def _parse(row: Row, actor: Actor, problems: list[FieldProblem]) -> schemas.OutgoingRow | None:
    data = {k: v for k, v in row.values.items() if k in COLUMNS and v.strip() != ""}
    if actor.is_partner:
        data["partner_id"] = str(actor.partner_id)  # a partner files for itself only
    try:
        parsed = schemas.OutgoingRow.model_validate(data)
    except ValidationError as exc:
        problems.extend(problems_from(exc, prefix=f"row {row.number}"))
        return None
    if parsed.partner_id is None:
        problems.append(FieldProblem(f"row {row.number}.partner_id", PARTNER_NEEDED))
        return None
    return parsed


def _groups(rows: list[Row], actor: Actor, problems: list[FieldProblem]) -> dict[str, _Group]:
    groups: dict[str, _Group] = {}
    for row in rows:
        parsed = _parse(row, actor, problems)
        if parsed is None:
            continue
        key = f"{parsed.partner_id}\x00{parsed.external_ref}"
        group = groups.setdefault(key, _Group(parsed))
        head = group.first
        if (head.lot_no, head.sample_size) != (parsed.lot_no, parsed.sample_size):
            problems.append(
                FieldProblem(
                    f"row {row.number}.external_ref", ROWS_DISAGREE, {"ref": parsed.external_ref}
                )
            )
            continue
        group.numbers.append(row.number)
        if parsed.defect_code or parsed.defect_class or parsed.quantity:
            group.defects.append(
                schemas.DefectIn(
                    defect_code=parsed.defect_code,
                    defect_class=parsed.defect_class,
                    quantity=parsed.quantity or 0,
                )
            )
            group.defect_rows.append(row.number)
    return groups


def _lots(session: Session, actor: Actor, groups: dict[str, _Group]) -> dict[tuple[int, str], Lot]:
    wanted = {(g.first.partner_id or 0, g.first.lot_no) for g in groups.values()}
    found: dict[tuple[int, str], Lot] = {}
    for partner_id in {p for p, _ in wanted}:
        numbers = [n for p, n in wanted if p == partner_id]
        stmt = lots.lot_query(actor, partner_id=partner_id).where(Lot.lot_no.in_(numbers))
        for lot in session.execute(stmt).scalars():
            found[(lot.partner_id, lot.lot_no)] = lot
    return found


def import_rows(session: Session, *, actor: Actor, rows: list[Row]) -> schemas.OutgoingImportReport:
    if not actor.is_partner:
        require_owner_writer(actor)
    if not rows:
        raise ValidationFailed(problems=[FieldProblem("file", EMPTY_FILE)])
    problems: list[FieldProblem] = []
    groups = _groups(rows, actor, problems)
    found = _lots(session, actor, groups)
    planned: list[tuple[Lot, _Group]] = []
    for group in groups.values():
        head = group.first
        lot = found.get((head.partner_id or 0, head.lot_no))
        first_row = group.numbers[0]
        if lot is None:
            problems.append(
                FieldProblem(f"row {first_row}.lot_no", NO_SUCH_LOT, {"lot_no": head.lot_no})
            )
            continue
        ensure_partner_writable(actor, lot.partner_id)
        stored = lots.outgoing_by_ref(session, lot.partner_id, head.external_ref)
        if stored is not None and stored.lot_id != lot.id:
            problems.append(FieldProblem(f"row {first_row}.external_ref", lots.REF_ON_OTHER_LOT))
            continue
        checked: list[FieldProblem] = []
        lots.check_defects(session, lot, group.defects, head.sample_size, checked)
        problems.extend(_on_rows(checked, group))
        if stored is None:
            planned.append((lot, group))
    if problems:
        raise ValidationFailed(problems=problems)
    for lot, group in planned:
        head = group.first
        lots.post_outgoing(
            session,
            actor=actor,
            lot_id=lot.id,
            data=schemas.OutgoingInspectionIn(
                sample_size=head.sample_size,
                defects=group.defects,
                note=head.note,
                external_ref=head.external_ref,
            ),
        )
    return schemas.OutgoingImportReport(created=len(planned), unchanged=len(groups) - len(planned))


def _on_rows(problems: list[FieldProblem], group: _Group) -> list[FieldProblem]:
    """``defects.<i>.<field>`` of the group's defect lines → ``row <n>.<field>``."""
    out = []
    for problem in problems:
        parts = problem.field.split(".", 2)
        index = int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else -1
        number = group.defect_rows[index] if 0 <= index < len(group.defect_rows) else None
        name = parts[2] if len(parts) == 3 else problem.field
        out.append(
            FieldProblem(
                f"row {number or group.numbers[0]}.{name}", problem.message, problem.params
            )
        )
    return out
