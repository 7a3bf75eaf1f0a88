"""Rank-first probabilities by Monte Carlo over weights: cofab's vectorised engine vs plain Python.

Target (issue 4): 10,000 candidates × 30 criteria × 10,000 Dirichlet weight draws in < 2 s with
< 1 GiB of memory. The plain-Python loop runs on a small size (it would take hours at full
size); the ratio compares time per (candidate · draw). Both use the same weight draws and must
agree on every probability at the small size. cofab runs with one BLAS thread per product and
its chunks spread over a thread pool (see cofab/selection/blas_threads.py for why); the table
shows one pool thread and the default (one per usable CPU).

    python bench/selection.py           # full size
    python bench/selection.py --quick   # small size, a few seconds
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import time
import tracemalloc
from collections.abc import Callable

import numpy as np
from rich.console import Console
from rich.table import Table

from cofab.selection.montecarlo import (
    MonteCarloResult,
    dirichlet_weights,
    monte_carlo,
    topsis_scorer,
    weighted_sum_scorer,
)
from cofab.selection.scoring import TopsisParts, topsis_parts

CONCENTRATION = 100.0
SEED = 2024


def problem(candidates: int, criteria: int, seed: int) -> tuple[np.ndarray, np.ndarray, list[bool]]:
    rng = np.random.default_rng(seed)
    scores = rng.uniform(1.0, 5.0, size=(candidates, criteria))
    weights = rng.dirichlet(np.full(criteria, 5.0))
    benefit = [j % 4 != 0 for j in range(criteria)]  # every fourth criterion is a cost
    return scores, weights, benefit


def cofab_run(
    method: str,
    scores: np.ndarray,
    weights: np.ndarray,
    benefit: list[bool],
    draws: int,
    workers: int | None = None,
) -> MonteCarloResult:
    if method == "weighted sum":
        normalised = (scores - 1.0) / 4.0
        normalised[:, ~np.asarray(benefit)] = 1.0 - normalised[:, ~np.asarray(benefit)]
        scorer = weighted_sum_scorer(normalised, weights)
    else:
        scorer = topsis_scorer(topsis_parts(scores, benefit), weights)
    (result,) = monte_carlo(
        [scorer],
        scores.shape[0],
        weights,
        draws=draws,
        concentration=CONCENTRATION,
        seed=SEED,
        workers=workers,
    )
    return result


def python_reference(
    method: str, scores: np.ndarray, weights: np.ndarray, benefit: list[bool], draws: int
) -> list[float]:
    """The obvious loop: per draw, score every candidate criterion by criterion, count winners."""
    sample = dirichlet_weights(np.random.default_rng(SEED), weights, CONCENTRATION, draws)
    w_rows = sample.tolist()
    n, m = scores.shape
    if method == "weighted sum":
        rows = [
            [(x - 1.0) / 4.0 if benefit[j] else 1.0 - (x - 1.0) / 4.0 for j, x in enumerate(row)]
            for row in scores.tolist()
        ]
    else:
        parts: TopsisParts = topsis_parts(scores, benefit)
        plus, minus = parts.ideal_gap.tolist(), parts.anti_gap.tolist()
    wins = [0] * n
    for w in w_rows:
        best, winner = -math.inf, -1
        for i in range(n):
            if method == "weighted sum":
                value = 0.0
                for j in range(m):
                    value += w[j] * rows[i][j]
            else:
                d_plus = math.sqrt(sum(w[j] * w[j] * plus[i][j] for j in range(m)))
                d_minus = math.sqrt(sum(w[j] * w[j] * minus[i][j] for j in range(m)))
                value = d_minus / (d_plus + d_minus)
            if value > best:
                best, winner = value, i
        wins[winner] += 1
    return [count / draws for count in wins]


def timed(action: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    value = action()
    return time.perf_counter() - start, value


def peak_mib(action: Callable[[], object]) -> float:
    tracemalloc.start()
    action()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def large_run(
    method: str, big: tuple[int, int, int], repeats: int, workers: int | None
) -> tuple[float, float]:
    """Best-of-``repeats`` wall time and the tracemalloc peak of one run, at the large size."""
    scores, weights, benefit = problem(big[0], big[1], 2)
    cofab_run(method, scores[:100], weights, benefit, 100)  # warm up
    best = min(
        timed(lambda: cofab_run(method, scores, weights, benefit, big[2], workers))[0]
        for _ in range(repeats)
    )
    return best, peak_mib(lambda: cofab_run(method, scores, weights, benefit, big[2], workers))


def bench_method(
    method: str, small: tuple[int, int, int], big: tuple[int, int, int], repeats: int
) -> tuple[list[list[str]], str]:
    s_scores, s_weights, s_benefit = problem(small[0], small[1], 1)
    ref_time, ref_first = timed(
        lambda: python_reference(method, s_scores, s_weights, s_benefit, small[2])
    )
    small_result = cofab_run(method, s_scores, s_weights, s_benefit, small[2])
    agree = bool(np.allclose(small_result.first, np.asarray(ref_first)))
    ref_per = ref_time / (small[0] * small[2]) * 1e9
    rows = [
        [
            method,
            "plain Python",
            "{}×{}×{}".format(*small),
            f"{ref_time:.2f}",
            f"{ref_per:,.0f}",
            "—",
            "1×",
        ]
    ]
    verdict = [
        f"{method}: {'agrees with' if agree else 'DISAGREES with'} the plain loop at "
        f"{small[0]}×{small[1]}×{small[2]}"
    ]
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    for engine, workers in (("cofab, 1 thread", 1), (f"cofab, {cpus} threads (default)", None)):
        big_time, big_peak = large_run(method, big, repeats, workers)
        big_per = big_time / (big[0] * big[2]) * 1e9
        rows.append(
            [
                method,
                engine,
                "{}×{}×{}".format(*big),
                f"{big_time:.2f}",
                f"{big_per:,.2f}",
                f"{big_peak:,.0f}",
                f"{ref_per / big_per:,.0f}×",
            ]
        )
        verdict.append(
            f"{engine} {big_time:.2f} s ({'<' if big_time < 2 else '≥'} 2 s), "
            f"peak {big_peak:.0f} MiB ({'<' if big_peak < 1024 else '≥'} 1 GiB)"
        )
    return rows, "; ".join(verdict)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    parser.add_argument("--repeats", type=int, default=3, help="best of this many large runs")
    args = parser.parse_args()
    big = (1_000, 30, 1_000) if args.quick else (10_000, 30, 10_000)
    small = (50, 30, 50) if args.quick else (200, 30, 200)
    console = Console(width=130)
    table = Table(title="Monte Carlo P(rank first) over Dirichlet weights: cofab vs plain Python")
    for column in (
        "method",
        "engine",
        "cands×crit×draws",
        "time s",
        "ns/(cand·draw)",
        "peak MiB",
        "speed-up",
    ):
        table.add_column(column, justify="left" if column in ("method", "engine") else "right")
    verdicts: list[str] = []
    for method in ("weighted sum", "TOPSIS"):
        rows, verdict = bench_method(method, small, big, args.repeats)
        for row in rows:
            table.add_row(*row)
        verdicts.append(verdict)
    console.print(table)
    for line in verdicts:
        console.print(line)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    console.print(f"process peak RSS (whole run, interpreter and data included): {rss:,.0f} MiB")
    console.print(
        f"time s = best of {args.repeats} large runs; peak MiB = tracemalloc peak of one large "
        "run (numpy buffers included); speed-up = plain-Python ns/(cand·draw) ÷ cofab's"
    )
    load = os.getloadavg()[0]
    console.print(f"1-minute load average at the end: {load:.2f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
