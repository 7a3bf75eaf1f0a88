"""Time to survive (TTS) and performance impact of a node going down (Simchi-Levi et al. 2014/15).

The network splits into parts that share nothing but t (the families tied together by capacity
pools; one family per part when every pool serves one family). Each part's linear programme is
built once; each node (a site, or a partner's sites together) is analysed by switching that
node's columns off and back on (column bounds only), only in the parts where it makes or holds
something, in two passes with one objective each (all TTS, then the impacts), so a network of a
thousand sites costs one build and a few hot-started simplex runs on small models per node and
question instead of a thousand builds of the whole network. Exact, not an approximation: the
largest t of the whole model is the least of the parts' largest t, and the least unmet demand at
a fixed t is the sum of the parts'.

TTS model (weeks t, weekly rates):   maximise t
    Σ_s f[s,m,p] ≥ d[m,p]·t                       every market m, product p with demand
    Σ_m f[s,m,p] ≤ x[s,p] + I[s,p]                every site s, product p it holds or makes
    Σ_{p∈F} x[s,p] ≤ c[s,F]·t                     every capacity pool (site, family set)
Impact model: t fixed at the node's TTR, an unmet slack u[m,p] on each demand row, minimise
Σ u (units); the value is Σ u·penalty[m]. The down node's columns are fixed at zero, so its
inventory is lost with it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

import numpy as np
import numpy.typing as npt

# planning keeps the one HiGHS runner (banner silenced once, output off)
from cofab.planning.service import new_highs

if TYPE_CHECKING:
    import highspy

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

INF = float("inf")
# A solve that moves less than this is noise from the simplex tolerances.
_ZERO = 1e-7


@dataclass(frozen=True, slots=True)
class TtsNetwork:
    """Sites S, markets M, products P (in families F), capacity pools K, weekly rates."""

    demand_rate: FloatArray  # (M, P) average weekly demand
    unmet_penalty: FloatArray  # (M,) value of one unit not served
    lane: BoolArray  # (S, M) a lane exists
    eligible: BoolArray  # (S, P) the site can make the product
    inventory: FloatArray  # (S, P) on hand, units
    product_family: IntArray  # (P,)
    pool_site: IntArray  # (K,)
    pool_families: BoolArray  # (K, F)
    pool_rate: FloatArray  # (K,) weekly capacity

    @property
    def n_sites(self) -> int:
        return int(self.lane.shape[0])


@dataclass(frozen=True, slots=True)
class Node:
    """What goes down together: one site, or every site of one partner."""

    name: str
    kind: str  # "site" | "partner"
    sites: tuple[int, ...]
    ttr_weeks: float | None


@dataclass(frozen=True, slots=True)
class NodeResult:
    node: Node
    unbounded: bool
    tts_weeks: float | None  # None when unbounded
    lost_units: float | None  # None when the TTR is unknown
    lost_value: float | None
    lost: tuple[tuple[int, int, float], ...]  # (market, product, units) with units > 0

    @property
    def exposed(self) -> bool:
        """TTR longer than TTS: the business cannot ride out this node's recovery."""
        ttr = self.node.ttr_weeks
        return ttr is not None and not self.unbounded and (self.tts_weeks or 0.0) < ttr - _ZERO


@dataclass(frozen=True, slots=True)
class _Layout:
    """Column index arrays of the one model, so a node maps to its columns by a mask."""

    x_site: IntArray
    f_site: IntArray
    f_market: IntArray
    f_product: IntArray
    u_market: IntArray
    u_product: IntArray
    n_x: int
    n_f: int
    n_u: int

    @property
    def t_col(self) -> int:
        return self.n_x + self.n_f + self.n_u

    @property
    def n_cols(self) -> int:
        return self.t_col + 1


