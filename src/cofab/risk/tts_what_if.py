"""What-ifs on a time-to-survive network, applied to the document before it is analysed, so the
answer comes from the same model as the base case (issue 16: "the same figures for 'what if we
add X weeks of inventory at site S' or 'qualify partner P for family F'").

- ``inventory_weeks`` at a site: X weeks of the whole network's weekly demand of every product
  the site makes or holds, added to its on-hand stock (a week of cover for the products it is
  responsible for, whatever it holds today);
- ``qualify`` a site or a partner (all its sites) for a family: the family's products become
  eligible there. A site with one capacity number already covers every family (only its product
  list, if it has one, grows); a site with capacity per family gets the family at its smallest
  existing family capacity — a conservative guess at a line it does not have yet — unless the
  family is already there.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from cofab.core.errors import FieldProblem, ValidationFailed
from cofab.core.i18n import N_
from cofab.risk.network_input import NETWORK_INVALID, load_network

NO_SUCH_NODE = N_("No site or partner is called {id}.")
NO_SUCH_FAMILY = N_("No product family is called {id}.")
NOT_POSITIVE = N_("Must be a number above 0.")


@dataclass(frozen=True)
class WhatIf:
    inventory_site: str | None = None
    inventory_weeks: float | None = None
    qualify_node: str | None = None
    qualify_family: str | None = None

    @property
    def empty(self) -> bool:
        return self.inventory_site is None and self.qualify_node is None


def _fail(field: str, message: str, **params: Any) -> None:
    problem = FieldProblem(field, message, dict(params))
    raise ValidationFailed(NETWORK_INVALID, problems=[problem], count=1)


def apply(doc: Any, what_if: WhatIf) -> dict[str, Any]:
    """A new document with the what-if applied (the given one is not changed)."""
    loaded = load_network(doc)  # also checks the base document: its problems come first
    out: dict[str, Any] = copy.deepcopy(doc)
    sites = out["sites"]
    if what_if.inventory_site is not None:
        weeks = what_if.inventory_weeks or 0.0
        if not weeks > 0:
            _fail("inventory_weeks", NOT_POSITIVE)
        if what_if.inventory_site not in loaded.site_ids:
            _fail("inventory_site", NO_SUCH_NODE, id=what_if.inventory_site)
        s = loaded.site_ids.index(what_if.inventory_site)
        net = loaded.network
        weekly = net.demand_rate.sum(axis=0)
        stock = out.setdefault("inventory", {}).setdefault(what_if.inventory_site, {})
        for p, pid in enumerate(loaded.product_ids):
            if (net.eligible[s, p] or net.inventory[s, p] > 0) and weekly[p] > 0:
                stock[pid] = float(stock.get(pid, 0.0)) + weeks * float(weekly[p])
    if what_if.qualify_node is not None:
        family = what_if.qualify_family or ""
        products = [str(p["id"]) for p in out["products"] if str(p["family"]) == family]
        if not products:
            _fail("qualify_family", NO_SUCH_FAMILY, id=family)
        chosen = [
            site
            for site in sites
            if str(site["id"]) == what_if.qualify_node
            or site.get("partner") == what_if.qualify_node
        ]
        if not chosen:
            _fail("qualify_node", NO_SUCH_NODE, id=what_if.qualify_node)
        for site in chosen:
            capacity = site["capacity"]
            if isinstance(capacity, dict) and family not in capacity:
                rates = [v for v in capacity.values() if not isinstance(v, dict)]
                # a per-period map keeps its shape: the smallest family's map is copied
                maps = [v for v in capacity.values() if isinstance(v, dict)]
                if rates:
                    capacity[family] = min(rates)
                elif maps:
                    capacity[family] = copy.deepcopy(min(maps, key=lambda m: sum(m.values())))
                else:
                    capacity[family] = 0
            if "products" in site:
                site["products"] = list(dict.fromkeys([*site["products"], *products]))
    return out
