"""Receipts and incoming-inspection results booked by another domain, as penalty inputs.

Contracts does not read operations' tables: operations registers a receipts feed here
(``register_receipt_feed``, re-exported by ``contracts.service``) when the app is wired, and
the feed hands over one ``DeliveredLot`` per receipt of a partner in a period. For a contract
and a period every party partner's lots are read: the due date is the order line's promised
date, the price the order line's unit price, and the inspection result is accepted + rejected
inspected with the rejected units defective. Open lines not yet received are not in this feed
(they are in the file format, as lines without a received date). Receipts in another currency
than the contract's are listed as not charged rather than mixed into the totals.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy.orm import Session

from cofab.contracts.models import Contract
from cofab.contracts.penalties import InspectionLine, Period, ReceiptLine
from cofab.contracts.queries import party_partner_ids
from cofab.core.access import Actor
from cofab.core.i18n import N_
from cofab.core.wiring import ensure_wired

Skipped = list[tuple[str, str, dict[str, Any]]]


@dataclass(frozen=True)
class DeliveredLot:
    """One receipt against an order line, with its incoming-inspection result."""

    ref: str
    due_date: date
    received_date: date
    quantity: Decimal
    unit_price: Decimal
    currency: str
    item: str
    accepted: Decimal
    rejected: Decimal


class ReceiptFeed(Protocol):
    """A partner's lots received in ``[start, end]`` that ``actor`` may see, oldest first."""

    def __call__(
        self, session: Session, *, actor: Actor, partner_id: int, start: date, end: date
    ) -> Iterable[DeliveredLot]: ...


_feeds: list[ReceiptFeed] = []


def register_receipt_feed(feed: ReceiptFeed) -> None:
    """Called by the domain that books receipts (operations) when it is wired in."""
    if feed not in _feeds:
        _feeds.append(feed)


def lines_from_operations(
    session: Session, *, actor: Actor, contract: Contract, period: Period, currency: str
) -> tuple[list[ReceiptLine], list[InspectionLine], Skipped]:
    ensure_wired()
    receipts: list[ReceiptLine] = []
    inspections: list[InspectionLine] = []
    skipped: Skipped = []
    for partner_id in party_partner_ids(contract):
        for feed in _feeds:
            lots = feed(
                session, actor=actor, partner_id=partner_id, start=period.start, end=period.end
            )
            for lot in lots:
                if lot.currency != currency:
                    skipped.append(
                        (
                            lot.ref,
                            N_("In {currency}, not in the contract's currency {expected}."),
                            {"currency": lot.currency, "expected": currency},
                        )
                    )
                    continue
                receipts.append(
                    ReceiptLine(
                        ref=lot.ref,
                        due_date=lot.due_date,
                        received_date=lot.received_date,
                        quantity=lot.quantity,
                        unit_price=lot.unit_price,
                        item=lot.item,
                    )
                )
                inspected = int(lot.accepted + lot.rejected)
                inspections.append(
                    InspectionLine(
                        ref=lot.ref,
                        inspected_on=lot.received_date,
                        inspected=inspected,
                        defective=min(int(lot.rejected), inspected),
                        lot=lot.item,
                    )
                )
    return receipts, inspections, skipped
