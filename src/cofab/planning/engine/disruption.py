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

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING, TypeAlias

from threadpoolctl import threadpool_limits

from cofab.planning.engine.model import BoolArray, FloatArray, IntArray

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


Float32Array: TypeAlias = "npt.NDArray[np.float32]"

#: scenarios per chunk so that periods × scenarios × sites stays near this many cells
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
        import numpy as np

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
    import numpy as np

    tail = max(1, int(np.ceil(values.shape[0] * (1.0 - level) - 1e-9)))
    worst = np.partition(values, values.shape[0] - tail)[values.shape[0] - tail :]
    return float(worst.mean())


def _log_fail(p: FloatArray) -> Float32Array:
    """log(1 - p) per entry, the scale of a geometric draw by inversion (-inf where p >= 1)."""
    import numpy as np

    with np.errstate(divide="ignore"):
        out: Float32Array = np.log1p(-np.minimum(p, 1.0)).astype(np.float32)
    return out


def _geometric(rng: np.random.Generator, log_fail: Float32Array, never: int) -> IntArray:
    """Trials up to the first success (1, 2, …), capped at ``never``; needs p > 0."""
    import numpy as np

    draws: Float32Array = np.asarray(rng.random(log_fail.shape[0], dtype=np.float32))
    np.subtract(np.float32(1.0), draws, out=draws)  # (0, 1]
    np.log(draws, out=draws)
    np.divide(draws, log_fail, out=draws)
    np.ceil(draws, out=draws)
    np.clip(draws, 1.0, float(never), out=draws)  # p == 1: 0 / -inf → 1
    return draws.astype(np.int64)


class _DurationDraws:
    """Per-site duration parameters prepared once, so each draw is a gather and one pass."""

    def __init__(self, profile: DisruptionProfile) -> None:
        import numpy as np

        kind = profile.duration_kind
        self.kind = kind
        self.fixed = np.maximum(np.rint(profile.duration_a), 1.0).astype(np.int64)
        self.log_fail = _log_fail(1.0 / np.maximum(profile.duration_a, 1.0))
        self.low = np.rint(profile.duration_a).astype(np.int64)
        self.high = np.rint(profile.duration_b).astype(np.int64)
        kinds = np.unique(kind)
        self.single_kind = int(kinds[0]) if kinds.shape[0] == 1 else None

    def draw(self, rng: np.random.Generator, sites: IntArray) -> IntArray:
        if self.single_kind == DurationKind.GEOMETRIC:
            return _geometric(rng, self.log_fail[sites], 1 << 30)
        if self.single_kind == DurationKind.FIXED:
            return self.fixed[sites]
        if self.single_kind == DurationKind.UNIFORM:
            return rng.integers(self.low[sites], self.high[sites] + 1)
        kind = self.kind[sites]
        out = self.fixed[sites]
        geometric = kind == DurationKind.GEOMETRIC
        if geometric.any():
            out[geometric] = _geometric(rng, self.log_fail[sites[geometric]], 1 << 30)
        uniform = kind == DurationKind.UNIFORM
        if uniform.any():
            chosen = sites[uniform]
            out[uniform] = rng.integers(self.low[chosen], self.high[chosen] + 1)
        return out


@dataclass(frozen=True, slots=True)
class DisruptedCells:
    """Every (period, scenario, site) cell in which a site is disrupted, grouped by period.

    Disruptions are rare, so the Monte Carlo works on this list instead of a dense
    periods × scenarios × sites mask.
    """

    scenarios: int
    n_periods: int
    scenario: IntArray  # sorted by period
    site: IntArray
    period_start: IntArray  # (T + 1,) cells of period t are [period_start[t], period_start[t+1])

    def dense(self, n_sites: int) -> Float32Array:
        import numpy as np

        mask = np.zeros((self.n_periods, self.scenarios, n_sites), dtype=np.float32)
        period = np.repeat(np.arange(self.n_periods), np.diff(self.period_start))
        mask[period, self.scenario, self.site] = 1.0
        return mask

    @classmethod
    def from_dense(cls, mask: Float32Array) -> DisruptedCells:
        import numpy as np

        period, scenario, site = np.nonzero(mask)
        starts = np.searchsorted(period, np.arange(mask.shape[0] + 1))
        return cls(int(mask.shape[1]), int(mask.shape[0]), scenario, site, starts)


