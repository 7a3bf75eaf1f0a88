"""Read cofab's import graph from the source and draw it domain by domain.

The house rules in DESIGN.md (no cycle, ``core``/``db`` know no domain, domains reach each other
only through ``service``/``models``) are only kept if something checks them; the import-rule
test (tests/core/test_import_rules.py) imports this module for the graph, and the same graph,
summed per domain, is the picture a closing note shows before and after a refactoring.

The graph is read statically (``ast``), so nothing is imported and no side effect runs: every
``import`` and ``from ... import`` anywhere in a module (module level, inside functions, under
``if TYPE_CHECKING``) becomes an edge with its line and how it runs. ``from x import y`` points
at the module ``x.y`` when that is a module, else at ``x``. A package's ``__init__`` that Python
runs on the way to a submodule is not an edge: the rule is about what a module names. A string
that spells a cofab module of three or more parts (``"cofab.planning.jobs"`` in a list handed to
``importlib.import_module``) is an edge too, marked ``by-name``: hiding a dependency in a string
does not remove it.

Usable as ``python scripts/import_picture.py``: one line per domain, its imports of the shared
layers and its arrows into other domains' ``service``/``models``, then every arrow that breaks a
house rule (flagged; exit code 1 when there is one). ``--pairs`` prints the older table of
domain -> domain counts, ``--dot`` the graph for Graphviz.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIR = ROOT / "src" / "cofab"

# Top-level parts of cofab that are not domains: the shared layers, assets and the composition
# root (the app and its API docs, the CLI and its lazy sub-apps, the list of domains and the demo
# loader wire every domain together, so they may import all).
FOUNDATION = frozenset({"core", "db", "config"})
ASSETS = frozenset({"locales", "static", "templates"})
COMPOSITION_ROOT = frozenset(
    {"app", "api_docs", "cli", "lazy_typer", "domains", "demo", "__main__", ""}
)
# What one domain may import from another: its public surface.
PUBLIC_SURFACE = frozenset({"service", "models"})

How = Literal["module", "function", "type-checking", "by-name"]


@dataclass(frozen=True)
class Edge:
    """One import statement of ``importer`` that names ``imported`` (both cofab modules)."""

    importer: str
    imported: str
    line: int
    how: How


def module_name(path: Path, package_dir: Path = PACKAGE_DIR) -> str:
    parts = list(path.relative_to(package_dir.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def discover_modules(package_dir: Path = PACKAGE_DIR) -> dict[str, Path]:
    return {
        module_name(path, package_dir): path
        for path in sorted(package_dir.rglob("*.py"))
        if "migrations" not in path.relative_to(package_dir).parts
    }


def _resolve(name: str, modules: Mapping[str, Path]) -> str | None:
    """The longest cofab module that ``name`` starts with (an attribute path ends at a module)."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _statements(tree: ast.Module) -> Iterator[tuple[ast.Import | ast.ImportFrom, How]]:
    """Every import statement with how it runs: at import time, on a call, or never."""

    def walk(node: ast.AST, how: How) -> Iterator[tuple[ast.Import | ast.ImportFrom, How]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                yield child, how
            elif isinstance(child, ast.If) and _is_type_checking(child.test):
                for stmt in child.body:
                    yield from walk(ast.Module(body=[stmt], type_ignores=[]), "type-checking")
                for stmt in child.orelse:
                    yield from walk(ast.Module(body=[stmt], type_ignores=[]), how)
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                yield from walk(child, "function" if how == "module" else how)
            else:
                yield from walk(child, how)

    yield from walk(tree, "module")


def _targets(
    stmt: ast.Import | ast.ImportFrom, importer: str, is_package: bool, modules: Mapping[str, Path]
) -> Iterator[str]:
    if isinstance(stmt, ast.Import):
        for alias in stmt.names:
            target = _resolve(alias.name, modules)
            if target is not None:
                yield target
        return
    base = stmt.module or ""
    if stmt.level:
        anchor = importer.split(".")
        if not is_package:
            anchor.pop()
        anchor = anchor[: len(anchor) - (stmt.level - 1)]
        base = ".".join([*anchor, base]) if base else ".".join(anchor)
    for alias in stmt.names:
        target = _resolve(f"{base}.{alias.name}", modules)
        if target is not None:
            yield target


def _named_modules(tree: ast.Module, modules: Mapping[str, Path]) -> Iterator[tuple[str, int]]:
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value.count(".") >= 2
            and node.value in modules
        ):
            yield node.value, node.lineno


