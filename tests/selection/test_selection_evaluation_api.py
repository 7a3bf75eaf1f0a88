"""An evaluation through the API: templates seeded and versioned, evaluators' sheets kept apart,
rankings checked against hand calculations, bad input refused field by field."""

from __future__ import annotations

import math

import pytest
from tests.conftest import World, make_partner
from tests.selection.selection_world import (
    candidate_ids,
    create_template,
    open_evaluation,
    score,
    template_body,
)

from cofab.db.session import unit_of_work


def test_default_templates_are_seeded_once_per_partner_type(world: World, api) -> None:  # type: ignore[no-untyped-def]
    client = api(world.users["viewer"])
    first = client.get("/api/v1/selection/templates").json()
    again = client.get("/api/v1/selection/templates").json()
    assert sorted(t["partner_type"] for t in first) == [
        "contract_manufacturer",
        "logistics",
        "supplier",
        "technology",
    ]
    assert [t["id"] for t in again] == [t["id"] for t in first]
    for template in first:
        weights = [c["weight"] for c in template["current"]["criteria"]]
        assert sum(weights) == pytest.approx(100)
        assert any(item["key"] == "financial_review" for item in template["current"]["checklist"])


def test_weighted_sum_and_topsis_match_hand_calculation(world: World, api) -> None:  # type: ignore[no-untyped-def]
    manager, quality = api(world.users["manager"]), api(world.users["quality"])
    template = create_template(manager)
    evaluation = open_evaluation(manager, template["id"], [world.partner_a, world.partner_b])
    ids = candidate_ids(evaluation)
    a, b = ids[world.partner_a], ids[world.partner_b]
    sheet = {a: {"quality": 4, "price": 100, "otd": 90}, b: {"quality": 3, "price": 80, "otd": 95}}
    assert score(manager, evaluation["id"], sheet).json() == {"changed": 6}

    body = manager.get(f"/api/v1/selection/evaluations/{evaluation['id']}/results").json()
    by_partner = {c["partner_id"]: c for c in body["candidates"]}
    # Normalised: quality (x-1)/4; price min/x; otd x/100 → A .75 .8 .9, B .5 1 .95
    ws_a = 0.5 * 0.75 + 0.3 * 0.8 + 0.2 * 0.9
    ws_b = 0.5 * 0.5 + 0.3 * 1.0 + 0.2 * 0.95
    assert by_partner[world.partner_a]["weighted_sum"]["score"] == pytest.approx(ws_a)
    assert by_partner[world.partner_b]["weighted_sum"]["score"] == pytest.approx(ws_b)
    assert by_partner[world.partner_a]["weighted_sum"]["rank"] == 1
    contributions = by_partner[world.partner_a]["contributions"]
    assert contributions == pytest.approx({"quality": 37.5, "price": 24.0, "otd": 18.0})

    # TOPSIS by hand: vector normalisation, weighted, distances to ideal / anti-ideal.
    raw = {"A": [4, 100, 90], "B": [3, 80, 95]}
    norms = [math.hypot(raw["A"][j], raw["B"][j]) for j in range(3)]
    w = [0.5, 0.3, 0.2]
    v = {k: [w[j] * raw[k][j] / norms[j] for j in range(3)] for k in raw}
    ideal = [max(v["A"][0], v["B"][0]), min(v["A"][1], v["B"][1]), max(v["A"][2], v["B"][2])]
    anti = [min(v["A"][0], v["B"][0]), max(v["A"][1], v["B"][1]), min(v["A"][2], v["B"][2])]

    def closeness(k: str) -> float:
        plus = math.dist(v[k], ideal)
        minus = math.dist(v[k], anti)
        return minus / (plus + minus)

    assert by_partner[world.partner_a]["topsis"]["score"] == pytest.approx(closeness("A"))
    assert by_partner[world.partner_b]["topsis"]["score"] == pytest.approx(closeness("B"))

    # A second evaluator disagrees on quality; the mean moves A's quality to 3 and B leads.
    assert (
        score(quality, evaluation["id"], {a: {"quality": 2}, b: {"quality": 3}}).status_code == 200
    )
    scores = manager.get(f"/api/v1/selection/evaluations/{evaluation['id']}/scores").json()
    assert {(s["evaluator"], s["candidate_id"], s["criterion"]) for s in scores} >= {
        (world.users["manager"], a, "quality"),
        (world.users["quality"], a, "quality"),
    }
    again = manager.get(f"/api/v1/selection/evaluations/{evaluation['id']}/results").json()
    ranks = {c["partner_id"]: c["weighted_sum"]["rank"] for c in again["candidates"]}
    assert ranks == {world.partner_b: 1, world.partner_a: 2}
    first = {c["partner_id"]: c["weighted_sum"]["p_first"] for c in again["candidates"]}
    assert sum(first.values()) == pytest.approx(1.0)
    assert again == manager.get(f"/api/v1/selection/evaluations/{evaluation['id']}/results").json()
    assert set(again["robustness"]) == {"weighted_sum", "topsis"}


