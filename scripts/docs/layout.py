"""The README's layout: a table per package of components/, facts/, policies/ and offline/, each module and
subpackage by the first sentence of its docstring."""

from __future__ import annotations

import ast
from pathlib import Path

from scripts.docs import ROOT, DocsError
from scripts.docs.markdown import code, first_sentence, one_line, table

LAYOUT_PACKAGES = ("components", "facts", "policies", "offline")


def _module_docstring(path: Path) -> str:
    docstring = ast.get_docstring(ast.parse(path.read_text()))
    if not docstring:
        raise DocsError(f"{path.relative_to(ROOT)} has no docstring: say in its first sentence what the module is")
    return docstring


def layout() -> str:
    """A table per package: each module and subpackage, and the first sentence of its docstring."""
    parts: list[str] = []
    for package in LAYOUT_PACKAGES:
        directory = ROOT / package
        parts.append(f"**`{package}/`** {first_sentence(_module_docstring(directory / '__init__.py'))}\n")
        entries = sorted(
            [path for path in directory.glob("*.py") if path.name != "__init__.py"]
            + [path for path in directory.iterdir() if (path / "__init__.py").is_file()]
        )
        rows = []
        for entry in entries:
            is_package = entry.is_dir()
            source = entry / "__init__.py" if is_package else entry
            shown = f"{entry.relative_to(ROOT)}/" if is_package else str(entry.relative_to(ROOT))
            rows.append([code(shown), one_line(first_sentence(_module_docstring(source)))])
        parts.append(table(["Module", "What it is"], rows))
    return "\n".join(parts)
