"""The analysis as plain JSON-ready data (``cofab select rank --json``, later the API).

Weights and weight breakpoints are in percent, as people set them; probabilities are 0–1;
numbers that do not exist (an incomplete candidate's rank, a criterion that never flips) are
null rather than a sentinel a reader could mistake for data.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from cofab.selection.analysis import METHODS, Analysis
from cofab.selection.robustness import FlipTable

if TYPE_CHECKING:
    pass


def _num(value: float) -> float | None:
    number = float(value)
    return None if math.isnan(number) else number


def _percent(value: float) -> float | None:
    number = _num(value)
    return None if number is None else round(number * 100, 6)


def analysis_as_dict(analysis: Analysis, locale: str) -> dict[str, object]:
    ev = analysis.evaluation
    keys = [c.key for c in ev.candidates]
    weights: dict[str, object] = {
        "source": "ahp" if analysis.ahp is not None else "direct",
        "percent": {c.key: _percent(w) for c, w in zip(ev.criteria, analysis.weights, strict=True)},
    }
    if analysis.ahp is not None:
        ahp = analysis.ahp
        weights["ahp"] = {
            "lambda_max": ahp.lambda_max,
            "consistency_index": ahp.consistency_index,
            "random_index": ahp.random_index,
            "consistency_ratio": ahp.consistency_ratio,
            "acceptable": ahp.acceptable,
            "most_inconsistent_pair": (
                None if ahp.worst_pair is None else [ev.criteria[k].key for k in ahp.worst_pair]
            ),
        }
    candidates = []
    for i, candidate in enumerate(ev.candidates):
        entry: dict[str, object] = {
            "key": candidate.key,
            "name": candidate.name(locale),
            "complete": bool(analysis.complete[i]),
        }
        for method in METHODS:
            ranking = analysis.rankings[method]
            result: dict[str, object] = {
                "score": _num(ranking.score[i]),
                "rank": int(ranking.rank[i]) or None,
            }
            if method in analysis.monte_carlo:
                mc = analysis.monte_carlo[method]
                result["p_first"] = _num(mc.first[i])
                result["rank_probability"] = [_num(p) for p in mc.rank_probability[i]]
            entry[method] = result
        candidates.append(entry)
    return {
        "title": ev.title(locale),
        "aggregation": ev.aggregation,
        "evaluators": [name for name in ev.evaluators if name],
        "weights": weights,
        "candidates": candidates,
        "incomplete": [
            {
                "key": keys[item.index],
                "missing": [ev.criteria[j].key for j in item.missing],
                "provisional_score": _num(item.provisional_score),
                "weight_covered_percent": _percent(item.weight_covered),
            }
            for item in analysis.incomplete
        ],
        "robustness": {
            method: _flip_dict(table, analysis, keys) for method, table in analysis.flips.items()
        },
        "monte_carlo": {
            "draws": analysis.draws,
            "concentration": analysis.concentration,
            "seed": analysis.seed,
        },
        "warnings": [w.as_dict(locale) for w in analysis.warnings],
    }


def _flip_dict(table: FlipTable, analysis: Analysis, keys: list[str]) -> dict[str, object]:
    import numpy as np

    rows = []
    smallest = table.smallest_change
    for j, criterion in enumerate(analysis.evaluation.criteria):
        rows.append(
            {
                "criterion": criterion.key,
                "weight_percent": _percent(table.weights[j]),
                "decrease_to_percent": _percent(table.decrease_to[j]),
                "decrease_leader": keys[table.decrease_leader[j]]
                if table.decrease_leader[j] >= 0
                else None,
                "increase_to_percent": _percent(table.increase_to[j]),
                "increase_leader": keys[table.increase_leader[j]]
                if table.increase_leader[j] >= 0
                else None,
                "smallest_change_points": _percent(smallest[j]),
            }
        )
    return {
        "leader": keys[table.leader],
        "criteria": rows,
        "any_flip": bool(np.isfinite(smallest).any()),
    }
