"""Checks a JSON Schema cannot express: references between ids, and demand nobody can serve.

They run even when the schema already complained, so a user sees every problem in one pass;
that is why every accessor here tolerates wrong types instead of trusting the schema.
"""

from __future__ import annotations

from collections.abc import Iterator
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


def check_semantics(doc: Any) -> list[Problem]:
    doc = _dict(doc)
    problems: list[Problem] = []
    products = _list(doc.get("products"))
    sites = _list(doc.get("sites"))
    markets = _list(doc.get("markets"))
    lanes = _list(doc.get("lanes"))
    policy = _dict(doc.get("policy"))

    product_ids, found = _ids(products, "products")
    problems += found
    site_ids, found = _ids(sites, "sites")
    problems += found
    market_ids, found = _ids(markets, "markets")
    problems += found
    product_set, site_set, market_set = set(product_ids), set(site_ids), set(market_ids)
    raw_periods = doc.get("periods")
    periods: set[str] | None = set()
    if isinstance(raw_periods, list):
        periods = {p for p in raw_periods if isinstance(p, str)}
    elif raw_periods is not None:
        periods = None  # the schema reports the wrong type; do not pile on
    family_of = {
        str(p["id"]): p.get("family")
        for p in products
        if isinstance(p, dict) and isinstance(p.get("id"), str)
    }
    families = {f for f in family_of.values() if isinstance(f, str)}
    regions = {s.get("region", "unknown") for s in sites if isinstance(s, dict)}

    # which products each site can make
    makes: dict[str, set[str]] = {}
    for index, raw_site in enumerate(sites):
        site = _dict(raw_site)
        ident = site.get("id")
        path: list[str | int] = ["sites", index]
        capacity = site.get("capacity")
        if isinstance(capacity, dict):
            covered = set()
            for family, quantity in capacity.items():
                if family not in families:
                    problems.append(
                        Problem(
                            json_path([*path, "capacity", family]), UNKNOWN_FAMILY, {"id": family}
                        )
                    )
                else:
                    covered.add(family)
                problems += _check_periods(quantity, periods, [*path, "capacity", family])
            can = {p for p, f in family_of.items() if f in covered}
        else:
            can = set(product_ids)
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
                        Problem(
                            json_path([*path, "products", position]), UNKNOWN_PRODUCT, {"id": key}
                        )
                    )
            can &= {key for key in restricted if isinstance(key, str)}
        start = site.get("available_from")
        if isinstance(start, str) and periods is not None and start not in periods:
            problems.append(
                Problem(json_path([*path, "available_from"]), UNKNOWN_PERIOD, {"id": start})
            )
        kind = site.get("kind", "partner")
        if "capex" in site and kind != "new_plant":
            problems.append(
                Problem(json_path([*path, "capex"]), CAPEX_NOT_NEW_PLANT, {"kind": kind})
            )
        problems += _check_duration(site.get("disruption"), [*path, "disruption"])
        if isinstance(ident, str):
            makes[ident] = can

    for region, disruption in _dict(doc.get("disruption_defaults")).items():
        problems += _check_duration(disruption, ["disruption_defaults", region])

    # lanes
    served_by: dict[str, set[str]] = {m: set() for m in market_ids}
    seen_lanes: set[tuple[str, str]] = set()
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

    # demand
    sources: dict[str, set[str]] = {p: set() for p in product_ids}
    for index, raw_market in enumerate(markets):
        market_doc = _dict(raw_market)
        ident = market_doc.get("id")
        # a market that prices unmet demand takes a product nobody can ship as unmet demand
        penalty = market_doc.get("unmet_penalty")
        soft = isinstance(penalty, int | float) and not isinstance(penalty, bool)
        for product, quantity in _dict(market_doc.get("demand")).items():
            path = ["markets", index, "demand", product]
            if product not in product_set:
                problems.append(Problem(json_path(path), UNKNOWN_PRODUCT, {"id": product}))
                continue
            problems += _check_periods(quantity, periods, path)
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

    # policy
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
    region_caps = policy.get("max_share_per_region")
    for region in _dict(region_caps):
        if region not in regions:
            problems.append(
                Problem(
                    json_path(["policy", "max_share_per_region", region]),
                    UNKNOWN_REGION,
                    {"id": region},
                )
            )
    return problems