def _build(net: TtsNetwork, highs: highspy.Highs) -> _Layout:
    import highspy
    from scipy import sparse

    n_s = net.n_sites
    n_m, n_p = net.demand_rate.shape
    demanded = net.demand_rate > 0
    holds = net.eligible | (net.inventory > 0)
    x_site, x_product = np.nonzero(net.eligible)
    f_site, f_market, f_product = np.nonzero(
        net.lane[:, :, None] & holds[:, None, :] & demanded[None, :, :]
    )
    u_market, u_product = np.nonzero(demanded)
    n_x, n_f, n_u = x_site.size, f_site.size, u_market.size
    layout = _Layout(
        x_site=x_site.astype(np.int64),
        f_site=f_site.astype(np.int64),
        f_market=f_market.astype(np.int64),
        f_product=f_product.astype(np.int64),
        u_market=u_market.astype(np.int64),
        u_product=u_product.astype(np.int64),
        n_x=n_x,
        n_f=n_f,
        n_u=n_u,
    )
    x_cols = np.arange(n_x)
    f_cols = n_x + np.arange(n_f)
    u_cols = n_x + n_f + np.arange(n_u)
    t_col = layout.t_col

    # demand rows, one per demanded (m, p): Σ f + u - d·t ≥ 0
    demand_row = np.full((n_m, n_p), -1, dtype=np.int64)
    demand_row[u_market, u_product] = np.arange(n_u)
    # supply rows, one per held (s, p): Σ f - x ≤ I
    hs, hp = np.nonzero(holds)
    n_h = hs.size
    supply_row = np.full((n_s, n_p), -1, dtype=np.int64)
    supply_row[hs, hp] = n_u + np.arange(n_h)
    # capacity rows, one per pool: Σ x - c·t ≤ 0
    n_k = int(net.pool_site.size)
    cap_base = n_u + n_h
    pool_of = np.full((n_s, int(net.pool_families.shape[1])), -1, dtype=np.int64)
    for k in range(n_k):  # K pools (≈ sites × families): small next to the flow columns
        pool_of[int(net.pool_site[k]), net.pool_families[k]] = k
    x_pool = pool_of[x_site, net.product_family[x_product]]
    has_pool = x_pool >= 0

    rows = np.concatenate(
        [
            demand_row[f_market, f_product],  # f in demand rows
            supply_row[f_site, f_product],  # f in supply rows
            supply_row[x_site, x_product],  # x in supply rows
            cap_base + x_pool[has_pool],  # x in capacity rows
            demand_row[u_market, u_product],  # u in demand rows
            demand_row[u_market, u_product],  # t in demand rows
            cap_base + np.arange(n_k),  # t in capacity rows
        ]
    )
    cols = np.concatenate(
        [f_cols, f_cols, x_cols, x_cols[has_pool], u_cols, np.full(n_u, t_col), np.full(n_k, t_col)]
    )
    vals = np.concatenate(
        [
            np.ones(n_f),
            np.ones(n_f),
            -np.ones(n_x),
            np.ones(int(has_pool.sum())),
            np.ones(n_u),
            -net.demand_rate[u_market, u_product],
            -net.pool_rate,
        ]
    )
    n_rows = n_u + n_h + n_k
    matrix = sparse.csc_matrix((vals, (rows, cols)), shape=(n_rows, layout.n_cols))
    matrix.sum_duplicates()

    lp = highspy.HighsLp()
    lp.num_col_ = layout.n_cols
    lp.num_row_ = n_rows
    lp.col_cost_ = np.zeros(layout.n_cols)
    lp.col_lower_ = np.zeros(layout.n_cols)
    upper = np.full(layout.n_cols, INF)
    upper[u_cols] = 0.0
    lp.col_upper_ = upper
    lp.row_lower_ = np.concatenate([np.zeros(n_u), np.full(n_h + n_k, -INF)])
    lp.row_upper_ = np.concatenate(
        [np.full(n_u, INF), net.inventory[hs, hp].astype(np.float64), np.zeros(n_k)]
    )
    a = lp.a_matrix_
    a.format_ = highspy.MatrixFormat.kColwise
    a.num_col_ = layout.n_cols
    a.num_row_ = n_rows
    a.start_ = matrix.indptr.astype(np.int32)
    a.index_ = matrix.indices.astype(np.int32)
    a.value_ = matrix.data.astype(np.float64)
    if highs.passModel(lp) == highspy.HighsStatus.kError:
        raise RuntimeError("HiGHS rejected the time-to-survive model")
    return layout


