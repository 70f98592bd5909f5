"""The component contract: one component class per module, taking its arguments as a keyword-only `<Kind>Args`; one
Platform built from the stack config; options that let the caller's protection reach every child; and stateful
resources (and the audit log groups) protected where the stack protects its state (prod) by the component itself."""

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
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
# The audit log groups, protected with the stateful resources: what the control plane, the network and the
# database did must outlive a bad diff. The other log groups (the cache's, the deploy runner's) are not audit
# records and stay unprotected.
AUDIT_LOG_GROUPS = {"cluster-control-plane", "network-flow-logs", "database-postgresql", "database-proxy"}


def _protected_log_groups(graph: Graph) -> set[str]:
    return {resource.name for resource in graph.of_type(LOG_GROUP) if resource.options.protect}


def test_the_platform_comes_from_the_stack_config() -> None:
    platform = Platform.of(load("prod"))
    assert platform == Platform(
        name_prefix="sentinel-prod",
        environment="prod",
        region="us-east-1",
        account_id="111111111111",
        protect_stateful=True,
        keep_data_on_delete=True,
        cluster_name="sentinel-prod",
        break_glass_role_arn="arn:aws:iam::111111111111:role/sentinel-prod-break-glass",
    )
    assert Platform.of(load("dev")).protect_stateful is False
    assert platform.name("flow-logs") == "sentinel-prod-flow-logs"


def test_the_subnets_are_tagged_for_the_cluster_the_platform_names(stack_graph: Graph) -> None:
    cluster = Platform.of(load(stack_graph.stack)).cluster_name
    tagged = [
        s for s in stack_graph.of_type("aws:ec2/subnet:Subnet") if s.inputs["tags"]["Tier"] in ("public", "private")
    ]
    assert tagged
    assert all(s.inputs["tags"][f"kubernetes.io/cluster/{cluster}"] == "shared" for s in tagged)


@pytest.mark.parametrize(("stack", "protected"), [("prod", True), ("staging", False), ("dev", False)])
def test_stateful_resources_are_protected_in_prod_only(stack: str, protected: bool) -> None:
    graph = graph_of(stack)
    stateful = [resource for resource in graph if resource.type in STATEFUL]
    assert stateful
    assert all(resource.options.protect is protected for resource in stateful)
    assert _protected_log_groups(graph) == (AUDIT_LOG_GROUPS if protected else set())


def test_the_audit_log_groups_are_protected_and_retained_as_configured_in_prod() -> None:
    prod = graph_of("prod")
    audit = {resource.name: resource for resource in prod.of_type(LOG_GROUP) if resource.name in AUDIT_LOG_GROUPS}
    assert {name: (group.options.protect, group.inputs["retentionInDays"]) for name, group in audit.items()} == {
        "cluster-control-plane": (True, 365),
        "network-flow-logs": (True, 365),
        "database-postgresql": (True, 90),
        "database-proxy": (True, 90),
    }
    # Protected, not retained on delete: see Component.log_group.
    assert not any(group.options.retain_on_delete for group in audit.values())


def test_nothing_but_stateful_resources_and_audit_log_groups_is_protected(stack_graph: Graph) -> None:
    protected = [resource for resource in stack_graph if resource.options.protect]
    assert {resource.type for resource in protected if resource.type != LOG_GROUP} <= STATEFUL
    assert _protected_log_groups(stack_graph) <= AUDIT_LOG_GROUPS


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
