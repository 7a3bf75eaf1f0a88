"""Checks a JSON Schema cannot express: references between ids, and demand nobody can serve.

They run even when the schema already complained, so a user sees every problem in one pass;
that is why every accessor here tolerates wrong types instead of trusting the schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cofab.core.i18n import N_
from cofab.planning.problems import Problem, json_path

DUPLICATE_ID = N_("Duplicate id '{id}'")
UNKNOWN_SITE = N_("Unknown site '{id}'")
UNKNOWN_MARKET = N_("Unknown market '{id}'")
UNKNOWN_PRODUCT = N_("Unknown product '{id}'")
UNKNOWN_FAMILY = N_("Unknown product family '{id}'")
UNKNOWN_PERIOD = N_("Unknown period '{id}'")
UNKNOWN_REGION = N_("Unknown region '{id}' (no site is in it)")
DUPLICATE_LANE = N_("Duplicate lane from site '{site}' to market '{market}'")
NO_LANE_FOR_DEMAND = N_(
    "Product '{product}' is demanded in market '{market}', but no site that can make it "
    "has a lane to that market (give the market an unmet_penalty to plan it as unmet demand)"
)
TOO_FEW_SOURCES = N_(
    "Product '{product}' needs {required} sources, but only {available} site(s) can make it "
    "and ship it to a market that demands it"
)
SOURCE_SHARES_EXCEED_ONE = N_(
    "min_sources ({sources}) × min_source_share ({share}) exceeds 1: no product can satisfy it"
)
CAPEX_NOT_NEW_PLANT = N_("capex is only used for sites of kind 'new_plant' (this site is '{kind}')")
UNIFORM_MIN_ABOVE_MAX = N_("Duration min ({min}) is greater than max ({max})")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _ids(items: list[Any], section: str) -> tuple[list[str], list[Problem]]:
    seen: set[str] = set()
    ids: list[str] = []
    problems: list[Problem] = []
    for index, item in enumerate(items):
        ident = _dict(item).get("id")
        if not isinstance(ident, str):
            continue
        if ident in seen:
            problems.append(Problem(json_path([section, index, "id"]), DUPLICATE_ID, {"id": ident}))
        seen.add(ident)
        ids.append(ident)
    return ids, problems


def _has_positive(quantity: Any) -> bool:
    if isinstance(quantity, bool):
        return False
    if isinstance(quantity, int | float):
        return quantity > 0
    return any(
        isinstance(v, int | float) and not isinstance(v, bool) and v > 0
        for v in _dict(quantity).values()
    )


def _check_periods(
    quantity: Any, periods: set[str] | None, path: list[str | int]
) -> Iterator[Problem]:
    if periods is None or not isinstance(quantity, dict):
        return
    for key in quantity:
        if key not in periods:
            yield Problem(json_path([*path, key]), UNKNOWN_PERIOD, {"id": key})


def _check_duration(disruption: Any, path: list[str | int]) -> Iterator[Problem]:
    duration = _dict(_dict(disruption).get("duration"))
    low, high = duration.get("min"), duration.get("max")
    if isinstance(low, int) and isinstance(high, int) and low > high:
        yield Problem(
            json_path([*path, "duration"]), UNIFORM_MIN_ABOVE_MAX, {"min": low, "max": high}
        )


@dataclass(frozen=True)
class _Catalog:
    """The ids the blocks refer to, read once from the document (wrong types left out)."""

    product_ids: list[str]
    site_ids: list[str]
    market_ids: list[str]
    periods: set[str] | None  # None: the schema reports a wrong type; do not pile on
    family_of: dict[str, Any]
    regions: set[Any]

    @property
    def families(self) -> set[str]:
        return {f for f in self.family_of.values() if isinstance(f, str)}


def check_semantics(doc: Any) -> list[Problem]:
    """Every problem of ``doc``, block by block in the order a reader meets them."""
    doc = _dict(doc)
    products = _list(doc.get("products"))
    markets = _list(doc.get("markets"))
    policy = _dict(doc.get("policy"))
    catalog, problems = _read_catalog(doc)
    makes, found = _check_sites(_list(doc.get("sites")), catalog)
    problems += found
    problems += _check_disruption_defaults(doc.get("disruption_defaults"))
    served_by, found = _check_lanes(_list(doc.get("lanes")), catalog, makes)
    problems += found
    sources, found = _check_demand(markets, catalog, makes, served_by)
    problems += found
    problems += _check_policy(policy, products, sources)
    problems += _check_region_caps(policy, catalog)
    return problems


def _read_catalog(doc: dict[str, Any]) -> tuple[_Catalog, list[Problem]]:
    """Product, site and market ids (a duplicate is a problem), the periods, families, regions."""
    products = _list(doc.get("products"))
    sites = _list(doc.get("sites"))
    problems: list[Problem] = []
    product_ids, found = _ids(products, "products")
    problems += found
    site_ids, found = _ids(sites, "sites")
    problems += found
    market_ids, found = _ids(_list(doc.get("markets")), "markets")
    problems += found
    raw_periods = doc.get("periods")
    periods: set[str] | None = set()
    if isinstance(raw_periods, list):
        periods = {p for p in raw_periods if isinstance(p, str)}
    elif raw_periods is not None:
        periods = None
    family_of = {
        str(p["id"]): p.get("family")
        for p in products
        if isinstance(p, dict) and isinstance(p.get("id"), str)
    }
    regions = {s.get("region", "unknown") for s in sites if isinstance(s, dict)}
    catalog = _Catalog(product_ids, site_ids, market_ids, periods, family_of, regions)
    return catalog, problems


def _check_sites(sites: list[Any], catalog: _Catalog) -> tuple[dict[str, set[str]], list[Problem]]:
    """Each site's references, and which products each site can make."""
    makes: dict[str, set[str]] = {}
    problems: list[Problem] = []
    for index, raw_site in enumerate(sites):
        site = _dict(raw_site)
        can, found = _check_site(site, ["sites", index], catalog)
        problems += found
        ident = site.get("id")
        if isinstance(ident, str):
            makes[ident] = can
    return makes, problems


