"""Writes the references that must agree with the code, the way terraform-docs writes a module's inputs: each
between two markers in a hand-written page, regenerated from the code itself by its module of scripts/docs/.

    README.md          layout      each module of components/, facts/, policies/ and offline/, by its docstring
    docs/config.md     config      every key of the stack config model, from its fields and their docstrings
    docs/policies.md   policies    every policy of the pack, by the rule module it comes from
    docs/alarms.md     alarms      every CloudWatch alarm the prod stack builds, from its offline graph

    .venv/bin/python scripts/generate_docs.py           rewrite what lies between the markers
    .venv/bin/python scripts/generate_docs.py --check   exit 1, naming each page that disagrees with the code and
                                                         its first differing line

tests/test_docs.py runs the check on every test run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# Run as a file, the script has its own directory on the path, not the repository root that holds the packages
# (the imports below need it).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import offline
from offline.graph import Graph
from scripts.docs import ROOT
from scripts.docs.pages import PAGES, disagreement, render


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Writes or checks the generated parts of the documentation.")
    parser.add_argument("--check", action="store_true", help="compare instead of writing; exit 1 on a difference")
    arguments = parser.parse_args(argv)
    graphs: dict[str, Graph] = {}

    def graph_of(stack: str) -> Graph:
        if stack not in graphs:
            graphs[stack] = offline.run(stack)
        return graphs[stack]

    if arguments.check:
        problems = [problem for page in PAGES if (problem := disagreement(page, (ROOT / page).read_text(), graph_of))]
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    for page in PAGES:
        path = ROOT / page
        committed = path.read_text()
        rendered = render(page, committed, graph_of)
        if rendered != committed:
            path.write_text(rendered)
            print(f"wrote {page}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
