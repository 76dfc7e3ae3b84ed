"""Everything the code imports is declared in pyproject.toml, so a fresh install has it."""
from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions

from helpers.processes import REPO

OWN = {"kansli", "service", "workers", "helpers"}


def imported(folders: list[str]) -> set[str]:
    """Top-level names of the modules imported anywhere under ``folders``."""
    names = set()
    for folder in folders:
        for path in (REPO / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    names |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names.add(node.module.split(".")[0])
    return names - OWN - set(sys.stdlib_module_names) - {"__future__"}


def declared(*groups: str) -> set[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    requirements = [*project["dependencies"],
                    *(r for g in groups for r in project["optional-dependencies"][g])]
    return {re.split(r"[\[<>=!~ ;]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements}


def distributions(modules: set[str]) -> dict[str, set[str]]:
    found = packages_distributions()
    return {m: {d.lower().replace("_", "-") for d in found.get(m, [])} for m in modules}


def test_the_service_imports_only_declared_packages() -> None:
    runtime = declared()
    missing = {m: d for m, d in distributions(imported(["kansli", "service", "workers"])).items() if not d & runtime}
    assert not missing, f"imported but not declared in [project] dependencies: {missing}"


def test_the_tests_import_only_declared_packages() -> None:
    everything = declared("test")
    missing = {m: d for m, d in distributions(imported(["tests", "bench"])).items() if not d & everything}
    assert not missing, f"imported by tests but not declared in the test extras: {missing}"