def sample_cells(
    rng: np.random.Generator,
    profile: DisruptionProfile,
    scenarios: int,
    n_periods: int,
    durations: _DurationDraws | None = None,
) -> DisruptedCells:
    """Draw disruption intervals per (scenario, site) as geometric gaps and durations."""
    import numpy as np

    if durations is None:
        durations = _DurationDraws(profile)
    exposed = np.flatnonzero(profile.probability > 0)  # the others are never disrupted
    site_of = np.tile(exposed, scenarios)
    scenario_of = np.repeat(np.arange(scenarios), exposed.shape[0])
    log_fail = _log_fail(profile.probability)[site_of]
    next_start = _geometric(rng, log_fail, n_periods + 1) - 1
    active = np.flatnonzero(next_start < n_periods)
    pairs: list[IntArray] = []
    starts: list[IntArray] = []
    ends: list[IntArray] = []
    while active.size:
        start = next_start[active]
        end = np.minimum(start + durations.draw(rng, site_of[active]), n_periods)
        pairs.append(active)
        starts.append(start)
        ends.append(end)
        following = end + _geometric(rng, log_fail[active], n_periods + 1) - 1
        next_start[active] = following
        active = active[following < n_periods]
    if not pairs:
        empty = np.zeros(0, dtype=np.int64)
        return DisruptedCells(scenarios, n_periods, empty, empty, np.zeros(n_periods + 1, np.int64))
    pair = np.concatenate(pairs)
    start = np.concatenate(starts)
    length = np.concatenate(ends) - start
    first_cell = np.cumsum(length) - length
    # cell i of an interval sits in period start + i
    period = (np.repeat(start - first_cell, length) + np.arange(int(length.sum()))).astype(np.int16)
    order = np.argsort(period, kind="stable")  # radix sort on 16-bit keys
    cell_pair = np.repeat(pair, length)[order]
    counts = np.bincount(period, minlength=n_periods)
    period_start = np.zeros(n_periods + 1, dtype=np.int64)
    np.cumsum(counts, out=period_start[1:])
    return DisruptedCells(
        scenarios, n_periods, scenario_of[cell_pair], site_of[cell_pair], period_start
    )


def sample_disrupted(
    rng: np.random.Generator, profile: DisruptionProfile, scenarios: int, n_periods: int
) -> Float32Array:
    """(T, N, S) mask, 1.0 where a site is disrupted (small cases and tests)."""
    n_sites = profile.probability.shape[0]
    return sample_cells(rng, profile, scenarios, n_periods).dense(n_sites)


