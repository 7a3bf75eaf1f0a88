"""Read a time-to-survive network: the planner's input document plus three risk fields.

``inventory`` (``{"S1": {"P1": 500}}``, on hand per site and product), ``ttr_weeks``
(``{"S1": 6}``, or ``ttr_weeks`` on the site itself) and an optional ``partner`` on each site
that groups sites into partners. These are taken out before the rest goes through the planner's
own validation (``planning.service.validate_input``), so a document that plans also analyses.
Periods are read as weeks: demand and capacity become average weekly rates.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import numpy as np

from cofab.core.errors import FieldProblem, ValidationFailed
from cofab.core.i18n import N_
from cofab.planning import service as planning_service
from cofab.risk.engine.tts import Node, TtsNetwork
from cofab.risk.unit_value import market_prices, product_prices, unit_value

NETWORK_INVALID = N_("The network has {count} problem(s); nothing was analysed.")
NOT_OBJECT = N_("Expected a JSON object.")
UNKNOWN_SITE = N_("Unknown site {id}.")
UNKNOWN_PRODUCT = N_("Unknown product {id}.")
NOT_NON_NEGATIVE = N_("Must be a number of at least 0.")
NOT_TEXT = N_("Must be a text.")
UNKNOWN_NODE = N_("No site or partner is called {id}.")
RISK_FIELDS = ("inventory", "ttr_weeks")
SITE_FIELDS = ("partner", "ttr_weeks")


@dataclass(frozen=True, slots=True)
class LoadedNetwork:
    network: TtsNetwork
    nodes: list[Node]  # every site, then every partner
    site_ids: list[str]
    market_ids: list[str]
    product_ids: list[str]
    #: a lost unit's value (``risk.unit_value``): the markets' own prices, the products' prices
    market_prices: dict[str, float]
    product_prices: dict[str, float]


def _non_negative(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and value >= 0
        and np.isfinite(value)
    )


def _weekly(quantity: Any, periods: list[str]) -> float:
    """A planner quantity (one number for every period, or a period map) as a weekly average."""
    if isinstance(quantity, dict):
        return float(sum(float(quantity.get(p, 0.0)) for p in periods)) / len(periods)
    return float(quantity)


def _fail(problems: list[FieldProblem]) -> None:
    if problems:
        raise ValidationFailed(NETWORK_INVALID, problems=problems, count=len(problems))


def _split(doc: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the planner's document, the risk fields) — the planner rejects fields it does not know."""
    planner = copy.deepcopy(doc)
    extra: dict[str, Any] = {name: planner.pop(name, None) for name in RISK_FIELDS}
    site_extra: dict[str, dict[str, Any]] = {}
    for site in planner.get("sites", []) if isinstance(planner.get("sites"), list) else []:
        if isinstance(site, dict):
            site_extra[str(site.get("id"))] = {
                name: site.pop(name) for name in SITE_FIELDS if name in site
            }
    extra["sites"] = site_extra
    return planner, extra


