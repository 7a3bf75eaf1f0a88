"""The LP-first strategy for large models against HiGHS' branch-and-bound on the same model."""

from __future__ import annotations

from dataclasses import replace

import pytest
from planning_docs import load, one_product_doc, random_doc, site

from cofab.planning.engine import solve_plan
from cofab.planning.engine.formulation import build_formulation
from cofab.planning.engine.solve import LP_FIRST_MIN_FLOWS, _use_lp_first


def with_strategy(doc: dict[str, object], strategy: str, gap: float) -> object:
    inp = load(doc)
    policy = replace(inp.model.policy, strategy=strategy, mip_gap=gap, time_limit_s=60)
    return replace(inp.model, policy=policy)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_lp_first_is_feasible_and_within_its_proven_gap(seed: int) -> None:
    doc = random_doc(seed)
    exact = solve_plan(with_strategy(doc, "mip", 1e-9))  # type: ignore[arg-type]
    quick = solve_plan(with_strategy(doc, "lp_first", 0.01))  # type: ignore[arg-type]
    assert exact.status == "optimal"
    assert quick.status in ("optimal", "feasible")
    # never better than the true optimum, never worse than its own proven gap allows
    assert quick.objective >= exact.objective - 1e-6 * abs(exact.objective)
    assert quick.objective * (1 - quick.mip_gap) <= exact.objective + 1e-6 * abs(exact.objective)
    assert quick.cost["total"] == pytest.approx(quick.objective, rel=1e-9)
    if quick.status == "optimal":
        assert quick.mip_gap <= 0.01 + 1e-12


def test_lp_first_gives_shadow_prices_of_its_plan() -> None:
    """Same bottleneck as the MIP test: S0 full at 1, S1 at 3 → S0's capacity is worth 2."""
    doc = one_product_doc([site("S0", 60, 1.0), site("S1", 1000, 3.0)], 100)
    result = solve_plan(with_strategy(doc, "lp_first", 0.0))  # type: ignore[arg-type]
    assert result.objective == pytest.approx(60 + 40 * 3)
    assert result.shadow_price[0, 0] == pytest.approx(2.0)


def test_lp_first_reports_infeasibility_like_the_mip() -> None:
    doc = one_product_doc([site("S0", 60, 1.0)], 100)
    result = solve_plan(with_strategy(doc, "lp_first", 0.01))  # type: ignore[arg-type]
    assert result.status == "infeasible"
    assert result.infeasibility is not None
    assert result.infeasibility.uncovered_qty.tolist() == pytest.approx([40.0])


def test_auto_picks_lp_first_only_for_large_models_without_min_sources() -> None:
    small = load(random_doc(1)).model
    assert not _use_lp_first(small, build_formulation(small))
    assert build_formulation(small).flows.size < LP_FIRST_MIN_FLOWS
    forced = replace(small, policy=replace(small.policy, strategy="lp_first"))
    assert _use_lp_first(forced, build_formulation(forced))
    doc = random_doc(1)
    doc["policy"] = {"min_sources": 2, "strategy": "lp_first"}
    with_sources = load(doc).model
    assert not _use_lp_first(with_sources, build_formulation(with_sources))


def test_time_limit_is_relative_to_each_run() -> None:
    """HiGHS measures time_limit against its run time summed over all runs of one object, so
    every run must extend it by its own budget (otherwise a slow first LP starves the rest)."""
    from cofab.planning.engine.highs_runner import new_highs, pass_formulation, run

    model = load(random_doc(2)).model
    highs = new_highs()
    pass_formulation(highs, build_formulation(model))
    run(highs, time_limit_s=50.0)
    spent = highs.getRunTime()
    assert spent > 0
    run(highs, time_limit_s=7.0)
    _, limit = highs.getOptionValue("time_limit")
    assert limit == pytest.approx(spent + 7.0, abs=1e-6)
