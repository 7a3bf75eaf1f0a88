"""The register as a table: CSV/XLSX export and an all-or-nothing import matched on the
reference, so an exported file imported again changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core import audit
from cofab.core.access import Actor
from cofab.core.errors import FieldProblem, ValidationFailed
from cofab.core.i18n import N_
from cofab.core.tabular import Row
from cofab.core.validation import problems_from
from cofab.risk import register
from cofab.risk.models import Risk, RiskStatus
from cofab.risk.schemas import RiskCreate

COLUMNS: tuple[str, ...] = (
    "external_ref",
    "title",
    "category",
    "partner_id",
    "site_id",
    "product_family",
    "contract_id",
    "cause",
    "event",
    "consequence",
    "likelihood",
    "impact",
    "residual_likelihood",
    "residual_impact",
    "owner",
    "review_every_days",
    "last_reviewed_on",
    "status",
    "lane_id",
)
INT_COLUMNS = frozenset(
    {
        "partner_id",
        "site_id",
        "contract_id",
        "likelihood",
        "impact",
        "residual_likelihood",
        "residual_impact",
        "review_every_days",
        "lane_id",
    }
)
IMPORT_INVALID = N_("The file has {count} problem(s); nothing was imported.")
NOT_A_NUMBER = N_("Row {row}: {value} is not a whole number")
NOT_A_DATE = N_("Row {row}: {value} is not a date (YYYY-MM-DD)")
NO_REF = N_("Row {row}: the reference is missing")
BAD_STATUS = N_("Row {row}: {value} is not a risk status")


def export_rows(risks: list[Risk]) -> list[list[Any]]:
    return [[getattr(r, column) for column in COLUMNS] for r in risks]


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


def _parse(row: Row, problems: list[FieldProblem]) -> dict[str, Any] | None:
    values: dict[str, Any] = {}
    ok = True
    for column in COLUMNS:
        text = row.values.get(column, "").strip()
        if column in INT_COLUMNS:
            if not text:
                values[column] = None
                continue
            try:
                values[column] = int(float(text)) if float(text).is_integer() else text
            except ValueError:
                values[column] = text
            if not isinstance(values[column], int):
                problems.append(
                    FieldProblem(column, NOT_A_NUMBER, {"row": row.number, "value": text})
                )
                ok = False
        elif column == "last_reviewed_on":
            try:
                values[column] = date.fromisoformat(text[:10]) if text else None
            except ValueError:
                problems.append(
                    FieldProblem(column, NOT_A_DATE, {"row": row.number, "value": text})
                )
                ok = False
        else:
            values[column] = text
    if not values["external_ref"]:
        problems.append(FieldProblem("external_ref", NO_REF, {"row": row.number}))
        ok = False
    status = values["status"] or RiskStatus.OPEN
    if status not in set(RiskStatus):
        problems.append(FieldProblem("status", BAD_STATUS, {"row": row.number, "value": status}))
        ok = False
    values["status"] = status
    if values["review_every_days"] is None:
        values["review_every_days"] = 90
    for name in ("product_family",):
        values[name] = values[name] or None
    return values if ok else None


def _validated(values: dict[str, Any], number: int, problems: list[FieldProblem]) -> bool:
    body = {k: v for k, v in values.items() if k not in ("status", "last_reviewed_on")}
    try:
        RiskCreate.model_validate(body)
    except ValidationError as error:
        # "row 3.likelihood": read as "row 3, Likelihood (likelihood)" with the message in the
        # reader's language (pydantic's own English text never reaches a person)
        problems.extend(problems_from(error, prefix=f"row {number}"))
        return False
    return True


def import_rows(session: Session, *, actor: Actor, rows: list[Row]) -> ImportResult:
    """Validate every row first; write only when the whole file is clean."""
    register.ensure_writer(actor)
    problems: list[FieldProblem] = []
    parsed: list[dict[str, Any]] = []
    for row in rows:
        values = _parse(row, problems)
        if values is not None and _validated(values, row.number, problems):
            parsed.append(values)
    if problems:
        raise ValidationFailed(IMPORT_INVALID, problems=problems, count=len(problems))
    existing = {
        r.external_ref: r
        for r in session.execute(
            select(Risk).where(Risk.external_ref.in_([v["external_ref"] for v in parsed]))
        ).scalars()
    }
    created = updated = unchanged = 0
    for values in parsed:
        risk = existing.get(values["external_ref"])
        if risk is None:
            body = {k: v for k, v in values.items() if k not in ("status", "last_reviewed_on")}
            risk = register.create_risk(session, actor=actor, data=RiskCreate(**body))
            risk.last_reviewed_on = values["last_reviewed_on"]
            if values["status"] != RiskStatus.OPEN:
                register.change_status(
                    session, actor=actor, risk_id=risk.id, status=values["status"]
                )
            created += 1
            continue
        changed = {k: v for k, v in values.items() if getattr(risk, k) != v}
        status = changed.pop("status", None)
        if not changed and status is None:
            unchanged += 1
            continue
        before = audit.snapshot(risk)
        for name, value in changed.items():
            setattr(risk, name, value)
        session.flush()
        if changed:
            audit.record(
                session,
                actor=actor,
                action="import",
                entity="risk",
                entity_id=risk.id,
                before=before,
                after=audit.snapshot(risk),
            )
        if status is not None:
            register.change_status(session, actor=actor, risk_id=risk.id, status=status)
        updated += 1
    return ImportResult(created, updated, unchanged)
