"""The tests mirror src/feedback/: each folder of tests/ is named for the package it tests (or
is one of the few that test the whole app), and fixtures shared between packages live in
explicitly named modules (tests/support/), never in another package's conftest."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
PACKAGES = TESTS.parent / "src" / "feedback"

# Folders that test no one package: real-browser journeys, the public contract of
# shared/DESIGN.md, and the shared fixtures and builders.
NOT_A_PACKAGE = {"e2e", "contract", "support"}


def _test_folders() -> set[str]:
    return {path.parent.name for path in TESTS.glob("*/__init__.py")}


def _imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_every_test_folder_is_named_for_a_package() -> None:
    packages = {path.parent.name for path in PACKAGES.glob("*/__init__.py")}
    assert sorted(_test_folders() - packages - NOT_A_PACKAGE) == []


def test_no_test_module_imports_another_packages_conftest() -> None:
    """A package's conftest is for its own tests; what two packages share is named in
    tests/support/. The top-level conftest is every package's own (its fixtures reach all)."""
    reaching = []
    for path in sorted(TESTS.rglob("*.py")):
        own = ".".join(("tests", *path.relative_to(TESTS).parent.parts, "conftest"))
        for module in _imported_modules(path):
            if module.endswith(".conftest") and module not in (own, "tests.conftest"):
                reaching.append(f"{path.relative_to(TESTS)} imports {module}")
    assert reaching == []
