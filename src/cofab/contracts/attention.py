"""Contracts that need someone's attention: review due, ending soon, or about to renew.

A contract is a living document (domain text §3.2): it is reviewed on a schedule and either
renewed, renegotiated or allowed to end. Everything here is computed from stored dates at read
time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from cofab.contracts.models import Contract, ContractStatus
from cofab.contracts.queries import add_months, current_period_end, visible_contract_ids
from cofab.core.access import Actor
from cofab.core.errors import FieldProblem, ValidationFailed
from cofab.core.i18n import N_

REASONS = {
    "review_due": N_("Review due"),
    "expiring": N_("Expires"),
    "auto_renewing": N_("Renews automatically"),
}


MAX_WINDOW_DAYS = 3650


def window_days(raw: str | None, default: int) -> int:
    """The look-ahead window from a query value: blank means the default (the dashboard's link
    and an emptied filter box send ``days=``), out-of-range values are clamped to 1–3650."""
    text = (raw or "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise ValidationFailed(
            problems=[
                FieldProblem(
                    "days",
                    N_("Within days must be a whole number from 1 to {max}."),
                    {"max": MAX_WINDOW_DAYS},
                )
            ]
        ) from None
    return max(1, min(value, MAX_WINDOW_DAYS))


@dataclass(frozen=True)
class AttentionItem:
    contract: Contract
    reason: str  # review_due | expiring | auto_renewing
    due: date  # review date, last day in force, or the non-renewal notice deadline
    days_left: int
    period_end: datetime | None = None


def attention_items(
    session: Session, *, actor: Actor, now: datetime, within_days: int = 90
) -> list[AttentionItem]:
    today = now.date()
    horizon = now + timedelta(days=within_days)
    stmt = select(Contract).where(
        Contract.status.in_(
            [
                ContractStatus.ACTIVE.value,
                ContractStatus.APPROVED.value,
                ContractStatus.PARTNER_REVIEW.value,
                ContractStatus.INTERNAL_REVIEW.value,
                ContractStatus.DRAFT.value,
            ]
        ),
        or_(
            Contract.next_review_date <= horizon.date(),
            Contract.effective_to <= horizon,
            Contract.renews_automatically.is_(True),
        ),
    )
    if actor.is_partner:
        stmt = stmt.where(
            Contract.id.in_(visible_contract_ids(actor)), Contract.shared_at.isnot(None)
        )
    items: list[AttentionItem] = []
    for contract in session.execute(stmt.order_by(Contract.id)).scalars():
        if contract.next_review_date is not None and contract.next_review_date <= horizon.date():
            items.append(
                AttentionItem(
                    contract,
                    "review_due",
                    contract.next_review_date,
                    (contract.next_review_date - today).days,
                )
            )
        if contract.status != ContractStatus.ACTIVE or contract.effective_to is None:
            continue
        if contract.renews_automatically:
            end = current_period_end(contract, now)
            assert end is not None
            deadline = end - timedelta(days=contract.renewal_notice_days)
            if deadline < now:  # too late to stop this renewal: the next deadline counts
                end = add_months(end, contract.renewal_period_months)
                deadline = end - timedelta(days=contract.renewal_notice_days)
            if deadline <= horizon:
                items.append(
                    AttentionItem(
                        contract,
                        "auto_renewing",
                        deadline.date(),
                        (deadline.date() - today).days,
                        end,
                    )
                )
        elif now < contract.effective_to <= horizon:
            last_day = (contract.effective_to - timedelta(microseconds=1)).date()
            items.append(
                AttentionItem(
                    contract, "expiring", last_day, (last_day - today).days, contract.effective_to
                )
            )
    return sorted(items, key=lambda item: (item.due, item.contract.id))
