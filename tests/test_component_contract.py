"""The component contract: one component class per module, taking its arguments as a keyword-only `<Kind>Args`; one
Platform built from the stack config; options that let the caller's protection reach every child; and stateful
resources protected in prod by the component itself."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
from types import ModuleType

import pytest

import components
from components.base import Component, Platform
from offline.graph import Graph
from tests import programs
from tests.helpers import graph_of, load

# Types that hold data or guard it: protected in prod (design D11). The tiers add theirs.
STATEFUL = {
    "aws:kms/key:Key",
    # Cluster tier.
    "aws:eks/cluster:Cluster",
    "aws:ecr/repository:Repository",
    # Storage and backup tier.
    "aws:s3/bucket:Bucket",
    "aws:efs/fileSystem:FileSystem",
    "aws:backup/vault:Vault",
    # Data tier: the data, the credentials to it, and the generated secrets themselves.
    "aws:rds/cluster:Cluster",
    "aws:rds/clusterInstance:ClusterInstance",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:secretsmanager/secret:Secret",
    # Tier 10: the apps' generated secrets (a new value logs everyone out and makes encrypted data unreadable)
    "random:index/randomPassword:RandomPassword",
}


def test_the_platform_comes_from_the_stack_config() -> None:
    platform = Platform.of(load("prod"))
    assert platform == Platform(
        name_prefix="sentinel-prod",
        environment="prod",
        region="us-east-1",
        account_id="111111111111",
        protect_stateful=True,
        cluster_name="sentinel-prod",
    )
    assert Platform.of(load("dev")).protect_stateful is False
    assert platform.name("flow-logs") == "sentinel-prod-flow-logs"


def test_the_subnets_are_tagged_for_the_cluster_the_platform_names(stack_graph: Graph) -> None:
    cluster = Platform.of(load(stack_graph.stack)).cluster_name
    tagged = [s for s in stack_graph.of_type("aws:ec2/subnet:Subnet") if s.inputs["tags"]["Tier"] != "data"]
    assert tagged
    assert all(s.inputs["tags"][f"kubernetes.io/cluster/{cluster}"] == "shared" for s in tagged)


@pytest.mark.parametrize(("stack", "protected"), [("prod", True), ("staging", False), ("dev", False)])
def test_stateful_resources_are_protected_in_prod_only(stack: str, protected: bool) -> None:
    stateful = [resource for resource in graph_of(stack) if resource.type in STATEFUL]
    assert stateful
    assert all(resource.options.protect is protected for resource in stateful)


def test_nothing_but_stateful_resources_is_protected(stack_graph: Graph) -> None:
    assert {resource.type for resource in stack_graph if resource.options.protect} <= STATEFUL


def test_a_component_protected_by_its_caller_protects_every_child() -> None:
    graph = programs.run(programs.network_protected_by_its_caller, "dev")
    custom = [resource for resource in graph if resource.custom and not resource.is_provider]
    assert len(custom) > 30
    assert [resource.urn for resource in custom if not resource.options.protect] == []


def _component_modules() -> list[ModuleType]:
    return [
        importlib.import_module(f"components.{module.name}")
        for module in pkgutil.iter_modules(components.__path__)
        if not module.ispkg
    ]


def _defined_in(module: ModuleType) -> list[type]:
    return [value for value in vars(module).values() if inspect.isclass(value) and value.__module__ == module.__name__]


def test_each_module_defines_at_most_one_component_and_each_component_its_args() -> None:
    kinds = []
    for module in _component_modules():
        defined = {cls.__name__: cls for cls in _defined_in(module)}
        in_module = [cls for cls in defined.values() if issubclass(cls, Component) and cls is not Component]
        assert len(in_module) <= 1, f"{module.__name__}: {[cls.__name__ for cls in in_module]}"
        kinds += [(kind, defined.get(f"{kind.__name__}Args")) for kind in in_module]
    assert len(kinds) >= 20
    assert [kind.__name__ for kind, args in kinds if args is None or not dataclasses.is_dataclass(args)] == []


def test_every_args_class_takes_keywords_only() -> None:
    """Arguments of one type (two security groups, two ARNs) cannot be swapped silently when each is named."""
    args_classes = [
        cls
        for module in _component_modules()
        for cls in _defined_in(module)
        if cls.__name__.endswith("Args") and dataclasses.is_dataclass(cls)
    ]
    assert len(args_classes) >= 20
    positional = {
        cls.__name__: [field.name for field in dataclasses.fields(cls) if not field.kw_only] for cls in args_classes
    }
    assert {name: fields for name, fields in positional.items() if fields} == {}
