"""Six months of operations for the demo's active partners: orders with acknowledgements and a
few counter-proposals, production progress, ASNs and receipts (some late, some partly rejected,
landed costs around contract price), weekly inventory, support tickets, scorecards for the past
quarters and the case's performance reviews, each with an overdue action item.

What is ordered, what gets rejected and what the tickets and reviews say comes from the case's
story (``cofab.demo.stories``): only partners that make something receive orders, and a Korean
partner's texts are in Korean.

Everything goes through the operations services (rules, audit, change counters); only the
timestamps a real history would have — when a line was answered, when a ticket was opened —
are set afterwards. Random but seeded per partner, so every load looks the same.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core.access import SYSTEM_ACTOR
from cofab.demo.stories import STORIES, CaseStory, Lang, Product, ReviewStory, language_of
from cofab.operations import (
    inventory,
    orders,
    progress,
    schemas,
    shipments,
    tickets,
)
from cofab.operations.models import Order, OrderLine, ShipmentLine
from cofab.partners.models import Partner, Site
from cofab.performance import reviews, scorecards
from cofab.performance import schemas as performance_schemas

CURRENCY = {"KR": "KRW", "JP": "JPY", "SE": "EUR", "PL": "EUR", "DE": "EUR", "CH": "CHF"}
PRICE_SCALE = {"KRW": 1350.0, "JPY": 150.0, "EUR": 0.92, "CHF": 0.88, "USD": 1.0}
# (share of late deliveries, days late range, reject rate, cost overrun, response hours)
PROFILES = (
    (0.04, (1, 4), 0.002, 0.00, (1, 6)),
    (0.12, (2, 8), 0.008, 0.03, (3, 24)),
    (0.30, (3, 15), 0.030, 0.08, (12, 90)),
)
MONTHS = 6


def load(session: Session, case_name: str, refs: dict[str, int], today: date) -> None:
    """Add operations history for the case's active partners; skip if already there."""
    prefix = f"DEMO-{case_name[:3].upper()}"
    if session.execute(select(Order.id).where(Order.external_ref.like(f"{prefix}-%"))).first():
        return
    story = STORIES[case_name]
    short = {partner_id: ref.removeprefix("DEMO-") for ref, partner_id in refs.items()}
    active = {
        short[p.id]: p
        for p in session.execute(
            select(Partner).where(Partner.id.in_(list(refs.values()))).order_by(Partner.id)
        ).scalars()
        if p.status == "active"
    }
    start = today - timedelta(days=30 * MONTHS)
    makers = [ref for ref in story.makes if ref in active]
    for index, ref in enumerate(makers):
        products = story.makes[ref]
        _partner_history(session, story, products, prefix, index, active[ref], today)
    for index, (ref, subjects) in enumerate(story.tickets.items()):
        if ref in active:
            rng = random.Random(f"{prefix}-{ref}-tickets")
            response = PROFILES[index % len(PROFILES)][4]
            _tickets(session, rng, story, active[ref], subjects, start, today, response)
    _scorecards(session, [active[ref].id for ref in makers], today)
    for review in story.reviews:
        if review.partner in active:
            _review(session, review, active[review.partner], today)


def _at(day: date, hour: float) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC) + timedelta(hours=hour)


def _quantity(rng: random.Random, product: Product, number: int) -> Decimal:
    """A ramping product's orders grow from a third of the normal size to twice it."""
    quantity = rng.choice(product.quantities)
    if product.ramp:
        quantity = max(1, round(quantity * min(2.0, 0.35 + 0.3 * number)))
    return Decimal(quantity)


def _partner_history(
    session: Session,
    story: CaseStory,
    products: tuple[Product, ...],
    prefix: str,
    index: int,
    partner: Partner,
    today: date,
) -> None:
    rng = random.Random(f"{prefix}-{partner.external_ref}")
    lang = language_of(partner.country)
    late_share, late_days, reject_rate, overrun, _response = PROFILES[index % len(PROFILES)]
    currency = CURRENCY.get(partner.country, "USD")
    sites = list(
        session.execute(
            select(Site).where(Site.partner_id == partner.id).order_by(Site.id)
        ).scalars()
    )
    start = today - timedelta(days=30 * MONTHS)
    order_day = start
    number = 0
    while order_day <= today - timedelta(days=2):
        number += 1
        site = sites[number % len(sites)] if sites else None
        picks = rng.sample(products, k=min(2, len(products)))
        lines = [
            schemas.OrderLineIn(
                product=product.name,
                product_family=product.family,
                quantity=_quantity(rng, product, number),
                unit_price=Decimal(str(round(product.usd * PRICE_SCALE[currency], 2))),
                requested_date=order_day + timedelta(days=rng.randint(21, 45)),
            )
            for product in picks
        ]
        order, _created = orders.create_order(
            session,
            actor=SYSTEM_ACTOR,
            data=schemas.OrderCreate(
                partner_id=partner.id,
                site_id=site.id if site else None,
                external_ref=f"{prefix}-{partner.id:03d}-{number:03d}",
                order_date=order_day,
                currency=currency,
                incoterm=rng.choice(("FCA", "FOB", "DAP", "CIF")),
                incoterm_place=site.name if site else None,
                lines=lines,
            ),
        )
        for line in orders.lines_of(session, order.id):
            _line_history(
                session,
                rng,
                line,
                order_day,
                today,
                prefix,
                (late_share, late_days, reject_rate, overrun),
                story,
                lang,
            )
        order_day += timedelta(days=rng.randint(21, 35))
    _stock(session, rng, sites, products, today)