def _set_bounds(highs: highspy.Highs, cols: IntArray, lower: float, upper: float) -> None:
    if cols.size == 0:
        return
    n = int(cols.size)
    highs.changeColsBounds(n, cols.astype(np.int32), np.full(n, lower), np.full(n, upper))


def _set_costs(highs: highspy.Highs, cols: IntArray, cost: FloatArray) -> None:
    if cols.size == 0:
        return
    highs.changeColsCost(int(cols.size), cols.astype(np.int32), cost.astype(np.float64))


class _Switch:
    """Takes one node down at a time on the model: the previous node's columns come back up
    and the new node's are fixed at zero, bounds only, so HiGHS keeps its basis (a simplex
    hot start) and the model is never rebuilt. A site's columns are found by slicing arrays
    sorted once by site, not by masking every column per node."""

    def __init__(self, highs: highspy.Highs, layout: _Layout, n_sites: int) -> None:
        self.highs = highs
        cols = np.concatenate([np.arange(layout.n_x), layout.n_x + np.arange(layout.n_f)]).astype(
            np.int32
        )
        site = np.concatenate([layout.x_site, layout.f_site])
        order = np.argsort(site, kind="stable")
        self.cols = cols[order]
        self.starts = np.searchsorted(site[order], np.arange(n_sites + 1))
        self.down = np.zeros(0, dtype=np.int32)

    def columns(self, sites: Sequence[int]) -> npt.NDArray[np.int32]:
        parts = [self.cols[self.starts[s] : self.starts[s + 1]] for s in sites]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)

    def take_down(self, sites: Sequence[int]) -> None:
        if self.down.size:
            n = int(self.down.size)
            self.highs.changeColsBounds(n, self.down, np.zeros(n), np.full(n, INF))
        self.down = self.columns(sites)
        if self.down.size:
            n = int(self.down.size)
            self.highs.changeColsBounds(n, self.down, np.zeros(n), np.zeros(n))


@dataclass(slots=True)
class _Part:
    """The products of families tied together by capacity pools, with their own model. Parts
    share only t, and the most constraining part sets it: a node's TTS is the least TTS of its
    parts, its lost demand the sum over them, so a node is solved only in the parts where one
    of its sites makes or holds something; the others keep their all-up answer."""

    products: IntArray
    highs: highspy.Highs
    layout: _Layout
    switch: _Switch
    sites: BoolArray  # (S,) sites with columns here
    u_cols: IntArray
    t_col: IntArray
    all_up: float | None = None  # TTS with nothing down (None: unbounded)


def _parts(net: TtsNetwork) -> list[tuple[IntArray, IntArray]]:
    """(products, pools) of each group of families joined by a pool that serves several."""
    n_f = int(net.pool_families.shape[1])
    parent = np.arange(n_f)

    def root(f: int) -> int:
        while parent[f] != f:
            parent[f] = parent[parent[f]]
            f = int(parent[f])
        return f

    for families in net.pool_families:
        joined = np.flatnonzero(families)
        for f in joined[1:]:
            parent[root(int(f))] = root(int(joined[0]))
    roots = np.array([root(f) for f in range(n_f)], dtype=np.int64)
    product_root = roots[net.product_family]
    pool_root = np.where(net.pool_families.any(axis=1), roots[net.pool_families.argmax(axis=1)], -1)
    return [
        (np.flatnonzero(product_root == r), np.flatnonzero(pool_root == r))
        for r in np.unique(product_root)
    ]


