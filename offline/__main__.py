"""`python -m offline STACK`: an offline preview: what `pulumi up` would create, as a tree under its components
(offline/plan_tree.py), then what the policy pack says about it, how long a first deploy takes and what sets that
time (offline/critical_path.py), and what the stack costs a month (offline/cost/).

STACK is a stack name (dev, staging, prod) or the path of a `Pulumi.<stack>.yaml`. The policies run at
the levels of the policy config `offline.policy_config` chooses: the stack's own
`policies/config/stacks/<stack>.json`, else its environment's `policies/config/<environment>.json`. Exits 1
when the stack's config is invalid, the program fails, or a mandatory policy is violated; 2 when the stack
file cannot be read or no policy config applies.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from offline import stackfiles
from offline.cost.estimate import cloudflare_plan, estimate
from offline.cost.model import CostEstimate
from offline.cost.render import render as render_cost
from offline.critical_path import CriticalPath, critical_path
from offline.critical_path import render as render_critical_path
from offline.diagram import diagram
from offline.diff import component_of
from offline.engine import run_for_command_line
from offline.graph import Graph
from offline.plan_tree import PlanTree, plan_tree
from offline.plan_tree import render as render_plan_tree
from offline.policy import Violation, any_mandatory, evaluate
from offline.policy_config import PolicyConfigError, load_policy_config, policy_config_path, shown
from offline.price_table import PriceError


def render_violations(violations: list[Violation], config_source: str) -> str:
    if not violations:
        return f"\nPolicies ({config_source}): no violations"
    lines = [f"\nPolicies ({config_source}): {len(violations)} violation(s)"]
    lines += [
        f"  {violation}" for violation in sorted(violations, key=lambda v: (v.enforcement_level.value, v.policy_name))
    ]
    return "\n".join(lines)


def _stack_and_path(argument: str) -> tuple[str, Path]:
    path = Path(argument)
    if path.suffix == ".yaml":
        return stackfiles.stack_of(path), path.resolve()
    return argument, stackfiles.stack_file(argument)


DESCRIPTION = "Offline preview: what `pulumi up` would create for a stack, and the policy pack's verdict."


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if arguments[:1] == ["diff"]:
        from offline import diff_command

        return diff_command.main(arguments[1:])
    parser = argparse.ArgumentParser(
        prog="python -m offline",
        description=DESCRIPTION,
        epilog="`python -m offline diff STACK --against REF` shows what a change would replace or delete.",
    )
    parser.add_argument("stack", help="stack name (dev, staging, prod) or path to a Pulumi.<stack>.yaml")
    parser.add_argument("--json", action="store_true", help="print the review as JSON")
    parser.add_argument("--diagram", metavar="FILE", type=Path, help="write the stack's Mermaid diagram to FILE")
    args = parser.parse_args(arguments)
    stack, path = _stack_and_path(args.stack)
    graph = run_for_command_line(stack, path)
    if isinstance(graph, int):
        return graph
    try:
        config_path = policy_config_path(stack, path)
    except PolicyConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    violations = evaluate(graph, load_policy_config(stack, path))
    path_to_done = critical_path(graph)
    try:
        # The plan of the stack file previewed, which need not be one of the project's own.
        cost: CostEstimate | str = estimate(graph, cloudflare_plan=cloudflare_plan(stack, path.parent))
    except PriceError as error:
        cost = f"unavailable: {error}"
    if args.diagram is not None:
        args.diagram.write_text(diagram(graph))
    tree = plan_tree(graph)
    if args.json:
        print(json.dumps(as_json(graph, tree, violations, path_to_done, cost), indent=1))
    else:
        print(render_plan_tree(tree))
        print(render_violations(violations, shown(config_path)))
        print(render_critical_path(path_to_done))
        print("\n" + (render_cost(cost) if isinstance(cost, CostEstimate) else f"Monthly cost: {cost}"))
    return 1 if any_mandatory(violations) else 0


def as_json(
    graph: Graph, tree: PlanTree, violations: list[Violation], path: CriticalPath, cost: CostEstimate | str
) -> dict[str, Any]:
    """The review for machines: the resources by component and as a tree, the policy verdict, the critical path and
    the cost."""
    components: dict[str, Counter[str]] = defaultdict(Counter)
    for resource in graph:
        if resource.custom:
            components[component_of(graph, resource)][resource.type] += 1
    return {
        "stack": graph.stack,
        "components": {name: dict(sorted(counts.items())) for name, counts in sorted(components.items())},
        "protected": sorted(resource.urn for resource in graph if resource.options.protect),
        "tree": tree.as_json(),
        "violations": [
            {"policy": v.policy_name, "level": v.enforcement_level.value, "urn": v.urn, "message": v.message}
            for v in violations
        ],
        "criticalPath": path.to_json(),
        "cost": cost.as_json() if isinstance(cost, CostEstimate) else {"error": cost},
    }


if __name__ == "__main__":
    sys.exit(main())