def _check_site(
    site: dict[str, Any], path: list[str | int], catalog: _Catalog
) -> tuple[set[str], list[Problem]]:
    problems: list[Problem] = []
    product_set, periods, families = set(catalog.product_ids), catalog.periods, catalog.families
    capacity = site.get("capacity")
    if isinstance(capacity, dict):
        covered = set()
        for family, quantity in capacity.items():
            if family not in families:
                problems.append(
                    Problem(json_path([*path, "capacity", family]), UNKNOWN_FAMILY, {"id": family})
                )
            else:
                covered.add(family)
            problems += _check_periods(quantity, periods, [*path, "capacity", family])
        can = {p for p, f in catalog.family_of.items() if f in covered}
    else:
        can = set(catalog.product_ids)
    if "min_volume" in site:
        problems += _check_periods(site["min_volume"], periods, [*path, "min_volume"])
    for key in _dict(site.get("unit_cost")):
        if key not in product_set:
            problems.append(
                Problem(json_path([*path, "unit_cost", key]), UNKNOWN_PRODUCT, {"id": key})
            )
    restricted = site.get("products")
    if isinstance(restricted, list):
        for position, key in enumerate(restricted):
            if isinstance(key, str) and key not in product_set:
                problems.append(
                    Problem(json_path([*path, "products", position]), UNKNOWN_PRODUCT, {"id": key})
                )
        can &= {key for key in restricted if isinstance(key, str)}
    start = site.get("available_from")
    if isinstance(start, str) and periods is not None and start not in periods:
        problems.append(
            Problem(json_path([*path, "available_from"]), UNKNOWN_PERIOD, {"id": start})
        )
    kind = site.get("kind", "partner")
    if "capex" in site and kind != "new_plant":
        problems.append(Problem(json_path([*path, "capex"]), CAPEX_NOT_NEW_PLANT, {"kind": kind}))
    problems += _check_duration(site.get("disruption"), [*path, "disruption"])
    return can, problems


def _check_disruption_defaults(defaults: Any) -> list[Problem]:
    problems: list[Problem] = []
    for region, disruption in _dict(defaults).items():
        problems += _check_duration(disruption, ["disruption_defaults", region])
    return problems


