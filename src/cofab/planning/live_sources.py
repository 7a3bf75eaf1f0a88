"""Read a registry scenario's live inputs from the other domains, through their public services.

Kept apart from ``planning.service`` on purpose: forecast and risk call planning's service (a
forecast re-solve, a contingency what-if), so the service must not import them back. This module
registers ``read_live`` with the service when it is imported (``PARTS.hooks``); every live
scenario is then built through ``service.create_live_from_registry`` / ``refresh_from_live``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.contracts import service as contracts_service
from cofab.contracts.models import Contract
from cofab.core.access import Actor, scope_to_partner
from cofab.forecast import service as forecast_service
from cofab.logistics import service as logistics_service
from cofab.partners.models import Site
from cofab.planning import conversion_tables, service
from cofab.planning.live_data import (
    DeclaredCapacity,
    LiveData,
    LiveDemand,
    LiveLane,
    LiveOfftake,
    PriceTerms,
    QualityReading,
    month_of,
    monthly,
    ppm_window,
)
from cofab.planning.models import Scenario
from cofab.planning.registry_scenario import RegistryRequest, plannable_partner_ids
from cofab.quality import service as quality_service
from cofab.risk import service as risk_service
from cofab.ventures import service as ventures_service


def _price_terms(session: Session, partner_id: int, now: datetime) -> PriceTerms | None:
    """The newest contract in force for the partner (latest start, then highest id) whose
    governing version has price tiers."""
    found: list[tuple[datetime, int, PriceTerms]] = []
    for window in contracts_service.active_agreements_for_partner(
        session, partner_id=partner_id, at=now
    ):
        contract = session.get(Contract, window.contract_id)
        if contract is None:
            continue
        version = contracts_service.governing_version(session, contract)
        cost = (version.terms or {}).get("cost") if version is not None else None
        if version is None or not cost or not cost.get("price_tiers"):
            continue
        tiers = tuple(
            sorted((float(t["min_volume"]), float(t["unit_price"])) for t in cost["price_tiers"])
        )
        targets: dict[str, float] = {}
        for target in version.terms.get("production_targets") or []:
            family = str(target["family"])
            per_month = monthly(float(target["volume"]), str(target.get("period", "month")))
            targets[family] = targets.get(family, 0.0) + per_month
        terms = PriceTerms(
            contract_id=contract.id,
            contract_title=contract.title,
            version=version.number,
            currency=str(cost["currency"]),
            tiers=tiers,
            monthly_targets=targets,
            as_of=version.activated_at or version.effective_from,
        )
        found.append((version.effective_from, contract.id, terms))
    return max(found, key=lambda row: (row[0], row[1]))[2] if found else None


def _quality(session: Session, partner_id: int, today: date) -> QualityReading:
    start, end = ppm_window(today)
    figures = quality_service.figures_for(session, partner_id=partner_id, start=start, end=end)
    return QualityReading(
        ppm=figures.ppm,
        inspected=figures.inspected_units,
        defective=figures.defective_units,
        start=start,
        end=end,
    )


def _site_quality(
    session: Session, actor: Actor, partner_ids: list[int], today: date
) -> dict[int, QualityReading]:
    """Each plannable site's own reading: incoming inspections of lots made at that site."""
    start, end = ppm_window(today)
    site_ids = session.execute(
        scope_to_partner(select(Site.id), actor, Site.partner_id).where(
            Site.partner_id.in_(partner_ids)
        )
    ).scalars()
    found = quality_service.site_defect_ppm(session, list(site_ids), start, end)
    return {
        site_id: QualityReading(
            ppm=row.ppm,
            inspected=row.inspected_units,
            defective=row.defective_units,
            start=start,
            end=end,
        )
        for site_id, row in found.items()
    }


def _capacity(session: Session, actor: Actor) -> dict[tuple[int, str], DeclaredCapacity]:
    months: dict[tuple[int, str], dict[str, float]] = defaultdict(dict)
    ids: dict[tuple[int, str], list[int]] = defaultdict(list)
    as_of: dict[tuple[int, str], datetime] = {}
    for declaration in forecast_service.list_declarations(session, actor=actor):
        key = (declaration.site_id, declaration.family)
        for label, qty in forecast_service.monthly_capacity(declaration).items():
            months[key][label] = float(qty)
        ids[key].append(declaration.id)
        stamp = declaration.updated_at or declaration.created_at
        as_of[key] = max(as_of.get(key, stamp), stamp)
    return {key: DeclaredCapacity(tuple(ids[key]), dict(months[key]), as_of[key]) for key in months}