def _make_part(net: TtsNetwork, products: IntArray, pools: IntArray) -> _Part:
    sub = TtsNetwork(
        demand_rate=net.demand_rate[:, products],
        unmet_penalty=net.unmet_penalty,
        lane=net.lane,
        eligible=net.eligible[:, products],
        inventory=net.inventory[:, products],
        product_family=net.product_family[products],
        pool_site=net.pool_site[pools],
        pool_families=net.pool_families[pools],
        pool_rate=net.pool_rate[pools],
    )
    highs = new_highs()
    # Primal simplex: a node going down leaves the previous basis primal infeasible only in
    # its own few columns; measured on bench/risk.py's networks primal re-solves take half the
    # time of HiGHS' default choice (dual), with the same optima.
    highs.setOptionValue("simplex_strategy", 4)
    layout = _build(sub, highs)
    return _Part(
        products=products,
        highs=highs,
        layout=layout,
        switch=_Switch(highs, layout, net.n_sites),
        sites=np.asarray(sub.eligible.any(axis=1) | (sub.inventory > 0).any(axis=1)),
        u_cols=layout.n_x + layout.n_f + np.arange(layout.n_u, dtype=np.int64),
        t_col=np.array([layout.t_col], dtype=np.int64),
    )


def _run(highs: highspy.Highs) -> highspy.HighsModelStatus:
    """A hot-started run; both models are feasible by construction (t = 0 and nothing shipped;
    every demand unmet), so a run that ends in anything but an optimum or an unbounded ray lost
    its way from the previous basis (seen once at 1,000 sites: "Infeasible") and is run again
    from scratch."""
    import highspy

    highs.run()
    status = highs.getModelStatus()
    if status not in (
        highspy.HighsModelStatus.kOptimal,
        highspy.HighsModelStatus.kUnbounded,
        highspy.HighsModelStatus.kUnboundedOrInfeasible,
    ):
        highs.clearSolver()
        highs.run()
        status = highs.getModelStatus()
    return status


def _survival(part: _Part, sites: Sequence[int]) -> float | None:
    """Pass 1 on one part: the largest t with ``sites`` down (None: unbounded)."""
    import highspy

    part.switch.take_down(sites)
    if part.layout.n_u == 0:
        return None
    status = _run(part.highs)
    if status in (
        highspy.HighsModelStatus.kUnbounded,
        highspy.HighsModelStatus.kUnboundedOrInfeasible,
    ):
        return None
    if status != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError(f"HiGHS: {part.highs.modelStatusToString(status)}")
    return max(0.0, -float(part.highs.getInfo().objective_function_value))


def _shortfall(part: _Part, sites: Sequence[int], weeks: float) -> tuple[FloatArray, IntArray]:
    """Pass 2 on one part: the least unmet units per demand row over ``weeks`` with ``sites``
    down, and the rows that lose any."""
    import highspy

    part.switch.take_down(sites)
    _set_bounds(part.highs, part.t_col, weeks, weeks)
    if _run(part.highs) != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError("HiGHS could not solve the impact model")
    values = np.asarray(part.highs.getSolution().col_value)[part.u_cols]
    values = np.where(values > _ZERO, values, 0.0)
    return values, np.flatnonzero(values)


def _least(values: Sequence[float | None]) -> float | None:
    finite = [v for v in values if v is not None]
    return min(finite) if finite else None


