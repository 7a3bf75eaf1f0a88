"""The house rules of DESIGN.md hold in the import graph: no cycle, core and db know no domain,
and a domain reaches another only through its ``service`` or ``models``.

The allow-lists below held the breaches issue 12 found, each with its reason; they are empty now
and only shrink (an entry that is no longer needed fails the test too). A new breach is fixed
with a hook or a ``service`` function (docs/architecture.md), not listed.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from tests.file_modules import load_file_module


def _load_picture() -> ModuleType:
    return load_file_module("scripts/import_picture.py", "import_picture")


picture = _load_picture()
Pair = tuple[str, str]

# Edges that close an import cycle. Function-level imports count: a lazy import that closes a loop
# only moves the failure from import time to the first call, and the two modules still cannot be
# understood (or moved) one without the other. Imports under ``if TYPE_CHECKING`` never run and
# do not count; neither do by-name references (they are checked by the layer rule below).
ALLOWED_CYCLE_EDGES: dict[Pair, str] = {}

# core/ and db/ naming a domain (by import or by a module name in a string).
ALLOWED_UPWARD: dict[Pair, str] = {}

# A domain importing another domain's inner module (anything but ``service``/``models``).
ALLOWED_SIDEWAYS: dict[Pair, str] = {}


def runtime_graph(edges: list[Any]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = picture.adjacency(
        e for e in edges if e.how in {"module", "function"}
    )
    return graph


def cycles(graph: dict[str, set[str]]) -> list[str]:
    """Each strongly connected group of modules, shown as one concrete loop through it."""
    shown = []
    for component in picture.strongly_connected(graph.keys(), graph):
        start = component[0]
        inside = {m: graph.get(m, set()) & set(component) for m in component}
        back = min(
            (picture.shortest_path(inside, nxt, start) for nxt in sorted(inside[start])),
            key=len,
        )
        shown.append(" -> ".join([start, *back]))
    return shown


def upward(edges: list[Any]) -> dict[Pair, list[Any]]:
    found: dict[Pair, list[Any]] = {}
    for e in edges:
        if (
            picture.part_of(e.importer) in {"core", "db"}
            and picture.part_of(e.imported) not in picture.FOUNDATION
        ):
            found.setdefault((e.importer, e.imported), []).append(e)
    return found


def sideways(edges: list[Any]) -> dict[Pair, list[Any]]:
    found: dict[Pair, list[Any]] = {}
    for e in edges:
        source, target = picture.part_of(e.importer), picture.part_of(e.imported)
        if not (picture.is_domain(source) and picture.is_domain(target)) or source == target:
            continue
        surface = {f"cofab.{target}.{name}" for name in picture.PUBLIC_SURFACE}
        if e.imported not in surface:
            found.setdefault((e.importer, e.imported), []).append(e)
    return found


def describe(found: dict[Pair, list[Any]], allowed: dict[Pair, str]) -> list[str]:
    shown = []
    for importer, imported in sorted(found.keys() - allowed.keys()):
        lines = ", ".join(str(e.line) for e in found[(importer, imported)])
        shown.append(f"{importer} -> {imported} (line {lines})")
    return shown


@pytest.fixture(scope="module")
def edges() -> list[Any]:
    found: list[Any] = picture.read_edges()
    return found


def test_no_import_cycle_beyond_the_allowed_edges(edges: list[Any]) -> None:
    graph = runtime_graph(edges)
    for importer, imported in ALLOWED_CYCLE_EDGES:
        graph.get(importer, set()).discard(imported)
    assert cycles(graph) == []


def test_every_allowed_cycle_edge_still_closes_a_cycle(edges: list[Any]) -> None:
    graph = runtime_graph(edges)
    stale = [
        pair
        for pair in ALLOWED_CYCLE_EDGES
        if pair[1] not in graph.get(pair[0], set())
        or picture.shortest_path(graph, pair[1], pair[0]) is None
    ]
    assert stale == [], "remove these from ALLOWED_CYCLE_EDGES"


def test_core_and_db_import_no_domain(edges: list[Any]) -> None:
    assert describe(upward(edges), ALLOWED_UPWARD) == []


def test_domains_reach_each_other_only_through_service_or_models(edges: list[Any]) -> None:
    assert describe(sideways(edges), ALLOWED_SIDEWAYS) == []


@pytest.mark.parametrize(
    ("allowed", "finder"),
    [(ALLOWED_UPWARD, upward), (ALLOWED_SIDEWAYS, sideways)],
    ids=["upward", "sideways"],
)
def test_allow_lists_only_shrink(edges: list[Any], allowed: dict[Pair, str], finder: Any) -> None:
    found = finder(edges)
    assert sorted(allowed.keys() - found.keys()) == [], "these breaches are gone: remove them"


def test_a_domain_never_imports_the_composition_root(edges: list[Any]) -> None:
    offending = [
        f"{e.importer} -> {e.imported}"
        for e in edges
        if picture.is_domain(picture.part_of(e.importer))
        and picture.part_of(e.imported) in picture.COMPOSITION_ROOT
    ]
    assert offending == []


def test_planning_engine_imports_nothing_else_of_cofab(edges: list[Any]) -> None:
    offending = [
        f"{e.importer} -> {e.imported}"
        for e in edges
        if e.importer.startswith("cofab.planning.engine")
        and not e.imported.startswith("cofab.planning.engine")
    ]
    assert offending == []


# --- the reader itself, on a small package written for the purpose ---------------------------


def _write(root: Path, files: dict[str, str]) -> Path:
    package = root / "cofab"
    for relative, text in files.items():
        path = package / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return package


def test_reader_resolves_every_import_form_and_marks_how_it_runs(tmp_path: Path) -> None:
    package = _write(
        tmp_path,
        {
            "__init__.py": "",
            "core/__init__.py": "",
            "core/web.py": (
                "from typing import TYPE_CHECKING\n"
                "from cofab.shop import service\n"  # a module named in from-import
                "from cofab.shop.models import Order\n"  # an attribute: its module
                "if TYPE_CHECKING:\n"
                "    from cofab.shop.pages import render\n"
                "def late():\n"
                "    import cofab.shop.api.routes\n"  # longest module prefix
                "HANDLERS = ['cofab.shop.jobs', 'cofab.shop']\n"  # by name, 3+ parts only
            ),
            "shop/__init__.py": "",
            "shop/service.py": "from . import models\nfrom .models import Order\n",
            "shop/models.py": "from ..core import web\n",
            "shop/pages.py": "",
            "shop/jobs.py": "",
            "shop/api/__init__.py": "from .routes import router\n",
            "shop/api/routes.py": "from ...core.web import late\n",
        },
    )
    found = {(e.importer, e.imported, e.how) for e in picture.read_edges(package)}
    assert found == {
        ("cofab.core.web", "cofab.shop.service", "module"),
        ("cofab.core.web", "cofab.shop.models", "module"),
        ("cofab.core.web", "cofab.shop.pages", "type-checking"),
        ("cofab.core.web", "cofab.shop.api.routes", "function"),
        ("cofab.core.web", "cofab.shop.jobs", "by-name"),
        ("cofab.shop.service", "cofab.shop.models", "module"),
        ("cofab.shop.models", "cofab.core.web", "module"),
        ("cofab.shop.api", "cofab.shop.api.routes", "module"),
        ("cofab.shop.api.routes", "cofab.core.web", "module"),
    }


def test_cycle_finder_reports_a_loop_and_ignores_a_chain() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": {"e"}}
    assert cycles(graph) == ["a -> b -> c -> a"]
    graph["c"].discard("a")
    assert cycles(graph) == []


def test_rules_flag_upward_and_sideways_imports() -> None:
    edge = picture.Edge
    sample = [
        edge("cofab.core.web", "cofab.shop.service", 1, "module"),
        edge("cofab.core.web", "cofab.db.session", 2, "module"),
        edge("cofab.shop.pages", "cofab.till.service", 3, "module"),
        edge("cofab.shop.pages", "cofab.till.models", 4, "module"),
        edge("cofab.shop.pages", "cofab.till.pages", 5, "type-checking"),
        edge("cofab.shop.pages", "cofab.shop.helpers", 6, "module"),
        edge("cofab.app", "cofab.till.pages", 7, "module"),
    ]
    assert set(upward(sample)) == {("cofab.core.web", "cofab.shop.service")}
    assert set(sideways(sample)) == {("cofab.shop.pages", "cofab.till.pages")}