def _lanes(session: Session, actor: Actor) -> tuple[LiveLane, ...]:
    """Every active lane leaving a registry site, whatever its rate basis and currency (the
    scenario converts them or lists them as defaulted with the reason)."""
    stmt = logistics_service.lane_query(actor, logistics_service.LaneFilters(active=True))
    out = []
    for lane in session.execute(stmt).scalars():
        if lane.origin_site_id is None:
            continue  # leaves an own site or a code: the registry plans partner sites only
        out.append(
            LiveLane(
                lane_id=lane.id,
                code=lane.code,
                carrier=lane.carrier,
                origin_site_id=lane.origin_site_id,
                destination=lane.destination_code,
                rate=float(lane.rate),
                currency=lane.currency,
                transit_days=int(lane.transit_days),
                monthly_capacity=None
                if lane.capacity is None
                else monthly(float(lane.capacity), lane.capacity_period),
                as_of=lane.updated_at or lane.created_at,
                rate_basis=str(lane.rate_basis),
            )
        )
    return tuple(out)


def _demand(session: Session, actor: Actor) -> LiveDemand | None:
    versions = forecast_service.list_demand(session, actor=actor)
    if not versions:
        return None
    latest = max(versions, key=lambda f: (f.version, f.id))
    families = {p.code: p.family for p in forecast_service.list_products(session, actor=actor)}
    lines = []
    for line in forecast_service.demand_lines(session, actor=actor, forecast_id=latest.id):
        month = month_of(line.period)
        if month is None:
            continue
        family = families.get(line.product, line.product)
        lines.append((line.product, family, line.market, month, float(line.qty)))
    return LiveDemand(
        forecast_id=latest.id,
        name=latest.name,
        version=latest.version,
        lines=tuple(lines),
        as_of=latest.created_at,
    )


def _offtake(session: Session, actor: Actor) -> tuple[LiveOfftake, ...]:
    """The owner's offtake commitments to its JVs: a floor on what the JV's sites ship."""
    return tuple(
        LiveOfftake(
            venture_id=row.venture_id,
            venture_name=row.venture_name,
            jv_partner_id=row.jv_partner_id,
            period=row.period,
            months=row.months,
            product_family=row.product_family,
            volume=float(row.volume),
            uom=row.uom,
            as_of=row.as_of,
        )
        for row in ventures_service.owner_offtake(session, actor=actor)
    )


def read_live(
    session: Session,
    *,
    actor: Actor,
    request: RegistryRequest,
    today: date | None = None,
    now: datetime | None = None,
) -> LiveData:
    """Everything live a registry scenario may use, for the partners it could plan with."""
    moment = now or datetime.now(UTC)
    day = today or moment.date()
    partners = plannable_partner_ids(session, actor=actor, partner_ids=request.partner_ids)
    prices = {}
    for partner_id in partners:
        terms = _price_terms(session, partner_id, moment)
        if terms is not None:
            prices[partner_id] = terms
    return LiveData(
        read_at=moment,
        prices=prices,
        quality={pid: _quality(session, pid, day) for pid in partners},
        capacity=_capacity(session, actor),
        lanes=_lanes(session, actor),
        demand=_demand(session, actor),
        site_quality=_site_quality(session, actor, partners, day) if partners else {},
        usd_values=service.usd_values(session),
        freight=conversion_tables.freight_specs(session),
        offtake=_offtake(session, actor),
    )


def _site_refs(session: Session, scenario: Scenario) -> dict[str, int]:
    """The registry site of each input site: the scenario's own list, else (a what-if) the
    nearest ancestor's."""
    current: Scenario | None = scenario
    for _hop in range(20):
        if current is None:
            return {}
        refs = (current.live_inputs or {}).get("site_refs")
        if refs:
            return {str(k): int(v) for k, v in refs.items()}
        if current.parent_id is None:
            return {}
        current = session.get(Scenario, current.parent_id)
    return {}


def register_disruptions(
    session: Session, *, actor: Actor, scenario: Scenario
) -> dict[str, dict[str, Any]]:
    """Input site id → {"disruption": the register's profile, "risks": [references]} for the
    sites of a registry scenario (or a what-if of one) that an open risk names. Uploaded
    scenarios get nothing: their sites are not known to be registry sites."""
    refs = _site_refs(session, scenario)
    if not refs:
        return {}
    by_site = {p.site_id: p for p in risk_service.site_profiles(session, actor=actor)}
    out: dict[str, dict[str, Any]] = {}
    for input_id, site_pk in refs.items():
        profile = by_site.get(site_pk)
        if profile is not None:
            out[input_id] = {"disruption": profile.disruption(), "risks": list(profile.risks)}
    return out


def _reader(
    session: Session, actor: Actor, request: RegistryRequest, today: date | None
) -> LiveData:
    return read_live(session, actor=actor, request=request, today=today)


service.register_live_reader(_reader)
