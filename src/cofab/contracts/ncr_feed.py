"""The cost of poor quality of the NCRs quality raised against a contract's partners in a period,
as penalty inputs (``penalties.NcrCost``).

Read from ``quality.models`` (the public tables), not through ``quality.service``: quality reads
the agreement's AQL through ``contracts.service``, so the service import would close a loop.
An NCR's cost is the sum of its cost fields (scrap, rework, sorting, freight, line stop); an NCR
raised in another currency than the contract's is listed as not charged rather than converted.
The NCR's day is its creation day in UTC; only the owner runs penalties, and the unit scope of
the session keeps another business unit's NCRs out.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.contracts.models import Contract
from cofab.contracts.penalties import NcrCost, Period
from cofab.contracts.queries import party_partner_ids
from cofab.core.i18n import N_
from cofab.partners.models import Partner
from cofab.quality.models import NonConformance

COST_COLUMNS = ("cost_scrap", "cost_rework", "cost_sorting", "cost_freight", "cost_line_stop")
Skipped = list[tuple[str, str, dict[str, Any]]]


def ncr_costs_of(
    session: Session, *, contract: Contract, period: Period, currency: str
) -> tuple[list[NcrCost], Skipped]:
    partner_ids = list(party_partner_ids(contract))
    if not partner_ids:
        return [], []
    lo = datetime.combine(period.start, time.min, tzinfo=UTC)
    hi = datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=UTC)
    names: dict[int, str] = {
        pid: name
        for pid, name in session.execute(
            select(Partner.id, Partner.name_en).where(Partner.id.in_(partner_ids))
        )
    }
    rows = session.execute(
        select(NonConformance)
        .where(
            NonConformance.partner_id.in_(partner_ids),
            NonConformance.created_at >= lo,
            NonConformance.created_at < hi,
        )
        .order_by(NonConformance.created_at, NonConformance.id)
    ).scalars()
    costs: list[NcrCost] = []
    skipped: Skipped = []
    for ncr in rows:
        amount = sum((Decimal(getattr(ncr, c) or 0) for c in COST_COLUMNS), Decimal(0))
        ref = f"NCR-{ncr.id}"
        if amount <= 0:
            continue
        if ncr.currency != currency:
            skipped.append(
                (
                    ref,
                    N_("In {currency}, not in the contract's currency {expected}."),
                    {"currency": ncr.currency, "expected": currency},
                )
            )
            continue
        costs.append(
            NcrCost(
                ref=ref,
                raised_on=ncr.created_at.astimezone(UTC).date(),
                amount=amount,
                partner=names.get(ncr.partner_id, ""),
            )
        )
    return costs, skipped
