"""The import graph of `tracker`, read from the source with ast: no cycles, and the foundations
(the rules engine, the extension objects, the settings) use none of the features.

Every import counts, also one inside a function: it runs as soon as the function does, so hiding
it there hides a cycle, it does not remove one.
"""

import ast
from functools import cache
from pathlib import Path

import pytest

PACKAGE = "tracker"
SOURCE = Path(__file__).resolve().parents[1] / PACKAGE
FOUNDATIONS = ("tracker.rules", "tracker.extensions", "tracker.config")


def module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def read_modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(SOURCE.rglob("*.py"))}


MODULES = read_modules()


def is_package(module: str) -> bool:
    return MODULES[module].name == "__init__.py"


# Every package of tracker but the rules engine is a feature: auth, account, activities, api...
FEATURES = {module for module in MODULES
            if module.count(".") == 1 and is_package(module)} - {"tracker.rules"}


def known_module(name: str) -> str | None:
    """The module an imported name lives in: `tracker.models.User` is in tracker.models."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imported_names(module: str, source: str) -> set[str]:
    """What the module imports, anywhere in it, as absolute dotted names."""
    names = set()
    package = module.split(".") if is_package(module) else module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            # `from ..x import y` climbs from the module's package; `from tracker import
            # history` names the module tracker.history.
            base = package[:len(package) - node.level + 1] if node.level else []
            origin = ".".join([*base, *([node.module] if node.module else [])])
            names.update(f"{origin}.{alias.name}" for alias in node.names)
    return names


def packages_entered(importer: str, target: str) -> list[str]:
    """The packages whose __init__ runs when `importer` imports `target`: those that contain
    the target but not the importer (a module inside a package is only loaded while or after its
    package's __init__ runs, so that is no cycle). `tracker` itself, the app factory, is left
    out: it contains every module and runs before any of them."""
    parts = target.split(".")
    packages = [".".join(parts[:end]) for end in range(2, len(parts))]
    return [package for package in packages
            if not importer.startswith(package + ".") and importer != package]


@cache
def import_graph() -> dict[str, set[str]]:
    """For each module of tracker, the modules of tracker that importing it (or calling it) runs."""
    graph = {}
    for module in MODULES:
        source = MODULES[module].read_text()
        targets = {known_module(name) for name in imported_names(module, source)}
        targets = {target for target in targets if target not in (None, PACKAGE, module)}
        for target in list(targets):
            targets.update(packages_entered(module, target))
        graph[module] = targets
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import that leads back to a module still being read (depth first), as the chain of
    imports it closes; none means there is no cycle."""
    cycles: list[list[str]] = []
    done: set[str] = set()
    path: list[str] = []

    def visit(module: str) -> None:
        path.append(module)
        for target in sorted(graph[module]):
            if target in path:
                cycles.append([*path[path.index(target):], target])
            elif target not in done:
                visit(target)
        path.pop()
        done.add(module)

    for module in sorted(graph):
        if module not in done:
            visit(module)
    return cycles


def reachable(graph: dict[str, set[str]], module: str) -> dict[str, list[str]]:
    """Every module that importing `module` imports, with the chain of imports that leads there."""
    chains = {module: [module]}
    frontier = [module]
    while frontier:
        following = []
        for current in frontier:
            for target in sorted(graph[current]):
                if target not in chains:
                    chains[target] = [*chains[current], target]
                    following.append(target)
        frontier = following
    return chains


def is_feature(module: str) -> bool:
    return ".".join(module.split(".")[:2]) in FEATURES


def test_every_kind_of_import_is_read():
    source = ("from .documents import Report\n"
              "from .. import history\n"
              "from tracker import config\n"
              "def later():\n"
              "    import tracker.api.auth\n")
    assert imported_names("tracker.reports.views", source) == {
        "tracker.reports.documents.Report", "tracker.history", "tracker.config",
        "tracker.api.auth"}
    graph = import_graph()
    assert "tracker.account.views" in graph["tracker"]  # inside register_blueprints
    # Importing tracker.reports.documents from outside runs tracker/reports/__init__.py first;
    # a module of a package does not count its own package.
    assert {"tracker.reports", "tracker.reports.documents"} <= graph["tracker.api.report_views"]
    assert "tracker.api" not in graph["tracker.api.report_views"]


def test_tracker_modules_import_each_other_without_cycles():
    cycles = find_cycles(import_graph())
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(cycle) for cycle in cycles)


@pytest.mark.parametrize("foundation", FOUNDATIONS)
def test_the_foundations_use_no_feature(foundation):
    graph = import_graph()
    used = {}
    for module in MODULES:
        if module == foundation or module.startswith(foundation + "."):
            used.update(reachable(graph, module))
    features = sorted(module for module in used if is_feature(module))
    assert not features, f"{foundation} imports features:\n" + "\n".join(
        " -> ".join(used[module]) for module in features)
