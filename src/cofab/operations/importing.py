"""Import orders, progress, shipments (ASNs), receipts and inventory from CSV/XLSX.

Two phases: every row is validated — with the same checks the API runs — and every problem is
reported with its row number; only a clean file is then written, inside the caller's single
transaction. Rows are matched on their external references, so importing the same file twice
changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.core.errors import FieldProblem, Forbidden, ValidationFailed
from cofab.core.i18n import N_
from cofab.core.tabular import Row
from cofab.operations import rules, schemas
from cofab.operations.import_logistics import (
    plan_inventory,
    plan_progress,
    plan_receipts,
    plan_shipments,
)
from cofab.operations.import_orders import plan_orders
from cofab.operations.import_plan import COLUMNS, EXPORT_ONLY, IMPORT_KINDS, Plan

__all__ = ["COLUMNS", "EXPORT_ONLY", "IMPORT_KINDS", "import_rows"]

# --- entry point ------------------------------------------------------------------------------

_PLANNERS: dict[str, Callable[[Session, Actor, list[Row], Plan], None]] = {
    "orders": plan_orders,
    "progress": plan_progress,
    "shipments": plan_shipments,
    "receipts": plan_receipts,
    "inventory": plan_inventory,
}


def import_rows(
    session: Session, *, actor: Actor, kind: str, rows: list[Row]
) -> schemas.ImportReport:
    """Validate every row, then write them all; raise with every problem if any row is bad."""
    if kind not in IMPORT_KINDS:
        raise ValidationFailed(
            problems=[
                FieldProblem(
                    "kind", N_("Must be one of: {expected}."), {"expected": ", ".join(IMPORT_KINDS)}
                )
            ]
        )
    if kind == "orders":
        rules.ensure_owner_writer(actor)
    elif kind == "receipts":
        rules.ensure_owner_writer(actor, rules.RECEIVERS)
    elif not actor.is_partner and actor.role not in rules.OPS_WRITERS:
        raise Forbidden()
    plan = Plan()
    if rows:
        extra = sorted(set(rows[0].values) - set(COLUMNS[kind]) - set(EXPORT_ONLY[kind]))
        plan.problems += [FieldProblem(f"column {name}", N_("Unknown column.")) for name in extra]
        if plan.problems:
            raise ValidationFailed(problems=plan.problems)
    _PLANNERS[kind](session, actor, rows, plan)
    if plan.problems:
        raise ValidationFailed(problems=plan.problems)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for step in plan.steps:
        outcome = step(actor)
        for one in outcome if isinstance(outcome, list) else [outcome]:
            counts[one] += 1
    return schemas.ImportReport(kind=kind, **counts)
