"""Disruption Monte Carlo: analytic one-site cases, seeds, re-routing arithmetic."""

from __future__ import annotations

import math

import numpy as np
import pytest
from planning_docs import one_product_doc, site, solve

from cofab.planning.engine.disruption import (
    DisruptionProfile,
    DurationKind,
    SimulationNetwork,
    cvar,
    sample_disrupted,
    simulate,
)
from cofab.planning.plan_document import plan_document
from cofab.planning.simulation_setup import build_network


def one_site_network(periods: int) -> SimulationNetwork:
    """One site making 10 per period for one market, no spare capacity anywhere."""
    return SimulationNetwork(
        n_sites=1,
        pool_site=np.array([0]),
        pool_capacity=np.full((1, periods), 10.0),
        pool_scrap_factor=np.array([1.0]),
        shipments=np.full((periods, 1, 1), 10.0),
        can_serve=np.array([[True]]),
        group_lost_cost=np.array([3.0]),
        total_demand=10.0 * periods,
        planned_unmet=0.0,
    )


def profile(
    p: float, kind: DurationKind, a: float, b: float = 1.0, loss: float = 1.0
) -> DisruptionProfile:
    return DisruptionProfile(
        probability=np.array([p]),
        duration_kind=np.array([int(kind)]),
        duration_a=np.array([a]),
        duration_b=np.array([b]),
        capacity_loss=np.array([loss]),
    )


def analytic_down_share(p: float, mean: float, periods: int) -> float:
    """Two-state chain: up → down with p; a geometric outage (mean m) ends after each down
    period with q = 1/m, and the site may fail again at once: down → down = 1 - q + q·p."""
    q = 1.0 / mean
    down = p  # period 1: the site starts up
    total = down
    for _ in range(periods - 1):
        down = (1 - down) * p + down * (1 - q + q * p)
        total += down
    return total / periods


def test_one_site_one_period_outages_converge_to_one_minus_p() -> None:
    scenarios = 40_000
    result = simulate(
        one_site_network(12), profile(0.1, DurationKind.FIXED, 1), scenarios=scenarios, seed=7
    )
    standard_error = math.sqrt(0.1 * 0.9 / 12 / scenarios)
    assert result.fill_rate.mean() == pytest.approx(0.9, abs=4 * standard_error)
    assert result.lost_cost.mean() == pytest.approx(3.0 * result.lost_units.mean())


def test_one_site_geometric_outages_match_the_markov_chain() -> None:
    p, mean, periods = 0.05, 3.0, 26
    expected = 1.0 - analytic_down_share(p, mean, periods)
    result = simulate(
        one_site_network(periods),
        profile(p, DurationKind.GEOMETRIC, mean),
        scenarios=60_000,
        seed=3,
    )
    standard_error = result.fill_rate.std() / math.sqrt(60_000)
    assert result.fill_rate.mean() == pytest.approx(expected, abs=4 * standard_error)


def test_error_shrinks_with_more_scenarios() -> None:
    network = one_site_network(12)
    prof = profile(0.2, DurationKind.FIXED, 1)
    errors = [
        np.mean(
            [
                abs(simulate(network, prof, scenarios=n, seed=s).fill_rate.mean() - 0.8)
                for s in range(8)
            ]
        )
        for n in (200, 20_000)
    ]
    assert errors[1] < errors[0] / 3


def test_partial_capacity_loss() -> None:
    """Every period disrupted (p = 1, 1-period outages) with 30% loss: fill rate exactly 0.7."""
    result = simulate(
        one_site_network(4), profile(1.0, DurationKind.FIXED, 1, loss=0.3), scenarios=50, seed=1
    )
    assert result.fill_rate.tolist() == pytest.approx([0.7] * 50)


def test_same_seed_same_answer_other_seed_other_answer() -> None:
    network = one_site_network(12)
    prof = profile(0.1, DurationKind.UNIFORM, 1, 3)
    first = simulate(network, prof, scenarios=5000, seed=11)
    again = simulate(network, prof, scenarios=5000, seed=11)
    other = simulate(network, prof, scenarios=5000, seed=12)
    assert np.array_equal(first.fill_rate, again.fill_rate)
    assert not np.array_equal(first.fill_rate, other.fill_rate)


def test_durations_follow_their_distribution() -> None:
    """Fixed 3-period outages starting with p = 1 in period 1 cover the first 3 periods."""
    rng = np.random.default_rng(0)
    mask = sample_disrupted(rng, profile(1.0, DurationKind.FIXED, 3), scenarios=5, n_periods=4)
    assert mask[:, :, 0].T.tolist() == [[1.0, 1.0, 1.0, 1.0]] * 5
    mask = sample_disrupted(rng, profile(0.0, DurationKind.FIXED, 3), scenarios=5, n_periods=4)
    assert not mask.any()


