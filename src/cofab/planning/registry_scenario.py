"""Build a planner input document from the partner registry, filling gaps with stated defaults.

The registry knows sites, countries, coordinates and capacities per product family, but not
demand, prices or freight. What is not entered is generated, always the same way:

- products: one product per product family found on the chosen sites (id = family name);
- periods: ``periods`` months from ``start`` (default: next month), ids ``YYYY-MM``;
- sites: every site of an active or approved contract manufacturer or supplier (or of the
  partners chosen, if they make things: logistics and technology partners are left out) with
  at least one capability that has a capacity and product families. Capacity per family and
  month is the smallest capacity among the site's capabilities that list the family (every
  unit passes each of those processes, so the slowest one is the bottleneck), converted to a
  month (day × 30.4, week × 52 / 12, quarter / 3, year / 12). Region = the site's country;
- currency: ``REGISTRY_CURRENCY`` (every generated cost is in it);
- unit cost: ``BASE_UNIT_COST`` × a country cost index (``COUNTRY_COST_INDEX``, 1.4 if unlisted);
- fixed engagement cost: ``FIXED_COST_SHARE`` of one month of the site's capacity at its unit cost;
- defect rate: ``DEFAULT_DEFECT_RATE``;
- markets: the ones entered, else ``DEFAULT_MARKETS`` (Korea, United States, Europe). A market
  without a demand figure gets ``demand_share`` of the chosen sites' monthly capacity of each
  family, split evenly over the markets; unmet penalty ``DEFAULT_UNMET_PENALTY`` per unit;
- lanes: the ones entered, else every site to every market with freight = ``FREIGHT_BASE`` +
  ``FREIGHT_PER_KM`` × great circle distance and lead time = 1 day + distance / ``KM_PER_DAY``.
  Unknown coordinates count as ``UNKNOWN_DISTANCE_KM``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from cofab.core.access import Actor, scope_to_partner
from cofab.partners.models import Capability, Partner, PartnerStatus, PartnerType, Site

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
MONTHS_PER: dict[str, float] = {
    "day": 1 / 30.4,
    "week": 12 / 52,
    "month": 1.0,
    "quarter": 3.0,
    "year": 12.0,
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


@dataclass(frozen=True)
class RegistryScenario:
    document: dict[str, Any]
    site_partners: dict[str, int]


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


def _site_rows(
    session: Session, actor: Actor, partner_ids: list[int] | None
) -> list[tuple[Partner, Site, dict[str, float]]]:
    partners_stmt = scope_to_partner(select(Partner), actor, Partner.id)
    if partner_ids:
        partners_stmt = partners_stmt.where(Partner.id.in_(partner_ids))
    else:
        partners_stmt = partners_stmt.where(Partner.status.in_(PLANNABLE_STATUSES))
    partners = {
        p.id: p
        for p in session.execute(partners_stmt.order_by(Partner.id)).scalars()
        if PRODUCING_TYPES.intersection(p.types or [])
    }
    if not partners:
        return []
    sites = session.execute(
        scope_to_partner(select(Site), actor, Site.partner_id)
        .where(Site.partner_id.in_(list(partners)))
        .order_by(Site.partner_id, Site.id)
    ).scalars()
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
        (partners[site.partner_id], site, per_site[site.id]) for site in sites if per_site[site.id]
    ]


def build_from_registry(
    session: Session, *, actor: Actor, request: RegistryRequest, today: date | None = None
) -> RegistryScenario | None:
    """The input document, or None when no chosen partner has a site with capacity."""
    rows = _site_rows(session, actor, request.partner_ids)
    if not rows:
        return None
    periods = _months(request.start, request.periods, today or date.today())
    families = sorted({family for _p, _s, caps in rows for family in caps})
    names = [site.name for _p, site, _c in rows]
    sites: list[dict[str, Any]] = []
    site_partners: dict[str, int] = {}
    site_places: dict[str, tuple[float, float] | None] = {}
    for partner, site, caps in rows:
        site_id = site.name if names.count(site.name) == 1 else f"{site.name} ({partner.name_en})"
        unit = round(BASE_UNIT_COST * COUNTRY_COST_INDEX.get(site.country, 1.4), 4)
        sites.append(
            {
                "id": site_id,
                "name": f"{partner.name_en} — {site.name}",
                "kind": "partner",
                "region": site.country,
                "capacity": {family: round(value, 3) for family, value in sorted(caps.items())},
                "fixed_cost": round(FIXED_COST_SHARE * unit * sum(caps.values()), 2),
                "unit_cost": dict.fromkeys(sorted(caps), unit),
                "defect_rate": DEFAULT_DEFECT_RATE,
            }
        )
        site_partners[site_id] = partner.id
        has_coordinates = site.latitude is not None and site.longitude is not None
        site_places[site_id] = (
            (float(site.latitude), float(site.longitude))  # type: ignore[arg-type]
            if has_coordinates
            else PLACES.get(site.country)
        )
    specs = request.markets or [MarketSpec(m_id, region) for m_id, region in DEFAULT_MARKETS]
    capacity_of = {f: sum(caps.get(f, 0.0) for _p, _s, caps in rows) for f in families}
    markets = []
    for spec in specs:
        demand = {
            family: round(
                spec.demand
                if spec.demand is not None
                else request.demand_share * capacity_of[family] / len(specs)
            )
            for family in families
        }
        markets.append(
            {
                "id": spec.id,
                "region": spec.region,
                "demand": demand,
                "unmet_penalty": (
                    spec.unmet_penalty if spec.unmet_penalty is not None else DEFAULT_UNMET_PENALTY
                ),
            }
        )
    lanes: list[dict[str, Any]] = [dict(lane) for lane in request.lanes or []]
    for site_doc in sites if request.lanes is None else []:
        for spec in specs:
            km = _km(site_places[site_doc["id"]], PLACES.get(spec.region.upper()))
            lanes.append(
                {
                    "site": site_doc["id"],
                    "market": spec.id,
                    "unit_cost": round(FREIGHT_BASE + FREIGHT_PER_KM * km, 4),
                    "lead_time_days": round(1 + km / KM_PER_DAY, 1),
                }
            )
    document: dict[str, Any] = {
        "name": request.name,
        "description": "Built from the partner registry; demand, costs and freight that were not "
        "entered are generated defaults.",
        "currency": REGISTRY_CURRENCY,
        "products": [{"id": family, "family": family} for family in families],
        "periods": periods,
        "sites": sites,
        "markets": markets,
        "lanes": lanes,
        "policy": {"mip_gap": 0.005, "time_limit_s": 60, **request.policy},
    }
    return RegistryScenario(document=document, site_partners=site_partners)


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