def _check_lanes(
    lanes: list[Any], catalog: _Catalog, makes: dict[str, set[str]]
) -> tuple[dict[str, set[str]], list[Problem]]:
    """Lane ends that exist, no lane twice, and which sites serve each market."""
    site_set, market_set = set(catalog.site_ids), set(catalog.market_ids)
    served_by: dict[str, set[str]] = {m: set() for m in catalog.market_ids}
    seen_lanes: set[tuple[str, str]] = set()
    problems: list[Problem] = []
    for index, raw_lane in enumerate(lanes):
        lane = _dict(raw_lane)
        lane_site, lane_market = lane.get("site"), lane.get("market")
        if isinstance(lane_site, str) and lane_site not in site_set:
            problems.append(
                Problem(json_path(["lanes", index, "site"]), UNKNOWN_SITE, {"id": lane_site})
            )
        if isinstance(lane_market, str) and lane_market not in market_set:
            problems.append(
                Problem(json_path(["lanes", index, "market"]), UNKNOWN_MARKET, {"id": lane_market})
            )
        if isinstance(lane_site, str) and isinstance(lane_market, str):
            if (lane_site, lane_market) in seen_lanes:
                problems.append(
                    Problem(
                        json_path(["lanes", index]),
                        DUPLICATE_LANE,
                        {"site": lane_site, "market": lane_market},
                    )
                )
            seen_lanes.add((lane_site, lane_market))
            if lane_site in makes and lane_market in served_by:
                served_by[lane_market].add(lane_site)
        if "capacity" in lane:
            problems += _check_periods(
                lane["capacity"], catalog.periods, ["lanes", index, "capacity"]
            )
    return served_by, problems


def _check_demand(
    markets: list[Any],
    catalog: _Catalog,
    makes: dict[str, set[str]],
    served_by: dict[str, set[str]],
) -> tuple[dict[str, set[str]], list[Problem]]:
    """Demand for known products in known periods that some site can ship; the sources found."""
    product_set = set(catalog.product_ids)
    sources: dict[str, set[str]] = {p: set() for p in catalog.product_ids}
    problems: list[Problem] = []
    for index, raw_market in enumerate(markets):
        market_doc = _dict(raw_market)
        ident = market_doc.get("id")
        # a market that prices unmet demand takes a product nobody can ship as unmet demand
        penalty = market_doc.get("unmet_penalty")
        soft = isinstance(penalty, int | float) and not isinstance(penalty, bool)
        for product, quantity in _dict(market_doc.get("demand")).items():
            path: list[str | int] = ["markets", index, "demand", product]
            if product not in product_set:
                problems.append(Problem(json_path(path), UNKNOWN_PRODUCT, {"id": product}))
                continue
            problems += _check_periods(quantity, catalog.periods, path)
            if not isinstance(ident, str) or not _has_positive(quantity):
                continue
            able = {s for s in served_by.get(ident, set()) if product in makes.get(s, set())}
            sources[product] |= able
            if not able and not soft:
                problems.append(
                    Problem(
                        json_path(path), NO_LANE_FOR_DEMAND, {"product": product, "market": ident}
                    )
                )
    return sources, problems


def _check_policy(
    policy: dict[str, Any], products: list[Any], sources: dict[str, set[str]]
) -> list[Problem]:
    """Multi-sourcing rules that can be met: enough sources, shares that add up to at most 1."""
    problems: list[Problem] = []
    default_sources = policy.get("min_sources", 0)
    share = policy.get("min_source_share", 0.1)
    if not isinstance(share, int | float) or isinstance(share, bool):
        share = 0.1
    if isinstance(default_sources, int) and default_sources * share > 1 + 1e-12:
        problems.append(
            Problem(
                json_path(["policy", "min_sources"]),
                SOURCE_SHARES_EXCEED_ONE,
                {"sources": default_sources, "share": share},
            )
        )
    for index, raw_product in enumerate(products):
        product_doc = _dict(raw_product)
        ident = product_doc.get("id")
        own_rule = product_doc.get("min_sources")
        required = own_rule if own_rule is not None else default_sources
        if not isinstance(ident, str) or not isinstance(required, int) or required <= 1:
            continue
        available = len(sources.get(ident, set()))
        if available and available < required:
            problems.append(
                Problem(
                    json_path(["products", index]),
                    TOO_FEW_SOURCES,
                    {"product": ident, "required": required, "available": available},
                )
            )
        if own_rule is not None and required * share > 1 + 1e-12:
            problems.append(
                Problem(
                    json_path(["products", index, "min_sources"]),
                    SOURCE_SHARES_EXCEED_ONE,
                    {"sources": required, "share": share},
                )
            )
    return problems


def _check_region_caps(policy: dict[str, Any], catalog: _Catalog) -> list[Problem]:
    return [
        Problem(
            json_path(["policy", "max_share_per_region", region]), UNKNOWN_REGION, {"id": region}
        )
        for region in _dict(policy.get("max_share_per_region"))
        if region not in catalog.regions
    ]
