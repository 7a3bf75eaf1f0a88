"""Monte Carlo over weights: how often does each candidate come first if the weights wobble?

Weights are drawn from a Dirichlet distribution centred on the chosen weights,
alpha = concentration · w, so the mean draw is w itself and a larger concentration means less
doubt (concentration 100 with w = 20 % gives a standard deviation of about 4 points).
Criteria weighted zero stay zero: nobody is unsure about a criterion they left out.

Draws are processed in chunks whose size follows a memory budget, so 10,000 candidates ×
10,000 draws never hold the full 10⁸-entry score matrix. The draws come from one seeded
``numpy.random.Generator`` in order, so the result does not depend on the chunk size.
Ties (identical scores to 12 decimals) share the better rank, as in the ranking tables.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

from cofab.core.i18n import N_
from cofab.selection.blas_threads import single_threaded_blas
from cofab.selection.problems import Problem, raise_if_errors
from cofab.selection.scoring import TIE_DECIMALS, TopsisParts

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


FloatArray: TypeAlias = "npt.NDArray[np.float64]"

DEFAULT_DRAWS = 10_000
DEFAULT_CONCENTRATION = 100.0
DEFAULT_CHUNK_BYTES = 16 * 2**20
"""Small on purpose: a chunk that stays in cache beats a big one that streams from memory."""
_RELATIVE_TIE = 10.0**-TIE_DECIMALS
_WORK_ARRAYS = 4  # (chunk × candidates) float64 arrays alive at once in the TOPSIS scorer
_TINY = 1e-300

MSG_DRAWS = N_("The number of Monte Carlo draws must be at least 1 (got {draws}).")
MSG_CONCENTRATION = N_("The Dirichlet concentration must be above zero (got {concentration:g}).")


@dataclass(frozen=True)
class Scorer:
    """Scores many weight vectors at once, plus what makes two candidates tie for sure.

    ``score`` maps weight draws (draws, criteria) to (draws, candidates) values that order the
    candidates like the method does (higher is better) — not necessarily the method's own
    numbers. ``identity`` rows are equal exactly for candidates that tie under every weight
    draw; other ties have probability zero under continuous draws, so the winner of a draw is
    one ``argmax`` plus its identical twins, with no full comparison pass.
    """

    score: Callable[[FloatArray], FloatArray]
    identity: FloatArray


def weighted_sum_scorer(normalised: npt.ArrayLike, weights: npt.ArrayLike) -> Scorer:
    import numpy as np

    r = np.asarray(normalised, dtype=np.float64)
    r_t = np.ascontiguousarray(r.T)
    used = np.asarray(weights, dtype=np.float64) > 0

    def score(draws: FloatArray) -> FloatArray:
        result: FloatArray = draws @ r_t
        return result

    return Scorer(score, r[:, used])


def topsis_scorer(parts: TopsisParts, weights: npt.ArrayLike) -> Scorer:
    """Orders candidates by D-²/D+², which is monotone in closeness 1/(1 + D+/D-).

    That skips two square roots and keeps one division over the (draws × candidates) block.
    """
    import numpy as np

    plus_t = np.ascontiguousarray(parts.ideal_gap.T)
    minus_t = np.ascontiguousarray(parts.anti_gap.T)
    used = np.asarray(weights, dtype=np.float64) > 0

    def score(draws: FloatArray) -> FloatArray:
        squared = draws * draws
        d_plus = squared @ plus_t
        d_minus = squared @ minus_t
        d_plus += _TINY  # the ideal candidate itself: huge ratio, still first
        np.divide(d_minus, d_plus, out=d_minus)
        return d_minus

    identity = np.hstack([parts.ideal_gap[:, used], parts.anti_gap[:, used]])
    return Scorer(score, identity)


@dataclass(frozen=True)
class MonteCarloResult:
    draws: int
    first: FloatArray  # (candidates,) probability of ranking first
    rank_probability: FloatArray  # (candidates, depth): P(rank = 1 … depth)


def dirichlet_weights(
    rng: np.random.Generator, weights: FloatArray, concentration: float, size: int
) -> FloatArray:
    """``size`` weight vectors centred on ``weights``; zero weights stay zero."""
    import numpy as np

    positive = weights > 0
    draws = np.zeros((size, weights.shape[0]))
    if positive.sum() == 1:
        draws[:, positive] = 1.0
    else:
        draws[:, positive] = rng.dirichlet(concentration * weights[positive], size=size)
    return draws


def monte_carlo(
    scorers: Sequence[Scorer],
    candidates: int,
    weights: npt.ArrayLike,
    *,
    draws: int = DEFAULT_DRAWS,
    concentration: float = DEFAULT_CONCENTRATION,
    seed: int | None = 0,
    rank_depth: int = 1,
    chunk_bytes: int = DEFAULT_CHUNK_BYTES,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> list[MonteCarloResult]:
    """Rank-first probability and the distribution over ranks 1 … ``rank_depth`` per scorer.

    Every scorer sees the same weight draws, so weighted sum and TOPSIS are compared on
    identical uncertainty. ``progress`` receives the number of draws done after each chunk.
    Chunks are scored by ``workers`` threads (default: the usable CPUs), each with one BLAS
    thread; numpy releases the GIL in the heavy parts.
    """
    import numpy as np

    problems: list[Problem] = []
    if draws < 1:
        problems.append(Problem("mc_draws", "/draws", MSG_DRAWS, {"draws": draws}))
    if not concentration > 0:
        problems.append(
            Problem(
                "mc_concentration",
                "/concentration",
                MSG_CONCENTRATION,
                {"concentration": float(concentration)},
            )
        )
    raise_if_errors(problems)
    w = np.asarray(weights, dtype=np.float64)
    w = w / w.sum()
    depth = max(1, min(rank_depth, candidates))
    rng = np.random.default_rng(seed)
    chunk = max(1, min(draws, chunk_bytes // (8 * max(1, candidates) * _WORK_ARRAYS)))
    classes = [_tie_classes(scorer.identity) for scorer in scorers]
    counts = [np.zeros((candidates, depth), dtype=np.int64) for _ in scorers]
    threads = max(1, min(workers or _cpu_count(), -(-draws // chunk)))
    done = 0

    def score(sample: FloatArray) -> list[npt.NDArray[np.int64]]:
        return [
            _chunk_ranks(scorer.score(sample), tie_class, depth, candidates)
            for scorer, tie_class in zip(scorers, classes, strict=True)
        ]

    def collect(found: list[npt.NDArray[np.int64]], size: int) -> None:
        nonlocal done
        for total, part in zip(counts, found, strict=True):
            total += part
        done += size
        if progress is not None:
            progress(done)

    drawn = 0
    with single_threaded_blas(), ThreadPoolExecutor(max_workers=threads) as pool:
        # Draws are generated here, in order, so the result does not depend on the chunking or
        # the thread count; scoring runs in the pool, at most two chunks per thread in flight.
        pending: deque[tuple[Future[list[npt.NDArray[np.int64]]], int]] = deque()
        while drawn < draws:
            size = min(chunk, draws - drawn)
            sample = dirichlet_weights(rng, w, concentration, size)
            drawn += size
            if threads == 1:
                collect(score(sample), size)
                continue
            pending.append((pool.submit(score, sample), size))
            if len(pending) >= 2 * threads:
                future, finished = pending.popleft()
                collect(future.result(), finished)
        while pending:
            future, finished = pending.popleft()
            collect(future.result(), finished)
    return [MonteCarloResult(draws, count[:, 0] / draws, count / draws) for count in counts]


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _chunk_ranks(
    scores: FloatArray, tie_class: npt.NDArray[np.int64], depth: int, candidates: int
) -> npt.NDArray[np.int64]:
    """This chunk's counts of ranks 1 … depth per candidate (candidates, depth)."""
    import numpy as np

    count = np.zeros((candidates, depth), dtype=np.int64)
    winners = tie_class[np.argmax(scores, axis=1)]
    count[:, 0] = np.bincount(winners, minlength=candidates)[tie_class]
    if depth > 1:
        _count_lower_ranks(scores, depth, count)
    return count


