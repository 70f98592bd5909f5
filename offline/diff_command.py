"""`python -m offline diff STACK --against REF | --against-stack OTHER`: what `pulumi up` of the working tree would do
to STACK deployed from git revision REF (or to a stack built like OTHER), findings first.

Exit codes: 0 nothing to acknowledge; 3 findings (a resource that holds data or is protected is replaced or deleted,
loses its protection, or an update the cloud refuses), which the deploy needs acknowledged; 1 a program failed or a
type is missing from the replacement table; 2 a stack file or git revision cannot be read.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from offline import stackfiles
from offline.config_changes import ConfigChange, config_changes
from offline.cost.delta import CostDelta, cost_delta, render_cost_delta
from offline.cost.estimate import cloudflare_plan
from offline.diff import Action, ResourceChange, compare
from offline.engine import ProgramFailedError
from offline.graph import Graph
from offline.price_table import PriceError
from offline.replacements import UncoveredTypeError
from offline.revision import RevisionError, run_tree, tree_at

FINDINGS_EXIT_CODE = 3
_EMPTY = Graph("", {}, {})
"""The side of a stack that has no stack file."""
_SYMBOLS = {Action.CREATE: "+", Action.UPDATE: "~", Action.REPLACE: "+-", Action.DELETE: "-"}


@dataclass(frozen=True)
class DiffReport:
    stack: str
    against: str
    config: list[ConfigChange]
    changes: list[ResourceChange]
    graph: Graph
    """The stack as the change builds it."""
    cost: CostDelta | str | None = None
    """What the change does to the monthly cost; why that is unknown (a price the tables lack); None for no cost."""

    @property
    def findings(self) -> list[ResourceChange]:
        return [change for change in self.changes if change.findings]

    def counts(self) -> Counter[str]:
        return Counter(change.action.value for change in self.changes)


def _config_changes(old_root: Path, old_stack: str, new_root: Path, new_stack: str) -> list[ConfigChange]:
    def config_of(root: Path, stack: str) -> tuple[dict[str, str], list[str]]:
        path = stackfiles.stack_file(stack, root)
        if not path.is_file():
            return {}, []
        _, config, secret_keys = stackfiles.load(path)
        return config, secret_keys

    (old, old_secrets), (new, new_secrets) = config_of(old_root, old_stack), config_of(new_root, new_stack)
    return config_changes(old, new, old_secrets, new_secrets)


def diff_trees(stack: str, old_root: Path, new_root: Path, against: str) -> DiffReport:
    """`stack` as the tree at `new_root` builds it against the same stack built by the tree at `old_root`; a stack
    file on one side only makes every resource a creation or a deletion."""
    old_graph = run_tree(old_root, stack) or _EMPTY
    new_graph = run_tree(new_root, stack) or _EMPTY
    config = _config_changes(old_root, stack, new_root, stack)
    cost = _cost_delta(old_graph, (old_root, stack), new_graph, (new_root, stack))
    return DiffReport(stack, against, config, compare(old_graph, new_graph), new_graph, cost)


def _cost_delta(
    old: Graph, old_file: tuple[Path, str], new: Graph, new_file: tuple[Path, str]
) -> CostDelta | str | None:
    """The change in monthly cost, each side priced with the Cloudflare plan of its own stack file (a tree and a
    stack)."""
    if not old or not new:
        return None
    (old_root, old_stack), (new_root, new_stack) = old_file, new_file
    try:
        return cost_delta(
            old,
            new,
            old_cloudflare_plan=cloudflare_plan(old_stack, old_root),
            new_cloudflare_plan=cloudflare_plan(new_stack, new_root),
        )
    except PriceError as error:
        return f"unknown: {error}"


def diff_against_revision(
    stack: str, ref: str, root: Path = stackfiles.PROJECT_DIR, repository: Path = stackfiles.PROJECT_DIR
) -> DiffReport:
    """The tree at `root` (the working tree) against the same stack at git revision `ref` of `repository`."""
    with tree_at(ref, repository) as old_root:
        return diff_trees(stack, old_root, root, f"git revision {ref}")


def diff_against_stack(stack: str, other: str, root: Path = stackfiles.PROJECT_DIR) -> DiffReport:
    """The working tree's `stack` against its `other` stack, as if `stack` had been deployed like `other`."""
    old_graph, new_graph = run_tree(root, other), run_tree(root, stack)
    if old_graph is None or new_graph is None:
        raise stackfiles.StackFileError(f"no stack file for {other if old_graph is None else stack!r} in {root}")
    config = _config_changes(root, other, root, stack)
    cost = _cost_delta(old_graph, (root, other), new_graph, (root, stack))
    return DiffReport(stack, f"stack {other}", config, compare(old_graph, new_graph), new_graph, cost)