def load_network(doc: Any) -> LoadedNetwork:
    """Every problem of the document at once (planner checks, then the risk fields), or arrays."""
    if not isinstance(doc, dict):
        raise ValidationFailed(NETWORK_INVALID, problems=[FieldProblem("$", NOT_OBJECT)], count=1)
    planner, extra = _split(doc)
    planning_service.validate_input(planner, NETWORK_INVALID)

    periods: list[str] = list(planner["periods"])
    products = planner["products"]
    sites = planner["sites"]
    markets = planner["markets"]
    product_ids = [str(p["id"]) for p in products]
    site_ids = [str(s["id"]) for s in sites]
    market_ids = [str(m["id"]) for m in markets]
    p_index = {pid: i for i, pid in enumerate(product_ids)}
    s_index = {sid: i for i, sid in enumerate(site_ids)}
    m_index = {mid: i for i, mid in enumerate(market_ids)}
    families = sorted({str(p["family"]) for p in products})
    f_index = {fam: i for i, fam in enumerate(families)}
    n_s, n_m, n_p, n_f = len(site_ids), len(market_ids), len(product_ids), len(families)

    problems: list[FieldProblem] = []
    inventory = np.zeros((n_s, n_p))
    raw_inventory = extra["inventory"]
    if raw_inventory is not None and not isinstance(raw_inventory, dict):
        problems.append(FieldProblem("inventory", NOT_OBJECT))
    inventory_items = raw_inventory.items() if isinstance(raw_inventory, dict) else []
    for sid, per_product in inventory_items:
        if sid not in s_index:
            problems.append(FieldProblem(f"inventory.{sid}", UNKNOWN_SITE, {"id": sid}))
            continue
        if not isinstance(per_product, dict):
            problems.append(FieldProblem(f"inventory.{sid}", NOT_OBJECT))
            continue
        for pid, qty in per_product.items():
            field = f"inventory.{sid}.{pid}"
            if pid not in p_index:
                problems.append(FieldProblem(field, UNKNOWN_PRODUCT, {"id": pid}))
            elif not _non_negative(qty):
                problems.append(FieldProblem(field, NOT_NON_NEGATIVE))
            else:
                inventory[s_index[sid], p_index[pid]] = float(qty)

    ttr: list[float | None] = [None] * n_s
    raw_ttr = extra["ttr_weeks"]
    if raw_ttr is not None and not isinstance(raw_ttr, dict):
        problems.append(FieldProblem("ttr_weeks", NOT_OBJECT))
    ttr_items = raw_ttr.items() if isinstance(raw_ttr, dict) else []
    for sid, weeks in ttr_items:
        if sid not in s_index:
            problems.append(FieldProblem(f"ttr_weeks.{sid}", UNKNOWN_SITE, {"id": sid}))
        elif not _non_negative(weeks):
            problems.append(FieldProblem(f"ttr_weeks.{sid}", NOT_NON_NEGATIVE))
        else:
            ttr[s_index[sid]] = float(weeks)
    partner_of: dict[int, str] = {}
    for i, sid in enumerate(site_ids):
        fields = extra["sites"].get(sid, {})
        if "ttr_weeks" in fields:
            if _non_negative(fields["ttr_weeks"]):
                ttr[i] = float(fields["ttr_weeks"])
            else:
                problems.append(FieldProblem(f"sites[{i}].ttr_weeks", NOT_NON_NEGATIVE))
        if "partner" in fields:
            if isinstance(fields["partner"], str) and fields["partner"]:
                partner_of[i] = fields["partner"]
            else:
                problems.append(FieldProblem(f"sites[{i}].partner", NOT_TEXT))
    _fail(problems)

    demand = np.zeros((n_m, n_p))
    for m, market in enumerate(markets):
        for pid, qty in market["demand"].items():
            demand[m, p_index[pid]] = _weekly(qty, periods)
    penalty = np.array(
        [float(m.get("lost_unit_cost", m.get("unmet_penalty", 0.0))) for m in markets]
    )
    lane = np.zeros((n_s, n_m), dtype=bool)
    for ln in planner.get("lanes", []):
        lane[s_index[ln["site"]], m_index[ln["market"]]] = True
    product_family = np.array([f_index[str(p["family"])] for p in products], dtype=np.int64)
    pool_site: list[int] = []
    pool_rows: list[np.ndarray[Any, np.dtype[np.bool_]]] = []
    pool_rate: list[float] = []
    eligible = np.zeros((n_s, n_p), dtype=bool)
    for s, site in enumerate(sites):
        capacity = site["capacity"]
        covered = np.zeros(n_f, dtype=bool)
        if isinstance(capacity, dict):
            for fam, qty in capacity.items():
                if fam not in f_index:
                    continue
                row = np.zeros(n_f, dtype=bool)
                row[f_index[fam]] = True
                pool_site.append(s)
                pool_rows.append(row)
                pool_rate.append(_weekly(qty, periods))
                covered[f_index[fam]] = True
        else:
            pool_site.append(s)
            pool_rows.append(np.ones(n_f, dtype=bool))
            pool_rate.append(float(capacity))
            covered[:] = True
        allowed = covered[product_family]
        if "products" in site:
            listed = np.zeros(n_p, dtype=bool)
            listed[[p_index[p] for p in site["products"]]] = True
            allowed &= listed
        eligible[s] = allowed
    network = TtsNetwork(
        demand_rate=demand,
        unmet_penalty=penalty,
        lane=lane,
        eligible=eligible,
        inventory=inventory,
        product_family=product_family,
        pool_site=np.array(pool_site, dtype=np.int64),
        pool_families=np.array(pool_rows, dtype=bool).reshape(len(pool_rows), n_f),
        pool_rate=np.array(pool_rate, dtype=np.float64),
    )
    nodes = [Node(sid, "site", (i,), ttr[i]) for i, sid in enumerate(site_ids)]
    partners: dict[str, list[int]] = {}
    for i, name in partner_of.items():
        partners.setdefault(name, []).append(i)
    for name, members in partners.items():
        known = [w for w in (ttr[i] for i in members) if w is not None]
        # all its sites go down together; the partner is back when its slowest site is
        nodes.append(Node(name, "partner", tuple(members), max(known) if known else None))
    return LoadedNetwork(
        network,
        nodes,
        site_ids,
        market_ids,
        product_ids,
        market_prices(planner),
        product_prices(planner),
    )