def _tie_classes(identity: FloatArray) -> npt.NDArray[np.int64]:
    """Class id per candidate; candidates with equal identity rows (to 12 decimals) share it."""
    import numpy as np

    if identity.shape[1] == 0:
        return np.zeros(identity.shape[0], dtype=np.int64)
    _, inverse = np.unique(np.round(identity, TIE_DECIMALS), axis=0, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64)


def _count_lower_ranks(scores: FloatArray, depth: int, count: npt.NDArray[np.int64]) -> None:
    """Add this chunk's competition ranks 2 … depth to ``count`` (candidates, depth).

    Scores within a relative 1e-12 of each other share the better rank.
    """
    import numpy as np

    n = scores.shape[1]
    top = -np.sort(-np.partition(scores, n - depth, axis=1)[:, n - depth :], axis=1)
    tol = _RELATIVE_TIE * np.abs(top[:, :1]) + _TINY
    draw_index, rows = np.nonzero(scores >= top[:, depth - 1 : depth] - tol)
    values = scores[draw_index, rows]
    ranks = 1 + (top[draw_index] > (values + tol[draw_index, 0])[:, None]).sum(axis=1)
    later = ranks > 1  # rank 1 is counted from the winners
    flat = rows[later] * depth + (ranks[later] - 1)
    count += np.bincount(flat, minlength=n * depth).reshape(n, depth)
