"""Import orders, progress, shipments (ASNs), receipts and inventory from CSV/XLSX.

Two phases: every row is validated — with the same checks the API runs — and every problem is
reported with its row number; only a clean file is then written, inside the caller's single
transaction. Rows are matched on their external references, so importing the same file twice
changes nothing the second time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.core.errors import CofabError, FieldProblem, Forbidden, ValidationFailed
from cofab.core.i18n import N_
from cofab.core.tabular import Row
from cofab.core.validation import problems_from
from cofab.operations import (
    inventory,
    orders,
    progress,
    rules,
    schemas,
    scorecards,
    shipments,
)
from cofab.operations.models import Order, ProgressEvent, Shipment, ShipmentLine
from cofab.partners.models import Partner, Site

IMPORT_KINDS = ("orders", "progress", "shipments", "receipts", "inventory")
COLUMNS: dict[str, list[str]] = {
    "orders": [
        "order_ref",
        "partner_ref",
        "site_ref",
        "order_date",
        "currency",
        "incoterm",
        "incoterm_place",
        "line_no",
        "product",
        "product_family",
        "quantity",
        "unit_price",
        "requested_date",
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
    "orders": ["promised_date", "promised_qty", "ack_status", "order_status"],
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


def _cells(row: Row) -> dict[str, str]:
    return {k: v for k, v in row.values.items() if v != "" and k in _KNOWN}


def _required(plan: Plan, kind: str, row: Row) -> bool:
    ok = True
    for name in REQUIRED[kind]:
        if not row.values.get(name, "").strip():
            plan.problem(row.number, name, N_("This field is required."))
            ok = False
    return ok


def _line_no(plan: Plan, row: Row) -> int | None:
    raw = row.values.get("line_no", "").strip()
    if not raw.isdigit() or int(raw) < 1:
        plan.problem(row.number, "line_no", N_("Must be a whole number."))
        return None
    return int(raw)


def _validate(plan: Plan, model: type[BaseModel], data: dict[str, Any], row: int) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for p in problems_from(exc):
            plan.problems.append(FieldProblem(f"row {row}: {p.field}", p.message, p.params))
        return None


def _remap(
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


def _find_line(plan: Plan, session: Session, actor: Actor, row: Row, line_no: int | None) -> Any:
    order_ref = row.values.get("order_ref", "").strip()
    if line_no is None or not order_ref:
        return None
    line = orders.find_line(session, actor=actor, order_ref=order_ref, line_no=line_no)
    if line is None:
        plan.problem(
            row.number, "line_no", N_("Unknown order line {ref} / {n}."), ref=order_ref, n=line_no
        )
    return line


def _parse_at(plan: Plan, row: Row) -> datetime | None:
    parsed = _validate(plan, _AtOnly, {"at": row.values.get("at", "")}, row.number)
    if parsed is None:
        return None
    at: datetime = parsed.at
    if at.tzinfo is None:
        at = at.replace(tzinfo=rules.now_utc().tzinfo)
    return at


class _AtOnly(BaseModel):
    at: datetime


# --- orders -----------------------------------------------------------------------------------


def _plan_orders(session: Session, actor: Actor, rows: list[Row], plan: Plan) -> None:
    groups: dict[str, list[Row]] = {}
    for row in rows:
        if _required(plan, "orders", row) and _line_no(plan, row) is not None:
            groups.setdefault(row.values["order_ref"].strip(), []).append(row)
    for ref, group in groups.items():
        first = group[0]
        header = {
            k: first.values.get(k, "")
            for k in (
                "partner_ref",
                "site_ref",
                "currency",
                "incoterm",
                "order_date",
                "incoterm_place",
            )
        }
        for row in group[1:]:
            for key, value in header.items():
                if row.values.get(key, "") != value:
                    plan.problem(
                        row.number,
                        key,
                        N_("Differs from row {row} of the same order ({value})."),
                        row=first.number,
                        value=value or "—",
                    )
        partner = session.execute(
            select(Partner).where(Partner.external_ref == header["partner_ref"])
        ).scalar_one_or_none()
        if partner is None:
            plan.problem(
                first.number,
                "partner_ref",
                N_("No partner has the reference {ref}."),
                ref=header["partner_ref"],
            )
            continue
        site_id = None
        if header["site_ref"]:
            site = session.execute(
                select(Site).where(Site.external_ref == header["site_ref"])
            ).scalar_one_or_none()
            if site is None or site.partner_id != partner.id:
                plan.problem(
                    first.number,
                    "site_ref",
                    N_("No site of this partner has the reference {ref}."),
                    ref=header["site_ref"],
                )
                continue
            site_id = site.id
        lines = []
        for row in group:
            cells = _cells(row)
            lines.append(
                {
                    k: cells[k]
                    for k in (
                        "line_no",
                        "product",
                        "product_family",
                        "quantity",
                        "unit_price",
                        "requested_date",
                    )
                    if k in cells
                }
            )
        data: dict[str, Any] = {
            "partner_id": partner.id,
            "site_id": site_id,
            "external_ref": ref,
            "currency": header["currency"],
            "incoterm": header["incoterm"],
            "lines": lines,
        }
        if header["order_date"]:
            data["order_date"] = header["order_date"]
        if header["incoterm_place"]:
            data["incoterm_place"] = header["incoterm_place"]
        rows_by_index = {i: row.number for i, row in enumerate(group)}
        try:
            parsed = schemas.OrderCreate.model_validate(data)
        except ValidationError as exc:
            _remap(
                plan, ValidationFailed(problems=problems_from(exc)), rows_by_index, first.number, {}
            )
            continue
        try:
            found = orders.check_order(session, actor, parsed)
        except CofabError as exc:
            _remap(plan, exc, rows_by_index, first.number, {"partner_id": "partner_ref"})
            continue
        if found:
            _remap(plan, ValidationFailed(problems=found), rows_by_index, first.number, {})
            continue
        existing = session.execute(
            select(Order).where(Order.external_ref == ref)
        ).scalar_one_or_none()
        if existing is None:
            if scorecards.order_gate(session, partner_id=partner.id) == "block":
                plan.problem(
                    first.number,
                    "partner_ref",
                    N_("New orders to this partner are blocked by its scorecard grade."),
                )
                continue
            plan.steps.append(_create_order(session, parsed))
        else:
            _plan_order_update(session, plan, existing, parsed, group)


def _create_order(session: Session, data: schemas.OrderCreate) -> Apply:
    def apply(actor: Actor) -> str:
        orders.create_order(session, actor=actor, data=data)
        return "created"

    return apply


def _plan_order_update(
    session: Session, plan: Plan, order: Order, data: schemas.OrderCreate, group: list[Row]
) -> None:
    if (order.partner_id, order.currency, order.incoterm) != (
        data.partner_id,
        data.currency,
        data.incoterm,
    ):
        plan.problem(
            group[0].number,
            "order_ref",
            N_("Order {ref} already exists with another partner, currency or Incoterm."),
            ref=order.external_ref,
        )
        return
    current = {line.line_no: line for line in orders.lines_of(session, order.id)}
    changes: list[tuple[int, schemas.LineChange]] = []
    additions: list[tuple[int, schemas.OrderLineIn]] = []
    for index, item in enumerate(data.lines):
        number = item.line_no or index + 1
        line = current.get(number)
        if line is None:
            additions.append((number, item))
            continue
        change: dict[str, Any] = {}
        if Decimal(line.quantity) != Decimal(item.quantity):
            change["quantity"] = item.quantity
        if Decimal(line.unit_price) != Decimal(item.unit_price):
            change["unit_price"] = item.unit_price
        if line.requested_date != item.requested_date:
            change["requested_date"] = item.requested_date
        if change:
            if line.ack_status == "cancelled":
                plan.problem(
                    group[index].number, "line_no", N_("A cancelled line cannot be changed.")
                )
                continue
            changes.append((line.id, schemas.LineChange.model_validate(change)))

    def apply(actor: Actor) -> str:
        if not changes and not additions:
            return "unchanged"
        for line_id, change in changes:
            orders.change_line(session, actor=actor, line_id=line_id, data=change)
        for number, item in additions:
            orders.add_line(session, actor=actor, order=order, item=item, line_no=number)
        return "updated"

    plan.steps.append(apply)


# --- progress ---------------------------------------------------------------------------------


def _plan_progress(session: Session, actor: Actor, rows: list[Row], plan: Plan) -> None:
    seen: dict[tuple[int, str, datetime], int] = {}
    for row in rows:
        if not _required(plan, "progress", row):
            continue
        line = _find_line(plan, session, actor, row, _line_no(plan, row))
        at = _parse_at(plan, row)
        cells = _cells(row)
        data: dict[str, Any] = {k: cells[k] for k in ("stage", "quantity", "note") if k in cells}
        if at is not None:
            data["at"] = at
        parsed = _validate(plan, schemas.ProgressIn, data, row.number)
        if line is None or parsed is None or at is None:
            continue
        if line.ack_status in orders.CLOSED_LINE_STATES:
            plan.problem(
                row.number,
                "line_no",
                N_("The line is {status}: progress cannot be posted."),
                status=line.ack_status,
            )
            continue
        if at > rules.now_utc() + rules.CLOCK_SKEW:
            plan.problem(row.number, "at", N_("Must not be in the future."))
            continue
        key = (line.id, parsed.stage, at)
        if key in seen:
            plan.problem(
                row.number, "at", N_("Same line, stage and time as row {row}."), row=seen[key]
            )
            continue
        seen[key] = row.number
        existing = session.execute(
            select(ProgressEvent).where(
                ProgressEvent.line_id == line.id,
                ProgressEvent.stage == parsed.stage,
                ProgressEvent.at == at,
            )
        ).scalar_one_or_none()
        if existing is not None and Decimal(existing.quantity) != Decimal(parsed.quantity):
            plan.problem(
                row.number,
                "quantity",
                N_("Progress for this line, stage and time was already posted with {qty}."),
                qty=existing.quantity,
            )
            continue
        plan.steps.append(_post_progress(session, line.id, parsed))


def _post_progress(session: Session, line_id: int, data: schemas.ProgressIn) -> Apply:
    def apply(actor: Actor) -> str:
        _event, created = progress.post_progress(session, actor=actor, line_id=line_id, data=data)
        return "created" if created else "unchanged"

    return apply


# --- shipments --------------------------------------------------------------------------------


def _plan_shipments(session: Session, actor: Actor, rows: list[Row], plan: Plan) -> None:
    groups: dict[str, list[tuple[Row, Any]]] = {}
    for row in rows:
        if not _required(plan, "shipments", row):
            continue
        line = _find_line(plan, session, actor, row, _line_no(plan, row))
        if line is not None:
            groups.setdefault(row.values["asn_ref"].strip(), []).append((row, line))
    for ref, group in groups.items():
        first = group[0][0]
        header = {k: first.values.get(k, "") for k in ("ship_date", "eta", "carrier", "tracking")}
        for row, _line in group[1:]:
            for key, value in header.items():
                if row.values.get(key, "") != value:
                    plan.problem(
                        row.number,
                        key,
                        N_("Differs from row {row} of the same ASN ({value})."),
                        row=first.number,
                        value=value or "—",
                    )
        data = {k: v for k, v in header.items() if v} | {
            "external_ref": ref,
            "lines": [
                {"line_id": line.id, "quantity": row.values.get("quantity", "")}
                for row, line in group
            ],
        }
        rows_by_index = {i: row.number for i, (row, _l) in enumerate(group)}
        columns = {"line_id": "line_no"}
        try:
            parsed = schemas.ShipmentCreate.model_validate(data)
        except ValidationError as exc:
            _remap(
                plan,
                ValidationFailed(problems=problems_from(exc)),
                rows_by_index,
                first.number,
                columns,
            )
            continue
        problems: list[FieldProblem] = []
        if parsed.eta is not None and parsed.eta < parsed.ship_date:
            problems.append(FieldProblem("eta", N_("Must not be before the ship date.")))
        partner_id, _lines = shipments.resolve_lines(session, actor, parsed, problems)
        if problems:
            _remap(plan, ValidationFailed(problems=problems), rows_by_index, first.number, columns)
            continue
        assert partner_id is not None
        try:
            rules.ensure_partner_side(actor, partner_id)
        except CofabError as exc:
            _remap(plan, exc, rows_by_index, first.number, columns)
            continue
        existing = session.execute(
            select(Shipment).where(Shipment.partner_id == partner_id, Shipment.external_ref == ref)
        ).scalar_one_or_none()
        if existing is not None:
            current = shipments.shipment_lines(session, existing.id)
            if not shipments.same_shipment(existing, current, parsed) and (
                shipments.received_per_shipment_line(session, [sl.id for sl in current])
            ):
                plan.problem(
                    first.number,
                    "asn_ref",
                    N_("ASN {ref} has receipts booked against it and cannot change."),
                    ref=ref,
                )
                continue
        plan.steps.append(_post_shipment(session, parsed))


def _post_shipment(session: Session, data: schemas.ShipmentCreate) -> Apply:
    def apply(actor: Actor) -> str:
        _shipment, outcome = shipments.post_shipment(session, actor=actor, data=data, replace=True)
        return outcome

    return apply


# --- receipts ---------------------------------------------------------------------------------


def _plan_receipts(session: Session, actor: Actor, rows: list[Row], plan: Plan) -> None:
    pending: dict[int, Decimal] = {}
    seen: dict[str, int] = {}
    plans: list[shipments.ReceiptPlan] = []
    for row in rows:
        if not _required(plan, "receipts", row):
            continue
        ref = row.values["receipt_ref"].strip()
        if ref in seen:
            plan.problem(row.number, "receipt_ref", N_("Appears more than once in this file."))
            continue
        seen[ref] = row.number
        line = _find_line(plan, session, actor, row, _line_no(plan, row))
        cells = _cells(row)
        date_ok = _validate(
            plan, _DateOnly, {"received_date": cells.get("received_date")}, row.number
        )
        if line is None or date_ok is None:
            continue
        asn_ref = row.values["asn_ref"].strip()
        found = session.execute(
            select(Shipment, ShipmentLine)
            .join(ShipmentLine, ShipmentLine.shipment_id == Shipment.id)
            .where(
                Shipment.partner_id == line.partner_id,
                Shipment.external_ref == asn_ref,
                ShipmentLine.line_id == line.id,
            )
        ).first()
        if found is None:
            plan.problem(
                row.number,
                "asn_ref",
                N_("ASN {ref} has no line for order line {order} / {n}."),
                ref=asn_ref,
                order=row.values["order_ref"],
                n=line.line_no,
            )
            continue
        shipment, shipment_line = found
        item_data = {
            k: cells[k]
            for k in (
                "accepted_qty",
                "rejected_qty",
                "reject_reason",
                "landed_unit_cost",
                "currency",
            )
            if k in cells
        }
        item = _validate(
            plan,
            schemas.ReceiptLineIn,
            item_data | {"shipment_line_id": shipment_line.id, "external_ref": ref},
            row.number,
        )
        if item is None:
            continue
        plans += shipments.check_receipts(
            session,
            shipment=shipment,
            received_date=date_ok.received_date,
            items=[(f"row {row.number}: ", item)],
            problems=plan.problems,
            date_field=f"row {row.number}: received_date",
            pending=pending,
        )

    def apply(actor: Actor) -> list[str]:
        return [
            "created" if created else "unchanged"
            for _r, created in shipments.apply_receipts(session, actor=actor, plans=plans)
        ]

    plan.steps.append(apply)


class _DateOnly(BaseModel):
    received_date: date


# --- inventory --------------------------------------------------------------------------------


def _plan_inventory(session: Session, actor: Actor, rows: list[Row], plan: Plan) -> None:
    seen: dict[tuple[int, str, datetime], int] = {}
    for row in rows:
        if not _required(plan, "inventory", row):
            continue
        site = session.execute(
            select(Site).where(Site.external_ref == row.values["site_ref"].strip())
        ).scalar_one_or_none()
        if site is None or (actor.is_partner and site.partner_id != actor.partner_id):
            plan.problem(
                row.number,
                "site_ref",
                N_("No site has the reference {ref}."),
                ref=row.values["site_ref"],
            )
            continue
        at = _parse_at(plan, row)
        cells = _cells(row)
        data = {k: cells[k] for k in ("item", "on_hand", "reserved", "in_transit") if k in cells}
        parsed = _validate(
            plan,
            schemas.InventorySnapshotIn,
            data | {"site_id": site.id, "at": at} if at else data | {"site_id": site.id},
            row.number,
        )
        if parsed is None or at is None:
            continue
        found: list[FieldProblem] = []
        inventory.check_snapshot(session, actor, parsed, f"row {row.number}: ", found)
        try:
            rules.ensure_partner_side(actor, site.partner_id)
        except CofabError as exc:
            found.append(FieldProblem(f"row {row.number}: site_ref", exc.message, exc.params))
        key = (site.id, parsed.item, at)
        if key in seen:
            found.append(
                FieldProblem(
                    f"row {row.number}: at",
                    N_("Same site, item and time as row {row}."),
                    {"row": seen[key]},
                )
            )
        seen[key] = row.number
        if found:
            plan.problems += found
            continue
        plan.steps.append(_post_snapshot(session, parsed, row.number))


def _post_snapshot(session: Session, data: schemas.InventorySnapshotIn, row: int) -> Apply:
    def apply(actor: Actor) -> str:
        _snap, created = inventory.post_snapshot(
            session, actor=actor, data=data, prefix=f"row {row}: "
        )
        return "created" if created else "unchanged"

    return apply


# --- entry point ------------------------------------------------------------------------------

_PLANNERS: dict[str, Callable[[Session, Actor, list[Row], Plan], None]] = {
    "orders": _plan_orders,
    "progress": _plan_progress,
    "shipments": _plan_shipments,
    "receipts": _plan_receipts,
    "inventory": _plan_inventory,
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
