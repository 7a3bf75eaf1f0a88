"""The lane master as a CSV/XLSX table: exported with the columns the import reads back, so a
file downloaded, edited and uploaded again changes exactly what was edited.

A row is matched on (partner_id, code). Every row is checked with the API's rules before any is
written: one bad row refuses the file with "row N, <label>" problems and nothing changes.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.core.errors import CofabError, FieldProblem, ValidationFailed
from cofab.core.i18n import N_
from cofab.core.tabular import Row
from cofab.core.validation import problems_from
from cofab.logistics import schemas, service
from cofab.logistics.models import Lane

HEADERS = [
    "partner_id",
    "code",
    "origin_kind",
    "origin_site_id",
    "origin_code",
    "destination_kind",
    "destination_code",
    "mode",
    "carrier",
    "transit_days",
    "rate",
    "rate_basis",
    "currency",
    "capacity",
    "capacity_period",
    "temp_min",
    "temp_max",
    "active",
    "notes",
]
DUPLICATE_ROW = N_("The file names lane {code} of this partner twice.")
EMPTY_FILE = N_("The file has no rows.")


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return value


def export_rows(
    session: Session, *, actor: Actor, filters: service.LaneFilters
) -> tuple[list[str], list[list[Any]]]:
    lanes = session.execute(service.lane_query(actor, filters)).scalars()
    return HEADERS, [[_cell(getattr(lane, h)) for h in HEADERS] for lane in lanes]


def _row_data(row: Row, actor: Actor) -> dict[str, Any]:
    data = {k: v for k, v in row.values.items() if k in HEADERS and v.strip() != ""}
    if actor.is_partner and "partner_id" not in data:
        data["partner_id"] = str(actor.partner_id)
    return data


def import_rows(session: Session, *, actor: Actor, rows: list[Row]) -> schemas.ImportReport:
    if not rows:
        raise ValidationFailed(problems=[FieldProblem("file", EMPTY_FILE)])
    problems: list[FieldProblem] = []
    parsed: list[tuple[int, schemas.LaneCreate]] = []
    seen: set[tuple[int, str]] = set()
    for row in rows:
        try:
            lane = schemas.LaneCreate.model_validate(_row_data(row, actor))
        except ValidationError as exc:
            problems.extend(problems_from(exc, prefix=f"row {row.number}"))
            continue
        cross = schemas.lane_problems(lane)
        if cross:
            problems.extend(
                FieldProblem(f"row {row.number}.{p.field}", p.message, p.params) for p in cross
            )
            continue
        key = (lane.partner_id, lane.code)
        if key in seen:
            problems.append(
                FieldProblem(f"row {row.number}.code", DUPLICATE_ROW, {"code": lane.code})
            )
            continue
        seen.add(key)
        parsed.append((row.number, lane))
    if problems:
        raise ValidationFailed(problems=problems)
    created = updated = unchanged = 0
    for number, lane in parsed:
        existing = session.execute(
            select(Lane).where(Lane.partner_id == lane.partner_id, Lane.code == lane.code)
        ).scalar_one_or_none()
        try:
            if existing is None:
                service.create_lane(session, actor=actor, data=lane)
                created += 1
                continue
            before = {h: getattr(existing, h) for h in HEADERS}
            update = schemas.LaneUpdate.model_validate(
                lane.model_dump(exclude={"partner_id", "code"})
            )
            service.update_lane(session, actor=actor, lane_id=existing.id, data=update)
            if before == {h: getattr(existing, h) for h in HEADERS}:
                unchanged += 1
            else:
                updated += 1
        except CofabError as exc:
            raise _on_row(exc, number) from exc
    return schemas.ImportReport(created=created, updated=updated, unchanged=unchanged)


def _on_row(exc: CofabError, number: int) -> CofabError:
    """The same refusal, its problems placed on the file's row."""
    if not exc.problems:
        exc.problems = [FieldProblem(f"row {number}", exc.message, dict(exc.params))]
    else:
        exc.problems = [
            FieldProblem(f"row {number}.{p.field}", p.message, p.params) for p in exc.problems
        ]
    return exc