def _shown(value: Any, width: int = 70) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def _resource_lines(change: ResourceChange, paint: Any, in_findings: bool = False) -> list[str]:
    head = f"{_SYMBOLS[change.action]:>2} {change.action.value:<8}{change.type} {change.name}"
    if change.findings and not in_findings:
        return [paint(f"{head}  (a finding, above)")]
    lines = [paint(head) if change.findings else head]
    lines += [paint(f"      ! {finding}") for finding in change.findings]
    for prop in change.properties:
        because = f"  ({prop.outcome.value}: {prop.why})" if prop.why else ""
        lines.append(f"      {prop.path}: {_shown(prop.old)} -> {_shown(prop.new)}{because}")
    if change.unprotected:
        lines.append("      protect: True -> False")
    return lines


def render(report: DiffReport, color: bool = False) -> str:
    def paint(text: str) -> str:
        return f"\033[31m{text}\033[0m" if color else text

    counts = report.counts()
    summary = ", ".join(f"{counts[action.value]} to {action.value}" for action in Action if counts[action.value])
    findings = report.findings
    lines = [
        f"Diff of stack {report.stack!r} against {report.against}: {summary or 'no change'}"
        + (paint(f"; {len(findings)} finding(s) to acknowledge") if findings else "")
    ]
    if isinstance(report.cost, CostDelta):
        lines.append(render_cost_delta(report.cost))
    elif report.cost is not None:
        lines.append(f"Monthly cost: {report.cost}")
    if findings:
        lines.append(paint("\nFindings (a deploy needs them acknowledged):"))
        for change in findings:
            lines += _resource_lines(change, paint, in_findings=True)
            lines.append(f"      in {change.component}")
    if report.config:
        lines.append("\nConfig changes:")
        for config_change in report.config:
            lines.append(f"  {config_change.key}: {_shown(config_change.old)} -> {_shown(config_change.new)}")
            for note in config_change.notes:
                lines.append(paint(f"      ! {note.effect}"))
                lines.append(f"        instead: {note.instead}")
    groups: dict[str, list[ResourceChange]] = defaultdict(list)
    for change in report.changes:
        groups[change.component].append(change)
    for component, changes in sorted(groups.items()):
        tally = Counter(change.action.value for change in changes)
        lines.append(f"\n{component}: " + ", ".join(f"{count} {action}" for action, count in sorted(tally.items())))
        for change in sorted(changes, key=lambda change: (change.action.value, change.type, change.name)):
            lines += _resource_lines(change, paint)
    return "\n".join(lines)


def as_json(report: DiffReport) -> dict[str, Any]:
    def resource(change: ResourceChange) -> dict[str, Any]:
        return {
            "urn": change.urn,
            "type": change.type,
            "name": change.name,
            "component": change.component,
            "action": change.action.value,
            "protected": change.protected,
            "holdsData": change.holds_data,
            "unprotected": change.unprotected,
            "findings": change.findings,
            "properties": [
                {"path": p.path, "old": repr(p.old), "new": repr(p.new), "outcome": p.outcome.value, "why": p.why}
                for p in change.properties
            ],
        }

    return {
        "stack": report.stack,
        "against": report.against,
        "counts": dict(report.counts()),
        "cost": report.cost.as_json() if isinstance(report.cost, CostDelta) else report.cost,
        "findings": [resource(change) for change in report.findings],
        "config": [
            {
                "key": change.key,
                "old": repr(change.old),
                "new": repr(change.new),
                "notes": [{"effect": note.effect, "instead": note.instead} for note in change.notes],
            }
            for change in report.config
        ],
        "changes": [resource(change) for change in report.changes],
    }


DESCRIPTION = "What `pulumi up` of the working tree would create, update, replace and delete in a stack."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m offline diff", description=DESCRIPTION)
    parser.add_argument("stack", help="stack name (dev, staging, prod)")
    against = parser.add_mutually_exclusive_group(required=True)
    against.add_argument("--against", metavar="REF", help="the git revision the stack was deployed from")
    against.add_argument("--against-stack", metavar="OTHER", help="another stack of the working tree")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    try:
        if args.against is not None:
            report = diff_against_revision(args.stack, args.against)
        else:
            report = diff_against_stack(args.stack, args.against_stack)
    except (RevisionError, stackfiles.StackFileError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (ProgramFailedError, UncoveredTypeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(as_json(report), indent=1))
    else:
        print(render(report, color=sys.stdout.isatty() and "NO_COLOR" not in os.environ))
    return FINDINGS_EXIT_CODE if report.findings else 0
