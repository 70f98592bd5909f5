"""The pages that hold generated parts, and what fills each: every part lies between two markers in a hand-written
page, and is regenerated from the code, or compared with what the code generates now."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from scripts.docs import DocsError, GraphOf
from scripts.docs.alarms import alarms
from scripts.docs.config import config_reference
from scripts.docs.layout import layout
from scripts.docs.markdown import mermaid
from scripts.docs.policies import policy_table

GENERATOR = "scripts/generate_docs.py"
_BEGIN = re.compile(r"<!-- BEGIN GENERATED: (?P<name>[a-z]+)\b[^>]*-->\n")
_REGION = re.compile(
    r"(?P<begin><!-- BEGIN GENERATED: (?P<name>[a-z]+)\b[^>]*-->\n).*?(?P<end><!-- END GENERATED: (?P=name) -->)",
    re.DOTALL,
)

PAGES: Mapping[str, Mapping[str, Callable[[GraphOf], str]]] = {
    "README.md": {"layout": lambda _graph_of: layout(), "diagram": lambda graph_of: mermaid(graph_of("prod"))},
    "docs/config.md": {"config": lambda _graph_of: config_reference()},
    "docs/policies.md": {"policies": lambda _graph_of: policy_table()},
    "docs/alarms.md": {"alarms": alarms},
}


def render(page: str, committed: str, graph_of: GraphOf) -> str:
    """`committed` with what lies between each of the page's markers generated afresh."""
    generators = PAGES[page]
    found = [match["name"] for match in _BEGIN.finditer(committed)]
    if sorted(found) != sorted(generators):
        raise DocsError(
            f"{page} has the generated parts {found}; it needs exactly {sorted(generators)}, each between "
            f"'<!-- BEGIN GENERATED: <name> ... -->' and '<!-- END GENERATED: <name> -->' lines"
        )

    def regenerate(match: re.Match[str]) -> str:
        return f"{match['begin']}\n{generators[match['name']](graph_of).rstrip()}\n\n{match['end']}"

    rendered, count = _REGION.subn(regenerate, committed)
    if count != len(generators):
        raise DocsError(f"{page}: a generated part has no matching END GENERATED line")
    return rendered


def first_difference(expected: str, actual: str) -> tuple[int, str, str] | None:
    """The first line (1-based) where two texts differ, with each text's line there."""
    end = "<end of file>"
    wanted, found = expected.splitlines(), actual.splitlines()
    length = max(len(wanted), len(found))
    wanted += [end] * (length - len(wanted))
    found += [end] * (length - len(found))
    return next(
        (
            (number, line, other)
            for number, (line, other) in enumerate(zip(wanted, found, strict=True), start=1)
            if line != other
        ),
        None,
    )


def disagreement(page: str, committed: str, graph_of: GraphOf) -> str | None:
    """Where a page's generated parts differ from what the code generates now: its first differing line."""
    difference = first_difference(render(page, committed, graph_of), committed)
    if difference is None:
        return None
    number, expected, found = difference
    return (
        f"{page}:{number} disagrees with the code: the generator writes\n    {expected}\nbut the page has\n"
        f"    {found}\nrun `.venv/bin/python {GENERATOR}` and commit the result"
    )
