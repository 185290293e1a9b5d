"""Everything the app imports is installed by `pip install .`, not only by the test extras.

`make run` installs the package without its test extras, so an import of a test-only library
anywhere in tracker/ breaks the app on a fresh machine while the suite stays green.
"""

import ast
import re
import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

TRACKER = Path(__file__).resolve().parents[2] / "tracker"


def imported_top_level_modules() -> set[str]:
    names = set()
    for path in TRACKER.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"tracker"}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_closure(distribution: str, extras: frozenset[str] = frozenset()) -> set[str]:
    """The distribution and everything its requirements pull in, without test extras."""
    seen: set[str] = set()
    pending = [(distribution, extras)]
    while pending:
        name, wanted_extras = pending.pop()
        key = canonical(name)
        if key in seen and not wanted_extras:
            continue
        seen.add(key)
        for line in metadata.requires(name) or []:
            requirement = Requirement(line)
            environment = {"extra": ""}
            applies = requirement.marker is None or requirement.marker.evaluate(environment)
            for extra in wanted_extras:
                if requirement.marker is not None and requirement.marker.evaluate(
                        {"extra": extra}):
                    applies = True
            if applies:
                pending.append((requirement.name, frozenset(requirement.extras)))
    return seen


def test_every_module_the_app_imports_is_a_runtime_dependency():
    installed = runtime_closure("recert")
    providers = metadata.packages_distributions()
    missing = {
        module: providers.get(module, ["(not installed)"])
        for module in imported_top_level_modules()
        if not installed & {canonical(name) for name in providers.get(module, [])}
    }
    assert missing == {}, f"imported by tracker/ but not installed by `pip install .`: {missing}"
