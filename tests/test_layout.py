"""The layout rules of ARCHITECTURE.md, checked on the source tree (no app needed):
modules of at most 400 lines (migrations aside), views of at most 25 lines (decorators
and docstring not counted), no view module importing another view module, no family of
modules sharing a prefix where a folder belongs, and tests that mirror the tree."""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("academy", "courses", "talent", "reports", "api")
MAX_MODULE_LINES = 400
MAX_VIEW_LINES = 25
ROUTE_DECORATOR = re.compile(r"\.(get|post|route|put|delete|patch)\(")


def app_modules() -> list[Path]:
    return sorted(
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    )


def is_view_module(path: Path) -> bool:
    return "views" in path.parts or path.stem == "views"


def view_functions(tree: ast.Module) -> list[ast.FunctionDef]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
        and any(ROUTE_DECORATOR.search(ast.unparse(d)) for d in node.decorator_list)
    ]


def body_lines(function: ast.FunctionDef) -> int:
    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    if not body:
        return 0
    return (body[-1].end_lineno or body[-1].lineno) - body[0].lineno + 1


def test_no_module_over_400_lines() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in app_modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_no_view_over_25_lines() -> None:
    long = {}
    for path in app_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for view in view_functions(tree):
            if (n := body_lines(view)) > MAX_VIEW_LINES:
                long[f"{path.relative_to(ROOT)}:{view.name}"] = n
    assert long == {}


def test_views_import_no_other_view_module() -> None:
    found = []
    for path in app_modules():
        if not is_view_module(path):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                parts = node.module.split(".")
                if parts[0] in PACKAGES and ("views" in parts or parts[-1].startswith("views")):
                    found.append(f"{path.relative_to(ROOT)} imports {node.module}")
    assert found == []


def test_no_module_families_named_by_prefix() -> None:
    """Three modules of one folder sharing ``<prefix>_`` belong in a folder ``<prefix>/``."""
    families: Counter[tuple[str, str]] = Counter()
    for path in app_modules():
        match = re.match(r"([a-z]+)_", path.stem)
        if match:
            families[(str(path.parent.relative_to(ROOT)), match.group(1))] += 1
    assert {f"{folder}/{prefix}_*": n for (folder, prefix), n in families.items() if n >= 3} == {}


@pytest.mark.parametrize("package", PACKAGES)
def test_tests_mirror_the_tree(package: str) -> None:
    """Every test module of a package sits in the folder of a feature that exists."""
    stray = []
    for test in (ROOT / "tests" / package).rglob("test_*.py"):
        relative = test.parent.relative_to(ROOT / "tests")
        if relative.parts[1:] and not (ROOT / relative).is_dir():
            stray.append(str(test.relative_to(ROOT)))
    assert stray == []
