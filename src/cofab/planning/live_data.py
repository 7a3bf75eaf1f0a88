"""What a registry scenario reads from the live domains, and the rules that turn it into planner
numbers. Pure: no database, so every rule is checked by hand-computed tests.

The readers live in ``live_sources`` (they import other domains' services); this module only
holds the shapes and the mapping rules documented in docs/planner-input.md ("Registry
scenarios: live inputs"):

- unit price: the partner's active contract with price tiers (the newest in force); a tier
  applies from its ``min_volume`` per order. The planner is linear, so one tier is chosen per
  partner and family: the tier reached by the contract's **production target** for the family,
  converted to a month; without a target the first tier (the price any order pays);
- defect rate: the SITE's incoming-inspection PPM (lots of that site) over the
  ``PPM_WINDOW_DAYS`` days up to the day the scenario is built, ÷ 10⁶ (at most
  ``MAX_DEFECT_RATE``); no lot of the site inspected → the partner's PPM over all its lots,
  listed as defaulted; nothing inspected at all → the default;
- capacity: the partner's capacity declarations month by month (ramp and shutdowns included);
  a month no declaration covers keeps the registry capability capacity;
- lanes: per site × market the cheapest active lane of the lane master whose origin is the site
  and whose destination code is the market id or region, by its rate per unit in the
  scenario's currency (``lane_unit_rate``: per kg × the heaviest unit weight of the products
  the site makes, per container ÷ the fewest units per container; ``convert`` with the owner's
  exchange-rate table); its transit days and its capacity converted to a month and to units
  with the same figure (``lane_unit_capacity``). A lane that cannot be converted is listed as
  defaulted with the reason;
- demand: the latest demand forecast version; a week is counted in the month of its Thursday
  (the ISO rule that gives each week one year, applied to months).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

PPM_WINDOW_DAYS = 180
MAX_DEFECT_RATE = 0.99
#: multiply a quantity per period by this to get it per month
MONTHS_PER_PERIOD: dict[str, float] = {
    "day": 30.4,
    "week": 52 / 12,
    "month": 1.0,
    "quarter": 1 / 3,
    "year": 1 / 12,
}


@dataclass(frozen=True)
class PriceTerms:
    """One partner's live price: its newest contract in force that has price tiers."""

    contract_id: int
    contract_title: str
    version: int
    currency: str
    #: (min_volume, unit_price) by rising volume
    tiers: tuple[tuple[float, float], ...]
    #: family → production target per month
    monthly_targets: dict[str, float]
    as_of: datetime


@dataclass(frozen=True)
class QualityReading:
    ppm: float | None
    inspected: int
    defective: int
    start: date
    end: date


@dataclass(frozen=True)
class DeclaredCapacity:
    declaration_ids: tuple[int, ...]
    #: "YYYY-MM" → units
    months: dict[str, float]
    as_of: datetime


@dataclass(frozen=True)
class LiveLane:
    lane_id: int
    code: str
    carrier: str
    origin_site_id: int
    destination: str
    #: the lane master's rate, per ``rate_basis`` ("unit", "kg", "container"), in ``currency``
    rate: float
    currency: str
    transit_days: int
    #: units per month; None = unlimited
    monthly_capacity: float | None
    as_of: datetime
    rate_basis: str = "unit"


@dataclass(frozen=True)
class FreightSpec:
    """How one product (or every product of a family) travels (planning's freight units)."""

    unit_kg: float | None
    units_per_container: float | None


@dataclass(frozen=True)
class LiveDemand:
    forecast_id: int
    name: str
    version: int
    #: (product, family, market, month, qty)
    lines: tuple[tuple[str, str, str, str, float], ...]
    as_of: datetime


@dataclass(frozen=True)
class LiveOfftake:
    """The owner's offtake commitment to a JV (ventures): a volume of a product family to buy
    from the JV company in a period (``2027``, ``2027-Q1`` or ``2027-03``)."""

    venture_id: int
    venture_name: str
    jv_partner_id: int
    period: str
    #: the months (YYYY-MM) the period spans; the volume is spread evenly over them
    months: tuple[str, ...]
    product_family: str
    volume: float
    uom: str
    as_of: datetime