def select_nodes(loaded: LoadedNetwork, node: str | None) -> list[Node]:
    if node is None:
        return loaded.nodes
    chosen = [n for n in loaded.nodes if n.name == node]
    if not chosen:
        problem = FieldProblem("node", UNKNOWN_NODE, {"id": node})
        raise ValidationFailed(NETWORK_INVALID, problems=[problem], count=1)
    return chosen


def results_document(loaded: LoadedNetwork, results: list[Any]) -> dict[str, Any]:
    """The ``--json`` shape: one row per node, losses by market and product, worst first.

    ``lost_value`` is valued here, not by the engine: each lost unit at its market's own price
    or else its product's price (``risk.unit_value``); units of a product without a price are
    counted in ``unpriced_units`` and not valued. ``valuation`` says which basis applied."""
    markets, products = loaded.market_prices, loaded.product_prices
    rows = []
    for r in results:
        lost = []
        value = unpriced = 0.0
        for m, p, units in r.lost:
            market, product = loaded.market_ids[m], loaded.product_ids[p]
            price = unit_value(market, product, markets, products)
            row_value = None if price is None else units * price
            if row_value is None:
                unpriced += units
            else:
                value += row_value
            lost.append({"market": market, "product": product, "units": units, "value": row_value})
        known = r.lost_units is not None
        rows.append(
            {
                "node": r.node.name,
                "kind": r.node.kind,
                "tts_weeks": r.tts_weeks,
                "ttr_weeks": r.node.ttr_weeks,
                "lost_units": r.lost_units,
                "lost_value": value if known else None,
                "unpriced_units": unpriced if known else None,
                "unbounded": r.unbounded,
                "exposed": r.exposed,
                "lost": lost,
            }
        )
    rows.sort(
        key=lambda row: (
            -(row["lost_value"] or 0.0),
            -(row["lost_units"] or 0.0),
            float("inf") if row["tts_weeks"] is None else row["tts_weeks"],
        )
    )
    at_price = [m for m in loaded.market_ids if m not in markets]
    valuation = {
        "market_prices": {m: markets[m] for m in loaded.market_ids if m in markets},
        "markets_at_product_price": at_price,
        "product_prices": {p: products[p] for p in loaded.product_ids if p in products},
    }
    return {"nodes": rows, "valuation": valuation}
