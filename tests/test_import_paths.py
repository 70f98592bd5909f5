"""`sys.path` changes only where a process starts. A library module that edits the path makes imports work
or fail depending on which module happened to load first; the entry points (`offline/__main__.py`,
`policies/__main__.py`, `scripts/*.py`) set it up once, and pytest through `pythonpath` in pyproject.toml."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIBRARIES = ("components", "offline", "policies")
ENTRY_POINT = "__main__.py"


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
        if path.name != ENTRY_POINT or path.parent.parent != ROOT
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