def test_cvar_is_the_mean_of_the_worst_tail() -> None:
    values = np.arange(100, dtype=np.float64)  # worst 5%: 95..99
    assert cvar(values, 0.95) == pytest.approx(97.0)


def test_rerouting_to_spare_capacity_and_site_criticality() -> None:
    """Plan: S0 ships 100 (full), S1 ships 50 of 200. S0 always out → S1's 150 spare covers
    all 100; S1 out → S0 has no spare, 50 of 150 lost. Criticality: S0 0, S1 1/3."""
    doc = one_product_doc([site("S0", 100, 1.0), site("S1", 200, 2.0)], 150)
    doc["disruption_defaults"] = {
        "*": {"probability": 1.0, "duration": {"distribution": "fixed", "periods": 1}}
    }
    inp, result = solve(doc)
    plan = plan_document(inp, result)
    network = build_network(inp, plan)
    assert isinstance(network, SimulationNetwork)
    only_s0 = DisruptionProfile(
        probability=np.array([1.0, 0.0]),
        duration_kind=np.array([0, 0]),
        duration_a=np.array([1.0, 1.0]),
        duration_b=np.array([1.0, 1.0]),
        capacity_loss=np.array([1.0, 1.0]),
    )
    sim = simulate(network, only_s0, scenarios=10, seed=0)
    assert sim.fill_rate.tolist() == pytest.approx([1.0] * 10)
    assert sim.site_criticality.tolist() == pytest.approx([0.0, 1 / 3])
    both = simulate(network, inp.disruption, scenarios=10, seed=0)
    assert both.fill_rate.tolist() == pytest.approx([0.0] * 10)


def test_proportional_sharing_of_scarce_spare() -> None:
    """S0 and S1 each ship 100 (full); S2 ships 0 with 50 spare and lanes to both markets.
    S0 and S1 both out: each market lost 100 and S2 offers 25 to each → 150 of 200 lost."""
    network = SimulationNetwork(
        n_sites=3,
        pool_site=np.arange(3),
        pool_capacity=np.array([[100.0], [100.0], [50.0]]),
        pool_scrap_factor=np.ones(3),
        shipments=np.array([[[100.0, 0.0], [0.0, 100.0], [0.0, 0.0]]]),
        can_serve=np.array([[True, False], [False, True], [True, True]]),
        group_lost_cost=np.array([1.0, 2.0]),
        total_demand=200.0,
        planned_unmet=0.0,
    )
    prof = DisruptionProfile(
        probability=np.array([1.0, 1.0, 0.0]),
        duration_kind=np.zeros(3, dtype=np.int64),
        duration_a=np.ones(3),
        duration_b=np.ones(3),
        capacity_loss=np.ones(3),
    )
    sim = simulate(network, prof, scenarios=4, seed=0)
    assert sim.lost_units.tolist() == pytest.approx([150.0] * 4)
    assert sim.lost_cost.tolist() == pytest.approx([75.0 * 1 + 75.0 * 2] * 4)


def test_rerouting_respects_families_of_capacity_pools() -> None:
    """S0 has an F1 and an F2 pool (full); S1 makes only F1 and has 150 spare. S0 out: P1's
    100 move to S1, P2's 100 are lost → fill 150/250 = 0.6. S1 out: its 50 of P1 are lost."""
    doc = one_product_doc(
        [
            {"id": "S0", "capacity": {"F1": 100, "F2": 100}, "unit_cost": {"P1": 1, "P2": 1}},
            {"id": "S1", "capacity": {"F1": 200}, "unit_cost": {"P1": 2}},
        ],
        150,
    )
    doc["products"].append({"id": "P2", "family": "F2"})
    doc["markets"][0]["demand"]["P2"] = 100
    inp, result = solve(doc)
    network = build_network(inp, plan_document(inp, result))
    assert isinstance(network, SimulationNetwork)
    s0_always_out = DisruptionProfile(
        probability=np.array([1.0, 0.0]),
        duration_kind=np.array([0, 0]),
        duration_a=np.array([1.0, 1.0]),
        duration_b=np.array([1.0, 1.0]),
        capacity_loss=np.array([1.0, 1.0]),
    )
    sim = simulate(network, s0_always_out, scenarios=6, seed=0, threads=2)
    assert sim.fill_rate.tolist() == pytest.approx([0.6] * 6)
    assert sim.site_criticality.tolist() == pytest.approx([0.4, 0.2])


def test_result_does_not_depend_on_thread_count() -> None:
    network = one_site_network(12)
    prof = profile(0.1, DurationKind.GEOMETRIC, 2.0)
    one = simulate(network, prof, scenarios=3000, seed=5, chunk_scenarios=500, threads=1)
    two = simulate(network, prof, scenarios=3000, seed=5, chunk_scenarios=500, threads=2)
    assert np.array_equal(one.lost_units, two.lost_units)
