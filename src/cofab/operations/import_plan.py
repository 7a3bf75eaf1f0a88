"""Shared by every import kind: the columns of each file, the plan (problems found, writes to
make), and row helpers that report problems as "row N: column" where a user will look."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.core.errors import CofabError, FieldProblem
from cofab.core.i18n import N_
from cofab.core.tabular import Row
from cofab.core.validation import problems_from
from cofab.operations import orders, rules

IMPORT_KINDS = ("orders", "progress", "shipments", "receipts", "inventory")
# An order file's columns of each line (the rest of a row repeats its order's header).
ORDER_LINE_COLUMNS = (
    "line_no",
    "product",
    "product_family",
    "quantity",
    "unit_price",
    "requested_date",
)
COLUMNS: dict[str, list[str]] = {
    "orders": [
        "order_ref",
        "partner_ref",
        "site_ref",
        "order_date",
        "currency",
        "incoterm",
        "incoterm_place",
        *ORDER_LINE_COLUMNS,
    ],
    "progress": ["order_ref", "line_no", "stage", "quantity", "at", "note"],
    "shipments": [
        "asn_ref",
        "ship_date",
        "eta",
        "carrier",
        "tracking",
        "order_ref",
        "line_no",
        "quantity",
    ],
    "receipts": [
        "receipt_ref",
        "asn_ref",
        "order_ref",
        "line_no",
        "received_date",
        "accepted_qty",
        "rejected_qty",
        "reject_reason",
        "landed_unit_cost",
        "currency",
    ],
    "inventory": ["site_ref", "item", "at", "on_hand", "reserved", "in_transit"],
}
# Columns the export adds for reading; the importer accepts and ignores them.
EXPORT_ONLY: dict[str, list[str]] = {
    "orders": [
        "promised_date",
        "promised_qty",
        "ack_status",
        "order_status",
        "line_state",
        "line_total",
    ],
    "progress": ["posted_by"],
    "shipments": [],
    "receipts": ["received_qty"],
    "inventory": ["site_name"],
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "orders": ("order_ref", "partner_ref", "line_no"),
    "progress": ("order_ref", "line_no", "at"),
    "shipments": ("asn_ref", "order_ref", "line_no"),
    "receipts": ("receipt_ref", "asn_ref", "order_ref", "line_no"),
    "inventory": ("site_ref", "item", "at"),
}
_KNOWN = {name for names in COLUMNS.values() for name in names}
Apply = Callable[[Actor], str | list[str]]


@dataclass
class Plan:
    problems: list[FieldProblem] = field(default_factory=list)
    steps: list[Apply] = field(default_factory=list)

    def problem(self, at_row: int, column: str, message: str, /, **params: Any) -> None:
        self.problems.append(FieldProblem(f"row {at_row}: {column}", message, params))


# --- shared row handling ----------------------------------------------------------------------


def non_blank(row: Row) -> dict[str, str]:
    return {k: v for k, v in row.values.items() if v != "" and k in _KNOWN}


def required(plan: Plan, kind: str, row: Row) -> bool:
    ok = True
    for name in REQUIRED[kind]:
        if not row.values.get(name, "").strip():
            plan.problem(row.number, name, N_("This field is required."))
            ok = False
    return ok


def line_no_of(plan: Plan, row: Row) -> int | None:
    raw = row.values.get("line_no", "").strip()
    if not raw.isdigit() or int(raw) < 1:
        plan.problem(row.number, "line_no", N_("Must be a whole number."))
        return None
    return int(raw)


def validate_row(plan: Plan, model: type[BaseModel], data: dict[str, Any], row: int) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for p in problems_from(exc):
            plan.problems.append(FieldProblem(f"row {row}: {p.field}", p.message, p.params))
        return None


def remap(
    plan: Plan,
    exc: CofabError,
    rows_by_index: dict[int, int],
    header_row: int,
    columns: dict[str, str],
) -> None:
    """Turn an API-shaped error (``lines.2.quantity``) into file rows (``row 9: quantity``)."""
    problems = exc.problems or [FieldProblem("", exc.message, exc.params)]
    for p in problems:
        match = re.match(r"lines\.(\d+)\.(\w+)", p.field)
        if match:
            row = rows_by_index.get(int(match.group(1)), header_row)
            column = columns.get(match.group(2), match.group(2))
        else:
            row, column = header_row, columns.get(p.field, p.field) or "-"
        plan.problems.append(FieldProblem(f"row {row}: {column}", p.message, p.params))


def find_line(plan: Plan, session: Session, actor: Actor, row: Row, line_no: int | None) -> Any:
    order_ref = row.values.get("order_ref", "").strip()
    if line_no is None or not order_ref:
        return None
    line = orders.find_line(session, actor=actor, order_ref=order_ref, line_no=line_no)
    if line is None:
        plan.problem(
            row.number, "line_no", N_("Unknown order line {ref} / {n}."), ref=order_ref, n=line_no
        )
    return line


def parse_at(plan: Plan, row: Row) -> datetime | None:
    parsed = validate_row(plan, _AtOnly, {"at": row.values.get("at", "")}, row.number)
    if parsed is None:
        return None
    at: datetime = parsed.at
    if at.tzinfo is None:
        at = at.replace(tzinfo=rules.now_utc().tzinfo)
    return at


class _AtOnly(BaseModel):
    at: datetime