def _line_history(
    session: Session,
    rng: random.Random,
    line: OrderLine,
    order_day: date,
    today: date,
    prefix: str,
    profile: tuple[float, tuple[int, int], float, float],
    story: CaseStory,
    lang: Lang,
) -> None:
    late_share, late_days, reject_rate, overrun = profile
    line.created_at = _at(order_day, 9)
    if order_day > today - timedelta(days=3) and rng.random() < 0.6:
        return  # fresh order, not answered yet
    answered = _at(order_day, 9 + rng.uniform(2, 60))
    if rng.random() < 0.12:
        proposed = line.requested_date + timedelta(days=rng.randint(3, 10))
        orders.acknowledge(
            session,
            actor=SYSTEM_ACTOR,
            line_id=line.id,
            data=schemas.AckAction(
                action="propose",
                proposed_date=proposed,
                reason=story.proposal_reason[lang],
            ),
        )
        orders.decide_proposal(
            session,
            actor=SYSTEM_ACTOR,
            line_id=line.id,
            data=schemas.ProposalDecision(decision="accept"),
        )
    else:
        orders.acknowledge(
            session, actor=SYSTEM_ACTOR, line_id=line.id, data=schemas.AckAction(action="accept")
        )
    line.acknowledged_at = answered
    promised = line.promised_date
    qty = float(line.promised_qty)
    late = rng.random() < late_share
    arrival = promised + timedelta(days=rng.randint(*late_days) if late else -rng.randint(0, 3))
    if arrival > today - timedelta(days=1):
        _progress(session, rng, line, order_day, today, qty)
        return
    ship_day = max(order_day + timedelta(days=1), arrival - timedelta(days=rng.randint(2, 6)))
    shipment, _outcome = shipments.post_shipment(
        session,
        actor=SYSTEM_ACTOR,
        data=schemas.ShipmentCreate(
            external_ref=f"ASN-{prefix}-{line.id}",
            ship_date=ship_day,
            eta=arrival,
            carrier=rng.choice(story.carriers),
            tracking=f"TRK{rng.randint(10**7, 10**8 - 1)}",
            lines=[schemas.ShipmentLineIn(line_id=line.id, quantity=Decimal(str(qty)))],
        ),
    )
    shipment_line = session.execute(
        select(ShipmentLine).where(ShipmentLine.shipment_id == shipment.id)
    ).scalar_one()
    split = rng.random() < 0.08 and qty >= 10  # a batch of one arrives whole
    parts = [round(qty * 0.6), qty - round(qty * 0.6)] if split else [qty]
    for offset, part in enumerate(parts):
        rejected = 0.0
        if rng.random() < reject_rate * 20:
            rejected = float(min(part, max(1, round(part * reject_rate * rng.uniform(0.5, 2.5)))))
        price = float(line.unit_price)
        shipments.post_receipts(
            session,
            actor=SYSTEM_ACTOR,
            shipment_id=shipment.id,
            data=schemas.ReceiptCreate(
                received_date=min(today, arrival + timedelta(days=offset * rng.randint(0, 2))),
                lines=[
                    schemas.ReceiptLineIn(
                        shipment_line_id=shipment_line.id,
                        accepted_qty=Decimal(str(part - rejected)),
                        rejected_qty=Decimal(str(rejected)),
                        reject_reason=rng.choice(story.reject_reasons[lang]) if rejected else None,
                        landed_unit_cost=Decimal(
                            str(round(price * (1 + overrun + rng.uniform(-0.02, 0.04)), 4))
                        ),
                        currency=line.currency,
                    )
                ],
            ),
        )