@dataclass(frozen=True)
class LiveData:
    read_at: datetime
    prices: dict[int, PriceTerms] = field(default_factory=dict)
    quality: dict[int, QualityReading] = field(default_factory=dict)
    capacity: dict[tuple[int, str], DeclaredCapacity] = field(default_factory=dict)
    lanes: tuple[LiveLane, ...] = ()
    demand: LiveDemand | None = None
    #: registry site id → that site's own reading (lots of the site); ``quality`` is per partner
    site_quality: dict[int, QualityReading] = field(default_factory=dict)
    #: currency → US dollars per unit (planning's exchange-rate table; USD is 1 unless entered)
    usd_values: dict[str, float] = field(default_factory=dict)
    #: product code or family → how it travels (planning's freight units)
    freight: dict[str, FreightSpec] = field(default_factory=dict)
    #: the owner's offtake commitments to its JVs (ventures)
    offtake: tuple[LiveOfftake, ...] = ()


def no_live_data(today: date) -> LiveData:
    """Nothing live: every input is generated (what a test or a bare registry gets)."""
    return LiveData(read_at=datetime.combine(today, datetime.min.time()))


def tier_price(tiers: Sequence[tuple[float, float]], volume: float) -> tuple[float, float]:
    """(min_volume, unit_price) of the highest tier whose minimum the volume reaches (the first
    tier below every minimum, as contracts.terms.unit_price_for does)."""
    chosen = tiers[0]
    for tier in tiers:
        if volume >= tier[0]:
            chosen = tier
    return chosen


def monthly(volume: float, period: str) -> float:
    return volume * MONTHS_PER_PERIOD.get(period, 1.0)


def ppm_window(today: date) -> tuple[date, date]:
    """The measured-PPM window: the ``PPM_WINDOW_DAYS`` days ending on ``today``."""
    return today - timedelta(days=PPM_WINDOW_DAYS - 1), today


def defect_rate(ppm: float) -> float:
    return round(min(MAX_DEFECT_RATE, max(0.0, ppm / 1e6)), 6)


def month_of(label: str) -> str | None:
    """The month ("YYYY-MM") a forecast period counts in: a month is itself, an ISO week
    ("YYYY-Www") the month of its Thursday; None for anything else."""
    text = label.strip()
    if len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit():
        return text if 1 <= int(text[5:]) <= 12 else None
    if len(text) == 8 and text[4:6] == "-W" and text[:4].isdigit() and text[6:].isdigit():
        try:
            thursday = date.fromisocalendar(int(text[:4]), int(text[6:]), 4)
        except ValueError:
            return None
        return f"{thursday.year:04d}-{thursday.month:02d}"
    return None


def convert(amount: float, source: str, target: str, usd_values: dict[str, float]) -> float | None:
    """``amount`` in ``source`` expressed in ``target`` through US dollars: amount ×
    usd(source) ÷ usd(target); USD is worth 1 unless the table says otherwise. None when the
    table lacks either currency (the caller lists the input as defaulted)."""
    if source.upper() == target.upper():
        return amount
    values = {"USD": 1.0, **{k.upper(): v for k, v in usd_values.items()}}
    a, b = values.get(source.upper()), values.get(target.upper())
    if not a or not b or a <= 0 or b <= 0:
        return None
    return amount * a / b


def missing_currencies(source: str, target: str, usd_values: dict[str, float]) -> list[str]:
    known = {"USD", *(k.upper() for k, v in usd_values.items() if v > 0)}
    return sorted({c.upper() for c in (source, target)} - known)


@dataclass(frozen=True)
class LaneRate:
    """A lane's rate per unit in its own currency, and what the conversion took."""

    per_unit: float | None
    #: the unit weight (kg) or units per container used; None for a per-unit rate
    factor: float | None
    #: products that lack the weight or container figure (then ``per_unit`` is None)
    missing: tuple[str, ...] = ()


