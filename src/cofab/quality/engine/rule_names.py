"""The Nelson and Western Electric rules by code, apart from the numerics so that pages can
name them without loading numpy (the app starts without numerics; tests/core/
test_runtime_imports.py)."""

from __future__ import annotations

from typing import Final

RULES: Final[dict[str, str]] = {
    "N1": "One point beyond 3 sigma",
    "N2": "Nine points in a row on one side of the center line",
    "N3": "Six points in a row steadily increasing or decreasing",
    "N4": "Fourteen points in a row alternating up and down",
    "N5": "Two of three points beyond 2 sigma on the same side",
    "N6": "Four of five points beyond 1 sigma on the same side",
    "N7": "Fifteen points in a row within 1 sigma",
    "N8": "Eight points in a row beyond 1 sigma on either side",
    "WE4": "Eight points in a row on one side of the center line",
}
