"""Build a planner input document from the partner registry and the live domains, filling gaps
with stated defaults.

The registry knows sites, countries, coordinates and capacities per product family. What the
live domains hold (``live_data.LiveData``, read by ``live_sources``) replaces the generated
numbers, input by input (rules in ``live_data`` and docs/planner-input.md); every input's
origin is listed in ``RegistryScenario.live_inputs`` with the source record and its age.
What is neither entered nor live is generated, always the same way:

- products: the latest demand forecast's products in the scenario's months, else one product
  per product family found on the chosen sites (id = family name);
- periods: ``periods`` months from ``start`` (default: next month), ids ``YYYY-MM``;
- sites: every site of an active or approved contract manufacturer or supplier (or of the
  partners chosen, if they make things: logistics and technology partners are left out) with
  at least one capability that has a capacity and product families, or a capacity
  declaration. Capacity per family and month is the smallest capacity among the site's
  capabilities that list the family (every unit passes each of those processes, so the slowest
  one is the bottleneck), converted to a month (day × 30.4, week × 52 / 12, quarter / 3,
  year / 12), unless a capacity declaration covers the month. Region = the site's country;
- currency: the currency most live contract prices use, else ``REGISTRY_CURRENCY``;
- unit cost: a base × a country cost index (``COUNTRY_COST_INDEX``, 1.4 if unlisted); the base
  is the family's live contract prices' average per index point (``_default_bases``), else
  ``BASE_UNIT_COST``; the generated figures (``BASE_UNIT_COST``, ``FREIGHT_BASE``,
  ``FREIGHT_PER_KM``) are US dollars, converted to the scenario's currency with planning's
  exchange-rate table (without a rate they stay as they are, and the input says so);
- fixed engagement cost: ``FIXED_COST_SHARE`` of one month of the site's capacity at its unit cost;
- defect rate: ``DEFAULT_DEFECT_RATE``;
- markets: the ones entered, else the demand forecast's, else ``DEFAULT_MARKETS`` (Korea, United
  States, Europe). A market without a demand figure or forecast gets ``demand_share`` of the
  chosen sites' monthly capacity of each family, split evenly over the markets (and over the
  family's products);
- unmet penalty (markets without one entered): ten times the dearest unit to make and ship, at
  least ``DEFAULT_UNMET_PENALTY`` US dollars converted like the other generated figures
  (``what_if.dropout_penalty``), so serving demand pays whatever the currency and scale of the
  live prices;
- offtake: the owner's offtake commitments to its JVs (ventures) become ``min_volume`` on the
  JV company's sites that make the family: the period's volume spread evenly over its months,
  split over those sites by their capacity, capped at what a site can make after scrap, what
  its lanes carry and the month's demand for the family (so a commitment never makes the
  plan infeasible by itself; the cap is listed), longer periods first;
- lanes: the ones entered, else the lane master's, else site to market with freight =
  ``FREIGHT_BASE`` + ``FREIGHT_PER_KM`` × great circle distance and lead time = 1 day + distance
  / ``KM_PER_DAY``. Unknown coordinates count as ``UNKNOWN_DISTANCE_KM``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from cofab.core.access import Actor, scope_to_partner
from cofab.core.i18n import N_
from cofab.partners.models import Capability, Partner, PartnerStatus, PartnerType, Site
from cofab.planning.input_bounds import MAX_MAGNITUDE
from cofab.planning.live_data import (
    DeclaredCapacity,
    LaneRate,
    LiveData,
    LiveLane,
    PriceTerms,
    cheapest_lanes,
    convert,
    defect_rate,
    entry,
    iso,
    lane_markets,
    lane_unit_capacity,
    lane_unit_rate,
    missing_currencies,
    no_live_data,
    ppm_window,
    tier_price,
)
from cofab.planning.what_if import dropout_penalty

BASE_UNIT_COST = 10.0
#: the generated costs below are in this currency
REGISTRY_CURRENCY = "USD"
COUNTRY_COST_INDEX: dict[str, float] = {
    "VN": 0.9,
    "IN": 0.95,
    "ID": 0.95,
    "TH": 1.0,
    "CN": 1.05,
    "MY": 1.05,
    "MX": 1.15,
    "PL": 1.25,
    "HU": 1.25,
    "CZ": 1.3,
    "TW": 1.45,
    "KR": 1.6,
    "SG": 1.7,
    "IE": 1.8,
    "JP": 1.9,
    "US": 2.0,
    "DE": 2.1,
    "CH": 2.4,
}
FIXED_COST_SHARE = 0.05
DEFAULT_DEFECT_RATE = 0.01
DEFAULT_UNMET_PENALTY = 1000.0
FREIGHT_BASE = 0.5
FREIGHT_PER_KM = 0.0004
KM_PER_DAY = 600.0
UNKNOWN_DISTANCE_KM = 8000.0
#: multiply a quantity per period by this to get it per month
MONTHS_PER: dict[str, float] = {
    "day": 30.4,
    "week": 52 / 12,
    "month": 1.0,
    "quarter": 1 / 3,
    "year": 1 / 12,
}
#: (lat, lon) of a market region or a site country without coordinates
PLACES: dict[str, tuple[float, float]] = {
    "KR": (37.57, 126.98),
    "US": (39.83, -98.58),
    "EU": (50.11, 8.68),
    "DE": (50.11, 8.68),
    "CN": (31.23, 121.47),
    "JP": (35.68, 139.69),
    "VN": (10.82, 106.63),
    "IN": (19.08, 72.88),
    "MX": (19.43, -99.13),
    "TW": (25.03, 121.56),
    "TH": (13.76, 100.50),
    "PL": (52.23, 21.01),
    "HU": (47.50, 19.04),
    "IE": (53.35, -6.26),
    "SG": (1.35, 103.82),
    "MY": (3.14, 101.69),
    "ID": (-6.21, 106.85),
    "CZ": (50.08, 14.44),
    "CH": (47.37, 8.54),
}
DEFAULT_MARKETS: tuple[tuple[str, str], ...] = (("KR", "KR"), ("US", "US"), ("EU", "EU"))
ENTERED = N_("Entered with the scenario")
LIVE_PRICE_TARGET = N_(
    "Contract {contract} (version {version}): {price} {currency} from {min_volume} units, the "
    "tier the production target of {volume} a month for {family} reaches"
)
LIVE_PRICE_FIRST = N_(
    "Contract {contract} (version {version}): {price} {currency}, the first tier (the contract "
    "sets no production target for {family})"
)
DEFAULT_PRICE = N_(
    "No active contract with price tiers: {base} × country cost index {index} ({country})"
)
DEFAULT_PRICE_FX = N_(
    "No active contract with price tiers: {usd} USD × exchange rate {fx} = {base} {currency} × "
    "country cost index {index} ({country})"
)
DEFAULT_PRICE_NO_RATE = N_(
    "No active contract with price tiers: {base} USD, unconverted (planning's exchange-rate "
    "table has no rate for {currency}) × country cost index {index} ({country})"
)
DEFAULT_PRICE_FROM_LIVE = N_(
    "No active contract with price tiers: {base} {currency} (the live contract prices per point "
    "of country cost index, averaged) × country cost index {index} ({country})"
)
DEFAULT_PRICE_OTHER_FAMILIES = N_(
    "Contract {contract} sets production targets for other families only: {base} {currency} × "
    "country cost index {index} ({country})"
)
DEFAULT_PRICE_CURRENCY = N_(
    "The contract prices in {currency}, the scenario in {scenario_currency}, and planning's "
    "exchange-rate table has no rate for {missing}: {base} × country cost index {index} "
    "({country})"
)
LIVE_PRICE_TARGET_FX = N_(
    "Contract {contract} (version {version}): {price} {currency} from {min_volume} units, the "
    "tier the production target of {volume} a month for {family} reaches, × exchange rate {fx} "
    "= {converted} {scenario_currency}"
)
LIVE_PRICE_FIRST_FX = N_(
    "Contract {contract} (version {version}): {price} {currency}, the first tier (the contract "
    "sets no production target for {family}), × exchange rate {fx} = {converted} "
    "{scenario_currency}"
)
LIVE_SITE_PPM = N_(
    "Incoming inspections of this site's lots {start} to {end}: {defective} defective in "
    "{inspected} sampled units ({ppm} PPM)"
)
PARTNER_PPM = N_(
    "No lot of this site inspected on receipt from {start} to {end}: the partner's rate over "
    "all its lots, {defective} defective in {inspected} sampled units ({ppm} PPM)"
)
DEFAULT_PPM = N_("No unit inspected on receipt from {start} to {end}: the default rate {rate}")
LIVE_CAPACITY = N_("Capacity declarations {ids} (ramp-up and shutdowns included)")
PARTIAL_CAPACITY = N_(
    "Capacity declarations {ids}; the months {months} are not declared and keep the registry "
    "capacity"
)
DEFAULT_CAPACITY = N_(
    "No capacity declaration: the site's smallest capability capacity in the registry, per month"
)
LIVE_LANE = N_(
    "Lane {code} of {carrier}: {rate} {currency} per unit, {days} days, capacity {capacity} a month"
)
LIVE_LANE_FX = N_(
    "Lane {code} of {carrier}: {rate} {currency} per unit × exchange rate {fx} = {unit_cost} "
    "{scenario_currency} per unit, {days} days, capacity {capacity} a month"
)
LIVE_LANE_PER_KG = N_(
    "Lane {code} of {carrier}: {rate} {currency} per kg × {kg} kg a unit (the heaviest product "
    "the site makes) × exchange rate {fx} = {unit_cost} {scenario_currency} per unit, {days} "
    "days, capacity {capacity} a month"
)
LIVE_LANE_PER_CONTAINER = N_(
    "Lane {code} of {carrier}: {rate} {currency} per container ÷ {units} units a container (the "
    "fewest of the products the site makes) × exchange rate {fx} = {unit_cost} "
    "{scenario_currency} per unit, {days} days, capacity {capacity} a month"
)
LANE_NO_WEIGHT = N_(
    "Lane {code} ({rate} {currency} per kg) not used: no unit weight for {products} in "
    "planning's freight units"
)
LANE_NO_CONTAINER = N_(
    "Lane {code} ({rate} {currency} per container) not used: no units per container for "
    "{products} in planning's freight units"
)
LANE_NO_RATE = N_(
    "Lane {code} ({rate} {currency}) not used: planning's exchange-rate table has no rate for "
    "{missing} (the scenario is in {scenario_currency})"
)
DEFAULT_LANE = N_(
    "No active lane in the lane master that converts to a rate per unit: freight {base} + "
    "{per_km} per km × {km} km"
)
DEFAULT_LANE_FX = N_(
    "No active lane in the lane master that converts to a rate per unit: freight ({base} USD + "
    "{per_km} USD per km × {km} km) × exchange rate {fx} = {unit_cost} {currency}"
)
DEFAULT_LANE_NO_RATE = N_(
    "No active lane in the lane master that converts to a rate per unit: freight {base} USD + "
    "{per_km} USD per km × {km} km, unconverted (planning's exchange-rate table has no rate for "
    "{currency})"
)
LIVE_DEMAND = N_("Demand forecast {name} version {version} ({lines} lines in these months)")
DEFAULT_DEMAND = N_(
    "No demand forecast for these months: {share} of the sites' monthly capacity per family, "
    "split over the markets"
)
DEFAULT_FIXED = N_("{share} of one month of capacity at the unit cost")
DEFAULT_PENALTY = N_(
    "{penalty} per unit not served: ten times the dearest unit to make and ship, at least 1,000"
)
DEFAULT_PENALTY_FX = N_(
    "{penalty} per unit not served: ten times the dearest unit to make and ship, at least "
    "{floor} ({usd} USD × exchange rate {fx})"
)
DEFAULT_PENALTY_NO_RATE = N_(
    "{penalty} per unit not served: ten times the dearest unit to make and ship, at least "
    "{usd}, unconverted (planning's exchange-rate table has no rate for {currency})"
)

LIVE_OFFTAKE = N_(
    "Offtake commitment, venture {venture}: {volume} of {family} in {period}; this site ships "
    "at least {floors} a month"
)
CAPPED_OFFTAKE = N_(
    "Offtake commitment, venture {venture}: {volume} of {family} in {period}; this site ships "
    "at least {floors} a month, capped in {capped} at what the site makes after scrap, what its "
    "lanes carry or the month's demand for {family}"
)
OFFTAKE_NO_SITE = N_(
    "Offtake commitment, venture {venture}: {volume} of {family} in {period} not used: no site "
    "of the JV company in this scenario makes {family}"
)
OFFTAKE_UOM = N_(
    "Offtake commitment, venture {venture}: {volume} {uom} of {family} in {period} not used: "
    "the planner counts units"
)
#: units of measure an offtake volume may be in to count as planner units
UNIT_UOMS = frozenset({"", "unit", "units", "pc", "pcs", "ea", "each"})

PLANNABLE_STATUSES = (PartnerStatus.ACTIVE.value, PartnerStatus.APPROVED.value)
PRODUCING_TYPES = frozenset({PartnerType.CONTRACT_MANUFACTURER.value, PartnerType.SUPPLIER.value})


@dataclass(frozen=True)
class MarketSpec:
    id: str
    region: str
    #: units per product and period; None = generated from capacity
    demand: float | None = None
    unmet_penalty: float | None = None


@dataclass(frozen=True)
class RegistryRequest:
    name: str
    periods: int = 3
    start: str | None = None  # "YYYY-MM"
    partner_ids: list[int] | None = None
    markets: list[MarketSpec] = field(default_factory=list)
    demand_share: float = 0.6
    policy: dict[str, Any] = field(default_factory=dict)
    #: lanes as in the input document; when given they replace the generated ones
    lanes: list[dict[str, Any]] | None = None

    def to_json(self) -> dict[str, Any]:
        """What a scenario keeps so "refresh from live data" rebuilds the same shape."""
        data = asdict(self)
        data["markets"] = [asdict(m) for m in self.markets]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any], name: str | None = None) -> RegistryRequest:
        values = dict(data)
        values["markets"] = [MarketSpec(**m) for m in values.get("markets") or []]
        if name is not None:
            values["name"] = name
        return cls(**values)


@dataclass(frozen=True)
class RegistryScenario:
    document: dict[str, Any]
    site_partners: dict[str, int]
    #: see ``Scenario.live_inputs``
    live_inputs: dict[str, Any] = field(default_factory=dict)


def _months(start: str | None, count: int, today: date) -> list[str]:
    if start:
        year, month = (int(part) for part in start.split("-", 1))
    else:
        year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    out = []
    for offset in range(count):
        index = (month - 1) + offset
        out.append(f"{year + index // 12:04d}-{index % 12 + 1:02d}")
    return out


def _km(a: tuple[float, float] | None, b: tuple[float, float] | None) -> float:
    if a is None or b is None:
        return UNKNOWN_DISTANCE_KM
    lat1, lon1, lat2, lon2 = (math.radians(v) for v in (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


def _plannable_partners(
    session: Session, actor: Actor, partner_ids: list[int] | None
) -> dict[int, Partner]:
    partners_stmt = scope_to_partner(select(Partner), actor, Partner.id)
    if partner_ids:
        partners_stmt = partners_stmt.where(Partner.id.in_(partner_ids))
    else:
        partners_stmt = partners_stmt.where(Partner.status.in_(PLANNABLE_STATUSES))
    return {
        p.id: p
        for p in session.execute(partners_stmt.order_by(Partner.id)).scalars()
        if PRODUCING_TYPES.intersection(p.types or [])
    }


def plannable_partner_ids(
    session: Session, *, actor: Actor, partner_ids: list[int] | None
) -> list[int]:
    """The partners a registry scenario may plan with (whose live figures are worth reading)."""
    return sorted(_plannable_partners(session, actor, partner_ids))


def _site_rows(
    session: Session,
    actor: Actor,
    partner_ids: list[int] | None,
    include_sites: set[int] | None = None,
) -> list[tuple[Partner, Site, dict[str, float]]]:
    """(partner, site, family → monthly capability capacity) of the plannable sites; with
    ``include_sites`` only those sites, kept even without a capability capacity."""
    partners = _plannable_partners(session, actor, partner_ids)
    if not partners:
        return []
    site_stmt = (
        scope_to_partner(select(Site), actor, Site.partner_id)
        .where(Site.partner_id.in_(list(partners)))
        .order_by(Site.partner_id, Site.id)
    )
    if include_sites is not None:
        site_stmt = site_stmt.where(Site.id.in_(sorted(include_sites)))
    sites = session.execute(site_stmt).scalars()
    capabilities = session.execute(
        scope_to_partner(select(Capability), actor, Capability.partner_id)
        .where(Capability.partner_id.in_(list(partners)))
        .order_by(Capability.id)
    ).scalars()
    per_site: dict[int, dict[str, float]] = defaultdict(dict)
    for cap in capabilities:
        if cap.capacity is None or not cap.product_families:
            continue
        monthly = float(cap.capacity) * MONTHS_PER.get(cap.capacity_period, 1.0)
        for family in cap.product_families:
            known = per_site[cap.site_id].get(family)
            per_site[cap.site_id][family] = monthly if known is None else min(known, monthly)
    return [
        (partners[site.partner_id], site, per_site[site.id])
        for site in sites
        if per_site[site.id] or include_sites is not None
    ]


def _site_capacity(
    caps: dict[str, float],
    declared: dict[str, DeclaredCapacity],
    periods: list[str],
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """{family: number | {period: number}} and, per declared family, the months taken from
    the registry because no declaration covers them."""
    out: dict[str, Any] = {}
    gaps: dict[str, list[str]] = {}
    for family in sorted(set(caps) | set(declared)):
        if family not in declared:
            out[family] = round(caps[family], 3)
            continue
        months = declared[family].months
        fallback = caps.get(family, 0.0)
        out[family] = {p: round(months.get(p, fallback), 3) for p in periods}
        gaps[family] = [p for p in periods if p not in months]
    return out, gaps


def _mean_capacity(value: Any) -> float:
    if isinstance(value, dict):
        return sum(value.values()) / len(value) if value else 0.0
    return float(value)


def _currency(live: LiveData) -> str:
    """The currency most live contract prices use (ties: alphabetical), else USD."""
    counts: dict[str, int] = defaultdict(int)
    for terms in live.prices.values():
        counts[terms.currency] += 1
    if not counts:
        return REGISTRY_CURRENCY
    return min(counts, key=lambda code: (-counts[code], code))


def _usd_rate(live: LiveData, currency: str) -> float | None:
    """Scenario-currency units per US dollar, for the generated defaults (None: no rate)."""
    return convert(1.0, REGISTRY_CURRENCY, currency, live.usd_values)


def _products(
    live: LiveData, families: list[str], periods: list[str]
) -> tuple[list[tuple[str, str]], bool]:
    """(product id, family) of the scenario and whether they come from the demand forecast:
    the forecast's products in the scenario's months whose family a chosen site makes (a
    forecast for families none of them makes leaves the generated demand)."""
    if live.demand is not None:
        wanted, made = set(periods), set(families)
        found = sorted(
            {(p, f) for p, f, _m, month, _q in live.demand.lines if month in wanted and f in made}
        )
        if found:
            return found, True
    return [(family, family) for family in families], False


def build_from_registry(
    session: Session,
    *,
    actor: Actor,
    request: RegistryRequest,
    today: date | None = None,
    live: LiveData | None = None,
) -> RegistryScenario | None:
    """The input document, or None when no chosen partner has a site with capacity.

    ``live`` holds what the live domains say (``live_sources.read_live``); without it every
    input is generated as before. Each input's origin is listed in ``inputs``."""
    day = today or date.today()
    live = live or no_live_data(day)
    rows = _site_rows(session, actor, request.partner_ids)
    declared_by_site: dict[int, dict[str, DeclaredCapacity]] = defaultdict(dict)
    for (site_pk, family), declared in live.capacity.items():
        declared_by_site[site_pk][family] = declared
    rows = _with_declared_sites(session, actor, request.partner_ids, rows, declared_by_site)
    if not rows:
        return None
    periods = _months(request.start, request.periods, day)
    registry_families = sorted(
        {f for _p, site, caps in rows for f in (*caps, *declared_by_site[site.id])}
    )
    products, from_forecast = _products(live, registry_families, periods)
    families = sorted({family for _p, family in products})
    family_products: dict[str, list[str]] = defaultdict(list)
    for product, family in products:
        family_products[family].append(product)
    currency = _currency(live)
    live_bases = _default_bases(rows, live, currency, families)
    inputs: list[dict[str, Any]] = []
    names = [site.name for _p, site, _c in rows]
    sites: list[dict[str, Any]] = []
    site_partners: dict[str, int] = {}
    site_refs: dict[str, int] = {}
    site_places: dict[str, tuple[float, float] | None] = {}
    for partner, site, caps in rows:
        site_id = site.name if names.count(site.name) == 1 else f"{site.name} ({partner.name_en})"
        site_declared = {f: d for f, d in declared_by_site[site.id].items() if f in families}
        capacity, gaps = _site_capacity(
            {f: v for f, v in caps.items() if f in families}, site_declared, periods
        )
        if not capacity:
            continue
        for family in sorted(capacity):
            inputs.append(_capacity_entry(site_id, family, site_declared.get(family), gaps))
        unit_cost, price_entries = _unit_costs(
            partner, site, site_id, sorted(capacity), family_products, live, currency, live_bases
        )
        inputs.extend(price_entries)
        mean_unit = sum(unit_cost.values()) / len(unit_cost) if unit_cost else BASE_UNIT_COST
        monthly_total = sum(_mean_capacity(v) for v in capacity.values())
        rate, rate_entry = _defect_rate(partner, site, site_id, live, day)
        inputs.append(rate_entry)
        inputs.append(
            entry("fixed_cost", site_id, False, DEFAULT_FIXED, {"share": f"{FIXED_COST_SHARE:.0%}"})
        )
        sites.append(
            {
                "id": site_id,
                "name": f"{partner.name_en} — {site.name}",
                "kind": "partner",
                "region": site.country,
                "capacity": capacity,
                "fixed_cost": min(
                    MAX_MAGNITUDE, round(FIXED_COST_SHARE * mean_unit * monthly_total, 2)
                ),
                "unit_cost": unit_cost,
                "defect_rate": rate,
            }
        )
        site_partners[site_id] = partner.id
        site_refs[site_id] = site.id
        has_coordinates = site.latitude is not None and site.longitude is not None
        site_places[site_id] = (
            (float(site.latitude), float(site.longitude))  # type: ignore[arg-type]
            if has_coordinates
            else PLACES.get(site.country)
        )
    if not sites:
        return None
    markets, market_entries = _markets(request, live, products, sites, periods, from_forecast)
    inputs.extend(market_entries)
    site_products = {
        site_doc["id"]: [(p, f) for p, f in products if f in site_doc["capacity"]]
        for site_doc in sites
    }
    lanes, lane_entries = _lanes(
        request, live, sites, site_refs, site_places, markets, currency, site_products
    )
    inputs.extend(lane_entries)
    inputs.extend(_offtake_floors(live, sites, site_partners, markets, products, periods, lanes))
    inputs.extend(_price_unmet(markets, sites, lanes, currency, _usd_rate(live, currency)))
    document: dict[str, Any] = {
        "name": request.name,
        "description": "Built from the partner registry and the live domains; the scenario's "
        "input list says which inputs are live and which are generated defaults.",
        "currency": currency,
        "products": [{"id": product, "family": family} for product, family in products],
        "periods": periods,
        "sites": sites,
        "markets": markets,
        "lanes": lanes,
        "policy": {"mip_gap": 0.005, "time_limit_s": 60, **request.policy},
    }
    return RegistryScenario(
        document=document,
        site_partners=site_partners,
        live_inputs={"read_at": iso(live.read_at), "inputs": inputs, "site_refs": site_refs},
    )


