"""The Markdown the generated references are written in: docstrings as table cells, code spans, defaults as a stack
file writes them, and tables."""

from __future__ import annotations

import inspect
import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from offline.diagram import diagram
from offline.graph import Graph


def one_line(text: str) -> str:
    """A docstring as one line of a table cell: pipes escaped, and angle brackets outside code spans too, so a
    placeholder such as <ARN> is not taken for an HTML tag."""
    parts = " ".join(inspect.cleandoc(text).split()).replace("|", "\\|").split("`")
    return "`".join(
        part if index % 2 else part.replace("<", "&lt;").replace(">", "&gt;") for index, part in enumerate(parts)
    )


def first_paragraph(text: str) -> str:
    return " ".join(inspect.cleandoc(text).split("\n\n")[0].split())


def first_sentence(text: str) -> str:
    """The first sentence of a docstring's first paragraph."""
    return re.split(r"(?<=[.!?])\s+(?=[A-Z`(])", first_paragraph(text), maxsplit=1)[0]


def code(value: object) -> str:
    return f"`{value}`"


def value_text(value: Any) -> str:
    """A default as it would be written in a stack file."""
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return code(str(value).lower())
    if isinstance(value, float):
        return code(f"{value:g}")
    if isinstance(value, list | tuple):
        return ", ".join(value_text(item) for item in value) if value else "none"
    if isinstance(value, Mapping):
        return ", ".join(f"{key} {value_text(item)}" for key, item in value.items()) if value else "none"
    if isinstance(value, BaseModel):
        return value_text(value.model_dump(by_alias=True))
    return code(value)


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = [f"| {' | '.join(header)} |", f"|{'|'.join('---' for _ in header)}|"]
    lines += [f"| {' | '.join(row)} |" for row in rows]
    return "\n".join(lines) + "\n"


def mermaid(graph: Graph) -> str:
    """The stack's architecture diagram (offline/diagram.py) as a Mermaid block, which GitHub draws."""
    return f"```mermaid\n{diagram(graph)}```"
