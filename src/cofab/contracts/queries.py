"""Finding contracts the actor may see, and the read-time facts derived from their dates.

Visibility: owner staff see every contract; a partner user sees a contract only when its company
is a party AND the contract has been sent for partner review at least once (internal drafts stay
internal). Anything else answers 404, exactly like another partner's row.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from cofab.contracts.models import (
    Contract,
    ContractParty,
    ContractStatus,
    ContractVersion,
)
from cofab.core.access import Actor, ensure_partner_visible, scope_to_partner
from cofab.core.errors import NotFound
from cofab.core.search_text import LIKE_ESCAPE, contains_pattern
from cofab.partners.models import Partner

OPEN_STATES = frozenset(
    {
        ContractStatus.DRAFT,
        ContractStatus.INTERNAL_REVIEW,
        ContractStatus.PARTNER_REVIEW,
        ContractStatus.APPROVED,
    }
)
IN_FORCE_STATES = frozenset(
    {ContractStatus.ACTIVE, ContractStatus.SUPERSEDED, ContractStatus.TERMINATED}
)


@dataclass(frozen=True)
class ContractFilters:
    q: str | None = None
    kind: str | None = None
    status: str | None = None
    partner_id: int | None = None


def add_months(moment: datetime, months: int) -> datetime:
    """Calendar months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def current_period_end(contract: Contract, now: datetime) -> datetime | None:
    """For an auto-renewing contract, the end of the renewal period that contains ``now``."""
    end = contract.effective_to
    if end is None or not contract.renews_automatically:
        return end
    rolls = 0
    while end <= now and rolls < 1200:
        rolls += 1
        end = add_months(contract.effective_to, contract.renewal_period_months * rolls)  # type: ignore[arg-type]
    return end


def effective_status(contract: Contract, now: datetime) -> str:
    """``expired`` is derived here, never stored: no job has to run at the moment of expiry."""
    if (
        contract.status == ContractStatus.ACTIVE
        and not contract.renews_automatically
        and contract.effective_to is not None
        and now >= contract.effective_to
    ):
        return ContractStatus.EXPIRED.value
    return contract.status


def visible_contract_ids(actor: Actor) -> Select[Any]:
    """Contracts the actor's company is a party to (for owner staff: every party row)."""
    return scope_to_partner(select(ContractParty.contract_id), actor, ContractParty.partner_id)


def contract_query(actor: Actor, filters: ContractFilters, now: datetime) -> Select[Any]:
    stmt = select(Contract)
    if actor.is_partner:
        stmt = stmt.where(
            Contract.id.in_(visible_contract_ids(actor)), Contract.shared_at.isnot(None)
        )
    if filters.q:
        like = contains_pattern(filters.q, lower=True)
        names = (
            select(ContractParty.contract_id)
            .join(Partner, Partner.id == ContractParty.partner_id)
            .where(
                or_(
                    func.lower(Partner.name_en).like(like, escape=LIKE_ESCAPE),
                    func.lower(Partner.name_ko).like(like, escape=LIKE_ESCAPE),
                )
            )
        )
        if actor.is_partner:
            names = names.where(ContractParty.partner_id == actor.partner_id)
        stmt = stmt.where(
            or_(
                func.lower(Contract.title).like(like, escape=LIKE_ESCAPE),
                func.lower(func.coalesce(Contract.external_ref, "")).like(like, escape=LIKE_ESCAPE),
                Contract.id.in_(names),
            )
        )
    if filters.kind:
        stmt = stmt.where(Contract.kind == filters.kind)
    if filters.partner_id is not None:
        ensure_partner_visible(actor, filters.partner_id)
        stmt = stmt.where(
            Contract.id.in_(
                select(ContractParty.contract_id).where(
                    ContractParty.partner_id == filters.partner_id
                )
            )
        )
    if filters.status == ContractStatus.EXPIRED:
        stmt = stmt.where(
            Contract.status == ContractStatus.ACTIVE.value,
            Contract.renews_automatically.is_(False),
            Contract.effective_to <= now,
        )
    elif filters.status == ContractStatus.ACTIVE:
        stmt = stmt.where(
            Contract.status == ContractStatus.ACTIVE.value,
            or_(Contract.renews_automatically.is_(True), Contract.effective_to > now),
        )
    elif filters.status:
        stmt = stmt.where(Contract.status == filters.status)
    return stmt.order_by(Contract.effective_to.is_(None), Contract.effective_to, Contract.id)


def get_contract(session: Session, *, actor: Actor, contract_id: int) -> Contract:
    contract = session.get(Contract, contract_id)
    if contract is None:
        raise NotFound()
    if actor.is_partner:
        party_ids = {p.partner_id for p in contract.parties}
        if actor.partner_id not in party_ids or contract.shared_at is None:
            raise NotFound()
        ensure_partner_visible(actor, actor.partner_id)
    return contract


def party_partner_ids(contract: Contract) -> list[int]:
    return [p.partner_id for p in contract.parties]


def party_names(session: Session, contract: Contract) -> list[Partner]:
    ids = party_partner_ids(contract)
    rows = session.execute(select(Partner).where(Partner.id.in_(ids))).scalars().all()
    by_id = {p.id: p for p in rows}
    return [by_id[i] for i in ids if i in by_id]


def versions_of(session: Session, *, actor: Actor, contract: Contract) -> list[ContractVersion]:
    """Every version, oldest first; a partner user sees only versions sent to partners."""
    stmt = (
        select(ContractVersion)
        .where(ContractVersion.contract_id == contract.id)
        .order_by(ContractVersion.number)
    )
    if actor.is_partner:
        stmt = stmt.where(ContractVersion.shared_at.isnot(None))
    return list(session.execute(stmt).scalars())


def get_version(
    session: Session, *, actor: Actor, contract: Contract, number: int
) -> ContractVersion:
    for version in versions_of(session, actor=actor, contract=contract):
        if version.number == number:
            return version
    raise NotFound()


def open_version(session: Session, contract: Contract) -> ContractVersion | None:
    """The version still being negotiated (draft … approved), if any."""
    return session.execute(
        select(ContractVersion)
        .where(
            ContractVersion.contract_id == contract.id,
            ContractVersion.status.in_([s.value for s in OPEN_STATES]),
        )
        .order_by(ContractVersion.number.desc())
        .limit(1)
    ).scalar_one_or_none()


def governing_version(session: Session, contract: Contract) -> ContractVersion | None:
    """The latest version that was put in force (active or terminated), if any."""
    return session.execute(
        select(ContractVersion)
        .where(
            ContractVersion.contract_id == contract.id,
            ContractVersion.status.in_(
                [ContractStatus.ACTIVE.value, ContractStatus.TERMINATED.value]
            ),
        )
        .order_by(ContractVersion.number.desc())
        .limit(1)
    ).scalar_one_or_none()


def latest_version(session: Session, contract: Contract) -> ContractVersion:
    version = session.execute(
        select(ContractVersion)
        .where(ContractVersion.contract_id == contract.id)
        .order_by(ContractVersion.number.desc())
        .limit(1)
    ).scalar_one_or_none()
    if version is None:  # pragma: no cover - a contract is always created with version 1
        raise NotFound()
    return version


def days_until(moment: datetime | None, now: datetime) -> int | None:
    if moment is None:
        return None
    return (moment - now) // timedelta(days=1)