def _with_declared_sites(
    session: Session,
    actor: Actor,
    partner_ids: list[int] | None,
    rows: list[tuple[Partner, Site, dict[str, float]]],
    declared_by_site: dict[int, dict[str, DeclaredCapacity]],
) -> list[tuple[Partner, Site, dict[str, float]]]:
    """The registry rows plus sites that have declarations but no capability capacity."""
    missing = set(declared_by_site) - {site.id for _p, site, _c in rows}
    if not missing:
        return rows
    extra = _site_rows(session, actor, partner_ids, include_sites=missing)
    return sorted([*rows, *extra], key=lambda row: (row[1].partner_id, row[1].id))


def _capacity_entry(
    site_id: str, family: str, declared: DeclaredCapacity | None, gaps: dict[str, list[str]]
) -> dict[str, Any]:
    subject = f"{site_id} · {family}"
    if declared is None:
        return entry("capacity", subject, False, DEFAULT_CAPACITY)
    ids = ", ".join(f"#{i}" for i in declared.declaration_ids)
    if gaps.get(family):
        params = {"ids": ids, "months": ", ".join(gaps[family])}
        return entry("capacity", subject, False, PARTIAL_CAPACITY, params, declared.as_of)
    return entry("capacity", subject, True, LIVE_CAPACITY, {"ids": ids}, declared.as_of)


