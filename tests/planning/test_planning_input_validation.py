"""Bad input: every problem found at once, each with its JSON path and a Korean translation."""

from __future__ import annotations

import ast
import copy
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po

from cofab.planning import problems as problem_messages
from cofab.planning import semantic_checks
from cofab.planning.loader import input_schema, load_document, load_file, validate_document
from cofab.planning.planning_input import PlanningInput
from cofab.planning.problems import Problem

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def good_doc() -> dict[str, Any]:
    return {
        "products": [{"id": "P1", "family": "F1"}, {"id": "P2", "family": "F2"}],
        "periods": ["T1", "T2"],
        "sites": [
            {"id": "S1", "region": "VN", "capacity": {"F1": 100}, "unit_cost": {"P1": 2}},
            {"id": "S2", "region": "KR", "capacity": 500},
        ],
        "markets": [{"id": "M1", "demand": {"P1": 50, "P2": {"T2": 10}}}],
        "lanes": [{"site": "S1", "market": "M1"}, {"site": "S2", "market": "M1"}],
        "policy": {"max_share_per_site": 0.8},
    }


def codes(found: list[Problem]) -> list[tuple[str, str]]:
    return [(p.path, p.message) for p in found]


def test_good_document_loads() -> None:
    loaded = load_document(good_doc())
    assert isinstance(loaded, PlanningInput)
    assert loaded.model.demand_qty.tolist() == [50.0, 50.0, 10.0]


def test_examples_are_valid() -> None:
    files = sorted(EXAMPLES.glob("planner-*.json"))
    assert len(files) >= 2
    for path in files:
        assert isinstance(load_file(path), PlanningInput), path


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (
            lambda d: d["lanes"].append({"site": "S9", "market": "M1"}),
            "$.lanes[2].site",
            semantic_checks.UNKNOWN_SITE,
        ),
        (
            lambda d: d["lanes"].append({"site": "S1", "market": "M9"}),
            "$.lanes[2].market",
            semantic_checks.UNKNOWN_MARKET,
        ),
        (
            lambda d: d["sites"][1].update(capacity=-5),
            "$.sites[1].capacity",
            problem_messages.NEGATIVE,
        ),
        (
            lambda d: d["sites"][0]["capacity"].update(F1={"T1": -1}),
            "$.sites[0].capacity.F1.T1",
            problem_messages.NEGATIVE,
        ),
        (
            lambda d: d["markets"][0]["demand"].update(P1=-3),
            "$.markets[0].demand.P1",
            problem_messages.NEGATIVE,
        ),
        (
            lambda d: d["policy"].update(max_share_per_site=1.5),
            "$.policy.max_share_per_site",
            problem_messages.ABOVE_MAXIMUM,
        ),
        (
            lambda d: d["policy"].update(max_share_per_region=-0.1),
            "$.policy.max_share_per_region",
            problem_messages.NEGATIVE,
        ),
        (
            lambda d: d["sites"][0].update(defect_rate=1.0),
            "$.sites[0].defect_rate",
            problem_messages.NOT_BELOW,
        ),
        (
            lambda d: d["lanes"].pop(1),
            "$.markets[0].demand.P2",
            semantic_checks.NO_LANE_FOR_DEMAND,
        ),
        (
            lambda d: d["sites"][0].update(colour="red"),
            "$.sites[0].colour",
            problem_messages.UNKNOWN_FIELD,
        ),
        (
            lambda d: d["markets"][0].pop("demand"),
            "$.markets[0].demand",
            problem_messages.MISSING_FIELD,
        ),
        (
            lambda d: d["sites"][0].update(available_from="T7"),
            "$.sites[0].available_from",
            semantic_checks.UNKNOWN_PERIOD,
        ),
        (
            lambda d: d["sites"][0].update(capex=10),
            "$.sites[0].capex",
            semantic_checks.CAPEX_NOT_NEW_PLANT,
        ),
        (
            lambda d: d["sites"][0]["unit_cost"].update(P7=1),
            "$.sites[0].unit_cost.P7",
            semantic_checks.UNKNOWN_PRODUCT,
        ),
        (
            lambda d: d["products"].append({"id": "P1", "family": "F1"}),
            "$.products[2].id",
            semantic_checks.DUPLICATE_ID,
        ),
        (
            lambda d: d["policy"].update(min_sources=3),
            "$.products[0]",
            semantic_checks.TOO_FEW_SOURCES,
        ),
        (
            lambda d: d["sites"][1].update(kind="factory"),
            "$.sites[1].kind",
            problem_messages.NOT_ONE_OF,
        ),
        (
            lambda d: d["sites"][1].update(capacity="lots"),
            "$.sites[1].capacity",
            problem_messages.WRONG_TYPE_EITHER,
        ),
    ],
)
def test_each_bad_input_is_reported_at_its_path(change: Any, path: str, message: str) -> None:
    doc = good_doc()
    change(doc)
    found = validate_document(doc)
    assert (path, message) in codes(found)
    assert isinstance(load_document(doc), list)


