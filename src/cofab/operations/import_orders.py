"""Planning an orders file: header fields must agree across an order's rows, each order is
checked like the API checks it, and an order that exists already is updated line by line (a
changed line gets a new version) or left unchanged."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.core.errors import CofabError, ValidationFailed
from cofab.core.i18n import N_
from cofab.core.tabular import Row
from cofab.core.validation import problems_from
from cofab.operations import extensions, orders, refs, schemas
from cofab.operations.import_plan import (
    ORDER_LINE_COLUMNS,
    Apply,
    Plan,
    line_no_of,
    non_blank,
    remap,
    required,
)
from cofab.operations.models import Order

# --- orders -----------------------------------------------------------------------------------


def plan_orders(session: Session, actor: Actor, rows: list[Row], plan: Plan) -> None:
    groups: dict[str, list[Row]] = {}
    for row in rows:
        if required(plan, "orders", row) and line_no_of(plan, row) is not None:
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
        partner = refs.partner_by_ref(session, header["partner_ref"])
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
            site = refs.site_by_ref(session, header["site_ref"])
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
            cells = non_blank(row)
            lines.append({k: cells[k] for k in ORDER_LINE_COLUMNS if k in cells})
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
            remap(
                plan, ValidationFailed(problems=problems_from(exc)), rows_by_index, first.number, {}
            )
            continue
        try:
            found = orders.check_order(session, actor, parsed)
        except CofabError as exc:
            remap(plan, exc, rows_by_index, first.number, {"partner_id": "partner_ref"})
            continue
        if found:
            remap(plan, ValidationFailed(problems=found), rows_by_index, first.number, {})
            continue
        existing = session.execute(
            select(Order).where(Order.external_ref == ref)
        ).scalar_one_or_none()
        if existing is None:
            if extensions.order_gate(session, partner_id=partner.id) == "block":
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