def lane_unit_rate(
    lane: LiveLane, products: Sequence[tuple[str, str]], freight: dict[str, FreightSpec]
) -> LaneRate:
    """Per unit: a per-kg rate × the heaviest unit weight of the products the lane's site
    makes, a per-container rate ÷ the fewest units per container among them (the planner has
    one rate per lane, so the dearest product sets it). A product's figure is its own row in
    the freight units, else its family's."""
    if lane.rate_basis not in ("kg", "container"):
        return LaneRate(lane.rate, None)
    figures: list[float] = []
    missing: list[str] = []
    for product, family in products:
        spec = freight.get(product) or freight.get(family)
        value = None
        if spec is not None:
            value = spec.unit_kg if lane.rate_basis == "kg" else spec.units_per_container
        if value is None or value <= 0:
            missing.append(product)
        else:
            figures.append(value)
    if missing or not figures:
        return LaneRate(None, None, tuple(missing))
    if lane.rate_basis == "kg":
        factor = max(figures)
        return LaneRate(lane.rate * factor, factor)
    factor = min(figures)
    return LaneRate(lane.rate / factor, factor)


def lane_unit_capacity(lane: LiveLane, rate: LaneRate) -> float | None:
    """The lane's monthly capacity in units. The lane master states capacity in the lane's
    rate basis (units, kg or containers, as the carrier sells it), so it is converted with the
    same figure as the rate: kg ÷ the heaviest unit weight, containers × the fewest units per
    container (both the cautious side). None = unlimited."""
    if lane.monthly_capacity is None:
        return None
    if lane.rate_basis == "kg" and rate.factor:
        return lane.monthly_capacity / rate.factor
    if lane.rate_basis == "container" and rate.factor:
        return lane.monthly_capacity * rate.factor
    return lane.monthly_capacity


def cheapest_lanes(
    lanes: Iterable[LiveLane],
    site_ids: dict[int, str],
    markets: Sequence[tuple[str, str]],
    costs: dict[int, float],
) -> dict[tuple[str, str], LiveLane]:
    """(input site id, market id) → the lane used: the cheapest per unit (``costs``: lane id →
    rate per unit in the scenario's currency; a lane without one is not a candidate), then the
    fastest, then the lowest id (one lane per pair in the planner)."""
    out: dict[tuple[str, str], LiveLane] = {}
    for lane in lanes:
        site = site_ids.get(lane.origin_site_id)
        if site is None or lane.lane_id not in costs:
            continue
        for market_id in lane_markets(lane, markets):
            key = (site, market_id)
            known = out.get(key)
            rank = (costs[lane.lane_id], lane.transit_days, lane.lane_id)
            if known is None or rank < (costs[known.lane_id], known.transit_days, known.lane_id):
                out[key] = lane
    return out


def lane_markets(lane: LiveLane, markets: Sequence[tuple[str, str]]) -> list[str]:
    """The markets (id, region) a lane reaches: its destination code is the id or region."""
    target = lane.destination.upper()
    return [m_id for m_id, region in markets if target in (m_id.upper(), region.upper())]


def iso(moment: datetime | date | None) -> str | None:
    return None if moment is None else moment.isoformat()


def entry(
    kind: str,
    subject: str,
    live: bool,
    source: str,
    params: dict[str, Any] | None = None,
    as_of: datetime | date | None = None,
) -> dict[str, Any]:
    """One line of a scenario's input list: what, for whom, live or defaulted, from where."""
    return {
        "input": kind,
        "subject": subject,
        "live": live,
        "source": source,
        "params": params or {},
        "as_of": iso(as_of),
    }


def with_register_disruptions(
    document: dict[str, Any], profiles: dict[str, dict[str, Any]]
) -> tuple[dict[str, Any], list[str]]:
    """The document with each site's ``disruption`` taken from the register where the site has
    none of its own (an explicit value in the scenario wins), and the sites that took one."""
    out = dict(document)
    sites = []
    applied: list[str] = []
    for site in document.get("sites", []):
        profile = profiles.get(str(site.get("id")))
        if profile is not None and "disruption" not in site:
            site = {**site, "disruption": profile["disruption"]}
            applied.append(str(site["id"]))
        sites.append(site)
    out["sites"] = sites
    return out, applied