def _covers(terms: PriceTerms, family: str) -> bool:
    """Price tiers name no family: a contract whose production targets name families prices
    those families only; a contract without targets prices every family of the partner."""
    return not terms.monthly_targets or family in terms.monthly_targets


def _live_price(terms: PriceTerms, family: str) -> tuple[float, float, float | None]:
    """(tier floor, unit price, monthly target) for one family under the tier rule."""
    target = terms.monthly_targets.get(family)
    floor, price = tier_price(terms.tiers, target if target is not None else 0.0)
    return floor, price, target


def _default_bases(
    rows: list[tuple[Partner, Site, dict[str, float]]],
    live: LiveData,
    currency: str,
    families: list[str],
) -> dict[str, float]:
    """Per family, the price per point of country cost index that a site without a usable
    contract price gets: the average over the sites whose live contract (in the scenario's
    currency, or converted with the exchange-rate table) prices that family, so a default sits
    among the family's live prices. A family no live contract prices is absent (then
    ``BASE_UNIT_COST``)."""
    points: dict[str, list[float]] = defaultdict(list)
    for partner, site, caps in rows:
        terms = live.prices.get(partner.id)
        fx = None if terms is None else convert(1.0, terms.currency, currency, live.usd_values)
        if terms is None or fx is None:
            continue
        index = COUNTRY_COST_INDEX.get(site.country, 1.4)
        for family in families:
            if family in caps and _covers(terms, family):
                points[family].append(_live_price(terms, family)[1] * fx / index)
    return {family: sum(values) / len(values) for family, values in points.items()}