def _progress(
    session: Session, rng: random.Random, line: OrderLine, order_day: date, today: date, qty: float
) -> None:
    """Lines still in the works: report how far production got."""
    reached = rng.randint(1, 4)
    moment = _at(order_day, 24 * rng.randint(2, 5))
    for stage in ("materials_ready", "in_production", "quality_check", "packed")[:reached]:
        moment = min(moment + timedelta(hours=rng.randint(20, 90)), _at(today, 0))
        share = 1.0 if stage == "materials_ready" else rng.uniform(0.3, 1.0)
        progress.post_progress(
            session,
            actor=SYSTEM_ACTOR,
            line_id=line.id,
            data=schemas.ProgressIn.model_validate(
                {"stage": stage, "quantity": Decimal(str(round(qty * share))), "at": moment}
            ),
        )


def _stock(
    session: Session,
    rng: random.Random,
    sites: list[Site],
    products: tuple[Product, ...],
    today: date,
) -> None:
    latest = datetime.now(UTC) - timedelta(minutes=5)
    for site in sites[:1]:
        for product in products[:2]:
            level = rng.randint(800, 4000)
            for week in range(4, -1, -1):
                level = max(0, level + rng.randint(-600, 500))
                inventory.post_snapshot(
                    session,
                    actor=SYSTEM_ACTOR,
                    data=schemas.InventorySnapshotIn(
                        site_id=site.id,
                        item=product.name,
                        at=min(_at(today - timedelta(days=7 * week), 6), latest),
                        on_hand=Decimal(level),
                        reserved=Decimal(min(level, rng.randint(0, 400))),
                        in_transit=Decimal(rng.choice((0, 0, 300, 600))),
                    ),
                )


def _tickets(
    session: Session,
    rng: random.Random,
    story: CaseStory,
    partner: Partner,
    subjects: tuple[str, ...],
    start: date,
    today: date,
    response: tuple[int, int],
) -> None:
    first_note, done_note = story.ticket_answer[language_of(partner.country)]
    day = start + timedelta(days=rng.randint(3, 15))
    number = 0
    while day < today:
        ticket, _created = tickets.open_ticket(
            session,
            actor=SYSTEM_ACTOR,
            data=schemas.SupportTicketCreate(
                partner_id=partner.id,
                subject=subjects[number % len(subjects)],
                priority=rng.choice(("normal", "normal", "high", "urgent")),
            ),
        )
        number += 1
        opened = _at(day, rng.uniform(7, 17))
        ticket.opened_at = opened
        first = opened + timedelta(hours=rng.uniform(*response))
        if first < _at(today, 0):
            ticket.first_response_at = first
            ticket.response_note = first_note
            done = first + timedelta(hours=rng.uniform(4, 120))
            if done < _at(today, 0) and rng.random() < 0.85:
                ticket.resolved_at = done
                ticket.resolution_note = done_note
        day += timedelta(days=rng.randint(18, 36))
    session.flush()


def _scorecards(session: Session, partner_ids: list[int], today: date) -> None:
    """Score only this case's partners: another case's partners belong to another unit."""
    template = scorecards.default_template(session)
    this_quarter, _end = scorecards.period_bounds(template.period, today)
    last_quarter, _ = scorecards.period_bounds(template.period, this_quarter - timedelta(days=1))
    earlier, _ = scorecards.period_bounds(template.period, last_quarter - timedelta(days=1))
    for start in (earlier, last_quarter, this_quarter):
        for partner_id in partner_ids:
            scorecards.compute_scorecards(
                session, actor=SYSTEM_ACTOR, period_start=start, partner_id=partner_id
            )


def _review(session: Session, story: ReviewStory, partner: Partner, today: date) -> None:
    start, end = scorecards.period_bounds("quarter", today)
    start, end = scorecards.period_bounds("quarter", start - timedelta(days=1))
    quarter = f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    review = reviews.create_review(
        session,
        actor=SYSTEM_ACTOR,
        data=performance_schemas.ReviewCreate(
            partner_id=partner.id,
            title=story.title.format(quarter=quarter),
            held_on=min(today, end + timedelta(days=10)),
            period_start=start,
            period_end=end,
            tolerance_days=2,
        ),
    )
    for text in story.decisions:
        reviews.add_decision(session, actor=SYSTEM_ACTOR, review_id=review.id, text=text)
    for action in story.actions:
        reviews.add_action_item(
            session,
            actor=SYSTEM_ACTOR,
            review_id=review.id,
            data=performance_schemas.ActionItemIn(
                title=action.title,
                owner_side=action.side,
                due_date=today + timedelta(days=action.due_in_days),
            ),
        )
