"""An evaluation's scores from the database, through the pure analysis, into what people see.

The maths lives in ``analysis.analyse``; this module only builds its input from rows (stable
keys: criterion keys and candidate ids), runs it with the evaluation's own Monte Carlo settings
(seeded, so a page reload shows the same probabilities) and shapes tables and chart data.
Typical evaluations (a handful of candidates, a dozen criteria, 10,000 draws) analyse in well
under a second (50 candidates × 14 criteria × 10,000 draws: about 0.5 s on a busy 2-core box),
so results are computed inline rather than as a background job; the schemas cap the draws at
50,000 so even a large evaluation stays within a few seconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.accounts.models import User
from cofab.core.access import Actor
from cofab.core.i18n import N_, translate
from cofab.selection.aggregation import extreme_scores
from cofab.selection.analysis import METHODS, Analysis, analyse
from cofab.selection.analysis_export import analysis_as_dict
from cofab.selection.evaluation_document import (
    SCALES,
    CandidateSpec,
    CriterionSpec,
    EvaluationInput,
)
from cofab.selection.evaluations import EvaluationView, evaluation_view
from cofab.selection.models import Score, WeightMode
from cofab.selection.problem_mapping import with_names
from cofab.selection.problems import Problem, SelectionInputError
from cofab.selection.templates_service import criterion_name

if TYPE_CHECKING:
    pass


RANK_LABEL = N_("Rank {rank}")


@dataclass(frozen=True)
class Built:
    document: EvaluationInput
    evaluator_ids: list[int]


@dataclass
class Results:
    view: EvaluationView
    locale: str
    criteria: list[dict[str, Any]]
    candidate_names: dict[str, str]
    analysis: Analysis | None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    flips: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    leaders: dict[str, str] = field(default_factory=dict)
    chart: dict[str, Any] = field(default_factory=dict)

    def render(self, problems: list[Problem]) -> list[str]:
        return [p.render(self.locale) for p in problems]

    @property
    def leader_key(self) -> str | None:
        ranked = [r for r in self.rows if r["weighted_sum"]["rank"] == 1]
        return ranked[0]["key"] if ranked else None


def build_document(session: Session, view: EvaluationView) -> Built:
    """The evaluation as the pure module's input: (evaluators, candidates, criteria) arrays."""
    import numpy as np

    version = view.version
    criteria = tuple(
        CriterionSpec(
            key=c["key"],
            names={"en": c["name_en"], "ko": c["name_ko"]},
            benefit=c["direction"] == "benefit",
            scale=c["scale"],
            lower=SCALES[c["scale"]][0],
            upper=SCALES[c["scale"]][1],
            unit=c.get("unit"),
            weight_percent=float(c["weight"]) if version.weight_mode == WeightMode.DIRECT else None,
        )
        for c in version.criteria
    )
    candidates = tuple(
        CandidateSpec(str(row.candidate.id), {"en": row.partner.name_en, "ko": row.partner.name_ko})
        for row in view.candidates
    )
    evaluator_ids = [user.id for user in view.evaluators]
    shape = (len(evaluator_ids), len(candidates), len(criteria))
    scores = np.full(shape, np.nan)
    justified = np.zeros(shape, dtype=bool)
    e_index = {uid: e for e, uid in enumerate(evaluator_ids)}
    c_index = {int(c.key): i for i, c in enumerate(candidates)}
    k_index = {c.key: j for j, c in enumerate(criteria)}
    rows = session.execute(select(Score).where(Score.evaluation_id == view.evaluation.id)).scalars()
    for score in rows:
        if score.candidate_id in c_index and score.criterion in k_index:
            at = (
                e_index[score.evaluator_id],
                c_index[score.candidate_id],
                k_index[score.criterion],
            )
            scores[at] = score.value
            justified[at] = bool((score.justification or "").strip())
    matrix = (
        np.asarray(version.ahp_matrix, dtype=np.float64)
        if version.weight_mode == WeightMode.AHP and version.ahp_matrix is not None
        else None
    )
    document = EvaluationInput(
        titles={"en": view.evaluation.title},
        criteria=criteria,
        candidates=candidates,
        evaluators=tuple(user.display_name for user in view.evaluators),
        scores=scores,
        justified=justified,
        aggregation=view.evaluation.aggregation,  # type: ignore[arg-type]
        ahp_matrix=matrix,
        per_evaluator=True,
    )
    return Built(document, evaluator_ids)


