"""Numbers a model can solve and sizes a worker can hold, checked before any array is built.

JSON Schema's "number" admits NaN and infinity (Python's json reads ``NaN`` and ``1e309``), and a
NaN demand solves as "optimal" at cost 0. Size caps keep one document from tying up a worker (or,
for make-or-buy, a web request) for minutes: the flow variables are lanes × products × periods.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from cofab.core.i18n import N_
from cofab.planning.problems import Problem, json_path

NOT_FINITE = N_("Must be a finite number.")
TOO_LARGE = N_("Must be at most {limit} in size (got {value}): no plan needs numbers this large")
#: the largest magnitude of any number in a document. Demand of 1e15 used to solve as "optimal"
#: with the solver's tolerances swallowing whole units; 1e12 units or currency units is beyond
#: any real plan and keeps HiGHS (which treats 1e20 as infinite) in its accurate range
MAX_MAGNITUDE = 1e12
MODEL_TOO_LARGE = N_(
    "The model is too large: {lanes} lanes × {products} products × {periods} periods is "
    "{size} flows (at most {limit})"
)
MAX_FLOWS = 5_000_000
MAX_NON_FINITE_REPORTED = 50


def non_finite(doc: Any) -> list[Problem]:
    """A problem for each NaN, infinite or absurdly large number, named by its JSON path."""
    found: list[Problem] = []
    for path, value in _numbers(doc, []):
        if isinstance(value, float) and not math.isfinite(value):
            found.append(Problem(json_path(path), NOT_FINITE))
        elif abs(value) > MAX_MAGNITUDE:
            shown = f"{Decimal(value):.3g}"
            params: dict[str, object] = {"limit": f"{MAX_MAGNITUDE:.0e}", "value": shown}
            found.append(Problem(json_path(path), TOO_LARGE, params))
        if len(found) >= MAX_NON_FINITE_REPORTED:
            break
    return found


def _numbers(value: Any, path: list[str | int]) -> Iterator[tuple[list[str | int], float | int]]:
    if isinstance(value, float) or (isinstance(value, int) and not isinstance(value, bool)):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _numbers(item, [*path, str(key)])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _numbers(item, [*path, index])


def model_size(doc: Any) -> list[Problem]:
    if not isinstance(doc, dict):
        return []
    lanes, products, periods = (
        len(doc[key]) if isinstance(doc.get(key), list) else 1
        for key in ("lanes", "products", "periods")
    )
    size = lanes * products * periods
    if size <= MAX_FLOWS:
        return []
    params: dict[str, object] = {
        "lanes": lanes,
        "products": products,
        "periods": periods,
        "size": size,
        "limit": MAX_FLOWS,
    }
    return [Problem("$", MODEL_TOO_LARGE, params)]
