"""The change review a pull request and a deploy both run: every stack's diff against a git revision and its
policy verdict, as one Markdown comment, and whether the findings are acknowledged.

    .venv/bin/python -m offline.review --against REF [--stack STACK ...] [--labels JSON] [--comment FILE]

Each stack with a stack file is diffed (or those named); the comment (`--comment`) holds, per stack that changes,
its findings, the config keys that lose data, the whole diff and the policy verdict, under a marker line that lets
the workflow update one comment in place. A finding needs the pull request's `ACKNOWLEDGEMENT_LABEL` (its labels as
a JSON list, `--labels`). Exit codes: 0 nothing to acknowledge, or acknowledged; 3 findings unacknowledged; 1 a
program failed, a type is missing from the replacement table or a mandatory policy is violated; 2 a stack file or git
revision cannot be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from offline import stackfiles
from offline.diff_command import FINDINGS_EXIT_CODE, DiffReport, diff_trees, render
from offline.engine import ProgramFailedError
from offline.policy import Violation, any_mandatory, evaluate
from offline.policy_config import PolicyConfigError, load_policy_config
from offline.replacements import UncoveredTypeError
from offline.revision import RevisionError, tree_at

ACKNOWLEDGEMENT_LABEL = "data-loss-acknowledged"
COMMENT_MARKER = "<!-- sentinel-change-review -->"


def _stack_section(report: DiffReport, violations: list[Violation]) -> list[str]:
    counts = report.counts()
    summary = ", ".join(f"{count} to {action}" for action, count in sorted(counts.items())) or "no change"
    lines = [f"### `{report.stack}`: {summary}"]
    if report.findings:
        lines.append(f"**{len(report.findings)} finding(s)** to acknowledge:")
        lines += [
            f"- `{change.action.value}` `{change.type}` **{change.name}**: {'; '.join(change.findings)}"
            for change in report.findings
        ]
    lines += [
        f"- `{change.key}`: {note.effect}. Instead: {note.instead}."
        for change in report.config
        for note in change.notes
    ]
    verdict = f"{len(violations)} policy violation(s)" if violations else "no policy violations"
    lines += ["", f"<details><summary>The diff, and {verdict}</summary>", "", "```", render(report)]
    lines += [f"  {violation}" for violation in violations]
    lines += ["```", "</details>", ""]
    return lines


def comment(reports: list[DiffReport], verdicts: dict[str, list[Violation]], acknowledged: bool) -> str:
    """The pull request's comment: the stacks that change, findings first."""
    changing = [report for report in reports if report.changes or report.config]
    findings = sum(len(report.findings) for report in reports)
    lines = [COMMENT_MARKER, f"## What this change does to the stacks (against {reports[0].against})", ""]
    if findings:
        state = "acknowledged by the label" if acknowledged else "the deploy refuses them until someone adds the label"
        lines.append(
            f"**{findings} finding(s)**: a resource that holds data or is protected is replaced or deleted, loses its "
            f"protection, or an update the cloud refuses. `{ACKNOWLEDGEMENT_LABEL}`: {state}."
        )
    if not changing:
        lines.append("No stack changes.")
    for report in changing:
        lines += _stack_section(report, verdicts[report.stack])
    unchanged = [report.stack for report in reports if report not in changing]
    if unchanged and changing:
        lines.append(f"Unchanged: {', '.join(unchanged)}.")
    return "\n".join(lines) + "\n"


def review(
    stacks: list[str], old_root: Path, new_root: Path, against: str
) -> tuple[list[DiffReport], dict[str, list[Violation]]]:
    reports = [diff_trees(stack, old_root, new_root, against) for stack in stacks]
    verdicts = {
        report.stack: evaluate(
            report.graph, load_policy_config(report.stack, stackfiles.stack_file(report.stack, new_root))
        )
        if report.graph
        else []
        for report in reports
    }
    return reports, verdicts


DESCRIPTION = "Every stack's diff against a git revision and its policy verdict, for a pull request or a deploy."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m offline.review", description=DESCRIPTION)
    parser.add_argument("--against", metavar="REF", required=True, help="the git revision the stacks run")
    parser.add_argument("--stack", action="append", help="a stack to review (default: every stack file)")
    parser.add_argument("--labels", default="[]", help="the pull request's labels, as a JSON list of names")
    parser.add_argument("--comment", type=Path, help="write the Markdown comment to this file")
    args = parser.parse_args(argv)
    stacks = args.stack or stackfiles.stacks_in(stackfiles.PROJECT_DIR)
    try:
        with tree_at(args.against) as old_root:
            reports, verdicts = review(stacks, old_root, stackfiles.PROJECT_DIR, f"git revision {args.against}")
    except (RevisionError, stackfiles.StackFileError, PolicyConfigError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (ProgramFailedError, UncoveredTypeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    acknowledged = ACKNOWLEDGEMENT_LABEL in json.loads(args.labels)
    for report in reports:
        print(render(report), end="\n\n")
    if args.comment is not None:
        args.comment.write_text(comment(reports, verdicts, acknowledged))
    code = exit_code(reports, verdicts, acknowledged)
    if code == FINDINGS_EXIT_CODE:
        print(f"findings need the pull request's {ACKNOWLEDGEMENT_LABEL!r} label", file=sys.stderr)
    return code


def exit_code(reports: list[DiffReport], verdicts: dict[str, list[Violation]], acknowledged: bool) -> int:
    if any(any_mandatory(violations) for violations in verdicts.values()):
        return 1
    if any(report.findings for report in reports) and not acknowledged:
        return FINDINGS_EXIT_CODE
    return 0


if __name__ == "__main__":
    sys.exit(main())
