"""Is partner P covered by an agreement in force at instant T? — asked by the document vault.

These are system questions, not a user's listing: they take an explicit ``partner_id`` (the
vault has already decided whose access it is checking) and never write. The answer is computed
from the stored dates at call time, so access ends at the exact second a contract expires or is
terminated, with no job running at that moment.

A version covers the half-open window ``[effective_from, end)``:
- a superseded version ends where its amendment starts (or at its own end, if earlier);
- the governing version ends at the contract's end date, or never while it renews
  automatically without a non-renewal notice;
- a termination at instant X ends every window at X.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from cofab.contracts.models import Contract, ContractParty, ContractStatus, ContractVersion
from cofab.contracts.queries import IN_FORCE_STATES, add_months


@dataclass(frozen=True)
class AgreementWindow:
    """One contract's coverage of one partner: from its first version in force to its end."""

    contract_id: int
    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime | None  # None: renews automatically, no end yet
    end_reason: str | None  # "expired" | "terminated" | None while in force or not yet ended
    confidentiality_survival_months: int

    @property
    def confidentiality_until(self) -> datetime | None:
        """Until when the partner remains bound to secrecy after the end (survival clause)."""
        if self.ends_at is None:
            return None
        return add_months(self.ends_at, self.confidentiality_survival_months)


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _rows(
    session: Session, partner_id: int, kinds: Iterable[str] | None
) -> list[tuple[Contract, ContractVersion]]:
    stmt = (
        select(Contract, ContractVersion)
        .join(ContractParty, ContractParty.contract_id == Contract.id)
        .join(ContractVersion, ContractVersion.contract_id == Contract.id)
        .where(
            ContractParty.partner_id == partner_id,
            Contract.status.in_([ContractStatus.ACTIVE.value, ContractStatus.TERMINATED.value]),
            ContractVersion.status.in_([s.value for s in IN_FORCE_STATES]),
        )
        .order_by(Contract.id, ContractVersion.number)
        # the windows need no parties: their selectin load was most of a vault list's cost
        .options(lazyload(Contract.parties))
    )
    if kinds is not None:
        stmt = stmt.where(Contract.kind.in_([str(k) for k in kinds]))
    return [(row[0], row[1]) for row in session.execute(stmt)]


def _version_window(
    contract: Contract, version: ContractVersion
) -> tuple[datetime, datetime | None]:
    end: datetime | None = version.effective_to
    if version.status != ContractStatus.SUPERSEDED and contract.renews_automatically:
        end = None
    if contract.terminated_at is not None:
        end = contract.terminated_at if end is None else min(end, contract.terminated_at)
    return version.effective_from, end


def partner_has_active_agreement(
    session: Session,
    *,
    partner_id: int,
    at: datetime,
    kinds: Iterable[str] | None = None,
) -> bool:
    """True when a contract (of one of ``kinds``, default any kind) that names the partner as
    a party was in force at instant ``at``: ``effective_from <= at < end``."""
    at = _utc(at)
    for contract, version in _rows(session, partner_id, kinds):
        start, end = _version_window(contract, version)
        if start <= at and (end is None or at < end):
            return True
    return False


def agreement_windows(
    session: Session, *, partner_id: int, kinds: Iterable[str] | None = None
) -> list[AgreementWindow]:
    """Every contract that was ever in force for the partner, with its overall window."""
    by_contract: dict[int, tuple[Contract, list[ContractVersion]]] = {}
    for contract, version in _rows(session, partner_id, kinds):
        by_contract.setdefault(contract.id, (contract, []))[1].append(version)
    windows: list[AgreementWindow] = []
    for contract, versions in by_contract.values():
        spans = [_version_window(contract, v) for v in versions]
        start = min(s for s, _e in spans)
        ends = [e for _s, e in spans]
        end = None if any(e is None for e in ends) else max(e for e in ends if e is not None)
        governing = versions[-1]
        survival = int(governing.terms.get("confidentiality", {}).get("survival_months", 0))
        windows.append(
            AgreementWindow(
                contract_id=contract.id,
                kind=contract.kind,
                title=contract.title,
                starts_at=start,
                ends_at=end,
                end_reason=None,
                confidentiality_survival_months=survival,
            )
        )
    return windows


def active_agreements_for_partner(
    session: Session,
    *,
    partner_id: int,
    at: datetime,
    kinds: Iterable[str] | None = None,
) -> list[AgreementWindow]:
    """The agreements that cover the partner at ``at`` (for showing *why* access is allowed)."""
    at = _utc(at)
    covering = {
        contract.id
        for contract, version in _rows(session, partner_id, kinds)
        if (w := _version_window(contract, version))[0] <= at and (w[1] is None or at < w[1])
    }
    return [
        w
        for w in agreement_windows(session, partner_id=partner_id, kinds=kinds)
        if w.contract_id in covering
    ]


def agreements_ended_for_partner(
    session: Session,
    *,
    partner_id: int,
    at: datetime,
    kinds: Iterable[str] | None = None,
) -> list[AgreementWindow]:
    """Agreements with the partner whose coverage had ended by ``at`` (expired or terminated),
    newest end first — the input of the vault's exit report."""
    at = _utc(at)
    ended: list[AgreementWindow] = []
    terminated = {
        contract.id: contract.terminated_at
        for contract, _v in _rows(session, partner_id, kinds)
        if contract.terminated_at is not None
    }
    for window in agreement_windows(session, partner_id=partner_id, kinds=kinds):
        if window.ends_at is None or window.ends_at > at:
            continue
        stopped = terminated.get(window.contract_id)
        reason = "terminated" if stopped is not None and stopped <= window.ends_at else "expired"
        ended.append(
            AgreementWindow(
                contract_id=window.contract_id,
                kind=window.kind,
                title=window.title,
                starts_at=window.starts_at,
                ends_at=window.ends_at,
                end_reason=reason,
                confidentiality_survival_months=window.confidentiality_survival_months,
            )
        )
    return sorted(ended, key=lambda w: w.ends_at or at, reverse=True)
