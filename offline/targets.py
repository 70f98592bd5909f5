"""The bootstrap phase of a stack (design D16): what `pulumi up --target` must build from a GitHub-hosted runner
before the deploy job can run on the stack's own runner in the VPC.

    .venv/bin/python -m offline.targets STACK --bootstrap   the URNs to target, one per line
    .venv/bin/python -m offline.targets STACK --runner      the runner's CodeBuild project name (none: no runner)

The set is computed from the offline graph, whose URNs are the ones the Pulumi engine uses: the runner's component
whole; everything it stands on (dependencies, parents, providers, transitively); the network whole, since a
build reaches GitHub and AWS only through the routes and NAT gateways that live beside its subnets, though no
input of the runner names them; and the rules of every security group in the set, without which a group admits
and lets out nothing. Nothing in it needs the cluster: the runner exists before the cluster does.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable

from offline.engine import run_for_command_line
from offline.graph import Graph, Resource

CODEBUILD_PROJECT = "aws:codebuild/project:Project"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
SUBNET = "aws:ec2/subnet:Subnet"
SECURITY_GROUP_RULES = (
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
)


def runner_project(graph: Graph) -> Resource | None:
    """The stack's deploy runner, if it has one."""
    projects = graph.of_type(CODEBUILD_PROJECT)
    if len(projects) > 1:
        raise ValueError(f"{graph.stack} has {len(projects)} CodeBuild projects; the bootstrap expects one runner")
    return projects[0] if projects else None


def _rules_of(graph: Graph, group: Resource) -> list[Resource]:
    return [
        rule
        for type_ in SECURITY_GROUP_RULES
        for rule in graph.of_type(type_)
        if group.urn in rule.property_dependencies.get("securityGroupId", ())
    ]


def _needs(graph: Graph, resource: Resource) -> Iterable[Resource]:
    """What must exist for `resource` to exist and work."""
    linked = [*resource.dependencies, resource.parent, resource.provider]
    yield from (graph[urn] for urn in linked if urn is not None and urn in graph.resources)
    if resource.type == SECURITY_GROUP:
        yield from _rules_of(graph, resource)
    if resource.type == SUBNET:
        network = graph.top_level_ancestor(resource)
        yield network
        yield from graph.descendants(network.urn)


def bootstrap(graph: Graph) -> list[Resource]:
    """The runner and everything it needs, in URN order; empty for a stack without a runner."""
    project = runner_project(graph)
    if project is None:
        return []
    runner = graph.top_level_ancestor(project)
    found = {resource.urn: resource for resource in [runner, *graph.descendants(runner.urn)]}
    frontier = list(found.values())
    while frontier:
        needed = [other for resource in frontier for other in _needs(graph, resource) if other.urn not in found]
        found.update((other.urn, other) for other in needed)
        frontier = needed
    return sorted(found.values(), key=lambda resource: resource.urn)


DESCRIPTION = "What the bootstrap phase targets, or the name of the stack's deploy runner."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m offline.targets", description=DESCRIPTION)
    parser.add_argument("stack", help="stack name (dev, staging, prod)")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--bootstrap", action="store_true", help="the URNs `pulumi up --target` builds first")
    what.add_argument("--runner", action="store_true", help="the runner's CodeBuild project name")
    args = parser.parse_args(argv)
    graph = run_for_command_line(args.stack)
    if isinstance(graph, int):
        return graph
    if args.runner:
        project = runner_project(graph)
        if project is not None:
            print(project.inputs["name"])
        return 0
    for resource in bootstrap(graph):
        print(resource.urn)
    return 0


if __name__ == "__main__":
    sys.exit(main())