def _unit_costs(
    partner: Partner,
    site: Site,
    site_id: str,
    families: list[str],
    family_products: dict[str, list[str]],
    live: LiveData,
    currency: str,
    live_bases: dict[str, float],
) -> tuple[dict[str, float], list[dict[str, Any]]]:
    index = COUNTRY_COST_INDEX.get(site.country, 1.4)
    terms = live.prices.get(partner.id)
    fx = None if terms is None else convert(1.0, terms.currency, currency, live.usd_values)
    usd = _usd_rate(live, currency)  # for the generated base (US dollars)
    out: dict[str, float] = {}
    entries: list[dict[str, Any]] = []
    for family in families:
        subject = f"{site_id} · {family}"
        live_base = live_bases.get(family)
        if live_base is not None:
            base = round(live_base, 4)
        else:
            base = round(BASE_UNIT_COST * (usd or 1.0), 4)
        if terms is None or fx is None or not _covers(terms, family):
            price = round(base * index, 4)
            params: dict[str, Any] = {
                "base": _number(base),
                "index": index,
                "country": site.country,
                "currency": currency,
            }
            if terms is None or (fx is not None and not _covers(terms, family)):
                message = DEFAULT_PRICE if live_base is None else DEFAULT_PRICE_FROM_LIVE
                if live_base is None and currency.upper() != REGISTRY_CURRENCY:
                    message = DEFAULT_PRICE_NO_RATE if usd is None else DEFAULT_PRICE_FX
                    params |= {"usd": _number(BASE_UNIT_COST), "fx": _number(usd or 1.0)}
                if terms is not None:
                    message = DEFAULT_PRICE_OTHER_FAMILIES
                    params["contract"] = terms.contract_title
                entries.append(entry("unit_cost", subject, False, message, params))
            else:
                missing = missing_currencies(terms.currency, currency, live.usd_values)
                params |= {
                    "currency": terms.currency,
                    "scenario_currency": currency,
                    "missing": ", ".join(missing),
                }
                entries.append(entry("unit_cost", subject, False, DEFAULT_PRICE_CURRENCY, params))
        else:
            floor, tier, target = _live_price(terms, family)
            price = round(tier * fx, 4)
            params = {
                "contract": terms.contract_title,
                "version": terms.version,
                "min_volume": f"{floor:,.0f}",
                "price": _number(tier),
                "currency": terms.currency,
                "family": family,
                "fx": _number(fx),
                "converted": _number(price),
                "scenario_currency": currency,
            }
            converted = terms.currency.upper() != currency.upper()
            if target is None:
                message = LIVE_PRICE_FIRST_FX if converted else LIVE_PRICE_FIRST
            else:
                params["volume"] = f"{target:,.0f}"
                message = LIVE_PRICE_TARGET_FX if converted else LIVE_PRICE_TARGET
            entries.append(entry("unit_cost", subject, True, message, params, terms.as_of))
        for product in family_products.get(family, []):
            out[product] = price
    return out, entries


