"""Infeasibility explanations and capacity shadow prices."""

from __future__ import annotations

import pytest
from planning_docs import one_product_doc, site, solve

from cofab.planning.plan_document import plan_document


def test_infeasible_model_is_a_result_that_says_where_and_how_much() -> None:
    """T1 demand 100 vs capacity 60 → 40 short; T2 demand 50 fits."""
    doc = one_product_doc([site("S0", 60, 1.0)], {"T1": 100, "T2": 50}, periods=["T1", "T2"])
    inp, result = solve(doc)
    assert result.status == "infeasible"
    info = result.infeasibility
    assert info is not None and not info.policy_conflict
    assert info.uncovered_qty.tolist() == pytest.approx([40.0])
    assert inp.model.demand_period[info.uncovered_demand].tolist() == [0]
    assert info.short_qty.tolist() == pytest.approx([40.0])

    plan = plan_document(inp, result)
    assert plan["status"] == "infeasible"
    assert plan["flows"] == []
    assert plan["infeasibility"]["uncovered"] == [
        {"market": "M1", "product": "P1", "period": "T1", "qty": 40.0, "demand": 100.0}
    ]
    assert plan["infeasibility"]["capacity_short"] == [
        {"family": "F1", "period": "T1", "qty": 40.0}
    ]
    assert plan["infeasibility"]["messages"] == [
        "Product 'P1' in market 'M1', period 'T1': 40 of 100 units cannot be covered",
        "Family 'F1', period 'T1': capacity short by 40 units",
    ]


def test_infeasible_with_defects_counts_shipped_units() -> None:
    """Capacity 100 at 20% defects ships 80: 20 of 100 short."""
    _, result = solve(one_product_doc([site("S0", 100, 1.0, defect_rate=0.2)], 100))
    assert result.status == "infeasible"
    assert result.infeasibility is not None
    assert result.infeasibility.uncovered_qty.tolist() == pytest.approx([20.0])


def test_infeasible_because_of_a_share_rule() -> None:
    """One site only and max 50% per site: the rule blocks everything, all 100 uncovered."""
    doc = one_product_doc([site("S0", 1000, 1.0)], 100, policy={"max_share_per_site": 0.5})
    _, result = solve(doc)
    assert result.status == "infeasible"
    assert result.infeasibility is not None
    assert result.infeasibility.uncovered_qty.sum() == pytest.approx(100.0)


def test_shadow_price_of_the_bottleneck_site() -> None:
    """S0 (1/unit, cap 60) is full, S1 (3/unit) takes the rest: one more unit at S0 saves 3 - 1
    = 2 in T1; in T2 demand 50 fits S0, so its capacity is worth 0 there; S1 is never full."""
    doc = one_product_doc(
        [site("S0", 60, 1.0, fixed_cost=10), site("S1", 1000, 3.0, fixed_cost=10)],
        {"T1": 100, "T2": 50},
        periods=["T1", "T2"],
    )
    inp, result = solve(doc)
    assert result.shadow_price[0].tolist() == pytest.approx([2.0, 0.0])
    assert result.shadow_price[1].tolist() == pytest.approx([0.0, 0.0])
    plan = plan_document(inp, result)
    prices = {(row["site"], row["period"]): row["value"] for row in plan["shadow_prices"]}
    assert prices[("S0", "T1")] == pytest.approx(2.0)


def test_shadow_price_with_transport_and_scrap() -> None:
    """S0 makes at 4 with 20% scrap (5 per shipped unit) + lane 1; S1 at 6 + lane 2.
    One more produced unit at S0 ships 0.8 units, replacing 0.8 at S1:
    0.8 · ((6 + 2) - (5 + 1)) = 1.6."""
    doc = one_product_doc([site("S0", 100, 4.0, defect_rate=0.2), site("S1", 1000, 6.0)], 100)
    doc["lanes"][0]["unit_cost"] = 1
    doc["lanes"][1]["unit_cost"] = 2
    _, result = solve(doc)
    assert result.shadow_price[0, 0] == pytest.approx(1.6)


def test_mip_gap_and_size_are_reported() -> None:
    _, result = solve(one_product_doc([site("S0", 100, 1.0)], 100))
    assert result.mip_gap == pytest.approx(0.0, abs=1e-9)
    assert result.size["flow_variables"] == 1
    assert result.size["binaries"] == 1
