"""What-if edits of an input document: pure functions, document in, new document out.

A what-if never edits its parent: the service clones the parent's document through one of these
functions, validates the clone with the same loader as an upload and stores it as a child
scenario, so the two plans can be compared side by side.
"""

from __future__ import annotations

import copy
from typing import Any


def without_sites(doc: dict[str, Any], site_ids: set[str]) -> dict[str, Any]:
    """The document with those sites and their lanes gone (a partner is out, a plant burns)."""
    out = copy.deepcopy(doc)
    out["sites"] = [s for s in out.get("sites", []) if s.get("id") not in site_ids]
    out["lanes"] = [lane for lane in out.get("lanes", []) if lane.get("site") not in site_ids]
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