def needs_justification(
    session: Session, view: EvaluationView, user_id: int
) -> set[tuple[int, str]]:
    """(candidate id, criterion) cells where this evaluator's score is extreme and unexplained."""
    import numpy as np

    built = build_document(session, view)
    if user_id not in built.evaluator_ids or built.document.scores.size == 0:
        return set()
    doc = built.document
    e = built.evaluator_ids.index(user_id)
    flags = extreme_scores(doc.scores, doc.lower, doc.upper).any[e] & ~doc.justified[e]
    return {(int(doc.candidates[i].key), doc.criteria[j].key) for i, j in np.argwhere(flags)}


def compute_results(
    session: Session, *, actor: Actor, evaluation_id: int, locale: str | None = None
) -> Results:
    view = evaluation_view(session, actor=actor, evaluation_id=evaluation_id)
    return results_for_view(session, view, locale or actor.locale)


def results_for_view(session: Session, view: EvaluationView, locale: str) -> Results:
    built = build_document(session, view)
    doc = built.document
    criterion_names = {c.key: c.name(locale) for c in doc.criteria}
    candidate_names = {c.key: c.name(locale) for c in doc.candidates}
    criteria = [
        {
            "key": c["key"],
            "name": criterion_name(c, locale),
            "weight": float(c["weight"]),
            "direction": c["direction"],
            "scale": c["scale"],
            "unit": c.get("unit"),
        }
        for c in view.version.criteria
    ]
    results = Results(view, locale, criteria, candidate_names, None)
    if not doc.candidates:
        return results
    ev = view.evaluation
    try:
        analysis = analyse(
            doc, draws=ev.mc_draws, concentration=ev.mc_concentration, seed=ev.mc_seed
        )
    except SelectionInputError as error:
        results.errors = [with_names(p, criterion_names, candidate_names) for p in error.problems]
        return results
    results.analysis = analysis
    results.warnings = [with_names(p, criterion_names, candidate_names) for p in analysis.warnings]
    for j, weight in enumerate(analysis.weights):
        criteria[j]["weight"] = round(float(weight) * 100, 4)
    _tables(results, analysis)
    return results


def _num(value: float) -> float | None:
    number = float(value)
    return None if math.isnan(number) else number


