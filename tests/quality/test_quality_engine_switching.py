"""ISO 2859-1 switching rules as lot sequences (True = accepted, newest last)."""

from __future__ import annotations

import pytest

from cofab.quality.engine.switching import next_state

A, R = True, False


def run(state: str, history: list[bool], *, approved: bool = True, steady: bool = True) -> str:
    return next_state(state, history, owner_approved_reduced=approved, steady=steady)


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        ([A, A, R, A, R], "tightened"),  # 2 of 5 consecutive
        ([R, R], "tightened"),  # 2 of fewer than 5
        ([R, A, A, A, A, R], "normal"),  # the two rejections are 6 lots apart
        ([A, A, A, A, R], "normal"),
        ([A] * 10, "reduced"),
        ([A] * 9, "normal"),
        ([R] + [A] * 10, "reduced"),  # the last 10 count
    ],
)
def test_from_normal(history: list[bool], expected: str) -> None:
    assert run("normal", history) == expected


def test_normal_to_reduced_needs_approval_and_steady_production() -> None:
    assert run("normal", [A] * 10, approved=False) == "normal"
    assert run("normal", [A] * 10, steady=False) == "normal"


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        ([A] * 5, "normal"),
        ([R, A, A, A, A, A], "normal"),
        ([A, A, A, A, R], "tightened"),
        ([R, A, R, A, R, A, R, A, R], "discontinued"),  # 5 rejections on tightened
        ([R] * 5, "discontinued"),
        ([R] * 4, "tightened"),
    ],
)
def test_from_tightened(history: list[bool], expected: str) -> None:
    assert run("tightened", history) == expected


def test_from_reduced() -> None:
    assert run("reduced", [A, A, R]) == "normal"
    assert run("reduced", [A, A, A]) == "reduced"
    assert run("reduced", [A], steady=False) == "normal"
    assert run("discontinued", [A] * 20) == "discontinued"


def test_a_full_sequence_walks_through_every_state() -> None:
    state, since_switch = "normal", list[bool]()
    path: list[str] = []
    for verdict in [A, R, A, R] + [A] * 5 + [A] * 10 + [R] + [R, R] + [R, A, R, R, R, R]:
        since_switch.append(verdict)
        new = run(state, since_switch)
        if new != state:
            path.append(new)
            state, since_switch = new, []
    assert path == ["tightened", "normal", "reduced", "normal", "tightened", "discontinued"]


def test_unknown_state_is_refused() -> None:
    with pytest.raises(ValueError, match="switching state"):
        run("loose", [])
