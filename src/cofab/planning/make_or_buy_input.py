"""The make-or-buy question as a JSON document, validated the same way as the planner input."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jsonschema import Draft202012Validator

from cofab.planning.engine.make_or_buy import (
    MakeOrBuyCase,
    MakeOrBuyResult,
    Outsourcing,
    OwnCapacity,
)
from cofab.planning.input_bounds import non_finite
from cofab.planning.problems import Problem, problems_from_schema_error

if TYPE_CHECKING:
    pass


_NUMBER = {"type": "number", "minimum": 0}
# a century of months, and a chart's worth of volume levels: the answer comes inside a request
MAX_PERIODS = 1200
MAX_LEVELS = 1000

MAKE_OR_BUY_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "cofab make-or-buy case",
    "type": "object",
    "required": ["periods", "own", "outsource"],
    "additionalProperties": False,
    "properties": {
        "family": {"type": "string"},
        "periods": {"type": "integer", "minimum": 1, "maximum": MAX_PERIODS},
        "discount_rate": {"type": "number", "minimum": 0, "maximum": 1},
        "own": {
            "type": "object",
            "required": ["capex", "unit_cost"],
            "additionalProperties": False,
            "properties": {
                "capex": _NUMBER,
                "fixed_opex": _NUMBER,
                "unit_cost": _NUMBER,
                "ramp_up_periods": {"type": "integer", "minimum": 0},
            },
        },
        "outsource": {
            "type": "object",
            "required": ["unit_price"],
            "additionalProperties": False,
            "properties": {"unit_price": _NUMBER, "fixed_fee": _NUMBER, "setup_fee": _NUMBER},
        },
        "levels": {"type": "array", "minItems": 1, "maxItems": MAX_LEVELS, "items": _NUMBER},
    },
}


@dataclass(frozen=True, slots=True)
class MakeOrBuyInput:
    family: str | None
    case: MakeOrBuyCase
    levels: list[float] | None


def load_make_or_buy(doc: Any) -> MakeOrBuyInput | list[Problem]:
    finite = non_finite(doc)
    if finite:
        return finite
    validator = Draft202012Validator(MAKE_OR_BUY_SCHEMA)
    problems = [
        problem
        for error in sorted(validator.iter_errors(doc), key=lambda e: str(list(e.absolute_path)))
        for problem in problems_from_schema_error(error)
    ]
    if problems:
        return problems
    own, buy = doc["own"], doc["outsource"]
    case = MakeOrBuyCase(
        own=OwnCapacity(
            capex=float(own["capex"]),
            fixed_opex=float(own.get("fixed_opex", 0.0)),
            unit_cost=float(own["unit_cost"]),
            ramp_up_periods=int(own.get("ramp_up_periods", 0)),
        ),
        outsource=Outsourcing(
            unit_price=float(buy["unit_price"]),
            fixed_fee=float(buy.get("fixed_fee", 0.0)),
            setup_fee=float(buy.get("setup_fee", 0.0)),
        ),
        periods=int(doc["periods"]),
        discount_rate=float(doc.get("discount_rate", 0.0)),
    )
    levels = [float(v) for v in doc["levels"]] if "levels" in doc else None
    return MakeOrBuyInput(family=doc.get("family"), case=case, levels=levels)


def make_or_buy_document(inp: MakeOrBuyInput, result: MakeOrBuyResult) -> dict[str, Any]:
    import numpy as np

    volume = result.break_even_volume
    return {
        "family": inp.family,
        "periods": inp.case.periods,
        "discount_rate": inp.case.discount_rate,
        "break_even_volume_per_period": None if volume is None else round(volume, 4),
        "break_even_volume_total": None if volume is None else round(volume * inp.case.periods, 4),
        "own_npv": {"fixed": round(result.own.fixed, 4), "per_unit": round(result.own.slope, 6)},
        "outsource_npv": {
            "fixed": round(result.outsource.fixed, 4),
            "per_unit": round(result.outsource.slope, 6),
        },
        "levels": [
            {
                "volume_per_period": round(level, 4),
                "own_npv": round(own, 2),
                "outsource_npv": round(buy, 2),
                "cheaper": cheaper,
            }
            for level, own, buy, cheaper in zip(
                np.asarray(result.levels).tolist(),
                result.own_npv.tolist(),
                result.outsource_npv.tolist(),
                result.cheaper,
                strict=True,
            )
        ],
    }
