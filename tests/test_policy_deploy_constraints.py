"""The deploy-constraint table as a whole: the stacks meet it, every type they create has an entry in exactly one
subject, and every constraint cites a source that exists. Each subject's constraints are tested in
tests/test_deploy_constraints_<subject>.py, the kinds they are written in in tests/test_deploy_constraints_kinds.py."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pulumi_aws
import pulumi_cloudflare
import pulumi_kubernetes
import pulumi_random

import policies.rules.deploy_constraints
from offline.graph import Graph
from policies.rules.deploy_constraints import AWS_DEPLOY_CONSTRAINTS, DEPLOY_CONSTRAINTS
from tests.policy_builders import GraphBuilder, messages

# Where each SDK's package directory lives: a cited `pulumi_<sdk>/...` file is read from there.
SDK_ROOTS = {
    "pulumi_aws": Path(pulumi_aws.__path__[0]).parent,
    "pulumi_cloudflare": Path(pulumi_cloudflare.__path__[0]).parent,
    "pulumi_kubernetes": Path(pulumi_kubernetes.__path__[0]).parent,
    "pulumi_random": Path(pulumi_random.__path__[0]).parent,
}


def test_every_stack_meets_the_deploy_constraints(stack_graph: Graph) -> None:
    assert messages(AWS_DEPLOY_CONSTRAINTS, stack_graph) == []


def _types_without_constraints(graph: Graph) -> set[str]:
    """The types of a graph's resources with no entry in the table. Components are left out: they are the
    program's own groupings, sent to no cloud API."""
    return {resource.type for resource in graph if resource.custom} - set(DEPLOY_CONSTRAINTS)


def test_every_resource_type_of_the_stacks_has_deploy_constraints(stack_graph: Graph) -> None:
    missing = _types_without_constraints(stack_graph)
    assert not missing, (
        f"{stack_graph.stack} creates {sorted(missing)}: add its deploy constraints to its subject's module in "
        "policies/rules/deploy_constraints/"
    )


def test_a_type_without_constraints_is_found() -> None:
    builder = GraphBuilder()
    builder.add("sentinel:components:Network", "network")
    builder.add("aws:rds/instance:Instance", "db", {"instanceClass": "db.r6g.large"})
    assert _types_without_constraints(builder.build()) == {"aws:rds/instance:Instance"}


def test_every_type_has_its_constraints_in_exactly_one_subject() -> None:
    """Every module of the package that holds a subject's `CONSTRAINTS` is part of the table, and no type is in
    two subjects (the table would silently keep only one of them)."""
    package = policies.rules.deploy_constraints
    subjects = []
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        if hasattr(module, "CONSTRAINTS"):
            subjects.append(module.CONSTRAINTS)
    types = [type_ for constraints in subjects for type_ in constraints]
    assert sorted(type_ for type_ in set(types) if types.count(type_) > 1) == []
    assert dict(DEPLOY_CONSTRAINTS) == {
        type_: table for constraints in subjects for type_, table in constraints.items()
    }


def test_every_constraint_cites_documentation_or_a_provider_source_that_exists() -> None:
    for type_, table in DEPLOY_CONSTRAINTS.items():
        for constraint in table:
            cited = re.findall(
                r"https://docs\.aws\.amazon\.com/\S+|https://developers\.cloudflare\.com/\S+|"
                r"pulumi_(?:aws|cloudflare|kubernetes|random)/\S+\.py|https://github\.com/helm/\S+|"
                r"https://kubernetes\.io/docs/\S+",
                constraint.source,
            )
            assert cited, f"{type_}: {constraint} cites no AWS or Cloudflare documentation or provider source"
            for sdk_file in (path for path in cited if path.startswith("pulumi_")):
                text = (SDK_ROOTS[sdk_file.split("/")[0]] / sdk_file).read_text()
                for cited_text in re.findall(rf'{re.escape(sdk_file)} \("([^"]+)"\)', constraint.source):
                    assert cited_text in text, f"{sdk_file} does not say {cited_text!r}"
                for arguments in re.findall(rf"{re.escape(sdk_file)} \(([a-z_, ]+)\)", constraint.source):
                    for name in arguments.split(", "):
                        assert f"{name}:" in text, f"{sdk_file} has no argument {name}"
