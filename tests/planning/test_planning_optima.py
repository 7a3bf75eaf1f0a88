"""Hand-computed optima: each docstring shows the arithmetic the assertion checks."""

from __future__ import annotations

import pytest
from planning_docs import one_product_doc, shipped_by_site, site, solve

# Every test here is small enough that the MILP gap is 0, so optima are exact.


def test_cheap_site_filled_first_then_next_cheapest() -> None:
    """S0 (1/unit, cap 60) + S1 (3/unit): 60·1 + 40·3 + fixed 10 + 20 = 210."""
    doc = one_product_doc(
        [site("S0", 60, 1.0, fixed_cost=10), site("S1", 100, 3.0, fixed_cost=20)], 100
    )
    inp, result = solve(doc)
    assert result.status == "optimal"
    assert result.objective == pytest.approx(210.0)
    assert shipped_by_site(inp, result) == pytest.approx({"S0": 60.0, "S1": 40.0})
    assert result.cost["production"] == pytest.approx(180.0)
    assert result.cost["fixed"] == pytest.approx(30.0)


def test_fixed_cost_decides_engagement() -> None:
    """S0 only: 100·1 + 500 = 600; S1 only: 100·2 = 200; so S0 stays unengaged."""
    doc = one_product_doc([site("S0", 100, 1.0, fixed_cost=500), site("S1", 100, 2.0)], 100)
    _, result = solve(doc)
    assert result.objective == pytest.approx(200.0)
    assert result.engaged.tolist() == [False, True]


def test_transport_cost_counts() -> None:
    """Production 1 + lane 5 at S0 loses to production 3 + lane 0 at S1: 100·3 = 300."""
    doc = one_product_doc([site("S0", 100, 1.0), site("S1", 100, 3.0)], 100)
    doc["lanes"][0]["unit_cost"] = 5
    inp, result = solve(doc)
    assert result.objective == pytest.approx(300.0)
    assert shipped_by_site(inp, result) == {"S1": pytest.approx(100.0)}


def test_min_sources_forces_a_second_source_at_min_share() -> None:
    """min_sources 2, min_source_share 0.1: S0 ships 90·1, S1 ships the 10% minimum at 2 → 110."""
    sites = [site("S0", 1000, 1.0), site("S1", 1000, 2.0), site("S2", 1000, 4.0)]
    inp, result = solve(one_product_doc(sites, 100, policy={"min_sources": 2}))
    assert result.objective == pytest.approx(110.0)
    assert shipped_by_site(inp, result) == pytest.approx({"S0": 90.0, "S1": 10.0})


def test_min_sources_three_with_larger_minimum_share() -> None:
    """3 sources at >= 20% each: 60·1 + 20·2 + 20·4 = 180."""
    sites = [site("S0", 1000, 1.0), site("S1", 1000, 2.0), site("S2", 1000, 4.0)]
    policy = {"min_sources": 3, "min_source_share": 0.2}
    inp, result = solve(one_product_doc(sites, 100, policy=policy))
    assert result.objective == pytest.approx(180.0)
    assert shipped_by_site(inp, result) == pytest.approx({"S0": 60.0, "S1": 20.0, "S2": 20.0})


def test_max_share_per_site() -> None:
    """No site above 60%: 60·1 + 40·2 = 140."""
    sites = [site("S0", 1000, 1.0), site("S1", 1000, 2.0)]
    inp, result = solve(one_product_doc(sites, 100, policy={"max_share_per_site": 0.6}))
    assert result.objective == pytest.approx(140.0)
    assert shipped_by_site(inp, result) == pytest.approx({"S0": 60.0, "S1": 40.0})


def test_region_cap_pushes_volume_out_of_the_cheap_country() -> None:
    """KR (S0 at 1, S1 at 2) capped at 50%, VN (S2 at 5) takes the rest: 50·1 + 50·5 = 300."""
    sites = [
        site("S0", 1000, 1.0, region="KR"),
        site("S1", 1000, 2.0, region="KR"),
        site("S2", 1000, 5.0, region="VN"),
    ]
    inp, result = solve(one_product_doc(sites, 100, policy={"max_share_per_region": 0.5}))
    assert result.objective == pytest.approx(300.0)
    assert shipped_by_site(inp, result) == pytest.approx({"S0": 50.0, "S2": 50.0})


def test_region_cap_per_region_map() -> None:
    """Only KR capped at 70%: 70·1 + 30·5 = 220."""
    sites = [site("S0", 1000, 1.0, region="KR"), site("S2", 1000, 5.0, region="VN")]
    policy = {"max_share_per_region": {"KR": 0.7}}
    _, result = solve(one_product_doc(sites, 100, policy=policy))
    assert result.objective == pytest.approx(220.0)