def test_missing_scores_flag_incomplete_and_extreme_scores_ask_for_justification(
    world: World, api, engine
) -> None:  # type: ignore[no-untyped-def]
    manager = api(world.users["manager"])
    with unit_of_work(engine) as session:
        third = make_partner(session, "Charlie Casting").id
    template = create_template(manager)
    evaluation = open_evaluation(manager, template["id"], [world.partner_a, world.partner_b, third])
    ids = candidate_ids(evaluation)
    sheet = {
        ids[world.partner_a]: {"quality": 5, "price": 100, "otd": 90},
        ids[world.partner_b]: {"quality": 3, "price": 80, "otd": 95},
        ids[third]: {"quality": 4, "price": 90},
    }
    assert score(manager, evaluation["id"], sheet).status_code == 200
    body = manager.get(f"/api/v1/selection/evaluations/{evaluation['id']}/results").json()
    by_partner = {c["partner_id"]: c for c in body["candidates"]}
    assert by_partner[third]["complete"] is False
    assert by_partner[third]["weighted_sum"]["rank"] is None
    assert body["incomplete"][0]["missing"] == ["otd"]
    codes = [w["code"] for w in body["warnings"]]
    assert "incomplete_candidate" in codes and "justification_needed" in codes
    incomplete = next(w for w in body["warnings"] if w["code"] == "incomplete_candidate")
    assert "Charlie Casting" in incomplete["detail"] and "On-time delivery" in incomplete["detail"]


def test_bad_template_input_is_refused_field_by_field(world: World, api) -> None:  # type: ignore[no-untyped-def]
    manager = api(world.users["manager"])
    body = template_body()
    body["criteria"][0]["weight"] = 40
    response = manager.post("/api/v1/selection/templates", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in response.json()["errors"]] == ["criteria"]
    assert "90" in response.json()["errors"][0]["message"]

    not_reciprocal = template_body(
        weight_mode="ahp", ahp_matrix=[[1, 3, 5], [3, 1, 2], [0.2, 0.5, 1]]
    )
    for c in not_reciprocal["criteria"]:
        c.pop("weight")
    response = manager.post("/api/v1/selection/templates", json=not_reciprocal)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["ahp_matrix.1.0"]

    wrong_size = not_reciprocal | {"ahp_matrix": [[1, 2], [0.5, 1]]}
    response = manager.post("/api/v1/selection/templates", json=wrong_size)
    assert [e["field"] for e in response.json()["errors"]] == ["ahp_matrix"]

    negative = not_reciprocal | {"ahp_matrix": [[1, -3, 5], ["1/3", 1, 2], [0.2, 0.5, 1]]}
    fields = [
        e["field"]
        for e in manager.post("/api/v1/selection/templates", json=negative).json()["errors"]
    ]
    assert "ahp_matrix.0.1" in fields

    no_unit = template_body()
    no_unit["criteria"][1]["unit"] = None
    response = manager.post("/api/v1/selection/templates", json=no_unit)
    assert [e["field"] for e in response.json()["errors"]] == ["criteria.1.unit"]
    names = {t["current"]["name_en"] for t in manager.get("/api/v1/selection/templates").json()}
    assert "Small hand-checked template" not in names


def test_korean_problem_messages(world: World, api) -> None:  # type: ignore[no-untyped-def]
    manager = api(world.users["manager"], locale="ko")
    body = template_body()
    body["criteria"][0]["weight"] = 40
    message = manager.post("/api/v1/selection/templates", json=body).json()["errors"][0]["message"]
    assert any("\uac00" <= ch <= "\ud7a3" for ch in message) and "90" in message


