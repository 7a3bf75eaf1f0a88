"""LP-first strategy for large models: relaxation bound, rounding, drop moves, then HiGHS' MIP.

On big allocation models HiGHS' branch-and-bound spends most of its time in presolve and the
root LP before its own heuristics find a good plan. Engagement is the only discrete decision,
so cofab lets HiGHS solve the LP relaxation once (a valid lower bound), engages every site the
relaxation uses (always feasible: it only adds capacity), and then closes sites whose fixed cost
outweighs what their capacity is worth (the capacity duals of the fixed-engagement LP, one
warm-started HiGHS LP per move). Every candidate is an exact LP solve, so the plan is feasible
and its gap against the relaxation bound is proven. If the gap is still above the policy's and
time remains, the best plan is handed to HiGHS' MIP as a starting solution.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cofab.planning.engine.formulation import Formulation
from cofab.planning.engine.highs_runner import (
    MipProgress,
    RunOutcome,
    fix_columns,
    run,
    set_integrality,
)
from cofab.planning.engine.model import BoolArray, FloatArray, PlanningModel

if TYPE_CHECKING:
    import highspy


INTEGRALITY_TOL = 1e-6


@dataclass(frozen=True, slots=True)
class LpFirstOutcome:
    """``best`` is the fixed-engagement LP of the returned plan (its duals are shadow prices)."""

    best: RunOutcome | None
    bound: float
    gap: float
    relaxation_infeasible: bool
    finished_by_mip: bool
    lp_solves: int
    solver_status: str


def _gap(objective: float, bound: float) -> float:
    return max(0.0, objective - bound) / max(abs(objective), 1e-9)


def _capacity_value(model: PlanningModel, form: Formulation, outcome: RunOutcome) -> FloatArray:
    """Per site: what its capacity earns in this plan, sum of shadow price × produced units."""
    import numpy as np

    rows = form.cap_row_start + np.arange(form.cap_row_pool.size)
    price = -outcome.row_dual[rows]
    flows = form.flows
    n_periods = model.n_periods
    produced = np.bincount(
        flows.pool * n_periods + flows.period,
        weights=outcome.col_value[: flows.size] * flows.scrap_factor,
        minlength=model.n_pools * n_periods,
    )
    used = produced[form.cap_row_pool * n_periods + form.cap_row_period]
    site = model.pool_site[form.cap_row_pool]
    return np.bincount(site, weights=price * used, minlength=model.n_sites).astype(np.float64)


def _usable(outcome: RunOutcome) -> bool:
    return outcome.has_solution and outcome.model_status.lower() == "optimal"


class _Search:
    """State shared by the steps: one HiGHS object, the clock, the counters."""

    def __init__(
        self,
        highs: highspy.Highs,
        model: PlanningModel,
        form: Formulation,
        on_progress: Callable[[str, MipProgress | None], None] | None,
    ) -> None:
        self.highs = highs
        self.model = model
        self.form = form
        self.on_progress = on_progress
        self.started = time.perf_counter()
        self.deadline = self.started + model.policy.time_limit_s
        self.y_cols = form.integer_cols  # only engagement binaries here (no min_sources)
        self.y_upper = form.col_upper[self.y_cols]
        self.solves = 0
        self.integer = True  # as passed; changing it needlessly would drop HiGHS' basis

    def set_integer(self, integer: bool) -> None:
        if integer != self.integer:
            set_integrality(self.highs, self.y_cols, integer=integer)
            self.integer = integer

    def left(self) -> float:
        return max(0.0, self.deadline - time.perf_counter())

    def report(self, stage: str, best: float, bound: float) -> None:
        import numpy as np

        if self.on_progress is not None:
            elapsed = time.perf_counter() - self.started
            gap = _gap(best, bound) if np.isfinite(best) else float("inf")
            self.on_progress(stage, MipProgress(elapsed, best, bound, gap))

    def evaluate(self, engaged: BoolArray) -> RunOutcome:
        """Exact LP with engagement fixed: a feasible plan, or none."""
        import numpy as np

        fix_columns(self.highs, self.y_cols, engaged.astype(np.float64))
        self.set_integer(False)
        self.solves += 1
        return run(self.highs, time_limit_s=max(self.left(), 1e-3), want_duals=True)

    def branch_and_bound(self, best: RunOutcome | None, bound: float) -> LpFirstOutcome:
        """HiGHS' MIP for the rest of the time, starting from ``best`` when there is one."""
        import numpy as np

        highs, y_cols = self.highs, self.y_cols
        self.report("branch_and_bound", best.objective if best else float("inf"), bound)
        highs.changeColsBounds(
            int(y_cols.size), y_cols.astype(np.int32), np.zeros(y_cols.size), self.y_upper
        )
        self.set_integer(True)
        if best is not None:
            all_cols = np.arange(self.form.n_cols, dtype=np.int32)
            highs.setSolution(int(self.form.n_cols), all_cols, best.col_value)
        mip = run(
            highs,
            time_limit_s=max(self.left(), 1e-3),
            mip_gap=self.model.policy.mip_gap,
            on_progress=lambda p: self.report(
                "branch_and_bound", p.primal_bound, max(bound, p.dual_bound)
            ),
        )
        self.solves += 1
        if mip.infeasible:
            return LpFirstOutcome(
                None, float("nan"), float("nan"), True, True, self.solves, mip.model_status
            )
        if mip.has_solution and (best is None or mip.objective < best.objective - 1e-9):
            polished = self.evaluate(mip.col_value[y_cols] > 0.5)
            if _usable(polished):
                best = polished
        if best is None:
            return LpFirstOutcome(
                None, bound, float("inf"), False, True, self.solves, mip.model_status
            )
        if np.isfinite(mip.dual_bound):
            bound = max(bound, mip.dual_bound) if np.isfinite(bound) else mip.dual_bound
        gap = _gap(best.objective, bound) if np.isfinite(bound) else float("inf")
        return LpFirstOutcome(best, bound, gap, False, True, self.solves, mip.model_status)


