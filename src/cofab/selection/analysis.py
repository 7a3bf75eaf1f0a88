"""One evaluation, end to end: validate, aggregate, weight, rank two ways, test robustness.

This is the orchestration the CLI uses today and the evaluation service can call later; it
stays free of I/O so both render the same numbers. Incomplete candidates are never ranked with
zeros: they are set aside with what is missing and a provisional score over what was scored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TypeAlias

from cofab.core.i18n import N_
from cofab.selection.aggregation import Aggregated, aggregate, extreme_scores
from cofab.selection.ahp import AhpResult, ahp_weights, check_pairwise_matrix
from cofab.selection.evaluation_document import EvaluationInput
from cofab.selection.montecarlo import (
    DEFAULT_CONCENTRATION,
    DEFAULT_DRAWS,
    MonteCarloResult,
    monte_carlo,
    topsis_scorer,
    weighted_sum_scorer,
)
from cofab.selection.problems import Problem, SelectionInputError
from cofab.selection.robustness import FlipTable, weight_flip_topsis, weight_flip_weighted_sum
from cofab.selection.scoring import (
    check_columns,
    check_scores,
    check_weights_percent,
    closeness,
    competition_ranks,
    complete_rows,
    normalise,
    topsis_parts,
    weighted_sum,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


FloatArray: TypeAlias = "npt.NDArray[np.float64]"
IntArray: TypeAlias = "npt.NDArray[np.int64]"
BoolArray: TypeAlias = "npt.NDArray[np.bool_]"

METHODS = ("weighted_sum", "topsis")
RANK_DEPTH = 3

MSG_JUSTIFY_END = N_(
    "{evaluator} gave {candidate} {score:g} on {criterion}, the end of the scale; "
    "add a justification."
)
MSG_JUSTIFY_OUTLIER = N_(
    "{evaluator} gave {candidate} {score:g} on {criterion}, far from the other evaluators; "
    "add a justification."
)
MSG_INCOMPLETE = N_("{candidate} has no score for {missing}; it is listed apart and not ranked.")
MSG_NO_COMPLETE = N_("No candidate has a score for every criterion, so nobody can be ranked.")


@dataclass(frozen=True)
class Ranking:
    score: FloatArray  # (candidates,), NaN for incomplete candidates
    rank: IntArray  # (candidates,), 0 for incomplete candidates


@dataclass(frozen=True)
class IncompleteCandidate:
    index: int
    missing: tuple[int, ...]
    provisional_score: float  # weighted sum over the scored criteria, weights rescaled
    weight_covered: float  # share of the total weight that was scored


@dataclass(frozen=True)
class Analysis:
    evaluation: EvaluationInput
    weights: FloatArray
    ahp: AhpResult | None
    aggregated: Aggregated
    complete: BoolArray
    normalised: FloatArray
    rankings: dict[str, Ranking]
    incomplete: tuple[IncompleteCandidate, ...]
    flips: dict[str, FlipTable]  # candidate indices are indices into all candidates
    monte_carlo: dict[str, MonteCarloResult]  # arrays over all candidates; NaN if incomplete
    draws: int
    concentration: float
    seed: int | None
    warnings: tuple[Problem, ...]


def analyse(
    evaluation: EvaluationInput,
    *,
    draws: int = DEFAULT_DRAWS,
    concentration: float = DEFAULT_CONCENTRATION,
    seed: int | None = 0,
    progress: Callable[[int], None] | None = None,
) -> Analysis:
    """Everything the committee needs to see; raises with every input problem at once."""
    import numpy as np

    ev = evaluation
    names = [c.key for c in ev.criteria]
    problems: list[Problem] = []
    problems += check_scores(ev.scores, ev.lower, ev.upper, names=names, field=ev.score_field)
    ahp: AhpResult | None = None
    if ev.ahp_matrix is not None:
        matrix_problems = check_pairwise_matrix(ev.ahp_matrix, len(names), field=ev.ahp_field)
        problems += matrix_problems
        if not matrix_problems:
            ahp = ahp_weights(ev.ahp_matrix)
    else:
        percent = np.array([c.weight_percent for c in ev.criteria], dtype=np.float64)
        problems += check_weights_percent(percent, names=names, field=ev.weight_field)
    aggregated = aggregate(ev.scores, ev.aggregation)
    complete = complete_rows(aggregated.scores)
    column_findings = check_columns(
        aggregated.scores, ev.benefit, ev.lower, ev.upper, names=names, field=ev.criterion_field
    )
    problems += column_findings
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise SelectionInputError(errors)
    warnings = [p for p in problems if p.severity == "warning"]
    if ahp is not None:
        weights = ahp.weights
        inconsistency = ahp.consistency_warning(names, field=ev.ahp_field)
        if inconsistency is not None:
            warnings.append(inconsistency)
    else:
        percent = np.array([c.weight_percent for c in ev.criteria], dtype=np.float64)
        weights = percent / percent.sum()
    warnings += _justification_warnings(ev)

    normalised = normalise(aggregated.scores, ev.benefit, ev.lower, ev.upper, complete)
    n = len(ev.candidates)
    rows = np.flatnonzero(complete)
    ws_score = np.full(n, np.nan)
    tp_score = np.full(n, np.nan)
    flips: dict[str, FlipTable] = {}
    mc: dict[str, MonteCarloResult] = {}
    if rows.size:
        ws_score[rows] = weighted_sum(normalised[rows], weights)
        parts = topsis_parts(aggregated.scores[rows], ev.benefit)
        tp_score[rows] = closeness(parts, weights)
        flips = {
            "weighted_sum": _to_global(weight_flip_weighted_sum(normalised[rows], weights), rows),
            "topsis": _to_global(weight_flip_topsis(parts, weights), rows),
        }
        results = monte_carlo(
            [weighted_sum_scorer(normalised[rows], weights), topsis_scorer(parts, weights)],
            rows.size,
            weights,
            draws=draws,
            concentration=concentration,
            seed=seed,
            rank_depth=RANK_DEPTH,
            progress=progress,
        )
        mc = {m: _expand(r, rows, n) for m, r in zip(METHODS, results, strict=True)}
    else:
        warnings.append(
            Problem("no_complete_candidate", "/candidates", MSG_NO_COMPLETE, severity="warning")
        )
    incomplete = _incomplete(ev, normalised, weights, complete)
    for item in incomplete:
        warnings.append(
            Problem(
                "incomplete_candidate",
                f"/candidates/{item.index}",
                MSG_INCOMPLETE,
                {
                    "candidate": ev.candidates[item.index].key,
                    "missing": ", ".join(ev.criteria[j].key for j in item.missing),
                },
                severity="warning",
            )
        )
    return Analysis(
        evaluation=ev,
        weights=weights,
        ahp=ahp,
        aggregated=aggregated,
        complete=complete,
        normalised=normalised,
        rankings={
            "weighted_sum": Ranking(ws_score, competition_ranks(ws_score)),
            "topsis": Ranking(tp_score, competition_ranks(tp_score)),
        },
        incomplete=incomplete,
        flips=flips,
        monte_carlo=mc,
        draws=draws,
        concentration=concentration,
        seed=seed,
        warnings=tuple(warnings),
    )


def _to_global(table: FlipTable, rows: IntArray) -> FlipTable:
    import numpy as np

    def remap(who: IntArray) -> IntArray:
        return np.where(who >= 0, rows[np.maximum(who, 0)], -1).astype(np.int64)

    return replace(
        table,
        leader=int(rows[table.leader]),
        decrease_leader=remap(table.decrease_leader),
        increase_leader=remap(table.increase_leader),
    )


def _expand(result: MonteCarloResult, rows: IntArray, n: int) -> MonteCarloResult:
    import numpy as np

    first = np.full(n, np.nan)
    first[rows] = result.first
    distribution = np.full((n, result.rank_probability.shape[1]), np.nan)
    distribution[rows] = result.rank_probability
    return MonteCarloResult(result.draws, first, distribution)


def _incomplete(
    ev: EvaluationInput, normalised: FloatArray, weights: FloatArray, complete: BoolArray
) -> tuple[IncompleteCandidate, ...]:
    import numpy as np

    result: list[IncompleteCandidate] = []
    for i in np.flatnonzero(~complete):
        scored = ~np.isnan(normalised[i])
        covered = float(weights[scored].sum())
        provisional = (
            float(normalised[i, scored] @ weights[scored]) / covered if covered > 0 else np.nan
        )
        result.append(
            IncompleteCandidate(
                int(i), tuple(int(j) for j in np.flatnonzero(~scored)), provisional, covered
            )
        )
    result.sort(key=lambda item: -np.nan_to_num(item.provisional_score, nan=-np.inf))
    return tuple(result)


def _justification_warnings(ev: EvaluationInput) -> list[Problem]:
    import numpy as np

    flags = extreme_scores(ev.scores, ev.lower, ev.upper)
    warnings: list[Problem] = []
    needs = flags.any & ~ev.justified
    for e, i, j in np.argwhere(needs):
        outlier = bool(flags.outlier[e, i, j])
        warnings.append(
            Problem(
                "justification_needed",
                ev.score_field(int(e), int(i), int(j)),
                MSG_JUSTIFY_OUTLIER if outlier else MSG_JUSTIFY_END,
                {
                    "evaluator": ev.evaluators[e] or "—",
                    "candidate": ev.candidates[i].key,
                    "criterion": ev.criteria[j].key,
                    "score": float(ev.scores[e, i, j]),
                },
                severity="warning",
            )
        )
    return warnings
