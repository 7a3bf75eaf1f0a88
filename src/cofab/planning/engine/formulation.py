"""The allocation MILP as one sparse matrix, built with whole-array operations.

Every block is produced as (row, col, value) triplets from index arrays and converted to CSC
once, so build time grows with the number of non-zeros and never with Python-level loops over
variables; only tiny dimensions (policy rule kinds) are looped over.

Columns, in order:
  x  shipped quantity per eligible (site, market, product, period)
  y  engagement of each site (binary)
  u  unmet demand per demand entry (only where a penalty exists, or all in min-unmet mode)
  q  shipped volume per site             (only with max_share_per_region; keeps the region
                                          rows short instead of one row over every flow)
  z  "site is a source of product"      (binary; only with min_sources)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from cofab.planning.engine.model import FloatArray, IntArray, PlanningModel

if TYPE_CHECKING:
    import numpy.typing as npt
    import scipy.sparse as sp


_MAX_MASK_CELLS = 16_000_000


class Objective(Enum):
    """COST is the business objective; MIN_UNMET finds the least demand that cannot be covered
    (every site engaged, every demand entry gets a slack) to explain an infeasible model."""

    COST = "cost"
    MIN_UNMET = "min_unmet"


@dataclass(frozen=True, slots=True)
class Flows:
    """The eligible flow variables; index e is also the column of x_e."""

    site: IntArray
    market: IntArray
    product: IntArray
    period: IntArray
    demand: IntArray  # demand entry served
    pool: IntArray  # capacity pool drawn on
    scrap_factor: FloatArray  # produced units per shipped unit, 1 / (1 - defect rate)
    unit_cost: FloatArray  # production cost per produced unit
    transport_cost: FloatArray  # lane cost per shipped unit

    @property
    def size(self) -> int:
        return int(self.site.shape[0])


@dataclass(frozen=True, slots=True)
class Formulation:
    flows: Flows
    matrix: sp.csc_array
    col_cost: FloatArray
    col_lower: FloatArray
    col_upper: FloatArray
    row_lower: FloatArray
    row_upper: FloatArray
    integer_cols: IntArray
    y_start: int
    u_start: int
    u_demand: IntArray  # demand entry of each u column
    cap_row_start: int
    cap_row_pool: IntArray
    cap_row_period: IntArray
    z_start: int
    z_product: IntArray
    z_site: IntArray

    @property
    def n_cols(self) -> int:
        return int(self.col_cost.shape[0])

    @property
    def n_rows(self) -> int:
        return int(self.row_lower.shape[0])


def eligible_flows(model: PlanningModel) -> Flows:
    """A flow exists only where the site can make the product's family, has capacity in that
    period, is online, and has a lane to the market that demands it."""
    import numpy as np

    pool_of = model.pool_of_site_family()  # (S, F)
    pool_of_fs = np.ascontiguousarray(pool_of.T)  # (F, S)
    has_lane_ms = np.ascontiguousarray(np.isfinite(model.lane_cost).T)  # (M, S)
    cap_positive = model.pool_capacity > 0  # (K, T)
    allowed_ps = (
        None
        if model.site_product_allowed is None
        else np.ascontiguousarray(model.site_product_allowed.T)
    )
    n_demand = int(model.demand_qty.shape[0])
    n_sites = model.n_sites
    chunk = max(1, _MAX_MASK_CELLS // max(n_sites, 1))
    found_d: list[IntArray] = []
    found_s: list[IntArray] = []
    for begin in range(0, n_demand, chunk):
        end = min(begin + chunk, n_demand)
        product = model.demand_product[begin:end]
        market = model.demand_market[begin:end]
        period = model.demand_period[begin:end]
        pools = pool_of_fs[model.product_family[product]]  # (Dc, S)
        ok = pools >= 0
        ok &= has_lane_ms[market]
        ok &= model.site_available_from[None, :] <= period[:, None]
        ok &= cap_positive[np.maximum(pools, 0), period[:, None]]
        if allowed_ps is not None:
            ok &= allowed_ps[product]
        ok &= (model.demand_qty[begin:end] > 0)[:, None]
        d_idx, s_idx = np.nonzero(ok)
        found_d.append(d_idx.astype(np.int64) + begin)
        found_s.append(s_idx.astype(np.int64))
    demand = np.concatenate(found_d) if found_d else np.zeros(0, dtype=np.int64)
    site = np.concatenate(found_s) if found_s else np.zeros(0, dtype=np.int64)
    product = model.demand_product[demand]
    market = model.demand_market[demand]
    scrap = 1.0 / (1.0 - model.site_defect_rate[site])
    return Flows(
        site=site,
        market=market,
        product=product,
        period=model.demand_period[demand],
        demand=demand,
        pool=pool_of[site, model.product_family[product]],
        scrap_factor=scrap,
        unit_cost=model.site_unit_cost[site, product],
        transport_cost=model.lane_cost[site, market],
    )


class _Triplets:
    """Collects COO blocks; one conversion to CSC at the end."""

    def __init__(self) -> None:
        self.rows: list[IntArray] = []
        self.cols: list[IntArray] = []
        self.vals: list[FloatArray] = []

    def add(self, rows: IntArray, cols: IntArray, vals: npt.ArrayLike) -> None:
        import numpy as np

        rows = np.asarray(rows, dtype=np.int64)
        self.rows.append(rows)
        self.cols.append(np.asarray(cols, dtype=np.int64))
        self.vals.append(np.broadcast_to(np.asarray(vals, dtype=np.float64), rows.shape))

    def to_csc(self, n_rows: int, n_cols: int) -> sp.csc_array:
        import numpy as np
        import scipy.sparse as sp

        rows = np.concatenate(self.rows) if self.rows else np.zeros(0, dtype=np.int64)
        cols = np.concatenate(self.cols) if self.cols else np.zeros(0, dtype=np.int64)
        vals = np.concatenate(self.vals) if self.vals else np.zeros(0)
        matrix = sp.csc_array(
            (vals, (rows.astype(np.int32), cols.astype(np.int32))), shape=(n_rows, n_cols)
        )
        matrix.sum_duplicates()
        return matrix


class _Rows:
    def __init__(self) -> None:
        self.lower: list[FloatArray] = []
        self.upper: list[FloatArray] = []
        self.count = 0

    def add(self, lower: FloatArray | float, upper: FloatArray | float, n: int) -> int:
        import numpy as np

        start = self.count
        self.lower.append(np.broadcast_to(np.asarray(lower, dtype=np.float64), (n,)))
        self.upper.append(np.broadcast_to(np.asarray(upper, dtype=np.float64), (n,)))
        self.count += n
        return start


def build_formulation(
    model: PlanningModel,
    objective: Objective = Objective.COST,
    flows: Flows | None = None,
) -> Formulation:
    import numpy as np

    model.check_shapes()
    if flows is None:
        flows = eligible_flows(model)
    policy = model.policy
    n_flow = flows.size
    n_sites = model.n_sites
    n_periods = model.n_periods
    n_demand = int(model.demand_qty.shape[0])
    min_unmet = objective is Objective.MIN_UNMET
    cells = _Triplets()
    rows = _Rows()
    x_cols = np.arange(n_flow, dtype=np.int64)

    # --- columns -------------------------------------------------------------------------------
    y_start = n_flow
    site_used = np.bincount(flows.site, minlength=n_sites) > 0
    u_start = y_start + n_sites
    penalty = model.market_unmet_penalty[model.demand_market]
    u_demand = (
        np.arange(n_demand, dtype=np.int64)
        if min_unmet
        else np.flatnonzero(np.isfinite(penalty)).astype(np.int64)
    )
    next_col = u_start + int(u_demand.shape[0])

    share = policy.max_share_per_site
    use_share = share is not None and share < 1.0 and n_flow > 0
    u_end = next_col

    region_cap = policy.max_share_per_region
    site_region = model.site_region
    capped_regions = np.zeros(0, dtype=np.int64)
    if region_cap is not None and n_flow > 0:
        present = np.unique(site_region[np.flatnonzero(site_used)])
        capped_regions = present[np.isfinite(region_cap[present]) & (region_cap[present] < 1.0)]
    q_start = next_col
    q_sites = np.flatnonzero(site_used)
    if capped_regions.size:
        next_col += int(q_sites.shape[0])

    min_sources = policy.min_sources
    z_start = next_col
    z_product = np.zeros(0, dtype=np.int64)
    z_site = np.zeros(0, dtype=np.int64)
    flow_in_z = np.zeros(0, dtype=bool)
    flow_z = np.zeros(0, dtype=np.int64)
    if min_sources is not None and np.any(min_sources > 0) and n_flow > 0:
        flow_in_z = min_sources[flows.product] > 0
        keys = flows.product[flow_in_z] * n_sites + flows.site[flow_in_z]
        pair_keys, flow_z = np.unique(keys, return_inverse=True)
        z_product = pair_keys // n_sites
        z_site = pair_keys % n_sites
        next_col += int(pair_keys.shape[0])
    n_cols = next_col

    col_cost = np.zeros(n_cols)
    col_lower = np.zeros(n_cols)
    col_upper = np.full(n_cols, np.inf)
    col_upper[x_cols] = model.demand_qty[flows.demand]
    y_cols = np.arange(y_start, u_start)
    if min_unmet:
        col_lower[y_cols] = site_used.astype(np.float64)
        col_upper[y_cols] = site_used.astype(np.float64)
        col_cost[u_start:u_end] = 1.0
    else:
        col_cost[x_cols] = flows.unit_cost * flows.scrap_factor + flows.transport_cost
        col_cost[y_cols] = model.site_fixed_cost + model.site_capex
        col_upper[y_cols] = site_used.astype(np.float64)
        col_cost[u_start:u_end] = penalty[u_demand]
    col_upper[u_start:u_end] = model.demand_qty[u_demand]
    z_cols = np.arange(z_start, n_cols)
    col_upper[z_cols] = 1.0
    integer_cols = np.concatenate([y_cols, z_cols]).astype(np.int64)

    # --- demand: shipped + unmet = demand --------------------------------------------------
    demand_start = rows.add(model.demand_qty, model.demand_qty, n_demand)
    cells.add(demand_start + flows.demand, x_cols, 1.0)
    cells.add(demand_start + u_demand, np.arange(u_start, u_end), 1.0)

    # --- capacity: produced units <= capacity * engaged, per pool and period ---------------
    flow_cap_key = flows.pool * n_periods + flows.period
    cap_keys, flow_cap_row = np.unique(flow_cap_key, return_inverse=True)
    cap_row_pool = cap_keys // n_periods
    cap_row_period = cap_keys % n_periods
    n_cap = int(cap_keys.shape[0])
    cap_row_start = rows.add(-np.inf, 0.0, n_cap)
    cap_rows = cap_row_start + np.arange(n_cap)
    cells.add(cap_row_start + flow_cap_row, x_cols, flows.scrap_factor)
    cells.add(
        cap_rows,
        y_start + model.pool_site[cap_row_pool],
        -model.pool_capacity[cap_row_pool, cap_row_period],
    )

    # --- max share of a product's volume at one site ----------------------------------------
    if use_share:
        # shipped volume of a product = its demand - its unmet demand, so
        # x(product, site) <= share * (demand - unmet) needs no volume column
        assert share is not None
        pair_keys, flow_pair = np.unique(flows.product * n_sites + flows.site, return_inverse=True)
        pair_product = pair_keys // n_sites
        product_total = np.bincount(
            model.demand_product, weights=model.demand_qty, minlength=model.n_products
        )
        n_pairs = int(pair_keys.shape[0])
        share_start = rows.add(-np.inf, float(share) * product_total[pair_product], n_pairs)
        cells.add(share_start + flow_pair, x_cols, 1.0)
        if u_demand.size:
            # every pair row of a product gets + share * u for each unmet column of that product
            u_product = model.demand_product[u_demand]
            order = np.argsort(pair_product, kind="stable")
            first = np.searchsorted(pair_product[order], u_product, side="left")
            last = np.searchsorted(pair_product[order], u_product, side="right")
            counts = last - first
            u_rep = np.repeat(np.arange(u_demand.size), counts)
            offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
            pair_rep = order[np.repeat(first, counts) + offsets]
            cells.add(share_start + pair_rep, u_start + u_rep, float(share))

    # --- max share of total volume per region ---------------------------------------------
    if capped_regions.size:
        assert region_cap is not None
        n_q = int(q_sites.shape[0])
        q_cols = q_start + np.arange(n_q)
        q_of_site = np.full(n_sites, -1, dtype=np.int64)
        q_of_site[q_sites] = np.arange(n_q)
        qdef_start = rows.add(0.0, 0.0, n_q)
        cells.add(qdef_start + np.arange(n_q), q_cols, 1.0)
        cells.add(qdef_start + q_of_site[flows.site], x_cols, -1.0)
        # region r: sum of its sites' q <= cap_r * sum of all q
        n_capped = int(capped_regions.shape[0])
        region_start = rows.add(-np.inf, 0.0, n_capped)
        q_region = site_region[q_sites]
        cells.add(
            np.repeat(region_start + np.arange(n_capped), n_q),
            np.tile(q_cols, n_capped),
            (q_region[None, :] == capped_regions[:, None]).ravel()
            - np.repeat(region_cap[capped_regions], n_q),
        )

    # --- minimum number of sources per product ------------------------------------------------
    if z_product.size:
        assert min_sources is not None
        n_z = int(z_product.shape[0])
        product_total = np.bincount(
            model.demand_product, weights=model.demand_qty, minlength=model.n_products
        )
        link_start = rows.add(0.0, np.inf, n_z)
        cells.add(link_start + flow_z, x_cols[flow_in_z], 1.0)
        cells.add(
            link_start + np.arange(n_z),
            z_cols,
            -policy.min_source_share * product_total[z_product],
        )
        engage_start = rows.add(-np.inf, 0.0, n_z)
        cells.add(engage_start + np.arange(n_z), z_cols, 1.0)
        cells.add(engage_start + np.arange(n_z), y_start + z_site, -1.0)
        z_products, z_group = np.unique(z_product, return_inverse=True)
        count_start = rows.add(min_sources[z_products].astype(np.float64), np.inf, z_products.size)
        cells.add(count_start + z_group, z_cols, 1.0)

    # --- lane capacity: units of all products shipped on a lane in a period <= its capacity ---
    if model.lane_capacity is not None and n_flow > 0:
        flow_lane_cap = model.lane_capacity[flows.site, flows.market, flows.period]
        limited = np.flatnonzero(np.isfinite(flow_lane_cap))
        if limited.size:
            lane_key = (
                flows.site[limited] * model.n_markets + flows.market[limited]
            ) * n_periods + flows.period[limited]
            lane_keys, flow_lane_row = np.unique(lane_key, return_inverse=True)
            key_first = np.zeros(lane_keys.size, dtype=np.int64)
            key_first[flow_lane_row[::-1]] = limited[::-1]  # any flow of the key gives its cap
            lane_start = rows.add(-np.inf, flow_lane_cap[key_first], int(lane_keys.size))
            cells.add(lane_start + flow_lane_row, x_cols[limited], 1.0)

    # --- minimum volume: units of all products a site ships in a period >= its floor -------
    # (kept in MIN_UNMET mode too: shipping more only lowers the unmet slack there, so a floor
    # that still cannot be met is a rule conflict, not a capacity shortfall)
    if model.site_min_volume is not None:
        floor_site, floor_period = np.nonzero(model.site_min_volume > 0)
        if floor_site.size:
            floor_keys = floor_site * n_periods + floor_period  # sorted: nonzero is row-major
            flow_key = flows.site * n_periods + flows.period
            position = np.minimum(np.searchsorted(floor_keys, flow_key), floor_keys.size - 1)
            hit = floor_keys[position] == flow_key
            floor_start = rows.add(
                model.site_min_volume[floor_site, floor_period], np.inf, int(floor_keys.size)
            )
            cells.add(floor_start + position[hit], x_cols[hit], 1.0)

    matrix = cells.to_csc(rows.count, n_cols)
    return Formulation(
        flows=flows,
        matrix=matrix,
        col_cost=col_cost,
        col_lower=col_lower,
        col_upper=col_upper,
        row_lower=np.concatenate(rows.lower) if rows.lower else np.zeros(0),
        row_upper=np.concatenate(rows.upper) if rows.upper else np.zeros(0),
        integer_cols=integer_cols,
        y_start=y_start,
        u_start=u_start,
        u_demand=u_demand,
        cap_row_start=cap_row_start,
        cap_row_pool=cap_row_pool,
        cap_row_period=cap_row_period,
        z_start=z_start,
        z_product=z_product,
        z_site=z_site,
    )
