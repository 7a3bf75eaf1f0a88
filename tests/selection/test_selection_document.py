"""The evaluation document: every bad input is reported with its JSON Pointer, at once."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from cofab.selection.analysis import analyse
from cofab.selection.evaluation_document import load_evaluation, parse_evaluation
from cofab.selection.problems import SelectionInputError

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "evaluation.json"


def small() -> dict[str, Any]:
    """Two candidates, three criteria, one evaluator's scores on the candidates."""
    return {
        "title": "Test",
        "criteria": [
            {"key": "tech", "type": "benefit", "scale": "1-5", "weight": 50},
            {"key": "price", "type": "cost", "scale": "measured", "unit": "KRW", "weight": 30},
            {"key": "otd", "type": "benefit", "scale": "0-100", "weight": 20},
        ],
        "candidates": [
            {"key": "a", "name": "Alpha", "scores": {"tech": 4, "price": 100, "otd": 90}},
            {
                "key": "b",
                "name": {"en": "Beta", "ko": "베타"},
                "scores": {"tech": 5, "price": 125, "otd": 80},
            },
        ],
    }


def problems_of(data: object, *, analysed: bool = False) -> set[tuple[str, str]]:
    with pytest.raises(SelectionInputError) as caught:
        evaluation = parse_evaluation(data)
        if analysed:
            analyse(evaluation, draws=10)
    return {(p.code, p.field) for p in caught.value.problems}


def test_the_example_file_parses_and_ranks() -> None:
    evaluation = load_evaluation(EXAMPLE)
    assert evaluation.evaluators == ("Kim (procurement)", "Lee (quality)", "Park (engineering)")
    assert evaluation.scores.shape == (3, 4, 6)
    result = analyse(evaluation, draws=200)
    assert result.complete.tolist() == [True, True, True, False]
    assert [item.index for item in result.incomplete] == [3]


def test_small_document_ranks_like_the_hand_example() -> None:
    # Same numbers as the weighted-sum hand example for A and B: A .795 + …, see scoring tests.
    result = analyse(parse_evaluation(small()), draws=100)
    ws = result.rankings["weighted_sum"]
    # price min/x with min 100: A 1.0, B .8; A = .5·.75 + .3·1 + .2·.9 = .855,
    # B = .5·1 + .3·.8 + .2·.8 = .9
    np.testing.assert_allclose(ws.score, [0.855, 0.9])
    assert ws.rank.tolist() == [2, 1]


def test_weights_not_summing_to_100() -> None:
    data = small()
    data["criteria"][2]["weight"] = 10
    assert problems_of(data, analysed=True) == {("weights_sum", "/criteria")}


def test_score_out_of_scale_points_at_the_score() -> None:
    data = small()
    data["candidates"][1]["scores"]["tech"] = 7
    data["candidates"][0]["scores"]["otd"] = 120
    assert problems_of(data, analysed=True) == {
        ("score_out_of_scale", "/candidates/1/scores/tech"),
        ("score_out_of_scale", "/candidates/0/scores/otd"),
    }


def test_several_problems_are_reported_together() -> None:
    data = small()
    data["criteria"][0]["weight"] = 70
    data["candidates"][1]["scores"]["tech"] = 0
    found = problems_of(data, analysed=True)
    assert found == {
        ("weights_sum", "/criteria"),
        ("score_out_of_scale", "/candidates/1/scores/tech"),
    }


def test_cost_criterion_with_a_zero_column() -> None:
    data = small()
    for candidate in data["candidates"]:
        candidate["scores"]["price"] = 0
    assert problems_of(data, analysed=True) == {("zero_column", "/criteria/1")}


def test_missing_score_flags_the_candidate_incomplete_never_zero() -> None:
    data = small()
    data["candidates"].append({"key": "c", "scores": {"tech": 5, "price": 1}})
    result = analyse(parse_evaluation(data), draws=100)
    assert result.complete.tolist() == [True, True, False]
    assert result.rankings["weighted_sum"].rank.tolist() == [2, 1, 0]
    assert math.isnan(result.rankings["topsis"].score[2])
    (item,) = result.incomplete
    assert item.missing == (2,)
    assert item.weight_covered == pytest.approx(0.8)
    # Provisional: (.5·1.0 + .3·(100/1)) / .8 — price 1 is far below the reference minimum.
    assert item.provisional_score == pytest.approx((0.5 + 0.3 * 100) / 0.8)
    assert np.isnan(result.monte_carlo["weighted_sum"].first[2])
    assert ("incomplete_candidate", "/candidates/2") in {(w.code, w.field) for w in result.warnings}


def test_ahp_matrix_instead_of_weights() -> None:
    data = small()
    for criterion in data["criteria"]:
        del criterion["weight"]
    data["ahp"] = {"matrix": [[1, 3, 5], ["1/3", 1, 3], ["1/5", "1/3", 1]]}
    result = analyse(parse_evaluation(data), draws=100)
    assert result.ahp is not None
    np.testing.assert_allclose(result.weights, [0.637, 0.258, 0.105], atol=5e-4)


