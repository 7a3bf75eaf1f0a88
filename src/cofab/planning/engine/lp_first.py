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

import highspy
import numpy as np

from cofab.planning.engine.formulation import Formulation
from cofab.planning.engine.highs_runner import (
    MipProgress,
    RunOutcome,
    fix_columns,
    run,
    set_integrality,
)
from cofab.planning.engine.model import BoolArray, FloatArray, PlanningModel

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


def _gap(objective: float, bound: float) -> float:
    return max(0.0, objective - bound) / max(abs(objective), 1e-9)


def _capacity_value(model: PlanningModel, form: Formulation, outcome: RunOutcome) -> FloatArray:
    """Per site: what its capacity earns in this plan, sum of shadow price × produced units."""
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


def solve_lp_first(
    highs: highspy.Highs,
    model: PlanningModel,
    form: Formulation,
    *,
    on_progress: Callable[[str, MipProgress | None], None] | None = None,
) -> LpFirstOutcome:
    policy = model.policy
    started = time.perf_counter()
    deadline = started + policy.time_limit_s
    target = policy.mip_gap
    y_cols = form.integer_cols  # only engagement binaries on this path (no min_sources)
    y_upper = form.col_upper[y_cols]
    fixed = model.site_fixed_cost + model.site_capex
    solves = 0

    def left() -> float:
        return max(0.0, deadline - time.perf_counter())

    def report(stage: str, best: float, bound: float) -> None:
        if on_progress is not None:
            elapsed = time.perf_counter() - started
            gap = _gap(best, bound) if np.isfinite(best) else float("inf")
            on_progress(stage, MipProgress(elapsed, best, bound, gap))

    report("relaxation", float("inf"), float("-inf"))
    set_integrality(highs, y_cols, integer=False)
    relaxed = run(highs, time_limit_s=left(), want_duals=True)
    solves += 1
    if relaxed.infeasible:
        return LpFirstOutcome(None, float("nan"), float("nan"), True, False, solves)
    if not relaxed.has_solution or relaxed.time_limit_hit:
        set_integrality(highs, y_cols, integer=True)
        return LpFirstOutcome(None, float("-inf"), float("inf"), False, False, solves)
    bound = relaxed.objective
    y_lp = relaxed.col_value[y_cols]

    def evaluate(engaged: BoolArray) -> RunOutcome:
        nonlocal solves
        fix_columns(highs, y_cols, engaged.astype(np.float64))
        solves += 1
        return run(highs, time_limit_s=max(left(), 1e-3), want_duals=True)

    if np.all(np.minimum(y_lp, 1.0 - y_lp) <= INTEGRALITY_TOL):
        exact = evaluate(y_lp > 0.5)
        return LpFirstOutcome(exact, bound, _gap(exact.objective, bound), False, False, solves)

    # rounding: every site the relaxation uses, and the same without its faintest users
    best: RunOutcome | None = None
    best_open = y_lp > INTEGRALITY_TOL
    for threshold in (INTEGRALITY_TOL, 0.1):
        engaged = y_lp > threshold
        outcome = evaluate(engaged)
        if (
            outcome.has_solution
            and not outcome.time_limit_hit
            and (best is None or outcome.objective < best.objective)
        ):
            best, best_open = outcome, engaged
        report("rounding", best.objective if best else float("inf"), bound)
    if best is None:
        return LpFirstOutcome(None, bound, float("inf"), False, False, solves)

    # drop moves: close the sites whose fixed cost most exceeds what their capacity earns
    tabu = np.zeros(model.n_sites, dtype=bool)
    batch = 8
    while _gap(best.objective, bound) > target and left() > 0:
        score = np.where(best_open & ~tabu, fixed - _capacity_value(model, form, best), -np.inf)
        ranked = np.argsort(-score, kind="stable")
        ranked = ranked[score[ranked] > 0][:batch]
        if ranked.size == 0:
            break
        trial_open = best_open.copy()
        trial_open[ranked] = False
        trial = evaluate(trial_open)
        if trial.has_solution and not trial.time_limit_hit and trial.objective < best.objective:
            best, best_open = trial, trial_open
            report("polish", best.objective, bound)
        elif batch > 1:
            batch = max(1, batch // 2)
        else:
            tabu[ranked] = True

    gap = _gap(best.objective, bound)
    if gap <= target or left() < 0.25 * policy.time_limit_s:
        return LpFirstOutcome(best, bound, gap, False, False, solves)

    # still above the gap: HiGHS' branch-and-bound, starting from the best plan
    report("branch_and_bound", best.objective, bound)
    highs.changeColsBounds(
        int(y_cols.size), y_cols.astype(np.int32), np.zeros(y_cols.size), y_upper
    )
    set_integrality(highs, y_cols, integer=True)
    all_cols = np.arange(form.n_cols, dtype=np.int32)
    highs.setSolution(int(form.n_cols), all_cols, best.col_value)
    mip = run(
        highs,
        time_limit_s=left(),
        mip_gap=target,
        on_progress=(
            lambda p: report("branch_and_bound", p.primal_bound, max(bound, p.dual_bound))
        ),
    )
    solves += 1
    if mip.has_solution and mip.objective < best.objective - 1e-9:
        engaged = mip.col_value[y_cols] > 0.5
        set_integrality(highs, y_cols, integer=False)
        polished = evaluate(engaged)
        if polished.has_solution:
            best = polished
    mip_bound = max(bound, mip.dual_bound) if np.isfinite(mip.dual_bound) else bound
    return LpFirstOutcome(best, mip_bound, _gap(best.objective, mip_bound), False, True, solves)
