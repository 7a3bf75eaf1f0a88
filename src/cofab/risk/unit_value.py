"""What a unit of demand nobody serves is worth, in the network's currency.

Issue 16 asks for the impact "in units and in value (unmet penalty)". A market's unmet-demand
penalty is a real price only when someone entered it: the planner's registry scenarios and its
dropout what-ifs put a big-M there instead (ten times the dearest unit to make and ship, at
least 1,000 — ``planning.what_if.dropout_penalty``), which only makes serving demand pay in the
LP and, counted as value, gave losses around 1e17 in the demo's KRW scenarios. So:

- a market with its own ``lost_unit_cost`` (else ``unmet_penalty``) in a document values a lost
  unit at that number (the user's price);
- any other market — the live registry network drops the planner's default penalty before it
  gets here — values it at the product's price: the average of the unit prices the sites of
  the document charge for it (``sites[].unit_cost``, contract prices in a registry document),
  the same for every node so that losses compare across nodes; a product no site prices is
  not valued (its units are still counted).

Pure Python (no numpy): the activation report uses it inside web requests.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return float(value)
    return None


def product_prices(doc: dict[str, Any]) -> dict[str, float]:
    """Product → the average positive unit price over the sites that price it."""
    prices: dict[str, list[float]] = defaultdict(list)
    for site in doc.get("sites") or []:
        costs = site.get("unit_cost") if isinstance(site, dict) else None
        for product, cost in (costs or {}).items() if isinstance(costs, dict) else ():
            number = _number(cost)
            if number is not None and number > 0:
                prices[str(product)].append(number)
    return {product: sum(values) / len(values) for product, values in prices.items()}


def market_prices(doc: dict[str, Any]) -> dict[str, float]:
    """Market → its own price of a lost unit, for the markets that have one."""
    out: dict[str, float] = {}
    for market in doc.get("markets") or []:
        if not isinstance(market, dict):
            continue
        price = _number(market.get("lost_unit_cost", market.get("unmet_penalty")))
        if price is not None:
            out[str(market.get("id"))] = price
    return out


def unit_value(
    market: str, product: str, markets: dict[str, float], products: dict[str, float]
) -> float | None:
    """One lost unit's value: the market's own price, else the product's, else None."""
    if market in markets:
        return markets[market]
    return products.get(product)