def analyse(
    net: TtsNetwork,
    nodes: Sequence[Node],
    *,
    on_node: Callable[[int], None] | None = None,
    timings: dict[str, float] | None = None,
) -> list[NodeResult]:
    """TTS and impact for every node, in the order given.

    The network splits into parts (families joined by shared capacity pools), one HiGHS model
    each, built once. Two passes over the nodes, each with one objective, so that between two
    solves of a part only column bounds change and every re-solve is a hot-started simplex:
    first every node's TTS (maximise t, unmet slack fixed at zero), then, for the nodes whose
    TTR outlasts their TTS, the least unmet demand over the TTR (t fixed, minimise the slack).
    Switching the objective per node, as a single pass would, throws the basis' dual
    feasibility away twice a node. A node is solved only in the parts its sites make or hold
    something in; a part it does not touch keeps its all-up answer (TTS), and over a TTR
    longer than that all-up TTS it is solved with nothing down (once per TTR).
    ``on_node`` gets a count that rises from 0 to len(nodes) − 1 as the work of both passes is
    done (for a progress bar), not a node's index. ``timings`` (if given) receives ``build_s``,
    the one-off cost of the models and their all-up solves, so a benchmark on a sample of nodes
    can extrapolate only the per-node part.
    """
    import time

    started = time.perf_counter()
    parts = [_make_part(net, products, pools) for products, pools in _parts(net)]
    for part in parts:  # pass 1's objective: maximise t, no unmet demand allowed
        _set_bounds(part.highs, part.u_cols, 0.0, 0.0)
        _set_costs(part.highs, part.t_col, np.array([-1.0]))
        part.all_up = _survival(part, ())
    if timings is not None:
        timings["build_s"] = time.perf_counter() - started
    progress = _Progress(on_node, len(nodes))

    def touched(node: Node) -> list[bool]:
        return [bool(part.sites[list(node.sites)].any()) for part in parts]

    # pass 1 — time to survive
    tts: list[float | None] = []
    for node in nodes:
        hit = touched(node)
        tts.append(
            _least(
                [
                    _survival(part, node.sites) if hit[k] else part.all_up
                    for k, part in enumerate(parts)
                ]
            )
        )
        progress.step()

    # pass 2 — performance impact over the time to recover, where recovery outlasts survival
    needs = [
        i
        for i, node in enumerate(nodes)
        if node.ttr_weeks is not None
        and tts[i] is not None
        and (tts[i] or 0.0) < node.ttr_weeks - _ZERO
    ]
    progress.more(len(needs))
    if needs:
        for part in parts:
            _set_costs(part.highs, part.t_col, np.array([0.0]))
            _set_bounds(part.highs, part.u_cols, 0.0, INF)
            _set_costs(part.highs, part.u_cols, np.ones(part.layout.n_u))
    impacts: dict[int, tuple[float, float, tuple[tuple[int, int, float], ...]]] = {}
    for i in needs:
        node = nodes[i]
        ttr = float(node.ttr_weeks or 0.0)
        hit = touched(node)
        units = value = 0.0
        where: list[tuple[int, int, float]] = []
        for k, part in enumerate(parts):
            if not hit[k] and (part.all_up is None or part.all_up >= ttr - _ZERO):
                continue  # untouched and lasting the TTR with nothing down: loses nothing
            values, rows = _shortfall(part, node.sites if hit[k] else (), ttr)
            units += float(values.sum())
            value += float((values * net.unmet_penalty[part.layout.u_market]).sum())
            where.extend(
                zip(
                    part.layout.u_market[rows].tolist(),
                    part.products[part.layout.u_product[rows]].tolist(),
                    values[rows].tolist(),
                    strict=True,
                )
            )
        impacts[i] = (units, value, tuple(sorted(where)))
        progress.step()

    results: list[NodeResult] = []
    for i, node in enumerate(nodes):
        lost_units: float | None = None
        lost_value: float | None = None
        lost: tuple[tuple[int, int, float], ...] = ()
        if node.ttr_weeks is not None:
            lost_units, lost_value, lost = impacts.get(i, (0.0, 0.0, ()))
        results.append(
            NodeResult(
                node=node,
                unbounded=tts[i] is None,
                tts_weeks=tts[i],
                lost_units=lost_units,
                lost_value=lost_value,
                lost=lost,
            )
        )
    progress.finish()
    return results


class _Progress:
    """Maps the work of both passes onto 0 … n_nodes − 1 for ``on_node``, rising only."""

    def __init__(self, on_node: Callable[[int], None] | None, n_nodes: int) -> None:
        self.on_node, self.n_nodes = on_node, n_nodes
        self.total, self.done, self.shown = n_nodes, 0, -1

    def more(self, steps: int) -> None:
        self.total += steps

    def step(self) -> None:
        self.done += 1
        self._show(self.n_nodes * self.done // max(1, self.total) - 1)

    def finish(self) -> None:
        self._show(self.n_nodes - 1)

    def _show(self, count: int) -> None:
        if self.on_node is None:
            return
        while self.shown < count:
            self.shown += 1
            self.on_node(self.shown)


def rank(results: Sequence[NodeResult]) -> list[NodeResult]:
    """Worst first: value lost, then units lost, then the shortest survival."""
    return sorted(
        results,
        key=lambda r: (
            -(r.lost_value or 0.0),
            -(r.lost_units or 0.0),
            INF if r.tts_weeks is None else r.tts_weeks,
        ),
    )
