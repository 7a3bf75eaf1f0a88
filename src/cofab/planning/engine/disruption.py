"""Monte Carlo of site disruptions against a fixed plan.

Disruption process, per site and independently: in every period a site that is running starts
a disruption with probability ``p``; the disruption lasts a drawn number of periods (fixed,
geometric with a given mean, or uniform between two integers), the start period included, and
while it lasts the site loses ``capacity_loss`` of its capacity. Start times are drawn as
geometric gaps (one draw per disruption, not one per period), which is what keeps 100 sites ×
52 weeks × 100,000 scenarios cheap.

Re-routing rule (one pass, proportional, same period): volume a disrupted pool can no longer
make is grouped by (market, product family). Every engaged pool with spare capacity in that
period offers its spare, in shipped units, to the groups it can serve (it covers the family and
its site has a lane to the market) in proportion to their lost volume; a group takes what it is
offered up to what it lost. Offers a group cannot use are not passed on a second time, so the
result is a slightly pessimistic (never optimistic) estimate of what re-planning would save.
Re-routed volume is assumed to cost the same as planned volume.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import numpy.typing as npt

from cofab.planning.engine.model import BoolArray, FloatArray, IntArray

Float32Array = npt.NDArray[np.float32]

#: chunk so that the (periods × scenarios × sites) disruption mask stays near this many cells
_MASK_CELLS_PER_CHUNK = 12_000_000


class DurationKind(IntEnum):
    FIXED = 0  # duration_a periods
    GEOMETRIC = 1  # mean duration_a periods (support 1, 2, …)
    UNIFORM = 2  # integer in [duration_a, duration_b]


@dataclass(frozen=True, slots=True)
class DisruptionProfile:
    probability: FloatArray  # (S,) chance per period that a running site is disrupted
    duration_kind: IntArray  # (S,) DurationKind
    duration_a: FloatArray  # (S,)
    duration_b: FloatArray  # (S,)
    capacity_loss: FloatArray  # (S,) share of capacity lost while disrupted


@dataclass(frozen=True, slots=True)
class SimulationNetwork:
    """A solved plan reduced to what disruptions act on.

    Groups are (market, family) pairs; ``shipments[t, k, g]`` is the planned shipped volume of
    pool ``k`` to group ``g`` in period ``t``.
    """

    n_sites: int
    pool_site: IntArray  # (K,)
    pool_capacity: FloatArray  # (K, T) produced units usable in the plan (engaged, online)
    pool_scrap_factor: FloatArray  # (K,) produced units per shipped unit
    shipments: FloatArray  # (T, K, G)
    can_serve: BoolArray  # (K, G)
    group_lost_cost: FloatArray  # (G,) cost per unit of demand lost
    total_demand: float
    planned_unmet: float

    @property
    def n_periods(self) -> int:
        return int(self.shipments.shape[0])


@dataclass(frozen=True, slots=True)
class SimulationResult:
    scenarios: int
    seed: int
    fill_rate: FloatArray  # (N,) per scenario
    lost_units: FloatArray  # (N,) beyond the plan's own unmet demand
    lost_cost: FloatArray  # (N,)
    baseline_fill_rate: float
    site_criticality: FloatArray  # (S,) fill-rate drop when the site is out all horizon

    def summary(self) -> dict[str, float]:
        lost = self.lost_units
        return {
            "fill_rate_mean": float(self.fill_rate.mean()),
            "fill_rate_p5": float(np.percentile(self.fill_rate, 5)),
            "fill_rate_p50": float(np.percentile(self.fill_rate, 50)),
            "expected_lost_units": float(lost.mean()),
            "expected_lost_cost": float(self.lost_cost.mean()),
            "var95_lost_units": float(np.percentile(lost, 95)),
            "cvar95_lost_units": cvar(lost, 0.95),
            "baseline_fill_rate": self.baseline_fill_rate,
        }


def cvar(values: FloatArray, level: float) -> float:
    """Mean of the worst (1 - level) share of outcomes (at least one)."""
    tail = max(1, int(np.ceil(values.shape[0] * (1.0 - level) - 1e-9)))
    worst = np.partition(values, values.shape[0] - tail)[values.shape[0] - tail :]
    return float(worst.mean())


def _geometric(rng: np.random.Generator, p: FloatArray, never: int) -> IntArray:
    """Trials up to the first success (1, 2, …); ``never`` where p == 0."""
    uniform = 1.0 - rng.random(p.shape[0])  # (0, 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        draws = np.ceil(np.log(uniform) / np.log1p(-np.minimum(p, 1.0)))
    draws = np.where(p >= 1.0, 1.0, draws)
    draws = np.where(p <= 0.0, float(never), np.maximum(draws, 1.0))
    return np.minimum(draws, float(never)).astype(np.int64)


def _durations(rng: np.random.Generator, profile: DisruptionProfile, sites: IntArray) -> IntArray:
    kind = profile.duration_kind[sites]
    a = profile.duration_a[sites]
    out = np.maximum(np.rint(a), 1.0).astype(np.int64)  # FIXED
    geometric = kind == DurationKind.GEOMETRIC
    if geometric.any():
        out[geometric] = _geometric(rng, 1.0 / np.maximum(a[geometric], 1.0), 1 << 30)
    uniform = kind == DurationKind.UNIFORM
    if uniform.any():
        low = np.rint(a[uniform]).astype(np.int64)
        high = np.rint(profile.duration_b[sites][uniform]).astype(np.int64)
        out[uniform] = rng.integers(low, high + 1)
    return out


def sample_disrupted(
    rng: np.random.Generator, profile: DisruptionProfile, scenarios: int, n_periods: int
) -> Float32Array:
    """(T, N, S) mask, 1.0 where a site is disrupted, built from interval end points."""
    n_sites = profile.probability.shape[0]
    pairs = scenarios * n_sites
    site_of = np.tile(np.arange(n_sites), scenarios)
    p = profile.probability[site_of]
    diff = np.zeros((n_periods + 1, pairs), dtype=np.float32)
    next_start = _geometric(rng, p, n_periods + 1) - 1
    active = np.flatnonzero(next_start < n_periods)
    while active.size:
        start = next_start[active]
        end = np.minimum(start + _durations(rng, profile, site_of[active]), n_periods)
        diff[start, active] += 1.0
        diff[end, active] -= 1.0
        following = end + _geometric(rng, p[active], n_periods + 1) - 1
        next_start[active] = following
        active = active[following < n_periods]
    mask = np.cumsum(diff[:n_periods], axis=0, dtype=np.float32)
    return mask.reshape(n_periods, scenarios, n_sites)


class _Kernel:
    """Per-period constants, so the scenario loop is three matrix products and a few ufuncs."""

    def __init__(self, network: SimulationNetwork, profile: DisruptionProfile) -> None:
        ship = network.shipments  # (T, K, G)
        produced = ship.sum(axis=2) * network.pool_scrap_factor[None, :]  # (T, K)
        capacity = network.pool_capacity.T  # (T, K)
        loss = profile.capacity_loss[network.pool_site][None, :]
        remaining = capacity * (1.0 - loss)
        with np.errstate(divide="ignore", invalid="ignore"):
            lost_share = np.where(produced > 0, np.clip(1.0 - remaining / produced, 0.0, 1.0), 0.0)
        good = 1.0 / network.pool_scrap_factor[None, :]
        spare_up = np.maximum(capacity - produced, 0.0) * good
        spare_down = np.maximum(remaining - produced, 0.0) * good
        self.lost_ship = (lost_share[:, :, None] * ship).astype(np.float32)  # (T, K, G)
        self.spare_up = spare_up.astype(np.float32)  # (T, K)
        self.spare_drop = (spare_up - spare_down).astype(np.float32)  # (T, K)
        self.serve = network.can_serve.astype(np.float32)  # (K, G)
        self.serve_t = np.ascontiguousarray(self.serve.T)  # (G, K)
        self.cost = network.group_lost_cost.astype(np.float32)  # (G,)
        self.pool_site = network.pool_site
        self.identity_pools = bool(
            network.pool_site.shape[0] == network.n_sites
            and np.array_equal(network.pool_site, np.arange(network.n_sites))
        )

    def lost(self, disrupted_sites: Float32Array) -> tuple[FloatArray, FloatArray]:
        """Lost units and cost per scenario for a (T, N, S) disruption mask."""
        n = disrupted_sites.shape[1]
        units = np.zeros(n)
        cost = np.zeros(n)
        for t in range(disrupted_sites.shape[0]):
            down = disrupted_sites[t]
            if not self.identity_pools:
                down = down[:, self.pool_site]
            lost = down @ self.lost_ship[t]  # (N, G)
            ratio = down * self.spare_drop[t]
            np.subtract(self.spare_up[t], ratio, out=ratio)  # spare, shipped units
            demand_seen = lost @ self.serve_t  # (N, K) lost volume each pool could serve
            np.maximum(demand_seen, 1e-9, out=demand_seen)
            np.divide(ratio, demand_seen, out=ratio)
            recovered = ratio @ self.serve
            np.multiply(recovered, lost, out=recovered)
            np.minimum(recovered, lost, out=recovered)
            np.subtract(lost, recovered, out=lost)
            units += lost.sum(axis=1, dtype=np.float64)
            cost += lost @ self.cost
        return units, cost


def simulate(
    network: SimulationNetwork,
    profile: DisruptionProfile,
    *,
    scenarios: int,
    seed: int,
    chunk_scenarios: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SimulationResult:
    """Fill rate, lost units and lost cost over ``scenarios`` draws; same seed, same answer."""
    if scenarios < 1:
        raise ValueError("scenarios must be at least 1")
    n_sites = network.n_sites
    n_periods = network.n_periods
    kernel = _Kernel(network, profile)
    if chunk_scenarios is None:
        chunk_scenarios = max(1, _MASK_CELLS_PER_CHUNK // max(1, n_periods * n_sites))
    n_chunks = -(-scenarios // chunk_scenarios)
    seeds = np.random.SeedSequence(seed).spawn(n_chunks)
    lost_units = np.empty(scenarios)
    lost_cost = np.empty(scenarios)
    for index, child in enumerate(seeds):
        begin = index * chunk_scenarios
        end = min(begin + chunk_scenarios, scenarios)
        mask = sample_disrupted(np.random.default_rng(child), profile, end - begin, n_periods)
        lost_units[begin:end], lost_cost[begin:end] = kernel.lost(mask)
        if progress is not None:
            progress(end, scenarios)

    demand = network.total_demand
    baseline = (demand - network.planned_unmet) / demand if demand > 0 else 1.0
    fill = baseline - lost_units / demand if demand > 0 else np.ones(scenarios)

    # criticality: each site out for the whole horizon, nothing else disrupted
    site_lost = np.empty(n_sites)
    block = max(1, _MASK_CELLS_PER_CHUNK // max(1, n_periods * n_sites))
    for begin in range(0, n_sites, block):
        end = min(begin + block, n_sites)
        out_all = np.zeros((n_periods, end - begin, n_sites), dtype=np.float32)
        out_all[:, np.arange(end - begin), np.arange(begin, end)] = 1.0
        site_lost[begin:end], _ = kernel.lost(out_all)
    criticality = site_lost / demand if demand > 0 else np.zeros(n_sites)
    return SimulationResult(
        scenarios=scenarios,
        seed=seed,
        fill_rate=fill,
        lost_units=lost_units,
        lost_cost=lost_cost,
        baseline_fill_rate=float(baseline),
        site_criticality=criticality,
    )