def _defect_rate(
    partner: Partner, site: Site, site_id: str, live: LiveData, today: date
) -> tuple[float, dict[str, Any]]:
    """The site's own PPM (lots made at the site); without an inspected lot of the site, the
    partner's PPM over all its lots, listed as defaulted (it is not the site's); without
    either, ``DEFAULT_DEFECT_RATE``."""
    start, end = ppm_window(today)
    own = live.site_quality.get(site.id)
    reading = live.quality.get(partner.id)
    for found, live_flag, message in ((own, True, LIVE_SITE_PPM), (reading, False, PARTNER_PPM)):
        if found is None or found.ppm is None or found.inspected <= 0:
            continue
        params = {
            "start": found.start.isoformat(),
            "end": found.end.isoformat(),
            "defective": f"{found.defective:,}",
            "inspected": f"{found.inspected:,}",
            "ppm": f"{found.ppm:,.0f}",
        }
        rate = defect_rate(found.ppm)
        return rate, entry("defect_rate", site_id, live_flag, message, params, found.end)
    params = {
        "start": (reading.start if reading else start).isoformat(),
        "end": (reading.end if reading else end).isoformat(),
        "rate": f"{DEFAULT_DEFECT_RATE:.2%}",
    }
    return DEFAULT_DEFECT_RATE, entry("defect_rate", site_id, False, DEFAULT_PPM, params)


