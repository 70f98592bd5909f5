"""The generators of the documentation's generated parts, one module per reference (scripts/generate_docs.py runs
them): what every generator shares is here, the Markdown they write in `markdown`, the pages and their markers in
`pages`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from offline.graph import Graph

ROOT = Path(__file__).resolve().parent.parent.parent

GraphOf = Callable[[str], Graph]
"""How a generator gets a stack's offline graph (tests pass their session's cached one)."""


class DocsError(Exception):
    """A page the generator cannot fill in, or code it cannot describe: says which and why."""