def read_edges(package_dir: Path = PACKAGE_DIR) -> list[Edge]:
    modules = discover_modules(package_dir)
    edges: set[Edge] = set()
    for importer, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for stmt, how in _statements(tree):
            for imported in _targets(stmt, importer, path.name == "__init__.py", modules):
                if imported != importer:
                    edges.add(Edge(importer, imported, stmt.lineno, how))
        for imported, line in _named_modules(tree, modules):
            if imported != importer:
                edges.add(Edge(importer, imported, line, "by-name"))
    return sorted(edges, key=lambda e: (e.importer, e.imported, e.line))


def part_of(module: str) -> str:
    """The top-level part of cofab a module belongs to (``cofab.vault.keys`` -> ``vault``)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def is_domain(part: str) -> bool:
    return part not in FOUNDATION | ASSETS | COMPOSITION_ROOT


def domain_edges(edges: Iterable[Edge]) -> Counter[tuple[str, str]]:
    """Import statements from one domain into another, counted (the picture's arrows)."""
    return Counter(
        (part_of(e.importer), part_of(e.imported))
        for e in edges
        if is_domain(part_of(e.importer))
        and is_domain(part_of(e.imported))
        and part_of(e.importer) != part_of(e.imported)
    )


def layer_edges(edges: Iterable[Edge]) -> Counter[tuple[str, str]]:
    """Imports from a domain into the shared layers, counted per layer."""
    return Counter(
        (part_of(e.importer), part_of(e.imported))
        for e in edges
        if is_domain(part_of(e.importer)) and part_of(e.imported) in FOUNDATION
    )


def strongly_connected(nodes: Iterable[str], graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (the graph is a few hundred modules deep at most)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(nodes):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def shortest_path(graph: Mapping[str, set[str]], start: str, goal: str) -> list[str] | None:
    """Breadth-first path start -> goal, used to show a cycle as a readable chain."""
    previous: dict[str, str | None] = {start: None}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for child in sorted(graph.get(node, ())):
                if child in previous:
                    continue
                previous[child] = node
                if child == goal:
                    path = [child]
                    while (step := previous[path[-1]]) is not None:
                        path.append(step)
                    return path[::-1]
                following.append(child)
        frontier = following
    return None


def adjacency(edges: Iterable[Edge]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for edge in edges:
        graph.setdefault(edge.importer, set()).add(edge.imported)
    return graph


def render_text(edges: list[Edge]) -> str:
    lines = ["domain -> domain (imports)"]
    for (source, target), count in sorted(domain_edges(edges).items()):
        lines.append(f"  {source:<11} -> {target:<11} {count:>3}")
    lines.append("")
    lines.append("domain -> shared layer (imports)")
    for (source, target), count in sorted(layer_edges(edges).items()):
        lines.append(f"  {source:<11} -> {target:<11} {count:>3}")
    upward = Counter(
        (part_of(e.importer), part_of(e.imported))
        for e in edges
        if part_of(e.importer) in FOUNDATION and part_of(e.imported) not in FOUNDATION
    )
    lines.append("")
    lines.append("shared layer -> domain or app (imports, by-name included; should be none)")
    for (source, target), count in sorted(upward.items()):
        lines.append(f"  {source:<11} -> {target:<11} {count:>3}")
    if not upward:
        lines.append("  (none)")
    return "\n".join(lines)


def render_dot(edges: list[Edge]) -> str:
    lines = [
        "digraph cofab {",
        "  rankdir=LR;",
        '  node [shape=box, fontname="Helvetica"];',
        '  core [style=filled, fillcolor="#eeeeee"];',
        '  db [style=filled, fillcolor="#eeeeee"];',
    ]
    for (source, target), count in sorted(domain_edges(edges).items()):
        lines.append(f'  "{source}" -> "{target}" [label="{count}"];')
    for (source, target), count in sorted(layer_edges(edges).items()):
        lines.append(f'  "{source}" -> "{target}" [label="{count}", color="#bbbbbb"];')
    lines.append("}")
    return "\n".join(lines)


def flagged(edges: Iterable[Edge]) -> list[str]:
    """Every arrow that breaks a house rule, one line each: a shared layer naming a domain or the
    composition root, a domain reaching another's inner module or the composition root, and
    ``planning/engine`` importing the rest of cofab (the rules of tests/core/test_import_rules.py;
    cycles are that test's own check)."""
    found: set[str] = set()
    for e in edges:
        source, target = part_of(e.importer), part_of(e.imported)
        arrow = f"{e.importer} -> {e.imported}"
        if e.importer.startswith("cofab.planning.engine.") and not e.imported.startswith(
            "cofab.planning.engine"
        ):
            found.add(f"{arrow} (planning/engine imports cofab)")
        elif source in FOUNDATION and target not in FOUNDATION:
            found.add(f"{arrow} (a shared layer names {target or 'the package root'})")
        elif not is_domain(source) or source == target:
            continue
        elif target in COMPOSITION_ROOT:
            found.add(f"{arrow} (a domain imports the composition root)")
        elif is_domain(target) and e.imported not in {
            f"cofab.{target}.{name}" for name in PUBLIC_SURFACE
        }:
            found.add(f"{arrow} (not {target}'s service or models)")
    return sorted(found)


def render_domains(edges: list[Edge]) -> str:
    """The domains side by side: per domain, how many import statements name each shared layer,
    and its arrows into other domains (``partners.service 3``: three statements)."""
    layers = ("core", "db", "config")
    shared: dict[str, Counter[str]] = {}
    arrows: dict[str, Counter[str]] = {}
    for e in edges:
        source, target = part_of(e.importer), part_of(e.imported)
        if not is_domain(source):
            continue
        shared.setdefault(source, Counter())
        arrows.setdefault(source, Counter())
        if target in FOUNDATION:
            shared[source][target] += 1
        elif is_domain(target) and target != source:
            arrows[source][e.imported.removeprefix("cofab.")] += 1
    width = max((len(d) for d in shared), default=6)
    lines = [f"{'domain':<{width}}  {'core':>4} {'db':>3} {'config':>6}   other domains"]
    for domain in sorted(shared):
        counts = " ".join(
            f"{shared[domain][layer]:>{size}}"
            for layer, size in zip(layers, (4, 3, 6), strict=True)
        )
        others = ", ".join(f"{name} {n}" for name, n in sorted(arrows[domain].items())) or "-"
        lines.append(f"{domain:<{width}}  {counts}   {others}")
    breaches = flagged(edges)
    lines.append("")
    lines.append(f"flagged arrows: {len(breaches) or 'none'}")
    lines.extend(f"  {line}" for line in breaches)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    shape = parser.add_mutually_exclusive_group()
    shape.add_argument("--dot", action="store_true", help="print Graphviz dot instead of text")
    shape.add_argument("--pairs", action="store_true", help="domain -> domain counts, as before")
    args = parser.parse_args(argv)
    edges = read_edges()
    if args.dot:
        print(render_dot(edges))
    elif args.pairs:
        print(render_text(edges))
    else:
        print(render_domains(edges))
        return 1 if flagged(edges) else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
