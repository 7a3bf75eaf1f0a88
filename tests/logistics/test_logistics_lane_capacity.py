"""``lanes[].capacity`` in the planner: a hand-solved two-site network where the cheap site's
lane is the bottleneck, and the same network without the key solving exactly as before.

S0 makes P1 at 1 per unit, S1 at 3; both have room for 1000; M1 wants 100 in T1 and in T2;
both lanes cost nothing per unit. Unlimited: S0 ships everything, 2 × 100 × 1 = 200.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.planning.planning_docs import one_product_doc, site, solve

from cofab.planning.engine.formulation import build_formulation
from cofab.planning.loader import load_document
from cofab.planning.planning_input import PlanningInput


def _doc(capacity: Any = None) -> dict[str, Any]:
    doc = one_product_doc([site("S0", 1000, 1.0), site("S1", 1000, 3.0)], 100, periods=["T1", "T2"])
    if capacity is not None:
        doc["lanes"][0]["capacity"] = capacity
    return doc


def _shipped(inp: PlanningInput, result: Any) -> dict[tuple[str, str], float]:
    out: dict[tuple[str, str], float] = {}
    flows = result.flows
    columns = (flows.site.tolist(), flows.period.tolist(), result.flow_qty.tolist())
    for s, t, q in zip(*columns, strict=True):
        key = (inp.site_ids[s], inp.period_ids[t])
        out[key] = out.get(key, 0.0) + q
    return {k: v for k, v in out.items() if v > 1e-6}


def test_one_number_limits_every_period() -> None:
    """Lane S0→M1 carries at most 60 a period: each period 60 · 1 + 40 · 3 = 180, total 360."""
    inp, result = solve(_doc(60))
    assert result.status == "optimal"
    assert result.objective == pytest.approx(360.0)
    assert _shipped(inp, result) == pytest.approx(
        {("S0", "T1"): 60, ("S1", "T1"): 40, ("S0", "T2"): 60, ("S1", "T2"): 40}
    )


def test_a_map_gives_each_period_and_a_missing_period_is_zero() -> None:
    """{T1: 60, T2: 30}: 180 + (30 + 70 · 3 = 240) = 420; {T1: 60} closes the lane in T2:
    180 + 300 = 480 (the same rule as a site's capacity map)."""
    inp, result = solve(_doc({"T1": 60, "T2": 30}))
    assert result.objective == pytest.approx(420.0)
    assert _shipped(inp, result)[("S0", "T2")] == pytest.approx(30.0)
    inp, result = solve(_doc({"T1": 60}))
    assert result.objective == pytest.approx(480.0)
    assert ("S0", "T2") not in _shipped(inp, result)


def test_absent_capacity_changes_nothing() -> None:
    """No key: no lane array, the same rows as before and the unlimited optimum 200; a capacity
    that never binds adds its rows but not a unit of cost."""
    plain = load_document(_doc())
    assert isinstance(plain, PlanningInput) and plain.model.lane_capacity is None
    _inp, result = solve(_doc())
    assert result.objective == pytest.approx(200.0)
    loose = load_document(_doc(10_000))
    assert isinstance(loose, PlanningInput)
    rows_plain = build_formulation(plain.model).n_rows
    assert build_formulation(loose.model).n_rows == rows_plain + 2  # one row per period
    assert solve(_doc(10_000))[1].objective == pytest.approx(200.0)


def test_bad_lane_capacity_is_refused_with_its_path() -> None:
    unknown = load_document(_doc({"T9": 5}))
    assert isinstance(unknown, list)
    assert [p.path for p in unknown] == ["$.lanes[0].capacity.T9"]
    negative = load_document(_doc(-1))
    assert isinstance(negative, list) and negative[0].path.startswith("$.lanes[0].capacity")