def test_all_problems_are_listed_together() -> None:
    doc = good_doc()
    doc["lanes"].append({"site": "S9", "market": "M9"})
    doc["sites"][1]["capacity"] = -1
    doc["markets"][0]["demand"]["P1"] = -2
    doc["policy"]["max_share_per_site"] = 2
    found = codes(validate_document(doc))
    assert ("$.lanes[2].site", semantic_checks.UNKNOWN_SITE) in found
    assert ("$.lanes[2].market", semantic_checks.UNKNOWN_MARKET) in found
    assert ("$.sites[1].capacity", problem_messages.NEGATIVE) in found
    assert ("$.markets[0].demand.P1", problem_messages.NEGATIVE) in found
    assert ("$.policy.max_share_per_site", problem_messages.ABOVE_MAXIMUM) in found


def test_semantic_checks_survive_a_structurally_broken_document() -> None:
    found = validate_document({"products": "x", "sites": [1, {"id": 3}], "lanes": {}})
    assert ("$", problem_messages.MISSING_FIELD) not in codes(found)
    assert ("$.markets", problem_messages.MISSING_FIELD) in codes(found)


def test_json_errors_are_problems(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"products": [', encoding="utf-8")
    loaded = load_file(bad)
    assert isinstance(loaded, list)
    assert loaded[0].message == problem_messages.NOT_JSON
    missing = load_file(tmp_path / "missing.json")
    assert isinstance(missing, list)
    assert missing[0].message == problem_messages.FILE_UNREADABLE


def test_problem_text_in_korean() -> None:
    problem = Problem("$.lanes[0].site", semantic_checks.UNKNOWN_SITE, {"id": "S9"})
    assert problem.text("en") == "Unknown site 'S9'"
    korean = problem.text("ko")
    assert "S9" in korean and korean != problem.text("en")


def test_schema_is_draft_2020_12() -> None:
    assert input_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


#: the modules of the planner library and CLI (the web layer keeps its own catalogue checks)
LIBRARY_MODULES = (
    "cli.py",
    "cli_render.py",
    "compare.py",
    "loader.py",
    "make_or_buy_input.py",
    "plan_document.py",
    "planning_input.py",
    "problems.py",
    "semantic_checks.py",
    "simulation_setup.py",
)


def _marked_messages() -> set[str]:
    """Every N_("…") literal in the planner library and CLI."""
    root = Path(str(resources.files("cofab.planning")))
    found: set[str] = set()
    for path in [root / name for name in LIBRARY_MODULES]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "N_"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


def test_every_planning_message_has_a_korean_translation() -> None:
    po = resources.files("cofab") / "locales" / "ko" / "LC_MESSAGES" / "planning.po"
    with po.open("rb") as handle:
        catalog = {m.id: m.string for m in read_po(handle, locale="ko") if m.id}
    marked = _marked_messages()
    assert len(marked) > 20
    missing = sorted(m for m in marked if not catalog.get(m))
    assert missing == []
    for message in marked:
        placeholders = {part.split("}")[0] for part in message.split("{")[1:]}
        translated = str(catalog[message])
        assert all("{" + name + "}" in translated for name in placeholders), message


def test_deepcopy_of_documents_is_not_mutated_by_loading() -> None:
    doc = good_doc()
    before = copy.deepcopy(doc)
    load_document(doc)
    assert doc == before