def _markets(
    request: RegistryRequest,
    live: LiveData,
    products: list[tuple[str, str]],
    sites: list[dict[str, Any]],
    periods: list[str],
    from_forecast: bool,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    wanted = set(periods)
    forecast: dict[str, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    if from_forecast and live.demand is not None:
        for product, _family, market, month, qty in live.demand.lines:
            if month in wanted:
                per = forecast[market][product]
                per[month] = per.get(month, 0.0) + qty
    if request.markets:
        specs = list(request.markets)
    elif forecast:
        specs = [MarketSpec(market, market) for market in sorted(forecast)]
    else:
        specs = [MarketSpec(m_id, region) for m_id, region in DEFAULT_MARKETS]
    capacity_of: dict[str, float] = defaultdict(float)
    for site_doc in sites:
        for family, value in site_doc["capacity"].items():
            capacity_of[family] += _mean_capacity(value)
    per_family: dict[str, int] = defaultdict(int)
    for _product, family in products:
        per_family[family] += 1
    markets: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    for spec in specs:
        if spec.demand is not None:
            demand: dict[str, Any] = {product: round(spec.demand) for product, _f in products}
            entries.append(entry("demand", spec.id, True, ENTERED))
        elif spec.id in forecast and live.demand is not None:
            demand = {
                product: {p: round(forecast[spec.id][product].get(p, 0.0), 3) for p in periods}
                for product, _f in products
                if product in forecast[spec.id]
            }
            params = {
                "name": live.demand.name,
                "version": live.demand.version,
                "lines": sum(len(v) for v in forecast[spec.id].values()),
            }
            entries.append(entry("demand", spec.id, True, LIVE_DEMAND, params, live.demand.as_of))
        else:
            demand = {
                product: round(
                    request.demand_share * capacity_of[family] / len(specs) / per_family[family]
                )
                for product, family in products
            }
            share = {"share": f"{request.demand_share:.0%}"}
            entries.append(entry("demand", spec.id, False, DEFAULT_DEMAND, share))
        penalty = spec.unmet_penalty
        if penalty is None:
            penalty = None  # priced once the sites and lanes are known (``_price_unmet``)
        markets.append(
            {"id": spec.id, "region": spec.region, "demand": demand, "unmet_penalty": penalty}
        )
    return markets, entries


def _price_unmet(
    markets: list[dict[str, Any]],
    sites: list[dict[str, Any]],
    lanes: list[dict[str, Any]],
    currency: str,
    usd: float | None,
) -> list[dict[str, Any]]:
    """Markets without an entered penalty: ten times the dearest unit to make and ship, at
    least ``DEFAULT_UNMET_PENALTY`` US dollars in the scenario's currency (the what-ifs' rule),
    so serving demand always pays, whatever the currency and scale of the live prices."""
    floor = round(DEFAULT_UNMET_PENALTY * (usd or 1.0), 2)
    penalty = dropout_penalty({"sites": sites, "lanes": lanes}, floor)
    params: dict[str, Any] = {"penalty": _number(penalty)}
    message = DEFAULT_PENALTY
    if currency.upper() != REGISTRY_CURRENCY:
        message = DEFAULT_PENALTY_NO_RATE if usd is None else DEFAULT_PENALTY_FX
        params |= {
            "floor": _number(floor),
            "usd": _number(DEFAULT_UNMET_PENALTY),
            "fx": _number(usd or 1.0),
            "currency": currency,
        }
    entries = []
    for market in markets:
        if market["unmet_penalty"] is None:
            market["unmet_penalty"] = penalty
            entries.append(entry("unmet_penalty", market["id"], False, message, params))
    return entries


def _lanes(
    request: RegistryRequest,
    live: LiveData,
    sites: list[dict[str, Any]],
    site_refs: dict[str, int],
    site_places: dict[str, tuple[float, float] | None],
    markets: list[dict[str, Any]],
    currency: str,
    site_products: dict[str, list[tuple[str, str]]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    if request.lanes is not None:
        entered = [dict(lane) for lane in request.lanes]
        marks = [
            entry("lane", f"{lane['site']} → {lane['market']}", True, ENTERED) for lane in entered
        ]
        return entered, marks
    pairs = [(m["id"], str(m.get("region") or m["id"])) for m in markets]
    site_of = {pk: sid for sid, pk in site_refs.items()}
    costs, entries = _lane_costs(live, site_of, site_products, pairs, currency)
    chosen = cheapest_lanes(live.lanes, site_of, pairs, costs)
    usd = _usd_rate(live, currency)
    lanes: list[dict[str, Any]] = []
    for site_doc in sites:
        for market_id, region in pairs:
            subject = f"{site_doc['id']} → {market_id}"
            lane = chosen.get((site_doc["id"], market_id))
            if lane is not None:
                row: dict[str, Any] = {
                    "site": site_doc["id"],
                    "market": market_id,
                    "unit_cost": costs[lane.lane_id],
                    "lead_time_days": float(lane.transit_days),
                }
                rate = lane_unit_rate(lane, site_products[site_doc["id"]], live.freight)
                capacity = lane_unit_capacity(lane, rate)
                if capacity is not None:
                    row["capacity"] = round(capacity, 3)
                lanes.append(row)
                entries.append(_lane_entry(lane, subject, rate, capacity, live, currency, costs))
                continue
            km = _km(site_places[site_doc["id"]], PLACES.get(region.upper()))
            freight = round((FREIGHT_BASE + FREIGHT_PER_KM * km) * (usd or 1.0), 4)
            lanes.append(
                {
                    "site": site_doc["id"],
                    "market": market_id,
                    "unit_cost": freight,
                    "lead_time_days": round(1 + km / KM_PER_DAY, 1),
                }
            )
            params = {"base": FREIGHT_BASE, "per_km": FREIGHT_PER_KM, "km": f"{km:,.0f}"}
            message = DEFAULT_LANE
            if currency.upper() != REGISTRY_CURRENCY:
                message = DEFAULT_LANE_NO_RATE if usd is None else DEFAULT_LANE_FX
                params |= {
                    "fx": _number(usd or 1.0),
                    "unit_cost": _number(freight),
                    "currency": currency,
                }
            entries.append(entry("lane", subject, False, message, params))
    return lanes, entries


def _number(value: float) -> str:
    return f"{value:,.6f}".rstrip("0").rstrip(".")


def _lane_costs(
    live: LiveData,
    site_of: dict[int, str],
    site_products: dict[str, list[tuple[str, str]]],
    pairs: list[tuple[str, str]],
    currency: str,
) -> tuple[dict[int, float], list[dict[str, Any]]]:
    """Lane id → rate per unit in the scenario's currency for every lane of a scenario pair
    that converts, and one defaulted entry (with the reason) for each lane that does not."""
    costs: dict[int, float] = {}
    entries: list[dict[str, Any]] = []
    for lane in live.lanes:
        site = site_of.get(lane.origin_site_id)
        reached = lane_markets(lane, pairs) if site is not None else []
        if site is None or not reached:
            continue
        rate = lane_unit_rate(lane, site_products.get(site, []), live.freight)
        per_unit = None
        params: dict[str, Any] = {
            "code": lane.code,
            "rate": _number(lane.rate),
            "currency": lane.currency,
            "scenario_currency": currency,
        }
        if rate.per_unit is None:
            params["products"] = ", ".join(rate.missing) or "–"
            reason = LANE_NO_WEIGHT if lane.rate_basis == "kg" else LANE_NO_CONTAINER
        else:
            per_unit = convert(rate.per_unit, lane.currency, currency, live.usd_values)
            missing = missing_currencies(lane.currency, currency, live.usd_values)
            params["missing"] = ", ".join(missing)
            reason = LANE_NO_RATE
        if per_unit is None:
            for market_id in reached:
                subject = f"{site} → {market_id} · {lane.code}"
                entries.append(entry("lane", subject, False, reason, params, lane.as_of))
            continue
        costs[lane.lane_id] = round(per_unit, 6)
    return costs, entries


def _lane_entry(
    lane: LiveLane,
    subject: str,
    rate: LaneRate,
    capacity: float | None,
    live: LiveData,
    currency: str,
    costs: dict[int, float],
) -> dict[str, Any]:
    """The live entry of a chosen lane, saying how its rate became a rate per unit (the
    capacity shown is in units a month)."""
    params: dict[str, Any] = {
        "code": lane.code,
        "carrier": lane.carrier,
        "rate": _number(lane.rate),
        "currency": lane.currency,
        "days": lane.transit_days,
        "capacity": "∞" if capacity is None else f"{capacity:,.0f}",
        "unit_cost": _number(costs[lane.lane_id]),
        "scenario_currency": currency,
        "fx": _number(convert(1.0, lane.currency, currency, live.usd_values) or 1.0),
    }
    if lane.rate_basis == "kg":
        message, params["kg"] = LIVE_LANE_PER_KG, _number(rate.factor or 0.0)
    elif lane.rate_basis == "container":
        message, params["units"] = LIVE_LANE_PER_CONTAINER, _number(rate.factor or 0.0)
    elif lane.currency.upper() != currency.upper():
        message = LIVE_LANE_FX
    else:
        message = LIVE_LANE
    return entry("lane", subject, True, message, params, lane.as_of)


def match_registry_sites(session: Session, *, actor: Actor, site_ids: list[str]) -> dict[str, int]:
    """Partners of an uploaded document's sites, where a site id names one registry site (by
    external reference or by a name no other partner uses), so "partner X out" works on
    uploads too."""
    wanted = {value for value in site_ids if value}
    if not wanted:
        return {}
    stmt = scope_to_partner(select(Site), actor, Site.partner_id).where(
        or_(Site.name.in_(wanted), Site.external_ref.in_(wanted))
    )
    owners: dict[str, set[int]] = defaultdict(set)
    for site in session.execute(stmt).scalars():
        for key in (site.name, site.external_ref):
            if key in wanted:
                owners[key].add(site.partner_id)
    return {key: next(iter(ids)) for key, ids in owners.items() if len(ids) == 1}


def _quantity_in(quantity: Any, period: str) -> float:
    if isinstance(quantity, dict):
        return float(quantity.get(period, 0.0))
    return float(quantity)


def _offtake_floors(
    live: LiveData,
    sites: list[dict[str, Any]],
    site_partners: dict[str, int],
    markets: list[dict[str, Any]],
    products: list[tuple[str, str]],
    periods: list[str],
    lanes: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Set ``min_volume`` on the JV sites from the owner's offtake commitments; one input line
    per commitment and site (or one saying why a commitment is not used)."""
    wanted = set(periods)
    family_of = dict(products)
    demand_left: dict[tuple[str, str], float] = defaultdict(float)
    for market in markets:
        for product, quantity in market["demand"].items():
            for month in periods:
                demand_left[(family_of.get(product, product), month)] += _quantity_in(
                    quantity, month
                )
    lane_room: dict[tuple[str, str], float] = defaultdict(float)  # (site, month): units
    for lane in lanes:
        for month in periods:
            carried = lane.get("capacity")
            lane_room[(lane["site"], month)] += (
                math.inf if carried is None else _quantity_in(carried, month)
            )
    floors: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    made: dict[tuple[str, str, str], float] = defaultdict(float)  # (site, family, month)
    entries: list[dict[str, Any]] = []
    # a longer period first (a year, then its quarters, then its months), so a month's own
    # commitment is what a cap cuts when the month is full
    ordered = sorted(live.offtake, key=lambda c: (c.months[:1], -len(c.months), c.venture_id))
    for commitment in ordered:
        months = [m for m in commitment.months if m in wanted]
        if not months:
            continue
        family = commitment.product_family
        params: dict[str, Any] = {
            "venture": commitment.venture_name,
            "volume": _number(commitment.volume),
            "family": family,
            "period": commitment.period,
            "uom": commitment.uom,
        }
        subject = f"{commitment.venture_name} · {family}"
        if commitment.uom.strip().lower() not in UNIT_UOMS:
            entries.append(entry("offtake", subject, False, OFFTAKE_UOM, params, commitment.as_of))
            continue
        jv_sites = [
            site
            for site in sites
            if site_partners.get(site["id"]) == commitment.jv_partner_id
            and family in site["capacity"]
        ]
        if not jv_sites:
            entries.append(
                entry("offtake", subject, False, OFFTAKE_NO_SITE, params, commitment.as_of)
            )
            continue
        per_month = commitment.volume / len(commitment.months)
        per_site: dict[str, dict[str, float]] = defaultdict(dict)
        capped: dict[str, list[str]] = defaultdict(list)
        for month in months:
            shipped_caps = {
                site["id"]: _quantity_in(site["capacity"][family], month)
                * (1.0 - float(site.get("defect_rate", 0.0)))
                for site in jv_sites
            }
            total_cap = sum(shipped_caps.values())
            wanted_here = min(per_month, max(0.0, demand_left[(family, month)]))
            for site in jv_sites:
                sid = site["id"]
                share = shipped_caps[sid] / total_cap if total_cap > 0 else 1 / len(jv_sites)
                room = max(
                    0.0,
                    min(
                        shipped_caps[sid] - made[(sid, family, month)],
                        lane_room[(sid, month)] - floors[sid][month],
                    ),
                )
                floor = math.floor(min(wanted_here * share, room) * 1000) / 1000
                if floor < per_month * share - 0.001:
                    capped[sid].append(month)
                made[(sid, family, month)] += floor
                floors[sid][month] += floor
                per_site[sid][month] = floor
            demand_left[(family, month)] -= sum(per_site[s["id"]][month] for s in jv_sites)
        for site in jv_sites:
            sid = site["id"]
            shown = ", ".join(f"{m}: {_number(v)}" for m, v in per_site[sid].items())
            site_params = params | {"floors": shown, "capped": ", ".join(capped[sid])}
            message = CAPPED_OFFTAKE if capped[sid] else LIVE_OFFTAKE
            entries.append(
                entry(
                    "offtake",
                    f"{sid} · {family}",
                    True,
                    message,
                    site_params,
                    commitment.as_of,
                )
            )
    for site in sites:
        floor_of = floors.get(site["id"])
        if floor_of and any(v > 0 for v in floor_of.values()):
            site["min_volume"] = {m: round(v, 3) for m, v in floor_of.items() if v > 0}
    return entries