def test_ahp_template_weights_consistency_and_named_pair(world: World, api) -> None:  # type: ignore[no-untyped-def]
    manager = api(world.users["manager"])
    consistent = template_body(
        weight_mode="ahp", ahp_matrix=[[1, 2, 4], ["1/2", 1, 2], [0.25, 0.5, 1]]
    )
    for c in consistent["criteria"]:
        c.pop("weight")
    created = manager.post("/api/v1/selection/templates", json=consistent).json()
    weights = [c["weight"] for c in created["current"]["criteria"]]
    assert weights == pytest.approx([400 / 7, 200 / 7, 100 / 7], abs=1e-3)
    assert created["current"]["consistency_ratio"] == pytest.approx(0, abs=1e-9)

    preview = manager.post(
        "/api/v1/selection/ahp",
        json={
            "criteria": ["Quality", "Price", "Delivery"],
            "matrix": [[1, 9, "1/9"], ["1/9", 1, 9], [9, "1/9", 1]],
        },
    ).json()
    assert preview["consistency_ratio"] > 0.1 and not preview["acceptable"]
    assert preview["warning"] and set(preview["most_inconsistent_pair"]) <= {
        "Quality",
        "Price",
        "Delivery",
    }
    pair = preview["most_inconsistent_pair"]
    assert pair[0] in preview["warning"] and pair[1] in preview["warning"]


def test_template_edit_makes_a_version_and_evaluations_keep_theirs(world: World, api) -> None:  # type: ignore[no-untyped-def]
    manager = api(world.users["manager"])
    template = create_template(manager)
    old = open_evaluation(manager, template["id"], [world.partner_a])
    body = template_body()
    body["criteria"][0]["weight"] = 60
    body["criteria"][1]["weight"] = 20
    updated = manager.put(f"/api/v1/selection/templates/{template['id']}", json=body).json()
    assert updated["current_version"] == 2 and updated["versions"] == [1, 2]
    new = open_evaluation(manager, template["id"], [world.partner_a])
    assert manager.get(f"/api/v1/selection/evaluations/{old['id']}").json()["template_version"] == 1
    assert new["template_version"] == 2
    v1 = manager.get(f"/api/v1/selection/templates/{template['id']}/versions/1").json()
    assert [c["weight"] for c in v1["criteria"]] == [50, 30, 20]


def test_bad_scores_write_nothing(world: World, api) -> None:  # type: ignore[no-untyped-def]
    manager = api(world.users["manager"])
    template = create_template(manager)
    evaluation = open_evaluation(manager, template["id"], [world.partner_a])
    cid = candidate_ids(evaluation)[world.partner_a]
    response = score(manager, evaluation["id"], {cid: {"quality": 4, "otd": 120, "price": -5}})
    assert response.status_code == 422
    fields = sorted(e["field"] for e in response.json()["errors"])
    assert fields == ["scores.1.value", "scores.2.value"]
    unknown = score(manager, evaluation["id"], {cid: {"colour": 3}, 999999: {"quality": 3}})
    assert sorted(e["field"] for e in unknown.json()["errors"]) == [
        "scores.0.criterion",
        "scores.1.candidate_id",
    ]
    assert manager.get(f"/api/v1/selection/evaluations/{evaluation['id']}/scores").json() == []


def test_zero_column_is_reported_and_blocks_closing(world: World, api) -> None:  # type: ignore[no-untyped-def]
    manager = api(world.users["manager"])
    template = create_template(manager)
    evaluation = open_evaluation(manager, template["id"], [world.partner_a, world.partner_b])
    ids = candidate_ids(evaluation)
    sheet = {cid: {"quality": 3, "price": 0, "otd": 90} for cid in ids.values()}
    assert score(manager, evaluation["id"], sheet).status_code == 200
    body = manager.get(f"/api/v1/selection/evaluations/{evaluation['id']}/results").json()
    assert [e["code"] for e in body["errors"]] == ["zero_column"]
    assert "Unit price" in body["errors"][0]["detail"]
    close = manager.post(
        f"/api/v1/selection/evaluations/{evaluation['id']}/close",
        json={"selected_candidate_ids": [ids[world.partner_a]], "rationale": "x"},
    )
    assert close.status_code == 422
    assert (
        manager.get(f"/api/v1/selection/evaluations/{evaluation['id']}").json()["status"] == "open"
    )


def test_roles_viewer_reads_but_cannot_score_partner_sees_nothing(world: World, api) -> None:  # type: ignore[no-untyped-def]
    manager = api(world.users["manager"])
    template = create_template(manager)
    evaluation = open_evaluation(manager, template["id"], [world.partner_a])
    cid = candidate_ids(evaluation)[world.partner_a]
    viewer = api(world.users["viewer"])
    assert viewer.get(f"/api/v1/selection/evaluations/{evaluation['id']}").status_code == 200
    assert score(viewer, evaluation["id"], {cid: {"quality": 3}}).status_code == 403
    partner = api(world.users["partner_a"])
    assert partner.get("/api/v1/selection/evaluations").status_code == 404
    assert partner.get(f"/api/v1/selection/evaluations/{evaluation['id']}").status_code == 404
    assert partner.get(f"/api/v1/selection/candidates/{cid}/due-diligence").status_code == 404
