"""Database capacity: at peak, the apps' connection pools fit what the database (through its proxy) accepts."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pulumi_policy import PolicyResource, Severity

from facts.instance_classes import AURORA_SERVERLESS, DATABASE_INSTANCE_CLASSES, postgres_max_connections
from policies.rules.capacity.peak import largest_first, peak_replicas
from policies.support.aws import (
    RDS_CLUSTER,
    RDS_CLUSTER_PARAMETER_GROUP,
    RDS_INSTANCE,
    RDS_PARAMETER_GROUP,
    RDS_PROXY,
    RDS_PROXY_DEFAULT_TARGET_GROUP,
    RDS_PROXY_TARGET,
    cluster_members,
    is_aurora,
    is_primary_database,
    parameter,
)
from policies.support.declare import Concern, Finding, Settings, StackPolicy
from policies.support.kubernetes import (
    CONFIG_MAP,
    DEPLOYMENT,
    STATEFUL_SET,
    Container,
    autoscalers,
    containers,
    name_of,
    namespace_of,
    pod_spec,
)
from policies.support.stack import Stack
from policies.support.values import UNKNOWN, Unknown, elements, field, is_unknown, number, shown

POOL_SIZE_VARIABLE = "DATABASE_POOL_SIZE"


def max_connections(instance_class: str, configured: Any) -> float | None:
    """max_connections of an instance: the parameter group's number if it sets one, else RDS's formula
    (`postgres_max_connections`); None for a class missing from DATABASE_INSTANCE_CLASSES."""
    if (explicit := number(configured)) is not None:
        return explicit
    database = DATABASE_INSTANCE_CLASSES.get(instance_class)
    if database is None:
        return None
    return postgres_max_connections(database.memory_gib)


# Aurora Serverless v2 sizes max_connections by the memory of its maximum capacity, about 2 GiB per ACU.
# https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2.setting-capacity.html
_GIB_PER_CAPACITY_UNIT = 2.0


class _ConfigMaps:
    """The stack's ConfigMaps by namespace and name, to read the environment that workloads take from them."""

    def __init__(self, stack: Stack) -> None:
        self._by_name: dict[tuple[Any, Any], list[PolicyResource]] = defaultdict(list)
        for config_map in stack.of_type(CONFIG_MAP):
            self._by_name[(namespace_of(config_map.props), name_of(config_map.props))].append(config_map)

    def value(self, workload: PolicyResource, name: Any, key: Any) -> Any:
        """`data[key]` of the ConfigMap `name` in the workload's namespace. A ConfigMap autonamed by Pulumi has
        no name until it exists, so during a preview the workload's dependencies on ConfigMaps stand in."""
        if is_unknown(name) or is_unknown(key):
            return UNKNOWN
        config_maps = self._by_name.get((namespace_of(workload.props), name)) or [
            dependency
            for dependency in workload.property_dependencies.get("spec", ())
            if dependency.resource_type == CONFIG_MAP
        ]
        if not config_maps:
            return UNKNOWN  # a ConfigMap this stack does not manage: its data cannot be read
        for config_map in config_maps:
            value = field(config_map.props, "data", key)
            if value is not None:
                return value
        return None

    def environment(self, workload: PolicyResource, container: Container, variable: str) -> Any:
        """A container's environment variable: from `env` (a value or a ConfigMap key), else from a
        ConfigMap listed in `envFrom`."""
        for entry in elements(field(container.spec, "env")):
            if field(entry, "name") == variable:
                value = field(entry, "value")
                if value is not None:
                    return value
                reference = field(entry, "valueFrom", "configMapKeyRef")
                return self.value(workload, field(reference, "name"), field(reference, "key"))
        for source in elements(field(container.spec, "envFrom")):
            prefix, reference = field(source, "prefix") or "", field(source, "configMapRef", "name")
            if reference is None or is_unknown(prefix) or not variable.startswith(prefix):
                continue
            value = self.value(workload, reference, variable.removeprefix(prefix))
            if value is not None:
                return value
        return None