def _tables(results: Results, analysis: Analysis) -> None:
    doc = analysis.evaluation
    keys = [c.key for c in doc.candidates]
    rows: list[dict[str, Any]] = []
    for i, key in enumerate(keys):
        row: dict[str, Any] = {
            "key": key,
            "candidate_id": int(key),
            "name": results.candidate_names[key],
            "complete": bool(analysis.complete[i]),
            "contributions": [
                _num(w * r * 100)
                for w, r in zip(analysis.weights, analysis.normalised[i], strict=True)
            ],
            "normalised": [_num(r * 100) for r in analysis.normalised[i]],
        }
        for method in METHODS:
            ranking = analysis.rankings[method]
            mc = analysis.monte_carlo.get(method)
            row[method] = {
                "score": _num(ranking.score[i]),
                "rank": int(ranking.rank[i]) or None,
                "p_first": _num(mc.first[i]) if mc is not None else None,
                "rank_probability": (
                    [_num(p) for p in mc.rank_probability[i]] if mc is not None else []
                ),
            }
        rows.append(row)
    incomplete = {str(keys[item.index]): item for item in analysis.incomplete}
    for row in rows:
        item = incomplete.get(row["key"])
        row["missing"] = (
            [results.criteria[j]["name"] for j in item.missing] if item is not None else []
        )
        row["provisional"] = _num(item.provisional_score) if item is not None else None
    rows.sort(key=lambda r: (r["weighted_sum"]["rank"] or 10**9, r["name"]))
    results.rows = rows
    for method, table in analysis.flips.items():
        smallest = table.smallest_change
        results.flips[method] = [
            {
                "criterion": results.criteria[j]["name"],
                "weight": float(table.weights[j]) * 100,
                "decrease_to": _pct(table.decrease_to[j]),
                "decrease_leader": _who(results, keys, int(table.decrease_leader[j])),
                "increase_to": _pct(table.increase_to[j]),
                "increase_leader": _who(results, keys, int(table.increase_leader[j])),
                "smallest": _pct(smallest[j]),
            }
            for j in range(len(results.criteria))
        ]
        results.leaders[method] = results.candidate_names[keys[table.leader]]
    complete_rows = [r for r in rows if r["complete"]]
    depth = max((len(r["weighted_sum"]["rank_probability"]) for r in complete_rows), default=0)
    results.chart = {
        "criteria": [c["name"] for c in results.criteria],
        "candidates": [r["name"] for r in complete_rows],
        "contributions": [r["contributions"] for r in complete_rows],
        "normalised": [r["normalised"] for r in complete_rows],
        "best": 0,
        "mc": {
            method: [r[method]["rank_probability"] for r in complete_rows] for method in METHODS
        },
        "rank_labels": [translate(RANK_LABEL, results.locale, rank=k + 1) for k in range(depth)],
        "labels": {
            "weighted_sum": translate(N_("Weighted sum"), results.locale),
            "topsis": translate(N_("TOPSIS"), results.locale),
            "points": translate(N_("Points of the weighted sum (0–100)"), results.locale),
            "probability": translate(N_("Probability"), results.locale),
        },
    }


def _pct(value: float) -> float | None:
    number = _num(value)
    return None if number is None else number * 100


def _who(results: Results, keys: list[str], index: int) -> str | None:
    return results.candidate_names[keys[index]] if index >= 0 else None


def results_as_dict(results: Results) -> dict[str, Any]:
    """The API's view: the CLI's JSON shape plus database ids, contributions and names."""
    view = results.view
    body: dict[str, Any] = {
        "evaluation_id": view.evaluation.id,
        "status": view.evaluation.status,
        "template": {
            "id": view.template.id,
            "version": view.version.version,
            "weight_mode": view.version.weight_mode,
        },
        "criteria": results.criteria,
        "errors": [p.as_dict(results.locale) for p in results.errors],
        "warnings": [p.as_dict(results.locale) for p in results.warnings],
    }
    if results.analysis is None:
        body["candidates"] = [
            {"candidate_id": row.candidate.id, "partner_id": row.partner.id, "complete": False}
            for row in view.candidates
        ]
        return body
    exported = analysis_as_dict(results.analysis, results.locale)
    partner_of = {str(row.candidate.id): row.partner.id for row in view.candidates}
    by_key = {row["key"]: row for row in results.rows}
    candidates = []
    for entry in exported["candidates"]:  # type: ignore[attr-defined]
        key = entry["key"]
        entry = dict(entry)
        entry["candidate_id"] = int(key)
        entry["partner_id"] = partner_of[key]
        entry["contributions"] = {
            c["key"]: v for c, v in zip(results.criteria, by_key[key]["contributions"], strict=True)
        }
        candidates.append(entry)
    body["candidates"] = candidates
    for name in ("weights", "incomplete", "robustness", "monte_carlo", "evaluators", "aggregation"):
        body[name] = exported[name]
    return body


def evaluator_names(session: Session, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all())
