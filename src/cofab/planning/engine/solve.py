"""Solve the allocation MILP and turn HiGHS' vectors into a plan.

Three solves may happen:
  1. the MILP itself (to the policy's gap or time limit);
  2. if it has a solution, an LP with every binary fixed at its MILP value, whose capacity-row
     duals are the shadow prices (a MILP has no duals of its own);
  3. if it is infeasible, a "least unmet demand" model with every site engaged and a slack on
     every demand entry, which says which demand cannot be covered and by how much.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from cofab.planning.engine.formulation import (
    Flows,
    Formulation,
    Objective,
    build_formulation,
    eligible_flows,
)
from cofab.planning.engine.highs_runner import (
    MipProgress,
    fix_columns,
    new_highs,
    pass_formulation,
    run,
    set_integrality,
)
from cofab.planning.engine.lp_first import solve_lp_first
from cofab.planning.engine.model import BoolArray, FloatArray, IntArray, PlanningModel

if TYPE_CHECKING:
    import highspy


#: quantities below this are solver noise, not flows
QTY_TOL = 1e-6


@dataclass(frozen=True, slots=True)
class SolveEvent:
    """Progress report: ``stage`` is build, solve, shadow_prices, explain or done."""

    stage: str
    mip: MipProgress | None = None


@dataclass(frozen=True, slots=True)
class Infeasibility:
    """Where demand cannot be covered even with every site engaged."""

    uncovered_demand: IntArray  # demand entry indices
    uncovered_qty: FloatArray
    short_family: IntArray  # (family, period) pairs with a shortfall ...
    short_period: IntArray
    short_qty: FloatArray  # ... and the shipped units missing there
    #: True when the rules conflict among themselves (e.g. min_sources) rather than with capacity
    policy_conflict: bool


@dataclass(frozen=True, slots=True)
class PlanResult:
    status: str  # optimal | feasible | infeasible | no_solution
    solver_status: str
    objective: float
    cost: dict[str, float]
    mip_gap: float
    flows: Flows
    flow_qty: FloatArray  # (E,) shipped units per eligible flow
    engaged: BoolArray  # (S,)
    pool_used: FloatArray  # (K, T) produced units
    pool_available: FloatArray  # (K, T) capacity of engaged, online pools
    unmet_demand: IntArray  # demand entries with unmet volume
    unmet_qty: FloatArray
    shadow_price: FloatArray  # (K, T) saving per extra produced unit of capacity; NaN = none
    infeasibility: Infeasibility | None
    timings: dict[str, float] = field(default_factory=dict)
    size: dict[str, int] = field(default_factory=dict)
    strategy: str = "mip"  # which path solved it: "mip" or "lp_first"

    def shipped(self) -> IntArray:
        """Indices of flows that carry volume."""
        import numpy as np

        return np.flatnonzero(self.flow_qty > QTY_TOL)

    def site_utilisation(self, model: PlanningModel) -> tuple[FloatArray, FloatArray]:
        """(S, T) produced units and available capacity, summed over each site's pools."""
        import numpy as np

        used = np.zeros((model.n_sites, model.n_periods))
        available = np.zeros((model.n_sites, model.n_periods))
        np.add.at(used, model.pool_site, self.pool_used)
        np.add.at(available, model.pool_site, self.pool_available)
        return used, available


def _empty_result(
    model: PlanningModel,
    flows: Flows,
    status: str,
    solver_status: str,
    infeasibility: Infeasibility | None,
    timings: dict[str, float],
    size: dict[str, int],
) -> PlanResult:
    import numpy as np

    shape = (model.n_pools, model.n_periods)
    return PlanResult(
        status=status,
        solver_status=solver_status,
        objective=float("nan"),
        cost={},
        mip_gap=float("nan"),
        flows=flows,
        flow_qty=np.zeros(flows.size),
        engaged=np.zeros(model.n_sites, dtype=bool),
        pool_used=np.zeros(shape),
        pool_available=np.zeros(shape),
        unmet_demand=np.zeros(0, dtype=np.int64),
        unmet_qty=np.zeros(0),
        shadow_price=np.full(shape, np.nan),
        infeasibility=infeasibility,
        timings=timings,
        size=size,
    )