def _connection_demand(stack: Stack) -> list[tuple[float, str]] | Unknown:
    """The connections each workload's pools open at its peak replica count (workloads with a pool only)."""
    scaled_by, config_maps = autoscalers(stack), _ConfigMaps(stack)
    parts: list[tuple[float, str]] = []
    for workload in stack.of_type(DEPLOYMENT, STATEFUL_SET):
        pool_sizes = [
            config_maps.environment(workload, container, POOL_SIZE_VARIABLE)
            for container in containers(pod_spec(workload.resource_type, workload.props), include_init=False)
        ]
        if any(is_unknown(size) for size in pool_sizes):
            return UNKNOWN
        per_pod = sum(number(size) or 0.0 for size in pool_sizes)
        if per_pod == 0:
            continue
        replicas = peak_replicas(workload, scaled_by.get(workload.urn, []))
        if isinstance(replicas, Unknown):
            return UNKNOWN
        parts.append((per_pod * replicas, f"{workload.name} {replicas:g} x {per_pod:g}"))
    return parts


@dataclass(frozen=True)
class _ConnectionBudget:
    primary: PolicyResource
    instance_class: str
    max_connections: float
    proxy_share: float | None

    @property
    def connections(self) -> float:
        if self.proxy_share is None:
            return self.max_connections
        return math.floor(self.max_connections * self.proxy_share / 100)

    def __str__(self) -> str:
        through = "directly" if self.proxy_share is None else f"through RDS Proxy at {self.proxy_share:g} %"
        return (
            f"{self.primary.name} ({self.instance_class}, max_connections {self.max_connections:g}) "
            f"accepts {self.connections:g} {through}"
        )


def _proxy_share(
    stack: Stack,
    primary: PolicyResource,
    targets: Mapping[str, list[PolicyResource]],
    target_groups: Mapping[str, list[PolicyResource]],
) -> float | Unknown | None:
    """The percentage of max_connections that the RDS Proxy in front of `primary` may open (its default target
    group's connectionPoolConfig.maxConnectionsPercent, 100 by default); None when no proxy fronts it."""
    proxies = {
        proxy.urn
        for target in targets.get(primary.urn, ())
        for proxy in stack.referenced(target, "dbProxyName", (RDS_PROXY,))
    }
    shares: list[float] = []
    for proxy in proxies:
        groups = target_groups.get(proxy, [])
        percent = field(groups[0].props, "connectionPoolConfig", "maxConnectionsPercent") if groups else None
        if is_unknown(percent):
            return UNKNOWN
        shares.append(number(percent) or 100.0)
    # The apps may reach the database through any of the proxies: count on the tightest.
    return min(shares) if shares else None


def _connection_budgets(
    stack: Stack, primaries: Sequence[PolicyResource]
) -> list[_ConnectionBudget] | Finding | Unknown:
    """The budget of each primary, or the finding that one of them cannot be sized."""
    targets = stack.referrers((RDS_PROXY_TARGET,), "dbInstanceIdentifier", (RDS_INSTANCE,))
    target_groups = stack.referrers((RDS_PROXY_DEFAULT_TARGET_GROUP,), "dbProxyName", (RDS_PROXY,))
    budgets: list[_ConnectionBudget] = []
    for primary in primaries:
        instance_class = field(primary.props, "instanceClass")
        groups = stack.referenced(primary, "parameterGroupName", (RDS_PARAMETER_GROUP,))
        configured = [parameter(group, "max_connections") for group in groups]
        share = _proxy_share(stack, primary, targets, target_groups)
        if is_unknown(instance_class) or UNKNOWN in configured or isinstance(share, Unknown):
            return UNKNOWN
        limit = max_connections(str(instance_class), configured[0] if configured else None)
        if limit is None:
            return Finding(
                primary.urn,
                f"instance class {shown(instance_class)} of {primary.name} is missing from "
                "DATABASE_INSTANCE_CLASSES in facts/instance_classes.py: add its row",
            )
        budgets.append(_ConnectionBudget(primary, str(instance_class), limit, share))
    return budgets


