"""The planning model as plain arrays.

Ids, JSON and messages stay outside the engine: callers map their ids onto integer indices, so
the same engine serves the JSON loader, the benchmark generator and (later) the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


FloatArray: TypeAlias = "npt.NDArray[np.float64]"
IntArray: TypeAlias = "npt.NDArray[np.int64]"
BoolArray: TypeAlias = "npt.NDArray[np.bool_]"


@dataclass(frozen=True, slots=True)
class Policy:
    """Optional business rules; ``None`` / NaN / 0 means "no rule".

    Shares are measured on shipped volume over the whole horizon, so a rule cannot be dodged by
    shifting volume between periods.
    """

    max_share_per_site: float | None = None
    #: minimum number of sources per product, shape (P,); 0 = no rule for that product
    min_sources: IntArray | None = None
    #: a site counts as a source of a product when it ships at least this share of the
    #: product's total demand over the horizon
    min_source_share: float = 0.1
    #: max share of total shipped volume per site region, shape (R,); NaN = no cap
    max_share_per_region: FloatArray | None = None
    mip_gap: float = 0.005
    time_limit_s: float = 300.0
    threads: int | None = None
    #: "mip": HiGHS branch-and-bound directly; "lp_first": relaxation, rounding and drop moves
    #: first (see engine.lp_first); "auto": lp_first from LP_FIRST_MIN_FLOWS flow variables on,
    #: when no min_sources rule adds per-product binaries
    strategy: str = "auto"


@dataclass(frozen=True, slots=True)
class PlanningModel:
    """Products P (in families F), sites S (in regions R), markets M, periods T.

    Capacity is held in *pools*: a pool belongs to one site and serves a set of families, so a
    single number ("5000 for everything") is one pool covering every family and a per-family
    map is one pool per family. Demand is a sparse list of (market, product, period, qty).
    """

    n_periods: int
    product_family: IntArray  # (P,)
    n_families: int
    site_region: IntArray  # (S,)
    n_regions: int
    site_fixed_cost: FloatArray  # (S,) engagement cost over the horizon
    site_capex: FloatArray  # (S,) paid once when a candidate plant is engaged
    site_defect_rate: FloatArray  # (S,) in [0, 1)
    site_available_from: IntArray  # (S,) first period index with capacity
    site_unit_cost: FloatArray  # (S, P) cost per produced unit (scrap included)
    pool_site: IntArray  # (K,)
    pool_families: BoolArray  # (K, F)
    pool_capacity: FloatArray  # (K, T) in produced units
    demand_market: IntArray  # (D,)
    demand_product: IntArray  # (D,)
    demand_period: IntArray  # (D,)
    demand_qty: FloatArray  # (D,)
    market_unmet_penalty: FloatArray  # (M,) NaN = demand must be met
    lane_cost: FloatArray  # (S, M) NaN = no lane
    policy: Policy = field(default_factory=Policy)
    #: optional restriction (S, P): the site may only make the products marked True
    site_product_allowed: BoolArray | None = None
    #: optional (S, M, T) units of all products a lane may carry per period; inf = unlimited
    lane_capacity: FloatArray | None = None
    #: optional (S, T) shipped units of all products a site must ship in a period (a
    #: take-or-pay or offtake commitment); 0 = no floor. A floor forces the site engaged
    site_min_volume: FloatArray | None = None

    @property
    def n_products(self) -> int:
        return int(self.product_family.shape[0])

    @property
    def n_sites(self) -> int:
        return int(self.lane_cost.shape[0])

    @property
    def n_markets(self) -> int:
        return int(self.lane_cost.shape[1])

    @property
    def n_pools(self) -> int:
        return int(self.pool_site.shape[0])

    def pool_of_site_family(self) -> IntArray:
        """(S, F) pool index serving each site/family pair, -1 where the site cannot make it."""
        import numpy as np

        table = np.full((self.n_sites, self.n_families), -1, dtype=np.int64)
        for pool in range(self.n_pools):
            families = np.flatnonzero(self.pool_families[pool])
            site = int(self.pool_site[pool])
            clash = table[site, families] >= 0
            if clash.any():
                raise ValueError(f"site {site} has two capacity pools for one family")
            table[site, families] = pool
        return table

    def check_shapes(self) -> None:
        """Fail fast with a clear message instead of an index error deep in the build."""
        import numpy as np

        p, s, m, t, k = (
            self.n_products,
            self.n_sites,
            self.n_markets,
            self.n_periods,
            self.n_pools,
        )
        expected: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {
            "site_region": (self.site_region.shape, (s,)),
            "site_fixed_cost": (self.site_fixed_cost.shape, (s,)),
            "site_capex": (self.site_capex.shape, (s,)),
            "site_defect_rate": (self.site_defect_rate.shape, (s,)),
            "site_available_from": (self.site_available_from.shape, (s,)),
            "site_unit_cost": (self.site_unit_cost.shape, (s, p)),
            "pool_families": (self.pool_families.shape, (k, self.n_families)),
            "pool_capacity": (self.pool_capacity.shape, (k, t)),
            "market_unmet_penalty": (self.market_unmet_penalty.shape, (m,)),
        }
        d = self.demand_qty.shape
        for name in ("demand_market", "demand_product", "demand_period"):
            expected[name] = (getattr(self, name).shape, d)
        if self.site_product_allowed is not None:
            expected["site_product_allowed"] = (self.site_product_allowed.shape, (s, p))
        if self.lane_capacity is not None:
            expected["lane_capacity"] = (self.lane_capacity.shape, (s, m, t))
        if self.site_min_volume is not None:
            expected["site_min_volume"] = (self.site_min_volume.shape, (s, t))
        for name, (got, want) in expected.items():
            if got != want:
                raise ValueError(f"{name} has shape {got}, expected {want}")
        if np.any((self.site_defect_rate < 0) | (self.site_defect_rate >= 1)):
            raise ValueError("defect rates must lie in [0, 1)")
