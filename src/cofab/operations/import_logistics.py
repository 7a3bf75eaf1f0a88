"""Planning progress, ASN, receipt and inventory files: every row checked with the API's rules,
matched on its natural key or reference so a repeated file changes nothing."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.core.errors import CofabError, FieldProblem, ValidationFailed
from cofab.core.i18n import N_
from cofab.core.tabular import Row
from cofab.core.validation import problems_from
from cofab.operations import inventory, orders, progress, refs, rules, schemas, shipments
from cofab.operations.import_plan import (
    Apply,
    Plan,
    find_line,
    line_no_of,
    non_blank,
    parse_at,
    remap,
    required,
    validate_row,
)
from cofab.operations.models import ProgressEvent, Shipment, ShipmentLine

# --- progress ---------------------------------------------------------------------------------


def plan_progress(session: Session, actor: Actor, rows: list[Row], plan: Plan) -> None:
    seen: dict[tuple[int, str, datetime], int] = {}
    for row in rows:
        if not required(plan, "progress", row):
            continue
        line = find_line(plan, session, actor, row, line_no_of(plan, row))
        at = parse_at(plan, row)
        cells = non_blank(row)
        data: dict[str, Any] = {k: cells[k] for k in ("stage", "quantity", "note") if k in cells}
        if at is not None:
            data["at"] = at
        parsed = validate_row(plan, schemas.ProgressIn, data, row.number)
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


def plan_shipments(session: Session, actor: Actor, rows: list[Row], plan: Plan) -> None:
    groups: dict[str, list[tuple[Row, Any]]] = {}
    for row in rows:
        if not required(plan, "shipments", row):
            continue
        line = find_line(plan, session, actor, row, line_no_of(plan, row))
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
            remap(
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
            remap(plan, ValidationFailed(problems=problems), rows_by_index, first.number, columns)
            continue
        assert partner_id is not None
        try:
            rules.ensure_partner_side(actor, partner_id)
        except CofabError as exc:
            remap(plan, exc, rows_by_index, first.number, columns)
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


def plan_receipts(session: Session, actor: Actor, rows: list[Row], plan: Plan) -> None:
    pending: dict[int, Decimal] = {}
    seen: dict[str, int] = {}
    plans: list[shipments.ReceiptPlan] = []
    for row in rows:
        if not required(plan, "receipts", row):
            continue
        ref = row.values["receipt_ref"].strip()
        if ref in seen:
            plan.problem(row.number, "receipt_ref", N_("Appears more than once in this file."))
            continue
        seen[ref] = row.number
        line = find_line(plan, session, actor, row, line_no_of(plan, row))
        cells = non_blank(row)
        date_ok = validate_row(
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
        item = validate_row(
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


def plan_inventory(session: Session, actor: Actor, rows: list[Row], plan: Plan) -> None:
    seen: dict[tuple[int, str, datetime], int] = {}
    for row in rows:
        if not required(plan, "inventory", row):
            continue
        site = refs.site_by_ref(session, row.values["site_ref"])
        if site is None or (actor.is_partner and site.partner_id != actor.partner_id):
            plan.problem(
                row.number,
                "site_ref",
                N_("No site has the reference {ref}."),
                ref=row.values["site_ref"],
            )
            continue
        at = parse_at(plan, row)
        cells = non_blank(row)
        data = {k: cells[k] for k in ("item", "on_hand", "reserved", "in_transit") if k in cells}
        parsed = validate_row(
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
