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
