"""Orders as discussion subjects: a thread on an order is as visible as the order itself."""

from __future__ import annotations

from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.discussions import service as discussions_service
from cofab.operations import orders


def order_subject(session: Session, actor: Actor, object_id: int) -> discussions_service.Subject:
    order = orders.get_order(session, actor=actor, order_id=object_id)
    return discussions_service.Subject(
        partner_id=order.partner_id,
        unit_id=order.unit_id,
        title=order.external_ref,
        url=f"/orders/{order.id}",
    )


discussions_service.register_subject("order", order_subject)
