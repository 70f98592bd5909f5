"""`sys.path` changes only where a process starts. A library module that edits the path makes imports work
or fail depending on which module happened to load first; the entry points (`offline/__main__.py`,
`policies/__main__.py`, `scripts/*.py`, `bench/*.py`) set it up once, and pytest through `pythonpath` in
pyproject.toml."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIBRARIES = ("components", "facts", "offline", "policies")
ENTRY_POINT = "__main__.py"
# The one library module that changes the path on purpose: it runs another git revision's program beside the
# working tree's, with that tree's root first on the path for the run only, and restores path and modules after it
# (tests/test_diff.py checks that it does).
SCOPED_PATH_CHANGES = {"offline/revision.py"}


def _is_sys_path(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "path"
        and isinstance(node.value, ast.Name)
        and node.value.id == "sys"
    )


def path_changes(source: str) -> list[int]:
    """The lines of `source` that change the import path: a call of a `sys.path` method, an assignment to
    `sys.path` or an item of it, or `site.addsitedir`."""
    lines: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner, method = node.func.value, node.func.attr
            adds_site_dir = isinstance(owner, ast.Name) and (owner.id, method) == ("site", "addsitedir")
            if _is_sys_path(owner) or adds_site_dir:
                lines.add(node.lineno)
        elif isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(_is_sys_path(target.value if isinstance(target, ast.Subscript) else target) for target in targets):
                lines.add(node.lineno)
    return sorted(lines)


def test_library_modules_leave_sys_path_alone() -> None:
    modules = [path for library in LIBRARIES for path in sorted((ROOT / library).rglob("*.py"))]
    assert len(modules) > 20
    changes = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in modules
        if (path.name != ENTRY_POINT or path.parent.parent != ROOT)
        and str(path.relative_to(ROOT)) not in SCOPED_PATH_CHANGES
        for line in path_changes(path.read_text())
    ]
    assert not changes, f"only entry points may change sys.path: {changes}"


def test_every_way_to_change_the_path_is_found() -> None:
    source = """\
import site
import sys
sys.path.insert(0, "a")
sys.path.append("b")
sys.path += ["c"]
sys.path[0] = "d"
sys.path = ["e"]
site.addsitedir("f")
print(sys.path[0], site.getsitepackages())
"""
    assert path_changes(source) == [3, 4, 5, 6, 7, 8]


# What the published pack may import besides the standard library: its SDKs, itself and the shared facts.
PACK_IMPORTS = {"pulumi", "pulumi_policy", "policies", "facts"}


def imported_packages(source: str) -> set[str]:
    """The top-level packages `source` imports (relative imports excluded: they stay inside the package)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def _foreign_imports(package: str, allowed: set[str]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for name in sorted(imported_packages(path.read_text()))
        if name not in sys.stdlib_module_names and name not in allowed
    ]


def test_the_facts_need_only_the_standard_library() -> None:
    assert _foreign_imports("facts", {"facts"}) == []


def test_the_policy_pack_needs_only_its_sdks_and_the_facts() -> None:
    assert _foreign_imports("policies", PACK_IMPORTS) == []


def test_a_foreign_import_is_found() -> None:
    source = "import json\nimport pydantic\nfrom components.config import load\nfrom . import sibling\n"
    assert imported_packages(source) - set(sys.stdlib_module_names) == {"pydantic", "components"}


def test_tests_share_helpers_not_each_other() -> None:
    """Helpers live in helper modules (tests/helpers.py and the like): a test module that imports another, or
    conftest, runs that module's tests' imports and couples two subjects."""
    imports = [
        f"{path.relative_to(ROOT)} imports {node.module}"
        for path in sorted((ROOT / "tests").glob("*.py"))
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom)
        and node.module
        and node.module.startswith(("tests.test_", "tests.conftest"))
    ]
    assert imports == []
