"""Small planner documents built in a line or two, so each test shows its own numbers.

A plain module (not conftest.py): tests/conftest.py already owns that name."""

from __future__ import annotations

from typing import Any

from cofab.planning.engine import PlanResult, solve_plan
from cofab.planning.loader import load_document
from cofab.planning.planning_input import PlanningInput


def site(ident: str, capacity: Any, cost: float, **extra: Any) -> dict[str, Any]:
    """A site that makes P1 at ``cost`` per produced unit."""
    return {"id": ident, "capacity": capacity, "unit_cost": {"P1": cost}, **extra}


def one_product_doc(
    sites: list[dict[str, Any]],
    demand: Any,
    *,
    policy: dict[str, Any] | None = None,
    periods: list[str] | None = None,
    penalty: float | None = None,
) -> dict[str, Any]:
    """P1 (family F1) sold in market M1, every site has a free lane to M1."""
    market: dict[str, Any] = {"id": "M1", "demand": {"P1": demand}}
    if penalty is not None:
        market["unmet_penalty"] = penalty
    doc: dict[str, Any] = {
        "products": [{"id": "P1", "family": "F1"}],
        "sites": sites,
        "markets": [market],
        "lanes": [{"site": s["id"], "market": "M1", "unit_cost": 0} for s in sites],
    }
    if periods is not None:
        doc["periods"] = periods
    if policy is not None:
        doc["policy"] = policy
    return doc


def load(doc: dict[str, Any]) -> PlanningInput:
    loaded = load_document(doc)
    assert isinstance(loaded, PlanningInput), [p.text() for p in loaded]
    return loaded


def solve(doc: dict[str, Any]) -> tuple[PlanningInput, PlanResult]:
    inp = load(doc)
    return inp, solve_plan(inp.model)


def shipped_by_site(inp: PlanningInput, result: PlanResult) -> dict[str, float]:
    totals: dict[str, float] = {}
    for s, q in zip(result.flows.site.tolist(), result.flow_qty.tolist(), strict=True):
        name = inp.site_ids[s]
        totals[name] = totals.get(name, 0.0) + q
    return {name: qty for name, qty in totals.items() if qty > 1e-6}


def random_doc(
    seed: int, *, products: int = 12, sites: int = 8, periods: int = 3
) -> dict[str, Any]:
    """A seeded mid-size instance with real engagement trade-offs (for strategy tests)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    period_ids = [f"T{t + 1}" for t in range(periods)]
    families = ["F1", "F2", "F3"]
    product_docs = [{"id": f"P{i}", "family": families[i % 3]} for i in range(products)]
    site_docs = []
    for s in range(sites):
        made = [f for f in families if rng.random() < 0.7] or ["F1"]
        site_docs.append(
            {
                "id": f"S{s}",
                "region": f"R{s % 3}",
                "capacity": {f: float(rng.integers(150, 400)) for f in made},
                "fixed_cost": float(rng.integers(200, 2000)),
                "unit_cost": {p["id"]: round(float(rng.uniform(1, 6)), 2) for p in product_docs},
                "defect_rate": round(float(rng.uniform(0, 0.05)), 3),
            }
        )
    market_docs = [
        {
            "id": f"M{m}",
            "demand": {p["id"]: float(rng.integers(5, 40)) for p in product_docs},
            "unmet_penalty": 40.0,
        }
        for m in range(3)
    ]
    lanes = [
        {"site": sd["id"], "market": md["id"], "unit_cost": round(float(rng.uniform(0, 3)), 2)}
        for sd in site_docs
        for md in market_docs
    ]
    return {
        "products": product_docs,
        "periods": period_ids,
        "sites": site_docs,
        "markets": market_docs,
        "lanes": lanes,
    }
