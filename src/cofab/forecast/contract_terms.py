"""What a partner's contracts in force say about its forecast: zone lengths and production targets.

Read from the contracts' own tables (``contracts.models``), never written. A contract counts when
it is active, names the partner as a party, and its active version is in force at the instant
asked (``effective_from <= at < effective_to``; no end while it renews automatically).

Zone lengths. The contract terms have no field for them yet, so they are agreed in a clause:
a clause whose code starts with ``FORECAST-ZONES`` (any case) and whose English text names the
numbers, e.g. "Frozen zone: 3 periods; firm zone: 6 periods." (``frozen … <n>`` and
``firm … <n>``, each optional). A ``forecast_zones`` section in the terms
(``{"frozen_periods": n, "firm_periods": m}``) is read first should the terms ever carry one.
Among several contracts in force, the most recently started one that names a length wins.
A length no contract names falls back to the publish request, then to the documented defaults
(``publication.DEFAULT_FROZEN`` / ``DEFAULT_FIRM``).

Production targets are the terms' ``production_targets`` (family, volume per week, month,
quarter or year); :func:`target_per_period` spreads one over a forecast period by calendar days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from cofab.contracts.models import Contract, ContractParty, ContractStatus, ContractVersion
from cofab.forecast import periods

ZONE_CLAUSE = "FORECAST-ZONES"
_FROZEN = re.compile(r"frozen\D{0,40}?(\d{1,3})", re.IGNORECASE)
_FIRM = re.compile(r"firm\D{0,40}?(\d{1,3})", re.IGNORECASE)


@dataclass(frozen=True)
class ContractZones:
    frozen: int | None
    firm: int | None
    contract_id: int | None


@dataclass(frozen=True)
class ContractTarget:
    contract_id: int
    family: str
    period: str  # week | month | quarter | year
    volume: Decimal


def _in_force(session: Session, partner_ids: list[int], at: datetime) -> list[Any]:
    """(partner_id, contract_id, effective_from, terms, clauses), latest start first."""
    if not partner_ids:
        return []
    return list(
        session.execute(
            select(
                ContractParty.partner_id,
                Contract.id,
                ContractVersion.effective_from,
                ContractVersion.terms,
                ContractVersion.clauses,
            )
            .join(Contract, Contract.id == ContractParty.contract_id)
            .join(ContractVersion, ContractVersion.contract_id == Contract.id)
            .where(
                ContractParty.partner_id.in_(partner_ids),
                Contract.status == ContractStatus.ACTIVE.value,
                ContractVersion.status == ContractStatus.ACTIVE.value,
                ContractVersion.effective_from <= at,
                or_(ContractVersion.effective_to > at, Contract.renews_automatically.is_(True)),
            )
            .order_by(ContractVersion.effective_from.desc(), Contract.id.desc())
        ).all()
    )


def _zones_of(terms: dict[str, Any], clauses: list[dict[str, Any]]) -> tuple[int | None, ...]:
    section = terms.get("forecast_zones") if isinstance(terms, dict) else None
    if isinstance(section, dict):
        frozen, firm = section.get("frozen_periods"), section.get("firm_periods")
        if isinstance(frozen, int) or isinstance(firm, int):
            return (
                frozen if isinstance(frozen, int) else None,
                firm if isinstance(firm, int) else None,
            )
    for clause in clauses or []:
        code = str(clause.get("code") or "").upper()
        if not code.startswith(ZONE_CLAUSE):
            continue
        text = str(clause.get("text_en") or "")
        frozen_match, firm_match = _FROZEN.search(text), _FIRM.search(text)
        return (
            int(frozen_match.group(1)) if frozen_match else None,
            int(firm_match.group(1)) if firm_match else None,
        )
    return (None, None)


def contract_zones(
    session: Session, partner_ids: list[int], at: datetime | None = None
) -> dict[int, ContractZones]:
    """Zone lengths per partner from its contracts in force; a partner without any is absent."""
    at = at or datetime.now(UTC)
    found: dict[int, ContractZones] = {}
    for partner_id, contract_id, _start, terms, clauses in _in_force(session, partner_ids, at):
        frozen, firm = _zones_of(terms or {}, clauses or [])
        if frozen is None and firm is None:
            continue
        known = found.get(partner_id)
        if known is None:
            found[partner_id] = ContractZones(frozen, firm, contract_id)
        else:  # an older contract fills only what the newer one left open
            found[partner_id] = ContractZones(
                known.frozen if known.frozen is not None else frozen,
                known.firm if known.firm is not None else firm,
                known.contract_id,
            )
    return found


def contract_targets(
    session: Session, partner_ids: list[int], at: datetime | None = None
) -> dict[int, list[ContractTarget]]:
    """Production targets per partner from its contracts in force (the newest per family)."""
    at = at or datetime.now(UTC)
    found: dict[int, dict[str, ContractTarget]] = {}
    for partner_id, contract_id, _start, terms, _clauses in _in_force(session, partner_ids, at):
        for target in (terms or {}).get("production_targets") or []:
            if not isinstance(target, dict) or not target.get("family"):
                continue
            family = str(target["family"])
            found.setdefault(partner_id, {}).setdefault(
                family,
                ContractTarget(
                    contract_id=contract_id,
                    family=family,
                    period=str(target.get("period") or "month"),
                    volume=Decimal(str(target.get("volume") or 0)),
                ),
            )
    return {p: list(by_family.values()) for p, by_family in found.items()}


def _span_days(kind: str, day: date) -> int:
    """Calendar days of the target's own period that contains ``day``."""
    if kind == "week":
        return 7
    if kind == "month":
        start = date(day.year, day.month, 1)
        return (periods.add_months(start, 1) - start).days
    if kind == "quarter":
        start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        return (periods.add_months(start, 3) - start).days
    return (date(day.year + 1, 1, 1) - date(day.year, 1, 1)).days


def target_per_period(target: ContractTarget, label: str) -> Decimal | None:
    """The target's volume for one forecast period. Same kind of period: the volume itself;
    months from a quarter or year: a third or a twelfth; otherwise by calendar days (a week of a
    monthly target of 3,100 in a 31-day month is 700)."""
    window = periods.window(label)
    if window is None:
        return None
    start, end = window
    is_month = periods.month_start(label) is not None
    if (is_month and target.period == "month") or (not is_month and target.period == "week"):
        return target.volume
    if is_month and target.period in ("quarter", "year"):
        return target.volume / (3 if target.period == "quarter" else 12)
    days = Decimal((end - start).days)
    return target.volume * days / Decimal(_span_days(target.period, start))
