"""Test data for operations, made through the services (so rules and audit run) with a few
timestamps set by hand where a test needs exact hours."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.operations import orders, schemas, shipments, tickets
from cofab.operations.models import Order, OrderLine, Shipment, ShipmentLine, SupportTicket

LineSpec = tuple[str, float, float, date]  # product, quantity, unit price, requested date


def make_order(
    session: Session,
    partner_id: int,
    ref: str,
    lines: list[LineSpec],
    *,
    order_date: date = date(2025, 1, 2),
    currency: str = "USD",
    site_id: int | None = None,
    family: str | None = "F1",
) -> Order:
    order, _created = orders.create_order(
        session,
        actor=SYSTEM_ACTOR,
        data=schemas.OrderCreate(
            partner_id=partner_id,
            site_id=site_id,
            external_ref=ref,
            order_date=order_date,
            currency=currency,
            incoterm="FCA",
            lines=[
                schemas.OrderLineIn(
                    product=product,
                    product_family=family,
                    quantity=Decimal(str(qty)),
                    unit_price=Decimal(str(price)),
                    requested_date=requested,
                )
                for product, qty, price, requested in lines
            ],
        ),
    )
    return order


def line_ids(session: Session, order: Order) -> list[int]:
    return [line.id for line in orders.lines_of(session, order.id)]


def ship(
    session: Session,
    ref: str,
    items: list[tuple[int, float]],
    ship_date: date,
    eta: date | None = None,
) -> Shipment:
    shipment, _outcome = shipments.post_shipment(
        session,
        actor=SYSTEM_ACTOR,
        data=schemas.ShipmentCreate(
            external_ref=ref,
            ship_date=ship_date,
            eta=eta,
            lines=[
                schemas.ShipmentLineIn(line_id=line_id, quantity=Decimal(str(qty)))
                for line_id, qty in items
            ],
        ),
    )
    return shipment


def shipment_line_for(session: Session, shipment: Shipment, line_id: int) -> int:
    return session.execute(
        select(ShipmentLine.id).where(
            ShipmentLine.shipment_id == shipment.id, ShipmentLine.line_id == line_id
        )
    ).scalar_one()


def receive(
    session: Session,
    shipment: Shipment,
    line_id: int,
    received: date,
    accepted: float,
    rejected: float = 0,
    *,
    cost: float | None = None,
    currency: str = "USD",
) -> None:
    shipments.post_receipts(
        session,
        actor=SYSTEM_ACTOR,
        shipment_id=shipment.id,
        data=schemas.ReceiptCreate(
            received_date=received,
            lines=[
                schemas.ReceiptLineIn(
                    shipment_line_id=shipment_line_for(session, shipment, line_id),
                    accepted_qty=Decimal(str(accepted)),
                    rejected_qty=Decimal(str(rejected)),
                    reject_reason="damaged" if rejected else None,
                    landed_unit_cost=None if cost is None else Decimal(str(cost)),
                    currency=currency,
                )
            ],
        ),
    )


def deliver(
    session: Session,
    line_id: int,
    ref: str,
    received: date,
    accepted: float,
    rejected: float = 0,
    *,
    cost: float | None = None,
) -> None:
    """Ship exactly what is then received, on the same day."""
    shipment = ship(session, ref, [(line_id, accepted + rejected)], received)
    receive(session, shipment, line_id, received, accepted, rejected, cost=cost)


def at(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def make_ticket(
    session: Session,
    partner_id: int,
    opened: str,
    responded: str | None = None,
    resolved: str | None = None,
    **extra: Any,
) -> SupportTicket:
    ticket, _created = tickets.open_ticket(
        session,
        actor=SYSTEM_ACTOR,
        data=schemas.SupportTicketCreate(partner_id=partner_id, subject="Help", **extra),
    )
    ticket.opened_at = at(opened)
    ticket.first_response_at = at(responded) if responded else None
    ticket.resolved_at = at(resolved) if resolved else None
    session.flush()
    return ticket


def set_ack_times(session: Session, line_id: int, created: str, acknowledged: str | None) -> None:
    line = session.get(OrderLine, line_id)
    assert line is not None
    line.created_at = at(created)
    line.acknowledged_at = at(acknowledged) if acknowledged else None
    session.flush()


FEB = (date(2025, 2, 1), date(2025, 2, 28))
AS_OF = date(2025, 4, 1)


def build_february(engine: Engine, world: Any) -> dict[str, int]:
    """The hand-computed February 2025 data set described in test_ops_kpis.py."""
    a = world.partner_a
    with unit_of_work(engine) as session:
        order = make_order(
            session,
            a,
            "KPI-1",
            [
                ("P1", 100, 2.0, date(2025, 2, 10)),
                ("P2", 100, 1.0, date(2025, 2, 10)),
                ("P3", 50, 1.0, date(2025, 2, 15)),
                ("P4", 80, 1.0, date(2025, 2, 20)),
                ("P5", 40, 1.0, date(2025, 2, 25)),
                ("P6", 10, 1.0, date(2025, 3, 5)),
                ("P7", 20, 1.0, date(2025, 2, 20)),
            ],
            order_date=date(2025, 1, 20),
            site_id=world.ids["a"]["site_id"],
        )
        l1, l2, l3, l4, l5, l6, l7 = line_ids(session, order)
        line4 = orders.get_line(session, actor=SYSTEM_ACTOR, line_id=l4)
        line4.product_family = "F2"
        orders.acknowledge(
            session,
            actor=SYSTEM_ACTOR,
            line_id=l7,
            data=schemas.AckAction(action="reject", reason="no capacity"),
        )
        deliver(session, l1, "A1", date(2025, 2, 10), 100, cost=2.2)
        asn2 = ship(session, "A2", [(l2, 100)], date(2025, 2, 9))
        receive(session, asn2, l2, date(2025, 2, 9), 60)
        receive(session, asn2, l2, date(2025, 2, 12), 40)
        deliver(session, l3, "A3", date(2025, 2, 15), 40, rejected=10)
        deliver(session, l4, "A4", date(2025, 2, 18), 100, cost=0.9)

        placed = make_order(
            session,
            a,
            "KPI-2",
            [("Q1", 5, 1.0, date(2025, 4, 20)), ("Q2", 5, 1.0, date(2025, 4, 20))],
            order_date=date(2025, 2, 3),
        )
        qa, qb = line_ids(session, placed)
        set_ack_times(session, qa, "2025-02-03T08:00:00", "2025-02-03T14:00:00")
        set_ack_times(session, qb, "2025-02-03T08:00:00", None)

        make_ticket(session, a, "2025-02-03T08:00:00", "2025-02-03T10:00:00", "2025-02-04T08:00:00")
        make_ticket(session, a, "2025-02-05T09:00:00", "2025-02-05T13:00:00", "2025-02-07T09:00:00")
        make_ticket(session, a, "2025-02-10T00:00:00", "2025-02-10T01:00:00")
        make_ticket(session, a, "2025-02-12T00:00:00", "2025-02-13T00:00:00", "2025-02-14T00:00:00")
        make_ticket(session, a, "2025-02-20T00:00:00")
        make_ticket(session, a, "2025-03-01T00:00:00", "2025-03-01T05:00:00")
        make_ticket(session, world.partner_b, "2025-02-11T00:00:00", "2025-02-11T03:00:00")
    return {"l5": l5, "l6": l6}


def isolation_resolvers(
    world: Any, engine: Engine, bodies: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """Partner B's operations objects for the route-enumerating isolation test; the sample bodies
    are pointed at them too, so every post really aims at partner B's records."""
    from cofab.operations import inventory
    from cofab.performance import reviews, scorecards
    from cofab.performance import schemas as performance_schemas
    from cofab.performance.models import ActionItem, Scorecard

    b = world.partner_b
    with unit_of_work(engine) as session:
        order = make_order(
            session,
            b,
            "ISO-B-1",
            [("Widget", 10, 2.5, date(2025, 3, 1))],
            site_id=world.ids["b"]["site_id"],
        )
        line_id = line_ids(session, order)[0]
        shipment = ship(session, "ISO-ASN-B", [(line_id, 4)], date(2025, 2, 20))
        receive(session, shipment, line_id, date(2025, 2, 25), 4)
        inventory.post_snapshot(
            session,
            actor=SYSTEM_ACTOR,
            data=schemas.InventorySnapshotIn(
                site_id=world.ids["b"]["site_id"], item="Widget", on_hand=Decimal(5)
            ),
        )
        ticket = make_ticket(session, b, "2025-02-01T08:00:00")
        template = scorecards.default_template(session)
        scorecards.compute_scorecards(
            session, actor=SYSTEM_ACTOR, period_start=date(2025, 1, 1), partner_id=b
        )
        card_id = session.execute(
            select(Scorecard.id).where(Scorecard.partner_id == b)
        ).scalar_one()
        review = reviews.create_review(
            session,
            actor=SYSTEM_ACTOR,
            data=performance_schemas.ReviewCreate(
                partner_id=b,
                title="Q1 review",
                held_on=date(2025, 4, 10),
                period_start=date(2025, 1, 1),
                period_end=date(2025, 3, 31),
            ),
        )
        item = reviews.add_action_item(
            session,
            actor=SYSTEM_ACTOR,
            review_id=review.id,
            data=performance_schemas.ActionItemIn(
                title="Fix", owner_side="partner", due_date=date(2025, 5, 1)
            ),
        )
        ids = {
            "order_id": order.id,
            "line_id": line_id,
            "shipment_id": shipment.id,
            "ticket_id": ticket.id,
            "template_id": template.id,
            "scorecard_id": card_id,
            "review_id": review.id,
            "action_item_id": item.id,
        }
        assert session.get(ActionItem, item.id) is not None
        shipment_line_id = shipment_line_for(session, shipment, line_id)
    bodies["ShipmentCreate"]["lines"] = [{"line_id": line_id, "quantity": "1"}]
    bodies["ReceiptCreate"]["lines"] = [
        {"shipment_line_id": shipment_line_id, "accepted_qty": "1", "currency": "USD"}
    ]
    bodies["InventorySnapshotIn"]["site_id"] = world.ids["b"]["site_id"]
    return {
        "order_id": lambda w, e: ids["order_id"],
        "order-lines:line_id": lambda w, e: ids["line_id"],
        "shipment_id": lambda w, e: ids["shipment_id"],
        "ticket_id": lambda w, e: ids["ticket_id"],
        "scorecard-templates:template_id": lambda w, e: ids["template_id"],
        "scorecard_id": lambda w, e: ids["scorecard_id"],
        "review_id": lambda w, e: ids["review_id"],
        "action_item_id": lambda w, e: ids["action_item_id"],
    }
