"""A template read from the API re-imports unchanged: its current version, sent back as a new
version (or as a new template), gives the same criteria, weights, matrix and checklist."""

from __future__ import annotations

from typing import Any

from tests.conftest import World
from tests.selection.selection_world import create_template

IN_FIELDS = ("name_en", "name_ko", "weight_mode", "criteria", "ahp_matrix", "checklist", "note")


def _as_input(read: dict[str, Any]) -> dict[str, Any]:
    current = read["current"]
    return {k: current[k] for k in IN_FIELDS} | {"partner_type": read["partner_type"]}


def _content(read: dict[str, Any]) -> dict[str, Any]:
    return _as_input(read)


def test_template_export_reimports_unchanged(world: World, api: Any) -> None:
    manager = api(world.users["manager"])
    created = create_template(manager, note="v1 for the second CM")
    exported = manager.get(f"/api/v1/selection/templates/{created['id']}").json()
    again = manager.put(f"/api/v1/selection/templates/{created['id']}", json=_as_input(exported))
    assert again.status_code == 200, again.text
    assert again.json()["current_version"] == exported["current_version"] + 1
    assert _content(again.json()) == _content(exported)
    copy = manager.post(
        "/api/v1/selection/templates",
        json=_as_input(exported) | {"name_en": "Copy", "name_ko": "사본"},
    )
    assert copy.status_code == 201, copy.text
    assert _content(copy.json()) | {"name_en": "", "name_ko": ""} == _content(exported) | {
        "name_en": "",
        "name_ko": "",
    }


def test_ahp_template_reimports_unchanged(world: World, api: Any) -> None:
    manager = api(world.users["manager"])
    criteria = [
        {"key": "quality", "name_en": "Quality", "name_ko": "품질", "scale": "1-5"},
        {"key": "cost", "name_en": "Cost", "name_ko": "비용", "direction": "cost"},
        {"key": "otd", "name_en": "On-time", "name_ko": "납기", "scale": "0-100"},
    ]
    body = {
        "name_en": "AHP template",
        "name_ko": "AHP 템플릿",
        "weight_mode": "ahp",
        "criteria": criteria,
        "ahp_matrix": [[1, 3, 5], ["1/3", 1, 2], ["1/5", "1/2", 1]],
    }
    created = manager.post("/api/v1/selection/templates", json=body)
    assert created.status_code == 201, created.text
    exported = created.json()
    again = manager.put(f"/api/v1/selection/templates/{exported['id']}", json=_as_input(exported))
    assert again.status_code == 200, again.text
    assert _content(again.json()) == _content(exported)
    changed = _as_input(exported)
    changed["criteria"][0] = changed["criteria"][0] | {"weight": 50.0}  # not the matrix's weight
    refused = manager.put(f"/api/v1/selection/templates/{exported['id']}", json=changed)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "ahp_matrix"