class _Kernel:
    """Per-period constants; per period only scenarios with a disruption are computed, as two
    sparse products (lost volume, lost volume each pool could take), one dense product (what
    pools offer) and a few ufuncs."""

    def __init__(self, network: SimulationNetwork, profile: DisruptionProfile) -> None:
        import numpy as np

        ship = network.shipments  # (T, K, G)
        n_pools = ship.shape[1]
        produced = ship.sum(axis=2) * network.pool_scrap_factor[None, :]  # (T, K)
        capacity = network.pool_capacity.T  # (T, K)
        loss = profile.capacity_loss[network.pool_site][None, :]
        remaining = capacity * (1.0 - loss)
        with np.errstate(divide="ignore", invalid="ignore"):
            lost_share = np.where(produced > 0, np.clip(1.0 - remaining / produced, 0.0, 1.0), 0.0)
        good = 1.0 / network.pool_scrap_factor[None, :]
        spare_up = np.maximum(capacity - produced, 0.0) * good
        spare_down = np.maximum(remaining - produced, 0.0) * good
        pool_lost = lost_share[:, :, None] * ship  # (T, K, G)
        # pools → sites: (S, K) one-hot times (T, K, G)
        one_hot = np.zeros((network.n_sites, n_pools))
        one_hot[network.pool_site, np.arange(n_pools)] = 1.0
        site_lost = np.einsum("sk,tkg->tsg", one_hot, pool_lost)
        self.n_sites = network.n_sites
        self.site_lost = site_lost.astype(np.float32)  # (T, S, G)
        self.spare_up = spare_up.astype(np.float32)  # (T, K)
        self.spare_down = spare_down.astype(np.float32)  # (T, K) while the pool is disrupted
        self.serve = network.can_serve.astype(np.float32)  # (K, G)
        self.serve_t = np.ascontiguousarray(self.serve.T)  # (G, K)
        self.units_and_cost = np.stack(
            [np.ones(ship.shape[2]), network.group_lost_cost], axis=1
        ).astype(np.float32)  # (G, 2)
        # pools of each site, for cells → pool cells
        order = np.argsort(network.pool_site, kind="stable")
        self.site_pool_start = np.searchsorted(
            network.pool_site[order], np.arange(network.n_sites + 1)
        )
        self.site_pools = order
        self.identity_pools = bool(
            n_pools == network.n_sites and np.array_equal(network.pool_site, np.arange(n_pools))
        )

    def _pool_cells(self, rows: IntArray, sites: IntArray) -> tuple[IntArray, IntArray]:
        import numpy as np

        if self.identity_pools:
            return rows, sites
        first = self.site_pool_start[sites]
        count = self.site_pool_start[sites + 1] - first
        rep = np.repeat(np.arange(sites.shape[0]), count)
        offset = np.arange(rep.shape[0]) - np.repeat(np.cumsum(count) - count, count)
        return rows[rep], self.site_pools[first[rep] + offset]

    def lost(self, cells: DisruptedCells) -> tuple[FloatArray, FloatArray]:
        """Lost units and cost per scenario after re-routing."""
        import numpy as np
        import scipy.sparse as sp

        n = cells.scenarios
        totals = np.zeros((n, 2))  # lost units, lost cost
        for t in range(cells.n_periods):
            begin, end = int(cells.period_start[t]), int(cells.period_start[t + 1])
            if begin == end:
                continue
            scenario = cells.scenario[begin:end]
            site = cells.site[begin:end]
            counts = np.bincount(scenario, minlength=n)
            rows = np.flatnonzero(counts)
            order = np.argsort(scenario, kind="stable")  # cells come in a few sorted runs
            indptr = np.zeros(rows.shape[0] + 1, dtype=np.int64)
            np.cumsum(counts[rows], out=indptr[1:])
            down = sp.csr_array(
                (np.ones(order.shape[0], dtype=np.float32), site[order], indptr),
                shape=(rows.shape[0], self.n_sites),
            )
            lost = np.asarray(down @ self.site_lost[t])  # (R, G) volume disrupted sites lose
            seen = lost @ self.serve_t  # (R, K) of it, what each pool could take over
            local = (np.cumsum(counts > 0) - 1)[scenario]
            pool_row, pool = self._pool_cells(local, site)
            seen += 1e-9
            seen_down = seen[pool_row, pool]
            ratio = np.divide(self.spare_up[t], seen, out=seen)  # spare / what it is asked for
            ratio[pool_row, pool] = self.spare_down[t, pool] / seen_down
            # offered share per group; what is not covered stays lost
            uncovered = ratio @ self.serve
            np.subtract(1.0, uncovered, out=uncovered)
            np.maximum(uncovered, 0.0, out=uncovered)
            np.multiply(uncovered, lost, out=uncovered)
            totals[rows] += uncovered @ self.units_and_cost
        return totals[:, 0].copy(), totals[:, 1].copy()


def simulate(
    network: SimulationNetwork,
    profile: DisruptionProfile,
    *,
    scenarios: int,
    seed: int,
    chunk_scenarios: int | None = None,
    threads: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SimulationResult:
    """Fill rate, lost units and lost cost over ``scenarios`` draws; same seed, same answer."""
    import numpy as np

    if scenarios < 1:
        raise ValueError("scenarios must be at least 1")
    n_sites = network.n_sites
    n_periods = network.n_periods
    kernel = _Kernel(network, profile)
    durations = _DurationDraws(profile)
    if chunk_scenarios is None:
        chunk_scenarios = max(1, _MASK_CELLS_PER_CHUNK // max(1, n_periods * n_sites))
    n_chunks = -(-scenarios // chunk_scenarios)
    seeds = np.random.SeedSequence(seed).spawn(n_chunks)
    lost_units = np.empty(scenarios)
    lost_cost = np.empty(scenarios)

    def run_chunk(index: int) -> int:
        begin = index * chunk_scenarios
        end = min(begin + chunk_scenarios, scenarios)
        rng = np.random.default_rng(seeds[index])
        cells = sample_cells(rng, profile, end - begin, n_periods, durations)
        lost_units[begin:end], lost_cost[begin:end] = kernel.lost(cells)
        return end - begin

    # Chunks are independent (own seed, own output slice), so the result does not depend on
    # the order they finish in. BLAS is kept single-threaded: its matrices are small and
    # spinning BLAS threads fight the chunk threads for the same cores.
    workers = max(1, min(n_chunks, threads if threads is not None else (os.cpu_count() or 1)))
    done = 0
    with threadpool_limits(1, user_api="blas"), ThreadPoolExecutor(workers) as pool:
        for finished in pool.map(run_chunk, range(n_chunks)):
            done += finished
            if progress is not None:
                progress(done, scenarios)

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
        with threadpool_limits(1, user_api="blas"):
            site_lost[begin:end], _ = kernel.lost(DisruptedCells.from_dense(out_all))
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
