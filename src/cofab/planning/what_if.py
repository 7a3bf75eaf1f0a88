"""What-if edits of an input document: pure functions, document in, new document out.

A what-if never edits its parent: the service clones the parent's document through one of these
functions, validates the clone with the same loader as an upload and stores it as a child
scenario, so the two plans can be compared side by side.
"""

from __future__ import annotations

import copy
from typing import Any

#: what a unit of demand left unmet costs in a dropout what-if, when its market names no price:
#: this many times the dearest way to make and ship one unit, so the plan still meets every
#: demand it can and shows the rest as unmet demand instead of failing
UNMET_PENALTY_FACTOR = 10.0
MIN_UNMET_PENALTY = 1000.0


def _numbers(value: Any) -> list[float]:
    if isinstance(value, dict):
        return [n for item in value.values() for n in _numbers(item)]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [float(value)]
    return []


def dropout_penalty(doc: dict[str, Any], floor: float = MIN_UNMET_PENALTY) -> float:
    """The unmet-demand price a dropout what-if gives markets that have none (see above);
    ``floor`` in the document's currency (a registry scenario converts the US-dollar floor)."""
    unit = max([0.0, *(n for s in doc.get("sites", []) for n in _numbers(s.get("unit_cost")))])
    freight = max(
        [0.0, *(n for lane in doc.get("lanes", []) for n in _numbers(lane.get("unit_cost")))]
    )
    return round(max(floor, UNMET_PENALTY_FACTOR * (unit + freight)), 2)


def without_sites(doc: dict[str, Any], site_ids: set[str]) -> dict[str, Any]:
    """The document with those sites and their lanes gone (a partner is out, a plant burns).

    A sole source dropping out leaves demand nobody can serve: that is the answer the what-if
    asks for, so every market gets an unmet-demand price (its own, or :func:`dropout_penalty`)
    and the plan reports the demand left unmet per product and market."""
    out = copy.deepcopy(doc)
    out["sites"] = [s for s in out.get("sites", []) if s.get("id") not in site_ids]
    out["lanes"] = [lane for lane in out.get("lanes", []) if lane.get("site") not in site_ids]
    penalty = dropout_penalty(doc)
    for market in out.get("markets", []):
        if isinstance(market, dict) and market.get("unmet_penalty") is None:
            market["unmet_penalty"] = penalty
    return out


def _scaled(quantity: Any, factor: float) -> Any:
    if isinstance(quantity, dict):
        return {key: _scaled(value, factor) for key, value in quantity.items()}
    if isinstance(quantity, int | float) and not isinstance(quantity, bool):
        return round(float(quantity) * factor, 6)
    return quantity


def scale_demand(doc: dict[str, Any], factor: float) -> dict[str, Any]:
    """Every demand figure (single numbers and per-period maps alike) times ``factor``."""
    out = copy.deepcopy(doc)
    for market in out.get("markets", []):
        if isinstance(market, dict) and isinstance(market.get("demand"), dict):
            market["demand"] = _scaled(market["demand"], factor)
    return out
