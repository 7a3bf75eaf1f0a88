"""Hand a whole :class:`Formulation` to HiGHS in one call and read back arrays.

HiGHS prints a banner to the C-level stdout when the first solver object of a process is
created; the CLI writes tables to stdout, so that one construction is done with file
descriptor 1 pointed at /dev/null.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cofab.planning.engine.formulation import Formulation
from cofab.planning.engine.model import FloatArray, IntArray

if TYPE_CHECKING:
    import highspy


_banner_shown = False


@contextlib.contextmanager
def _c_stdout_silenced() -> Iterator[None]:
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no usable fd 1 (embedded interpreters): nothing to silence
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def new_highs(threads: int | None = None) -> highspy.Highs:
    import highspy

    global _banner_shown
    if _banner_shown:
        highs = highspy.Highs()  # type: ignore[no-untyped-call]
    else:
        with _c_stdout_silenced():
            highs = highspy.Highs()  # type: ignore[no-untyped-call]
        _banner_shown = True
    highs.setOptionValue("output_flag", False)
    if threads:
        highs.setOptionValue("threads", int(threads))
    return highs


def pass_formulation(highs: highspy.Highs, form: Formulation) -> None:
    import highspy
    import numpy as np

    lp = highspy.HighsLp()
    lp.num_col_ = form.n_cols
    lp.num_row_ = form.n_rows
    lp.col_cost_ = form.col_cost
    lp.col_lower_ = form.col_lower
    lp.col_upper_ = form.col_upper
    lp.row_lower_ = form.row_lower
    lp.row_upper_ = form.row_upper
    matrix = lp.a_matrix_
    matrix.format_ = highspy.MatrixFormat.kColwise
    matrix.num_col_ = form.n_cols
    matrix.num_row_ = form.n_rows
    matrix.start_ = form.matrix.indptr.astype(np.int32)
    matrix.index_ = form.matrix.indices.astype(np.int32)
    matrix.value_ = form.matrix.data
    status = highs.passModel(lp)
    if status == highspy.HighsStatus.kError:
        raise RuntimeError("HiGHS rejected the model")
    set_integrality(highs, form.integer_cols, integer=True)


def set_integrality(highs: highspy.Highs, cols: IntArray, *, integer: bool) -> None:
    import highspy
    import numpy as np

    if cols.size == 0:
        return
    kind = highspy.HighsVarType.kInteger if integer else highspy.HighsVarType.kContinuous
    codes = np.full(cols.shape[0], int(kind), dtype=np.uint8)
    highs.changeColsIntegrality(int(cols.shape[0]), cols.astype(np.int32), codes)


def fix_columns(highs: highspy.Highs, cols: IntArray, values: FloatArray) -> None:
    import numpy as np

    if cols.size == 0:
        return
    highs.changeColsBounds(int(cols.shape[0]), cols.astype(np.int32), values, values)


@dataclass(frozen=True, slots=True)
class MipProgress:
    elapsed_s: float
    primal_bound: float
    dual_bound: float
    gap: float


@dataclass(frozen=True, slots=True)
class RunOutcome:
    model_status: str
    infeasible: bool
    time_limit_hit: bool
    has_solution: bool
    col_value: FloatArray
    row_dual: FloatArray
    objective: float
    mip_gap: float
    dual_bound: float
    solve_s: float


def run(
    highs: highspy.Highs,
    *,
    time_limit_s: float | None = None,
    mip_gap: float | None = None,
    want_duals: bool = False,
    on_progress: Callable[[MipProgress], None] | None = None,
    progress_every_s: float = 0.25,
) -> RunOutcome:
    import highspy
    import numpy as np

    if time_limit_s is not None:
        # HiGHS compares time_limit with its run time accumulated over every run of this object
        highs.setOptionValue("time_limit", float(highs.getRunTime()) + float(time_limit_s))
    if mip_gap is not None:
        highs.setOptionValue("mip_rel_gap", float(mip_gap))
    started = time.perf_counter()
    subscribed: Callable[[highspy.HighsCallbackEvent], None] | None = None
    if on_progress is not None:
        last = [0.0]

        def forward(event: highspy.HighsCallbackEvent) -> None:
            now = time.perf_counter()
            if now - last[0] < progress_every_s:
                return
            last[0] = now
            out = event.data_out
            on_progress(
                MipProgress(
                    elapsed_s=now - started,
                    primal_bound=float(out.mip_primal_bound),
                    dual_bound=float(out.mip_dual_bound),
                    gap=float(out.mip_gap),
                )
            )

        subscribed = forward
        highs.cbMipInterrupt.subscribe(forward)
    try:
        highs.run()
    finally:
        if subscribed is not None:
            highs.cbMipInterrupt.unsubscribe(subscribed)
    solve_s = time.perf_counter() - started
    status = highs.getModelStatus()
    info = highs.getInfo()
    has_solution = int(info.primal_solution_status) == int(
        highspy.SolutionStatus.kSolutionStatusFeasible
    )
    solution = highs.getSolution()
    col_value = np.asarray(solution.col_value, dtype=np.float64) if has_solution else np.zeros(0)
    row_dual = (
        np.asarray(solution.row_dual, dtype=np.float64)
        if want_duals and solution.dual_valid
        else np.zeros(0)
    )
    return RunOutcome(
        model_status=highs.modelStatusToString(status),
        infeasible=status
        in (highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kUnboundedOrInfeasible),
        time_limit_hit=status == highspy.HighsModelStatus.kTimeLimit,
        has_solution=has_solution,
        col_value=col_value,
        row_dual=row_dual,
        objective=float(info.objective_function_value) if has_solution else float("nan"),
        mip_gap=float(info.mip_gap),
        dual_bound=float(info.mip_dual_bound),
        solve_s=solve_s,
    )
