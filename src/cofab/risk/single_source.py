"""Single-source product families: a family that only one active partner supplies today.

"Supplies" is read from three places, each named in the result so a reader sees why: order
lines placed in the last ``ORDER_WINDOW_DAYS`` days, forecast lines of a publication whose period
has not ended, and the production targets of a contract version in force. A family with two
active suppliers is not single-source even if one of them has no order yet (a forecast or a
contract is already a commitment). The qualified-but-unused alternatives are the other active
or approved partners with a site capability that lists the family (the registry's word, the
same one the planner reads), and the spend is last year's received quantity × order price, in
the currency most received (others converted at the owner's exchange rates), so the list can be
sorted by what is at stake.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cofab.contracts.models import Contract, ContractVersion
from cofab.core.access import Actor
from cofab.core.i18n import N_
from cofab.core.labels import register_labels
from cofab.forecast.models import ForecastLine
from cofab.operations.models import OrderLine, Receipt
from cofab.partners.models import Capability, Partner, PartnerStatus, Site
from cofab.planning import service as planning_service
from cofab.risk import register
from cofab.risk.spend import most_received_currency

ORDER_WINDOW_DAYS = 365
SUPPLYING = (PartnerStatus.ACTIVE.value,)
QUALIFIED = (PartnerStatus.ACTIVE.value, PartnerStatus.APPROVED.value)

register_labels(
    {
        "risk_seen_orders": N_("Orders"),
        "risk_seen_forecast": N_("Forecast"),
        "risk_seen_contract": N_("Contract"),
    }
)


@dataclass(frozen=True, slots=True)
class Alternate:
    partner_id: int
    partner_name: str
    site_id: int
    site_name: str


@dataclass(frozen=True, slots=True)
class SingleSource:
    family: str
    partner_id: int
    partner_name: str
    evidence: tuple[str, ...]  # "orders", "forecast", "contract" — where the supply was seen
    spend: float
    currency: str | None
    alternates: tuple[Alternate, ...]


def _suppliers(session: Session, today: date) -> dict[str, dict[int, set[str]]]:
    """family → active partner → the kinds of evidence that it supplies the family."""
    seen: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    active = select(Partner.id).where(Partner.status.in_(SUPPLYING))
    since = today - timedelta(days=ORDER_WINDOW_DAYS)
    for family, partner_id in session.execute(
        select(OrderLine.product_family, OrderLine.partner_id)
        .where(
            OrderLine.product_family.is_not(None),
            OrderLine.order_date >= since,
            OrderLine.partner_id.in_(active),
        )
        .distinct()
    ):
        seen[str(family)][int(partner_id)].add("orders")
    for family, partner_id in session.execute(
        select(ForecastLine.family, ForecastLine.partner_id)
        .where(ForecastLine.period_end > today, ForecastLine.partner_id.in_(active))
        .distinct()
    ):
        seen[str(family)][int(partner_id)].add("forecast")
    now = datetime.combine(today, time.min, tzinfo=UTC)
    versions = session.execute(
        select(ContractVersion.partner_id, ContractVersion.terms)
        .join(Contract, Contract.id == ContractVersion.contract_id)
        .where(
            ContractVersion.status == "active",
            ContractVersion.effective_from <= now,
            ContractVersion.effective_to > now,
            Contract.status == "active",
            ContractVersion.partner_id.in_(active),
        )
    )
    for partner_id, terms in versions:
        for target in (terms or {}).get("production_targets") or []:
            if isinstance(target, dict) and target.get("family"):
                seen[str(target["family"])][int(partner_id)].add("contract")
    return seen


def _spend(
    session: Session, families: list[str], today: date
) -> tuple[dict[str, float], str | None]:
    """Received spend per family in the currency most received; other currencies converted
    at the owner's exchange rates (``planning.service.convert``), one without a rate not
    counted."""
    since = today - timedelta(days=ORDER_WINDOW_DAYS)
    joined = (
        select()
        .select_from(Receipt)
        .join(OrderLine, OrderLine.id == Receipt.line_id)
        .where(OrderLine.product_family.in_(families), Receipt.received_date >= since)
    )
    currency = most_received_currency(session, joined)
    if currency is None:
        return {}, None
    rows = session.execute(
        joined.add_columns(
            OrderLine.product_family,
            OrderLine.currency,
            func.sum(Receipt.received_qty * OrderLine.unit_price),
        ).group_by(OrderLine.product_family, OrderLine.currency)
    )
    usd, target = planning_service.usd_values(session), currency.upper()
    amounts: dict[str, float] = defaultdict(float)
    for family, cur, value in rows:
        converted = planning_service.convert(float(value or 0), str(cur or ""), target, usd)
        if converted is not None:
            amounts[str(family)] += converted
    return dict(amounts), currency


def _alternates(session: Session, families: list[str]) -> dict[str, list[Alternate]]:
    found: dict[str, list[Alternate]] = defaultdict(list)
    rows = session.execute(
        select(Capability.product_families, Partner.id, Partner.name_en, Site.id, Site.name)
        .join(Site, Site.id == Capability.site_id)
        .join(Partner, Partner.id == Capability.partner_id)
        .where(Partner.status.in_(QUALIFIED))
        .order_by(Partner.name_en, Site.name, Capability.id)
    )
    wanted = set(families)
    for fams, partner_id, partner_name, site_id, site_name in rows:
        for family in set(fams or []) & wanted:
            alt = Alternate(int(partner_id), str(partner_name), int(site_id), str(site_name))
            if alt not in found[family]:
                found[family].append(alt)
    return found


def single_sources(
    session: Session, *, actor: Actor, today: date | None = None
) -> list[SingleSource]:
    """Every single-source family, largest spend first, with its unused alternatives."""
    register.ensure_reader(actor)
    day = today or date.today()
    lonely = {
        family: next(iter(partners.items()))
        for family, partners in _suppliers(session, day).items()
        if len(partners) == 1
    }
    if not lonely:
        return []
    families = sorted(lonely)
    spend, currency = _spend(session, families, day)
    alternates = _alternates(session, families)
    names = dict(
        session.execute(
            select(Partner.id, Partner.name_en).where(
                Partner.id.in_(sorted({pid for pid, _e in lonely.values()}))
            )
        ).all()
    )
    result = [
        SingleSource(
            family=family,
            partner_id=partner_id,
            partner_name=str(names.get(partner_id, "")),
            evidence=tuple(sorted(evidence)),
            spend=spend.get(family, 0.0),
            currency=currency,
            alternates=tuple(a for a in alternates.get(family, []) if a.partner_id != partner_id),
        )
        for family, (partner_id, evidence) in lonely.items()
    ]
    return sorted(result, key=lambda s: (-s.spend, s.family))
