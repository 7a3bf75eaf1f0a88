"""``sites[].min_volume``: a floor on what a site ships per period (an offtake or take-or-pay
commitment). Each docstring shows the hand-solved optimum the assertion checks."""

from __future__ import annotations

import pytest
from planning_docs import one_product_doc, shipped_by_site, site, solve

from cofab.planning.engine import solve_plan
from cofab.planning.loader import load_document


def test_without_a_floor_the_cheap_site_makes_everything() -> None:
    """S0 at 1, S1 (the JV) at 3, demand 100: 100·1 = 100, S1 idle."""
    inp, result = solve(one_product_doc([site("S0", 100, 1.0), site("S1", 100, 3.0)], 100))
    assert result.objective == pytest.approx(100.0)
    assert shipped_by_site(inp, result) == pytest.approx({"S0": 100.0})


def test_floor_buys_the_committed_volume_from_the_dear_site() -> None:
    """S1 must ship 30: 30·3 + 70·1 = 160 (and its fixed 5 is paid: 165)."""
    sites = [site("S0", 100, 1.0), site("S1", 100, 3.0, min_volume=30, fixed_cost=5)]
    inp, result = solve(one_product_doc(sites, 100))
    assert result.status == "optimal"
    assert result.objective == pytest.approx(165.0)
    assert shipped_by_site(inp, result) == pytest.approx({"S0": 70.0, "S1": 30.0})


def test_floor_per_period_applies_to_the_periods_named() -> None:
    """Two months, 100 a month; S1 must ship 40 in T2 only:
    T1 100·1, T2 60·1 + 40·3 → 100 + 60 + 120 = 280."""
    sites = [site("S0", 100, 1.0), site("S1", 100, 3.0, min_volume={"T2": 40})]
    inp, result = solve(one_product_doc(sites, 100, periods=["T1", "T2"]))
    assert result.objective == pytest.approx(280.0)
    by_period: dict[tuple[str, str], float] = {}
    for s, t, q in zip(
        result.flows.site.tolist(),
        result.flows.period.tolist(),
        result.flow_qty.tolist(),
        strict=True,
    ):
        key = (inp.site_ids[s], inp.period_ids[t])
        by_period[key] = by_period.get(key, 0.0) + q
    assert by_period.get(("S1", "T1"), 0.0) == pytest.approx(0.0)
    assert by_period[("S1", "T2")] == pytest.approx(40.0)


def test_floor_counts_shipped_units_not_produced_ones() -> None:
    """S1 scraps 20 %: 25 shipped need 31.25 made at 2 → 62.5; S0 ships 75 at 1 → 137.5."""
    sites = [site("S0", 100, 1.0), site("S1", 100, 2.0, min_volume=25, defect_rate=0.2)]
    inp, result = solve(one_product_doc(sites, 100))
    assert result.objective == pytest.approx(137.5)
    assert shipped_by_site(inp, result) == pytest.approx({"S0": 75.0, "S1": 25.0})


def test_floor_above_demand_is_infeasible() -> None:
    """Demand 100 cannot absorb a floor of 150 (demand must be met exactly, no more)."""
    sites = [site("S0", 100, 1.0), site("S1", 200, 3.0, min_volume=150)]
    _inp, result = solve(one_product_doc(sites, 100))
    assert result.status == "infeasible"


def test_floor_is_honoured_when_the_large_model_path_is_asked_for() -> None:
    """strategy lp_first is set aside for a floor (dropping the site would break it)."""
    sites = [site("S0", 100, 1.0), site("S1", 100, 3.0, min_volume=30)]
    loaded = load_document(one_product_doc(sites, 100, policy={"strategy": "lp_first"}))
    assert not isinstance(loaded, list)
    result = solve_plan(loaded.model)
    assert result.objective == pytest.approx(160.0)


def test_floor_naming_an_unknown_period_is_a_problem_at_its_path() -> None:
    sites = [site("S0", 100, 1.0), site("S1", 100, 3.0, min_volume={"T9": 5})]
    found = load_document(one_product_doc(sites, 100, periods=["T1"]))
    assert isinstance(found, list)
    assert [p.path for p in found] == ["$.sites[1].min_volume.T9"]


def test_negative_floor_is_refused_by_the_schema() -> None:
    sites = [site("S0", 100, 1.0), site("S1", 100, 3.0, min_volume=-1)]
    found = load_document(one_product_doc(sites, 100))
    assert isinstance(found, list)
    assert any("min_volume" in p.path for p in found)
