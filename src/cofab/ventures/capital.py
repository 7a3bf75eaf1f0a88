"""Capital of a joint venture: each parent's contribution schedule, the instalments called,
and the payments against them. Committed is every instalment, called those with a call date,
outstanding what is called and not yet paid; a payment is refused (the field named, nothing
saved) before its call, in another currency, or beyond what is outstanding."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from cofab.core import audit
from cofab.core.access import Actor
from cofab.core.errors import NotFound
from cofab.core.i18n import N_
from cofab.ventures import schemas
from cofab.ventures.jv import HUNDRED, ensure_writer, get_venture, log_change, parent_of, problem
from cofab.ventures.models import CapitalCall, CapitalPayment, Venture

WRONG_CURRENCY = N_("The call is in {currency}; pay it in the same currency.")
OVERPAID = N_("Only {outstanding} {currency} of this call is outstanding.")
ALREADY_CALLED = N_("The instalment was called on {day}.")
NOT_CALLED = N_("The instalment has not been called yet; call it before recording payments.")


def add_call(
    session: Session, *, actor: Actor, venture_id: int, data: schemas.CapitalCallIn
) -> CapitalCall:
    venture = get_venture(session, actor=actor, venture_id=venture_id)
    ensure_writer(actor)
    parent_of(venture, data.parent_id)
    call = CapitalCall(venture_id=venture.id, **data.model_dump())
    session.add(call)
    session.flush()
    log_change(
        session,
        actor,
        action="create",
        entity="venture_capital_call",
        entity_id=call.id,
        venture=venture,
        after=audit.snapshot(call),
    )
    return call


def call_instalment(
    session: Session, *, actor: Actor, venture_id: int, call_id: int, data: schemas.CallNoticeIn
) -> CapitalCall:
    """Call a scheduled instalment: from ``called_on`` it is owed and counts as called."""
    venture = get_venture(session, actor=actor, venture_id=venture_id)
    call = _call(session, venture, call_id)
    ensure_writer(actor)
    if call.called_on is not None:
        raise problem("called_on", ALREADY_CALLED, day=call.called_on.isoformat())
    before = audit.snapshot(call)
    call.called_on = data.called_on
    session.flush()
    log_change(
        session,
        actor,
        action="update",
        entity="venture_capital_call",
        entity_id=call.id,
        venture=venture,
        before=before,
        after=audit.snapshot(call),
    )
    return call


def _call(session: Session, venture: Venture, call_id: int) -> CapitalCall:
    call = session.get(CapitalCall, call_id)
    if call is None or call.venture_id != venture.id:
        raise NotFound()
    return call


def paid_on_call(call: CapitalCall) -> Decimal:
    return sum((p.amount for p in call.payments), Decimal(0))


def get_call(session: Session, *, actor: Actor, venture_id: int, call_id: int) -> CapitalCall:
    return _call(session, get_venture(session, actor=actor, venture_id=venture_id), call_id)


def record_payment(
    session: Session, *, actor: Actor, venture_id: int, call_id: int, data: schemas.PaymentIn
) -> CapitalPayment:
    venture = get_venture(session, actor=actor, venture_id=venture_id)
    call = _call(session, venture, call_id)
    ensure_writer(actor)
    if call.called_on is None:
        raise problem("paid_on", NOT_CALLED)
    if data.currency != call.currency:
        raise problem("currency", WRONG_CURRENCY, currency=call.currency)
    outstanding = call.amount - paid_on_call(call)
    if data.amount > outstanding:
        raise problem("amount", OVERPAID, outstanding=f"{outstanding:,.2f}", currency=call.currency)
    payment = CapitalPayment(call_id=call.id, **data.model_dump())
    call.payments.append(payment)
    session.flush()
    log_change(
        session,
        actor,
        action="capital_payment",
        entity="venture_capital_call",
        entity_id=call.id,
        venture=venture,
        after=audit.snapshot(payment),
    )
    return payment


def calls(session: Session, venture: Venture) -> list[CapitalCall]:
    stmt = (
        select(CapitalCall)
        .where(CapitalCall.venture_id == venture.id)
        .options(selectinload(CapitalCall.payments))
        .order_by(CapitalCall.due_on, CapitalCall.id)
    )
    return list(session.execute(stmt).scalars())


@dataclass(frozen=True)
class CapitalPosition:
    parent_id: int
    committed: Decimal
    called: Decimal
    paid: Decimal

    @property
    def outstanding(self) -> Decimal:
        return self.called - self.paid

    @property
    def paid_pct(self) -> Decimal:
        return (
            (self.paid * HUNDRED / self.called).quantize(Decimal("0.1"))
            if self.called
            else (Decimal(0))
        )


def capital_positions(venture: Venture, all_calls: list[CapitalCall]) -> list[CapitalPosition]:
    """Per parent: committed (every instalment), called (instalments called), paid, and
    outstanding = called − paid. Amounts in the venture's currency are summed as they stand;
    the schedule keeps one currency per venture in practice (each call names its own)."""
    out = []
    for parent in venture.parents:
        own = [c for c in all_calls if c.parent_id == parent.id]
        committed = sum((c.amount for c in own), Decimal(0))
        called = sum((c.amount for c in own if c.called_on is not None), Decimal(0))
        paid = sum((paid_on_call(c) for c in own), Decimal(0))
        out.append(CapitalPosition(parent.id, committed, called, paid))
    return out
