"""What a registry scenario reads from the live domains, and the rules that turn it into planner
numbers. Pure: no database, so every rule is checked by hand-computed tests.

The readers live in ``live_sources`` (they import other domains' services); this module only
holds the shapes and the mapping rules documented in docs/planner-input.md ("Registry
scenarios: live inputs"):

- unit price: the partner's active contract with price tiers (the newest in force); a tier
  applies from its ``min_volume`` per order. The planner is linear, so one tier is chosen per
  partner and family: the tier reached by the contract's **production target** for the family,
  converted to a month; without a target the first tier (the price any order pays);
- defect rate: incoming-inspection PPM over the ``PPM_WINDOW_DAYS`` days up to the day the
  scenario is built, ÷ 10⁶ (at most ``MAX_DEFECT_RATE``); no inspected unit → the default;
- capacity: the partner's capacity declarations month by month (ramp and shutdowns included);
  a month no declaration covers keeps the registry capability capacity;
- lanes: per site × market the cheapest active per-unit lane of the lane master whose origin is
  the site and whose destination code is the market id or region; its transit days and its
  capacity converted to a month;
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
    unit_cost: float
    currency: str
    transit_days: int
    #: units per month; None = unlimited
    monthly_capacity: float | None
    as_of: datetime


@dataclass(frozen=True)
class LiveDemand:
    forecast_id: int
    name: str
    version: int
    #: (product, family, market, month, qty)
    lines: tuple[tuple[str, str, str, str, float], ...]
    as_of: datetime


@dataclass(frozen=True)
class LiveData:
    read_at: datetime
    prices: dict[int, PriceTerms] = field(default_factory=dict)
    quality: dict[int, QualityReading] = field(default_factory=dict)
    capacity: dict[tuple[int, str], DeclaredCapacity] = field(default_factory=dict)
    lanes: tuple[LiveLane, ...] = ()
    demand: LiveDemand | None = None


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


def cheapest_lanes(
    lanes: Iterable[LiveLane], site_ids: dict[int, str], markets: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], LiveLane]:
    """(input site id, market id) → the lane used: the cheapest per unit, then the fastest,
    then the lowest id (one lane per pair in the planner)."""
    out: dict[tuple[str, str], LiveLane] = {}
    for lane in lanes:
        site = site_ids.get(lane.origin_site_id)
        if site is None:
            continue
        target = lane.destination.upper()
        for market_id, region in markets:
            if target not in (market_id.upper(), region.upper()):
                continue
            key = (site, market_id)
            known = out.get(key)
            rank = (lane.unit_cost, lane.transit_days, lane.lane_id)
            if known is None or rank < (known.unit_cost, known.transit_days, known.lane_id):
                out[key] = lane
    return out


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
