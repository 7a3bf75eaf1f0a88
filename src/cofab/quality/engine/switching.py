"""ISO 2859-1 clause 9 switching rules between normal, tightened and reduced inspection.

``history`` holds the verdicts (True = accepted) of the lots inspected since the plan entered
``state``, newest last: each rule of the standard counts lots inspected under the current
severity, so the caller restarts the list at every switch. Passing a longer history is safe for
the windowed rules (they read the tail) but would make the discontinue count too eager.
"""

from __future__ import annotations

from typing import Final

STATES: Final[tuple[str, ...]] = ("normal", "tightened", "reduced", "discontinued")

TIGHTEN_WINDOW: Final = 5  # 9.3.2: 2 of 5 or fewer consecutive lots not accepted
TIGHTEN_REJECTIONS: Final = 2
RELAX_RUN: Final = 5  # 9.3.3: 5 consecutive lots accepted on tightened
REDUCE_RUN: Final = 10  # 9.3.4 (switching score simplified to 10 consecutive acceptances)
DISCONTINUE_REJECTIONS: Final = 5  # 9.4: 5 lots not accepted while on tightened


def _tail_all_accepted(history: list[bool], run: int) -> bool:
    return len(history) >= run and all(history[-run:])


def next_state(
    state: str, history: list[bool], *, owner_approved_reduced: bool, steady: bool
) -> str:
    """The severity for the next lot."""
    if state not in STATES:
        raise ValueError(f"switching state must be one of {', '.join(STATES)}, got {state!r}")
    if state == "discontinued":
        return state  # resuming is an owner decision after corrective action, not a rule
    if state == "normal":
        if history[-TIGHTEN_WINDOW:].count(False) >= TIGHTEN_REJECTIONS:
            return "tightened"
        if owner_approved_reduced and steady and _tail_all_accepted(history, REDUCE_RUN):
            return "reduced"
        return state
    if state == "tightened":
        if history.count(False) >= DISCONTINUE_REJECTIONS:
            return "discontinued"
        if _tail_all_accepted(history, RELAX_RUN):
            return "normal"
        return state
    # reduced: any lot not accepted, or irregular production, returns to normal
    if (history and not history[-1]) or not steady:
        return "normal"
    return state