def _new_plant_doc(capex: float) -> dict[str, object]:
    sites = [
        site("OWN", 50, 2.0, kind="own"),
        site("CM", 100, 4.0),
        site("NEW", 100, 1.0, kind="new_plant", capex=capex, available_from="T3"),
    ]
    return one_product_doc(sites, 100, periods=["T1", "T2", "T3"])


def test_new_plant_serves_only_from_its_first_period() -> None:
    """T1, T2: 50·2 + 50·4 = 300 each; T3: NEW makes 100·1; capex 30 → 730 (< 900 without)."""
    inp, result = solve(_new_plant_doc(capex=30))
    assert result.objective == pytest.approx(730.0)
    assert result.cost["capex"] == pytest.approx(30.0)
    new = inp.site_ids.index("NEW")
    periods = result.flows.period[(result.flows.site == new) & (result.flow_qty > 0)]
    assert set(periods.tolist()) == {2}


def test_new_plant_not_built_when_capex_exceeds_saving() -> None:
    """Capex 250 > saving 200 in T3, so 3·300 = 900 and NEW stays a candidate."""
    inp, result = solve(_new_plant_doc(capex=250))
    assert result.objective == pytest.approx(900.0)
    assert not result.engaged[inp.site_ids.index("NEW")]


def test_defect_scrap_raises_production_and_cost() -> None:
    """S0: defect 20%, 100 produced → 80 shipped at 4/0.8 = 5; S1 ships 20 at 6: 400 + 120."""
    sites = [site("S0", 100, 4.0, defect_rate=0.2), site("S1", 1000, 6.0)]
    inp, result = solve(one_product_doc(sites, 100))
    assert result.objective == pytest.approx(520.0)
    assert shipped_by_site(inp, result) == pytest.approx({"S0": 80.0, "S1": 20.0})
    assert result.cost["production"] == pytest.approx(80 * 4.0 + 20 * 6.0)
    assert result.cost["scrap"] == pytest.approx(20 * 4.0)
    used, available = result.site_utilisation(inp.model)
    assert used[0, 0] == pytest.approx(100.0)
    assert available[0, 0] == pytest.approx(100.0)


def test_unmet_penalty_caps_cost_of_shortage() -> None:
    """Only 60 can be made: 60·1 + 40 unmet · 50 = 2060."""
    _, result = solve(one_product_doc([site("S0", 60, 1.0)], 100, penalty=50))
    assert result.status == "optimal"
    assert result.objective == pytest.approx(2060.0)
    assert result.unmet_qty.tolist() == pytest.approx([40.0])


def test_cheap_penalty_leaves_demand_unmet() -> None:
    """Serving costs 1 + fixed 10 > penalty 0.05·100 = 5, so nothing is made."""
    _, result = solve(one_product_doc([site("S0", 100, 1.0, fixed_cost=10)], 100, penalty=0.05))
    assert result.objective == pytest.approx(5.0)
    assert not result.engaged.any()


def test_capacity_per_family_pools() -> None:
    """Family pools: F1 pool 50 at S0 (cost 1); P2 (F2) has its own pool, so P1 overflow (50)
    goes to S1 at 3 while P2 stays at S0 (1 < 5): 50·1 + 50·3 + 100·1 = 300."""
    doc = one_product_doc(
        [
            {"id": "S0", "capacity": {"F1": 50, "F2": 100}, "unit_cost": {"P1": 1, "P2": 1}},
            {"id": "S1", "capacity": 1000, "unit_cost": {"P1": 3, "P2": 5}},
        ],
        100,
    )
    doc["products"].append({"id": "P2", "family": "F2"})
    doc["markets"][0]["demand"]["P2"] = 100
    _, result = solve(doc)
    assert result.objective == pytest.approx(300.0)


def test_max_share_counts_only_shipped_volume_when_demand_may_go_unmet() -> None:
    """Share is of *shipped* volume: S0 alone at 60 % needs S1 for the other 40 %, so a bundle
    costs 0.6·1 + 0.4·2 = 1.4 per unit; with penalty 1.45 shipping everything (140) beats
    leaving it unmet (145), and S0 alone with 40 unmet (60 + 58 = 118) is not allowed."""
    sites = [site("S0", 1000, 1.0), site("S1", 1000, 2.0)]
    doc = one_product_doc(sites, 100, policy={"max_share_per_site": 0.6}, penalty=1.45)
    inp, result = solve(doc)
    assert result.objective == pytest.approx(140.0)
    assert shipped_by_site(inp, result) == pytest.approx({"S0": 60.0, "S1": 40.0})
    cheap_penalty = one_product_doc(sites, 100, policy={"max_share_per_site": 0.6}, penalty=1.3)
    _, result = solve(cheap_penalty)
    assert result.objective == pytest.approx(130.0)