def solve_plan(
    model: PlanningModel,
    *,
    shadow_prices: bool = True,
    progress: Callable[[SolveEvent], None] | None = None,
) -> PlanResult:
    import numpy as np

    def emit(stage: str, mip: MipProgress | None = None) -> None:
        if progress is not None:
            progress(SolveEvent(stage, mip))

    policy = model.policy
    timings: dict[str, float] = {}
    emit("build")
    started = time.perf_counter()
    form = build_formulation(model)
    highs = new_highs(policy.threads)
    pass_formulation(highs, form)
    timings["build_s"] = time.perf_counter() - started
    size = {
        "flow_variables": form.flows.size,
        "binaries": int(form.integer_cols.size),
        "columns": form.n_cols,
        "rows": form.n_rows,
        "nonzeros": int(form.matrix.nnz),
    }

    emit("solve")
    started = time.perf_counter()
    strategy = "lp_first" if _use_lp_first(model, form) else "mip"
    if strategy == "lp_first":
        found = _run_lp_first(highs, model, form, emit)
    else:
        found = _run_mip(highs, model, form, shadow_prices, emit)
    timings["solve_s"] = time.perf_counter() - started - found.shadow_s
    if found.shadow_s:
        timings["shadow_s"] = found.shadow_s

    if found.infeasible:
        emit("explain")
        started = time.perf_counter()
        explanation = explain_infeasibility(model, form.flows)
        timings["explain_s"] = time.perf_counter() - started
        emit("done")
        return replace(
            _empty_result(
                model, form.flows, "infeasible", found.solver_status, explanation, timings, size
            ),
            strategy=strategy,
        )
    if found.values is None:
        emit("done")
        return replace(
            _empty_result(
                model, form.flows, "no_solution", found.solver_status, None, timings, size
            ),
            strategy=strategy,
        )

    started = time.perf_counter()
    parts = _extract(model, form, found.values)
    shadow = np.full((model.n_pools, model.n_periods), np.nan)
    if shadow_prices and found.row_dual.size:
        rows = form.cap_row_start + np.arange(form.cap_row_pool.size)
        # HiGHS' row dual is d(objective)/d(row bound); one more unit of capacity relaxes the
        # bound, so the saving is its negation (+ 0.0 turns -0.0 into 0.0).
        shadow[form.cap_row_pool, form.cap_row_period] = -found.row_dual[rows] + 0.0
    timings["extract_s"] = time.perf_counter() - started

    emit("done")
    return PlanResult(
        status="optimal" if found.within_gap else "feasible",
        solver_status=found.solver_status,
        objective=found.objective,
        mip_gap=found.gap,
        flows=form.flows,
        shadow_price=shadow,
        infeasibility=None,
        timings=timings,
        size=size,
        strategy=strategy,
        cost=parts.cost,
        flow_qty=parts.flow_qty,
        engaged=parts.engaged,
        pool_used=parts.pool_used,
        pool_available=parts.pool_available,
        unmet_demand=parts.unmet_demand,
        unmet_qty=parts.unmet_qty,
    )


#: from this many flow variables on, "auto" solves the relaxation first (engine.lp_first)
LP_FIRST_MIN_FLOWS = 20_000


@dataclass(frozen=True, slots=True)
class _Found:
    infeasible: bool
    solver_status: str
    values: FloatArray | None
    objective: float
    gap: float
    within_gap: bool
    row_dual: FloatArray  # of the fixed-binaries LP; empty when not computed
    shadow_s: float


def _use_lp_first(model: PlanningModel, form: Formulation) -> bool:
    if form.z_product.size:  # min_sources binaries: rounding up could break the rules
        return False
    if model.site_min_volume is not None and bool((model.site_min_volume > 0).any()):
        return False  # dropping a site with a volume floor would make the rounding infeasible
    strategy = model.policy.strategy
    if strategy == "lp_first":
        return True
    return strategy == "auto" and form.flows.size >= LP_FIRST_MIN_FLOWS


def _run_lp_first(
    highs: highspy.Highs,
    model: PlanningModel,
    form: Formulation,
    emit: Callable[[str, MipProgress | None], None],
) -> _Found:
    import numpy as np

    outcome = solve_lp_first(highs, model, form, on_progress=lambda _stage, mip: emit("solve", mip))
    empty = np.zeros(0)
    if outcome.relaxation_infeasible:
        return _Found(True, outcome.solver_status, None, np.nan, np.nan, False, empty, 0.0)
    best = outcome.best
    if best is None:
        return _Found(False, outcome.solver_status, None, np.nan, np.nan, False, empty, 0.0)
    within = outcome.gap <= model.policy.mip_gap + 1e-12
    return _Found(
        False,
        outcome.solver_status,
        best.col_value,
        best.objective,
        outcome.gap,
        within,
        best.row_dual,
        0.0,
    )