def solve_lp_first(
    highs: highspy.Highs,
    model: PlanningModel,
    form: Formulation,
    *,
    on_progress: Callable[[str, MipProgress | None], None] | None = None,
) -> LpFirstOutcome:
    import numpy as np

    search = _Search(highs, model, form, on_progress)
    target = model.policy.mip_gap
    y_cols = search.y_cols
    fixed = model.site_fixed_cost + model.site_capex

    search.report("relaxation", float("inf"), float("-inf"))
    search.set_integer(False)
    relaxed = run(highs, time_limit_s=search.left(), want_duals=True)
    search.solves += 1
    if relaxed.infeasible:
        return LpFirstOutcome(
            None, float("nan"), float("nan"), True, False, 1, relaxed.model_status
        )
    if not _usable(relaxed):  # time or numerical trouble: let the MIP try with what is left
        return search.branch_and_bound(None, float("-inf"))
    bound = relaxed.objective
    y_lp = relaxed.col_value[y_cols]

    if np.all(np.minimum(y_lp, 1.0 - y_lp) <= INTEGRALITY_TOL):
        exact = search.evaluate(y_lp > 0.5)
        if _usable(exact):
            gap = _gap(exact.objective, bound)
            return LpFirstOutcome(exact, bound, gap, False, False, search.solves, "Optimal")

    # rounding: every site the relaxation uses, and the same without its faintest users
    best: RunOutcome | None = None
    best_open = y_lp > INTEGRALITY_TOL
    for threshold in (INTEGRALITY_TOL, 0.1):
        engaged = y_lp > threshold
        outcome = search.evaluate(engaged)
        if _usable(outcome) and (best is None or outcome.objective < best.objective):
            best, best_open = outcome, engaged
        search.report("rounding", best.objective if best else float("inf"), bound)
    if best is None:
        return search.branch_and_bound(None, bound)

    # drop moves: close the sites whose fixed cost most exceeds what their capacity earns
    tabu = np.zeros(model.n_sites, dtype=bool)
    batch = 8
    while _gap(best.objective, bound) > target and search.left() > 0:
        score = np.where(best_open & ~tabu, fixed - _capacity_value(model, form, best), -np.inf)
        ranked = np.argsort(-score, kind="stable")
        ranked = ranked[score[ranked] > 0][:batch]
        if ranked.size == 0:
            break
        trial_open = best_open.copy()
        trial_open[ranked] = False
        trial = search.evaluate(trial_open)
        if _usable(trial) and trial.objective < best.objective:
            best, best_open = trial, trial_open
            search.report("polish", best.objective, bound)
        elif batch > 1:
            batch = max(1, batch // 2)
        else:
            tabu[ranked] = True

    gap = _gap(best.objective, bound)
    if gap <= target or search.left() < 0.25 * model.policy.time_limit_s:
        status = "Optimal" if gap <= target else "Time limit reached"
        return LpFirstOutcome(best, bound, gap, False, False, search.solves, status)
    return search.branch_and_bound(best, bound)