def _cluster_budget(
    stack: Stack,
    cluster: PolicyResource,
    instances: Sequence[PolicyResource],
    targets: Mapping[str, list[PolicyResource]],
    target_groups: Mapping[str, list[PolicyResource]],
) -> _ConnectionBudget | Finding | Unknown:
    """An Aurora cluster's budget: any instance may become the writer, so the smallest instance's limit."""
    groups = stack.referenced(cluster, "dbClusterParameterGroupName", (RDS_CLUSTER_PARAMETER_GROUP,))
    configured = [parameter(group, "max_connections") for group in groups]
    share = _proxy_share(stack, cluster, targets, target_groups)
    classes = [field(instance.props, "instanceClass") for instance in instances]
    capacity = field(cluster.props, "serverlessv2ScalingConfiguration", "maxCapacity")
    if any(is_unknown(value) for value in (*classes, *configured, capacity)) or isinstance(share, Unknown):
        return UNKNOWN
    limits: list[tuple[float, str]] = []
    for instance_class in map(str, classes):
        if instance_class == AURORA_SERVERLESS and number(configured[0] if configured else None) is None:
            limit = postgres_max_connections((number(capacity) or 0.0) * _GIB_PER_CAPACITY_UNIT)
        else:
            limit = max_connections(instance_class, configured[0] if configured else None)
        if limit is None:
            return Finding(
                cluster.urn,
                f"instance class {shown(instance_class)} of {cluster.name} is missing from DATABASE_INSTANCE_CLASSES "
                "in facts/instance_classes.py: add its row",
            )
        limits.append((limit, instance_class))
    limit, instance_class = min(limits)
    return _ConnectionBudget(cluster, instance_class, limit, share)


def _aurora_budgets(stack: Stack) -> list[_ConnectionBudget] | Finding | Unknown:
    """The budget of each Aurora PostgreSQL cluster with instances."""
    members = cluster_members(stack)
    targets = stack.referrers((RDS_PROXY_TARGET,), "dbClusterIdentifier", (RDS_CLUSTER,))
    target_groups = stack.referrers((RDS_PROXY_DEFAULT_TARGET_GROUP,), "dbProxyName", (RDS_PROXY,))
    budgets: list[_ConnectionBudget] = []
    for cluster in stack.of_type(RDS_CLUSTER):
        instances = members.get(cluster.urn, [])
        if not is_aurora(cluster) or "postgres" not in str(field(cluster.props, "engine")) or not instances:
            continue
        budget = _cluster_budget(stack, cluster, instances, targets, target_groups)
        if not isinstance(budget, _ConnectionBudget):
            return budget
        budgets.append(budget)
    return budgets


def _database_connections(stack: Stack, _settings: Settings) -> Iterable[Finding]:
    primaries = [
        instance
        for instance in stack.of_type(RDS_INSTANCE)
        if is_primary_database(instance.props) and "postgres" in str(field(instance.props, "engine") or "")
    ]
    demand = _connection_demand(stack) if primaries or stack.of_type(RDS_CLUSTER) else UNKNOWN
    if isinstance(demand, Unknown) or not demand:
        return
    instance_budgets, cluster_budgets = _connection_budgets(stack, primaries), _aurora_budgets(stack)
    for found in (instance_budgets, cluster_budgets):
        if isinstance(found, Finding):
            yield found
    if not isinstance(instance_budgets, list) or not isinstance(cluster_budgets, list):
        return
    budgets = instance_budgets + cluster_budgets
    if not budgets:
        return
    # Which app uses which database is not in the graph: with several primaries only their combined budget
    # is certain to be exceeded; with one (the design), the check is exact.
    connections, available = sum(part for part, _ in demand), sum(budget.connections for budget in budgets)
    if connections > available:
        yield Finding(
            budgets[0].primary.urn if len(budgets) == 1 else None,
            f"at peak the apps' pools open {connections:g} connections ({largest_first(demand)}) but "
            + "; ".join(map(str, budgets)),
        )


DATABASE_CONNECTION_BUDGET = StackPolicy(
    name="database-connection-budget",
    description=(
        "At peak, the apps' connection pools fit the database: the sum over Deployments of the HPA's maxReplicas "
        f"x {POOL_SIZE_VARIABLE} stays within the RDS Proxy's share (maxConnectionsPercent) of the primary's "
        "max_connections, or within max_connections without a proxy (RDS PostgreSQL: "
        "LEAST(DBInstanceClassMemory/9531392, 5000)); for an Aurora cluster, of its smallest instance's "
        "(Serverless v2: of its maximum capacity at 2 GiB per ACU), since any instance may become the writer. "
        "Lower the pool size or maxReplicas, raise the proxy's share, or choose a larger instance class."
    ),
    concern=Concern.RESILIENCE,
    severity=Severity.HIGH,
    rule=_database_connections,
)
