"""Weight change to flip the leader, and Monte Carlo over weights."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import beta

from cofab.selection.montecarlo import (
    monte_carlo,
    topsis_scorer,
    weighted_sum_scorer,
)
from cofab.selection.problems import SelectionInputError
from cofab.selection.robustness import weight_flip_topsis, weight_flip_weighted_sum
from cofab.selection.scoring import closeness, topsis_parts


def test_weighted_sum_flip_two_candidates_by_hand() -> None:
    # A = (.9, .3, .5), B = (.5, .8, .5); weights (.5, .3, .2): A .64 leads B .59.
    r = np.array([[0.9, 0.3, 0.5], [0.5, 0.8, 0.5]])
    table = weight_flip_weighted_sum(r, [0.5, 0.3, 0.2])
    assert table.leader == 0
    # Criterion 1 at t, others rescaled: w2 = .6(1-t), w3 = .4(1-t).
    #   A(t) = .9t + (.3·.6 + .5·.4)(1-t) = .9t + .38(1-t)
    #   B(t) = .5t + (.8·.6 + .5·.4)(1-t) = .5t + .68(1-t)
    #   tie: .52t + .38 = -.18t + .68  →  t = .30/.70 = 3/7: lower it from 50 % to 42.86 %.
    assert table.decrease_to[0] == pytest.approx(3 / 7, rel=1e-12)
    assert table.decrease_leader[0] == 1
    assert np.isnan(table.increase_to[0]) and table.increase_leader[0] == -1
    # Criterion 2 at t: w1 = .5(1-t)/.7, w3 = .2(1-t)/.7.
    #   A(t) = .3t + (.45 + .10)/.7·(1-t) = .3t + (11/14)(1-t)
    #   B(t) = .8t + (.25 + .10)/.7·(1-t) = .8t + .5(1-t)
    #   tie: (11/14 - .5) = (.5 + 11/14 - .5 - .3 + ...)  →  t = (2/7)/(11/14) = 4/11.
    assert table.increase_to[1] == pytest.approx(4 / 11, rel=1e-12)
    assert table.increase_leader[1] == 1
    assert np.isnan(table.decrease_to[1])
    # Criterion 3 is equal for both: they only tie at t = 1, never strictly overtake.
    assert np.isnan(table.decrease_to[2]) and np.isnan(table.increase_to[2])
    np.testing.assert_allclose(table.smallest_change[:2], [0.5 - 3 / 7, 4 / 11 - 0.3])
    assert np.isnan(table.smallest_change[2])


def test_topsis_flip_two_candidates_by_hand() -> None:
    # Two candidates, two benefit criteria. Column 1: (3, 4) → r = (.6, .8);
    # column 2: (12, 5) → r = (12/13, 5/13). With two candidates the ideal is the better of
    # the two per criterion, so D+_A = w1·g1 and D-_A = w2·g2 with gaps g1 = .2, g2 = 7/13:
    # A leads while w2·g2 > w1·g1, and the tie with w1 = t, w2 = 1 - t is at
    # t = g2/(g1 + g2) = (7/13)/(7/13 + 1/5) = 35/48 = 0.729167.
    parts = topsis_parts([[3, 12], [4, 5]], [True, True])
    table = weight_flip_topsis(parts, [0.5, 0.5])
    assert table.leader == 0
    assert table.increase_to[0] == pytest.approx(35 / 48, abs=1e-9)
    assert table.increase_leader[0] == 1
    assert table.decrease_to[1] == pytest.approx(13 / 48, abs=1e-9)
    assert table.decrease_leader[1] == 1
    assert np.isnan(table.decrease_to[0]) and np.isnan(table.increase_to[1])


def test_topsis_flip_matches_a_dense_scan() -> None:
    rng = np.random.default_rng(7)
    scores = rng.random((5, 4)) + 0.1
    benefit = [True, False, True, True]
    weights = np.array([0.4, 0.3, 0.2, 0.1])
    parts = topsis_parts(scores, benefit)
    table = weight_flip_topsis(parts, weights)
    for k in range(4):
        ts = np.linspace(0, 1, 100_001)
        path = np.outer(1 - ts, weights / (1 - weights[k]))
        path[:, k] = ts
        leaders = np.argmax(closeness(parts, path), axis=0)
        changed = leaders != table.leader
        above = np.flatnonzero(changed & (ts > weights[k]))
        below = np.flatnonzero(changed & (ts < weights[k]))
        if above.size:
            assert table.increase_to[k] == pytest.approx(ts[above[0]], abs=1e-5)
            assert table.increase_leader[k] == leaders[above[0]]
        else:
            assert np.isnan(table.increase_to[k])
        if below.size:
            assert table.decrease_to[k] == pytest.approx(ts[below[-1]], abs=1e-5)
            assert table.decrease_leader[k] == leaders[below[-1]]
        else:
            assert np.isnan(table.decrease_to[k])


def test_a_criterion_holding_all_weight_has_no_rescaling_path() -> None:
    table = weight_flip_weighted_sum([[1.0, 0.0], [0.0, 1.0]], [1.0, 0.0])
    assert np.isnan(table.decrease_to[0]) and np.isnan(table.increase_to[0])
    # Raising the unweighted criterion 2 from 0 flips at t = .5 (scores 1-t vs t).
    assert table.increase_to[1] == pytest.approx(0.5)


def _two_candidate_case() -> tuple[np.ndarray, np.ndarray, float]:
    # A = (1, 0), B = (0, 1) normalised: A first iff W1 > 1/2.
    return np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([0.6, 0.4]), 0.5


def test_monte_carlo_matches_the_beta_distribution() -> None:
    # With two criteria the Dirichlet(c·w) draw of W1 is Beta(c·w1, c·w2), so
    # P(A first) = P(W1 > 1/2) = beta.sf(.5, 60, 40) for concentration 100.
    r, w, cut = _two_candidate_case()
    (result,) = monte_carlo([weighted_sum_scorer(r, w)], 2, w, draws=20_000, seed=3)
    expected = beta.sf(cut, 60, 40)  # ≈ 0.977
    standard_error = np.sqrt(expected * (1 - expected) / 20_000)
    assert abs(result.first[0] - expected) < 4 * standard_error
    assert result.first.sum() == pytest.approx(1.0)


def test_monte_carlo_is_reproducible_with_a_seed_and_chunking_free() -> None:
    rng = np.random.default_rng(0)
    r = rng.random((40, 6))
    w = rng.dirichlet(np.ones(6))
    run = lambda seed, chunk, workers=None: monte_carlo(  # noqa: E731
        [weighted_sum_scorer(r, w)],
        40,
        w,
        draws=3000,
        concentration=20,
        seed=seed,
        rank_depth=3,
        chunk_bytes=chunk,
        workers=workers,
    )[0]
    first = run(11, 16 * 2**20)
    again = run(11, 16 * 2**20)
    small_chunks = run(11, 40 * 8 * 4 * 7)  # seven draws per chunk
    one_thread = run(11, 40 * 8 * 4 * 7, 1)
    three_threads = run(11, 40 * 8 * 4 * 7, 3)
    other_seed = run(12, 16 * 2**20)
    np.testing.assert_array_equal(first.rank_probability, again.rank_probability)
    np.testing.assert_array_equal(first.rank_probability, small_chunks.rank_probability)
    np.testing.assert_array_equal(one_thread.rank_probability, three_threads.rank_probability)
    np.testing.assert_array_equal(first.rank_probability, three_threads.rank_probability)
    assert not np.array_equal(first.first, other_seed.first)
    np.testing.assert_allclose(first.rank_probability.sum(axis=0), 1.0)


def test_rank_distribution_against_a_plain_loop() -> None:
    rng = np.random.default_rng(5)
    r = rng.random((7, 3))
    w = np.array([0.5, 0.3, 0.2])
    (result,) = monte_carlo([weighted_sum_scorer(r, w)], 7, w, draws=500, seed=9, rank_depth=3)
    draws = np.random.default_rng(9).dirichlet(100 * w, size=500)
    counts = np.zeros((7, 3))
    for d in draws:
        order = sorted(range(7), key=lambda i: -float(r[i] @ d))
        for position, i in enumerate(order[:3]):
            counts[i, position] += 1
    np.testing.assert_allclose(result.rank_probability, counts / 500)


def test_identical_candidates_share_first_place_and_dominated_never_win() -> None:
    r = np.array([[0.9, 0.8], [0.9, 0.8], [0.1, 0.2]])
    w = np.array([0.5, 0.5])
    ws, tp = monte_carlo(
        [weighted_sum_scorer(r, w), topsis_scorer(topsis_parts(r, [True, True]), w)],
        3,
        w,
        draws=200,
        seed=1,
    )
    for result in (ws, tp):
        np.testing.assert_array_equal(result.first, [1.0, 1.0, 0.0])


def test_zero_weights_stay_zero_and_bad_settings_raise() -> None:
    r = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 5.0]])
    w = np.array([0.7, 0.3, 0.0])  # the third criterion would make B win if it ever counted
    (result,) = monte_carlo([weighted_sum_scorer(r, w)], 2, w, draws=500, concentration=1e6)
    assert result.first[0] == 1.0
    with pytest.raises(SelectionInputError) as caught:
        monte_carlo([weighted_sum_scorer(r, w)], 2, w, draws=0, concentration=-1)
    assert {p.code for p in caught.value.problems} == {"mc_draws", "mc_concentration"}


def test_blas_thread_setting_is_restored() -> None:
    from cofab.selection.blas_threads import _openblas_controls, single_threaded_blas

    before = [get() for get, _ in _openblas_controls()]
    with single_threaded_blas(), single_threaded_blas():
        assert all(get() == 1 for get, _ in _openblas_controls())
    assert [get() for get, _ in _openblas_controls()] == before