def test_ahp_problems_point_at_cells() -> None:
    data = small()
    for criterion in data["criteria"]:
        del criterion["weight"]
    data["ahp"] = {"matrix": [[1, 3, 5], [0.5, 1, "x"], ["1/5", "1/3", 1]]}
    assert problems_of(data) == {("number", "/ahp/matrix/1/2")}
    data["ahp"] = {"matrix": [[1, 3, 5], [0.5, 1, 3], ["1/5", "1/3", 1]]}
    assert problems_of(data, analysed=True) == {("ahp_reciprocal", "/ahp/matrix/1/0")}
    data["ahp"] = {"matrix": [[1, 3], [1 / 3, 1]]}
    assert problems_of(data, analysed=True) == {("ahp_shape", "/ahp/matrix")}


def test_weights_and_ahp_together_or_neither() -> None:
    data = small()
    data["ahp"] = {"matrix": [[1, 1, 1], [1, 1, 1], [1, 1, 1]]}
    assert problems_of(data) == {("weights_or_ahp", "/ahp")}
    data = small()
    del data["criteria"][1]["weight"]
    assert problems_of(data) == {("weight_missing", "/criteria/1/weight")}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["criteria"][0].update(type="good"), {("direction", "/criteria/0/type")}),
        (lambda d: d["criteria"][0].update(scale="1-10"), {("scale", "/criteria/0/scale")}),
        (lambda d: d["criteria"][1].pop("unit"), {("unit", "/criteria/1/unit")}),
        (lambda d: d["criteria"][1].update(key="tech"), {("duplicate_key", "/criteria/1/key")}),
        (lambda d: d["criteria"][0].pop("key"), {("key", "/criteria/0/key")}),
        (lambda d: d["criteria"][0].update(weight="50"), {("number", "/criteria/0/weight")}),
        (lambda d: d.update(criteria=[]), {("not_list", "/criteria")}),
        (lambda d: d.update(aggregation="mode"), {("aggregation", "/aggregation")}),
        (
            lambda d: d["candidates"][0]["scores"].update(speed=3),
            {("unknown_criterion", "/candidates/0/scores/speed")},
        ),
        (
            lambda d: d["candidates"][0]["scores"].update(tech=True),
            {("number", "/candidates/0/scores/tech")},
        ),
        (lambda d: d["candidates"][1].update(key="a"), {("duplicate_key", "/candidates/1/key")}),
        (
            lambda d: [c.pop("scores") for c in d["candidates"]],
            {("no_scores", "/candidates")},
        ),
        (
            lambda d: d.update(evaluators=[{"name": "Kim", "scores": {}}]),
            {("scores_twice", "/evaluators")},
        ),
    ],
)
def test_structure_problems(change: Any, expected: set[tuple[str, str]]) -> None:
    data = copy.deepcopy(small())
    change(data)
    assert problems_of(data) == expected


def test_evaluator_sheets_point_at_their_own_scores() -> None:
    data = small()
    sheets = [{"name": "Kim", "scores": {}}, {"name": "Lee", "scores": {}}]
    for candidate in data["candidates"]:
        sheets[0]["scores"][candidate["key"]] = candidate.pop("scores")
        sheets[1]["scores"][candidate["key"]] = {"tech": 3}
    sheets[1]["scores"]["zeta"] = {"tech": 3}
    sheets[1]["scores"]["a"]["tech"] = 9
    data["evaluators"] = sheets
    assert problems_of(data) == {("unknown_candidate", "/evaluators/1/scores/zeta")}
    del sheets[1]["scores"]["zeta"]
    assert problems_of(data, analysed=True) == {
        ("score_out_of_scale", "/evaluators/1/scores/a/tech")
    }


def test_not_json_and_unreadable_files(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"criteria": [', encoding="utf-8")
    with pytest.raises(SelectionInputError) as caught:
        load_evaluation(broken)
    assert caught.value.problems[0].code == "not_json"
    assert "line 1" in caught.value.problems[0].render("en")
    with pytest.raises(SelectionInputError) as caught:
        load_evaluation(tmp_path / "absent.json")
    assert caught.value.problems[0].code == "unreadable"
    with pytest.raises(SelectionInputError) as caught:
        parse_evaluation(json.loads("[1, 2]"))
    assert caught.value.problems[0].code == "not_object"


def test_a_single_complete_candidate_is_first_with_nothing_to_flip() -> None:
    data = small()
    data["candidates"][1]["scores"].pop("otd")
    result = analyse(parse_evaluation(data), draws=50)
    assert result.rankings["weighted_sum"].rank.tolist() == [1, 0]
    assert result.monte_carlo["topsis"].first[0] == 1.0
    assert np.isnan(result.flips["weighted_sum"].smallest_change).all()