def _run_mip(
    highs: highspy.Highs,
    model: PlanningModel,
    form: Formulation,
    shadow_prices: bool,
    emit: Callable[[str, MipProgress | None], None],
) -> _Found:
    import numpy as np

    policy = model.policy
    outcome = run(
        highs,
        time_limit_s=policy.time_limit_s,
        mip_gap=policy.mip_gap,
        on_progress=lambda mip: emit("solve", mip),
    )
    if outcome.infeasible or not outcome.has_solution:
        return _Found(
            outcome.infeasible,
            outcome.model_status,
            None,
            float("nan"),
            float("nan"),
            False,
            np.zeros(0),
            0.0,
        )
    row_dual = np.zeros(0)
    shadow_s = 0.0
    if shadow_prices and form.cap_row_pool.size:
        emit("shadow_prices", None)
        started = time.perf_counter()
        ints = form.integer_cols
        fix_columns(highs, ints, np.round(outcome.col_value[ints]))
        set_integrality(highs, ints, integer=False)
        row_dual = run(highs, time_limit_s=policy.time_limit_s, want_duals=True).row_dual
        shadow_s = time.perf_counter() - started
    within = outcome.model_status.lower() == "optimal"
    return _Found(
        False,
        outcome.model_status,
        outcome.col_value,
        outcome.objective,
        outcome.mip_gap,
        within,
        row_dual,
        shadow_s,
    )


@dataclass(frozen=True, slots=True)
class _Extracted:
    cost: dict[str, float]
    flow_qty: FloatArray
    engaged: BoolArray
    pool_used: FloatArray
    pool_available: FloatArray
    unmet_demand: IntArray
    unmet_qty: FloatArray


def _extract(model: PlanningModel, form: Formulation, values: FloatArray) -> _Extracted:
    import numpy as np

    flows = form.flows
    n_flow = flows.size
    qty = np.where(values[:n_flow] > QTY_TOL, values[:n_flow], 0.0)
    engaged = values[form.y_start : form.y_start + model.n_sites] > 0.5
    unmet_all = values[form.u_start : form.u_start + form.u_demand.size]
    has_unmet = unmet_all > QTY_TOL
    produced = qty * flows.scrap_factor
    n_periods = model.n_periods
    pool_used = (
        np.bincount(
            flows.pool * n_periods + flows.period,
            weights=produced,
            minlength=model.n_pools * n_periods,
        )
        .reshape(model.n_pools, n_periods)
        .astype(np.float64)
    )
    online = np.arange(n_periods)[None, :] >= model.site_available_from[model.pool_site][:, None]
    pool_available = model.pool_capacity * online * engaged[model.pool_site][:, None]
    penalty = model.market_unmet_penalty[model.demand_market[form.u_demand]]
    cost = {
        "production": float(np.dot(flows.unit_cost, qty)),
        "scrap": float(np.dot(flows.unit_cost, produced - qty)),
        "transport": float(np.dot(flows.transport_cost, qty)),
        "fixed": float(np.dot(model.site_fixed_cost, engaged)),
        "capex": float(np.dot(model.site_capex, engaged)),
        "unmet_penalty": float(np.dot(np.nan_to_num(penalty), unmet_all)),
    }
    cost["total"] = float(sum(cost.values()))
    return _Extracted(
        cost=cost,
        flow_qty=qty,
        engaged=engaged,
        pool_used=pool_used,
        pool_available=pool_available,
        unmet_demand=form.u_demand[has_unmet],
        unmet_qty=unmet_all[has_unmet],
    )


def explain_infeasibility(model: PlanningModel, flows: Flows | None = None) -> Infeasibility:
    """Least unmet demand with every site engaged: what remains uncovered is the shortfall."""
    import numpy as np

    form = build_formulation(model, Objective.MIN_UNMET, flows)
    highs = new_highs(model.policy.threads)
    pass_formulation(highs, form)
    outcome = run(highs, time_limit_s=model.policy.time_limit_s, mip_gap=1e-6)
    empty_i = np.zeros(0, dtype=np.int64)
    if not outcome.has_solution:
        return Infeasibility(empty_i, np.zeros(0), empty_i, empty_i, np.zeros(0), True)
    unmet = outcome.col_value[form.u_start : form.u_start + form.u_demand.size]
    short = unmet > QTY_TOL
    demand = form.u_demand[short]
    qty = unmet[short]
    family = model.product_family[model.demand_product[demand]]
    period = model.demand_period[demand]
    keys, inverse = np.unique(family * model.n_periods + period, return_inverse=True)
    per_key = np.bincount(inverse, weights=qty, minlength=keys.size).astype(np.float64)
    return Infeasibility(
        uncovered_demand=demand,
        uncovered_qty=qty,
        short_family=keys // model.n_periods,
        short_period=keys % model.n_periods,
        short_qty=per_key,
        policy_conflict=not bool(short.any()),
    )


def eligible_flow_count(model: PlanningModel) -> int:
    """How many flow variables a model would have; lets callers size a job before solving."""
    return eligible_flows(model).size
