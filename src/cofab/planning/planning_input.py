"""A validated input document mapped onto engine arrays, with the ids kept for the way back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cofab.planning.engine.disruption import DisruptionProfile, DurationKind
from cofab.planning.engine.model import FloatArray, PlanningModel, Policy

if TYPE_CHECKING:
    pass


SINGLE_PERIOD = "all"
DEFAULT_REGION = "unknown"
DEFAULT_TIME_LIMIT_S = 300.0
#: used when neither the site nor disruption_defaults (its region, then "*") say otherwise
BUILTIN_DISRUPTION: dict[str, Any] = {
    "probability": 0.01,
    "duration": {"distribution": "geometric", "mean": 2},
    "capacity_loss": 1.0,
}


@dataclass(frozen=True, slots=True)
class PlanningInput:
    name: str | None
    product_ids: tuple[str, ...]
    family_ids: tuple[str, ...]
    site_ids: tuple[str, ...]
    market_ids: tuple[str, ...]
    period_ids: tuple[str, ...]
    region_ids: tuple[str, ...]
    site_kind: tuple[str, ...]
    pool_family: tuple[str | None, ...]  # None: the pool serves every family
    lead_time_days: FloatArray  # (S, M), NaN where unknown
    market_lost_cost: FloatArray  # (M,) cost of a unit of demand lost to a disruption
    disruption: DisruptionProfile
    model: PlanningModel


def _first_seen(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _per_period(quantity: Any, period_index: dict[str, int], n_periods: int) -> FloatArray:
    """A number applies to every period; a map gives some periods, the rest are 0."""
    import numpy as np

    out = np.zeros(n_periods)
    if isinstance(quantity, dict):
        for period, value in quantity.items():
            out[period_index[period]] = float(value)
    else:
        out[:] = float(quantity)
    return out


def _disruption_profile(doc: dict[str, Any], regions: list[str]) -> DisruptionProfile:
    import numpy as np

    defaults = doc.get("disruption_defaults", {})
    sites = doc["sites"]
    n = len(sites)
    probability = np.zeros(n)
    kind = np.zeros(n, dtype=np.int64)
    a = np.ones(n)
    b = np.ones(n)
    loss = np.ones(n)
    for index, site in enumerate(sites):
        merged: dict[str, Any] = dict(BUILTIN_DISRUPTION)
        for layer in (
            defaults.get("*", {}),
            defaults.get(regions[index], {}),
            site.get("disruption", {}),
        ):
            merged.update(layer)
        probability[index] = merged["probability"]
        loss[index] = merged["capacity_loss"]
        duration = merged["duration"]
        distribution = duration["distribution"]
        if distribution == "fixed":
            kind[index], a[index] = DurationKind.FIXED, duration["periods"]
        elif distribution == "geometric":
            kind[index], a[index] = DurationKind.GEOMETRIC, duration["mean"]
        else:
            kind[index] = DurationKind.UNIFORM
            a[index], b[index] = duration["min"], duration["max"]
    return DisruptionProfile(
        probability=probability, duration_kind=kind, duration_a=a, duration_b=b, capacity_loss=loss
    )


def build_planning_input(doc: dict[str, Any]) -> PlanningInput:
    """Map a document that passed the schema and the semantic checks onto arrays."""
    import numpy as np

    products = doc["products"]
    sites = doc["sites"]
    markets = doc["markets"]
    lanes = doc.get("lanes", [])
    policy_doc = doc.get("policy", {})

    product_ids = tuple(p["id"] for p in products)
    family_ids = _first_seen([p["family"] for p in products])
    site_ids = tuple(s["id"] for s in sites)
    market_ids = tuple(m["id"] for m in markets)
    period_ids = tuple(doc.get("periods") or [SINGLE_PERIOD])
    site_regions = [s.get("region", DEFAULT_REGION) for s in sites]
    region_ids = _first_seen(site_regions)

    product_index = {p: i for i, p in enumerate(product_ids)}
    family_index = {f: i for i, f in enumerate(family_ids)}
    site_index = {s: i for i, s in enumerate(site_ids)}
    market_index = {m: i for i, m in enumerate(market_ids)}
    period_index = {t: i for i, t in enumerate(period_ids)}
    region_index = {r: i for i, r in enumerate(region_ids)}
    n_p, n_f, n_s, n_m, n_t = (
        len(product_ids),
        len(family_ids),
        len(site_ids),
        len(market_ids),
        len(period_ids),
    )

    unit_cost = np.zeros((n_s, n_p))
    allowed = np.ones((n_s, n_p), dtype=bool)
    restricted = False
    pool_site: list[int] = []
    pool_family: list[str | None] = []
    pool_rows: list[FloatArray] = []
    for s, site in enumerate(sites):
        for product, cost in site.get("unit_cost", {}).items():
            unit_cost[s, product_index[product]] = float(cost)
        if "products" in site:
            restricted = True
            allowed[s] = False
            allowed[s, [product_index[p] for p in site["products"]]] = True
        capacity = site["capacity"]
        if isinstance(capacity, dict):
            for family, quantity in capacity.items():
                pool_site.append(s)
                pool_family.append(family)
                pool_rows.append(_per_period(quantity, period_index, n_t))
        else:
            pool_site.append(s)
            pool_family.append(None)
            pool_rows.append(_per_period(capacity, period_index, n_t))
    pool_families = np.zeros((len(pool_site), n_f), dtype=bool)
    for k, family in enumerate(pool_family):
        if family is None:
            pool_families[k] = True
        else:
            pool_families[k, family_index[family]] = True

    dem_m: list[int] = []
    dem_p: list[int] = []
    dem_rows: list[FloatArray] = []
    for m, market in enumerate(markets):
        for product, quantity in market["demand"].items():
            dem_m.append(m)
            dem_p.append(product_index[product])
            dem_rows.append(_per_period(quantity, period_index, n_t))
    dem_matrix = np.array(dem_rows).reshape(len(dem_rows), n_t)
    entry, period = np.nonzero(dem_matrix > 0)

    lane_cost = np.full((n_s, n_m), np.nan)
    lead_time = np.full((n_s, n_m), np.nan)
    # built only when some lane has a capacity: absent everywhere = the model of before
    lane_capacity = (
        np.full((n_s, n_m, n_t), np.inf) if any("capacity" in x for x in lanes) else None
    )
    for lane in lanes:
        s, m = site_index[lane["site"]], market_index[lane["market"]]
        lane_cost[s, m] = float(lane.get("unit_cost", 0.0))
        lead_time[s, m] = float(lane.get("lead_time_days", np.nan))
        if lane_capacity is not None and "capacity" in lane:
            lane_capacity[s, m] = _per_period(lane["capacity"], period_index, n_t)

    penalty = np.array([float(m.get("unmet_penalty", np.nan)) for m in markets])
    lost_cost = np.array(
        [float(m.get("lost_unit_cost", m.get("unmet_penalty", 0.0))) for m in markets]
    )

    default_sources = int(policy_doc.get("min_sources", 0))
    min_sources = np.array(
        [int(p.get("min_sources", default_sources)) for p in products], dtype=np.int64
    )
    region_rule = policy_doc.get("max_share_per_region")
    region_cap: FloatArray | None = None
    if isinstance(region_rule, dict):
        region_cap = np.full(len(region_ids), np.nan)
        for region, share in region_rule.items():
            region_cap[region_index[region]] = float(share)
    elif region_rule is not None:
        region_cap = np.full(len(region_ids), float(region_rule))
    share_rule = policy_doc.get("max_share_per_site")
    threads = policy_doc.get("threads")
    policy = Policy(
        max_share_per_site=None if share_rule is None else float(share_rule),
        min_sources=min_sources if min_sources.any() else None,
        min_source_share=float(policy_doc.get("min_source_share", 0.1)),
        max_share_per_region=region_cap,
        mip_gap=float(policy_doc.get("mip_gap", 0.005)),
        time_limit_s=float(policy_doc.get("time_limit_s", DEFAULT_TIME_LIMIT_S)),
        threads=None if threads is None else int(threads),
        strategy=str(policy_doc.get("strategy", "auto")),
    )
    # built only when some site has a floor: absent everywhere = the model of before
    min_volume = (
        np.array([_per_period(s.get("min_volume", 0), period_index, n_t) for s in sites])
        if any("min_volume" in s for s in sites)
        else None
    )
    first_period = np.array(
        [period_index[s["available_from"]] if "available_from" in s else 0 for s in sites],
        dtype=np.int64,
    )
    model = PlanningModel(
        n_periods=n_t,
        product_family=np.array([family_index[p["family"]] for p in products], dtype=np.int64),
        n_families=n_f,
        site_region=np.array([region_index[r] for r in site_regions], dtype=np.int64),
        n_regions=len(region_ids),
        site_fixed_cost=np.array([float(s.get("fixed_cost", 0.0)) for s in sites]),
        site_capex=np.array([float(s.get("capex", 0.0)) for s in sites]),
        site_defect_rate=np.array([float(s.get("defect_rate", 0.0)) for s in sites]),
        site_available_from=first_period,
        site_unit_cost=unit_cost,
        pool_site=np.array(pool_site, dtype=np.int64),
        pool_families=pool_families,
        pool_capacity=np.array(pool_rows).reshape(len(pool_rows), n_t),
        demand_market=np.array(dem_m, dtype=np.int64)[entry],
        demand_product=np.array(dem_p, dtype=np.int64)[entry],
        demand_period=period.astype(np.int64),
        demand_qty=dem_matrix[entry, period],
        market_unmet_penalty=penalty,
        lane_cost=lane_cost,
        policy=policy,
        site_product_allowed=allowed if restricted else None,
        lane_capacity=lane_capacity,
        site_min_volume=min_volume,
    )
    model.check_shapes()
    return PlanningInput(
        name=doc.get("name"),
        product_ids=product_ids,
        family_ids=family_ids,
        site_ids=site_ids,
        market_ids=market_ids,
        period_ids=period_ids,
        region_ids=region_ids,
        site_kind=tuple(s.get("kind", "partner") for s in sites),
        pool_family=tuple(pool_family),
        lead_time_days=lead_time,
        market_lost_cost=lost_cost,
        disruption=_disruption_profile(doc, site_regions),
        model=model,
    )
