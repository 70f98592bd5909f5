"""Capacity: at full scale the platform still fits. The node groups at their maximum size can schedule every
HPA at its maximum replicas, and the database accepts every connection the apps' pools can then open."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pulumi_policy import Policy, PolicyResource, Severity

from facts.instance_classes import (
    AURORA_SERVERLESS,
    DAEMON_SET_RESERVE,
    DATABASE_INSTANCE_CLASSES,
    NODE_INSTANCE_TYPES,
    NodeInstanceType,
    postgres_max_connections,
)
from facts.instance_classes import allocatable as node_allocatable
from facts.quantities import QUANTITY_PATTERN, parse_quantity
from policies.support.aws import (
    EKS_NODE_GROUP,
    LAUNCH_TEMPLATE,
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
from policies.support.declare import Concern, Finding, ResourcePolicy, Settings, StackPolicy, expecting_minimum
from policies.support.kubernetes import (
    CONFIG_MAP,
    DAEMON_SET,
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

GIBIBYTE = 2.0**30

# --- What a node offers ------------------------------------------------------------------------------------
#
# The kubelet's reservations and the DaemonSet allowance are in facts/instance_classes.py, which the apps'
# config validation reads too.


@dataclass(frozen=True)
class Resources:
    """CPU (cores) and memory (bytes)."""

    cpu: float = 0.0
    memory: float = 0.0

    def __add__(self, other: Resources) -> Resources:
        return Resources(self.cpu + other.cpu, self.memory + other.memory)

    def times(self, count: float) -> Resources:
        return Resources(self.cpu * count, self.memory * count)

    def peak(self, other: Resources) -> Resources:
        return Resources(max(self.cpu, other.cpu), max(self.memory, other.memory))

    def __str__(self) -> str:
        return f"{self.cpu:.2f} CPU / {self.memory / GIBIBYTE:.2f} GiB"


def allocatable(node: NodeInstanceType) -> Resources:
    """What a node leaves to pods: its cores after kube-reserved, and its memory after the kernel,
    kube-reserved and the eviction threshold."""
    return Resources(*node_allocatable(node))


def _container_requests(container: Container) -> Resources | Unknown:
    """What the scheduler reserves for a container: its requests, or its limits where it sets no request
    (Kubernetes then defaults the request to the limit)."""
    amounts: list[float] = []
    for resource in ("cpu", "memory"):
        request = field(container.spec, "resources", "requests", resource)
        if request is None:
            request = field(container.spec, "resources", "limits", resource)
        if is_unknown(request):
            return UNKNOWN
        amounts.append(parse_quantity(request) or 0.0)
    return Resources(*amounts)


def pod_requests(resource_type: str, props: Any) -> Resources | Unknown:
    """A workload's pod requests as the scheduler counts them: the sum over its containers, or the largest
    init container if that is more (init containers run one at a time, before the others)."""
    spec = pod_spec(resource_type, props)
    if is_unknown(spec):
        return UNKNOWN
    total, init_peak = Resources(), Resources()
    for container in containers(spec):
        requests = _container_requests(container)
        if isinstance(requests, Unknown):
            return UNKNOWN
        if container.is_init:
            init_peak = init_peak.peak(requests)
        else:
            total += requests
    return total.peak(init_peak)


def _peak_replicas(workload: PolicyResource, hpas: Sequence[PolicyResource]) -> float | Unknown:
    """The most pods a workload runs: its HPA's maxReplicas, else its own replica count (1 by default)."""
    counts = [field(hpa.props, "spec", "maxReplicas") for hpa in hpas] or [field(workload.props, "spec", "replicas")]
    if any(is_unknown(count) for count in counts):
        return UNKNOWN
    return max(number(count) or 1.0 for count in counts)


_LARGEST_SHOWN = 5


def _largest_first(parts: Iterable[tuple[float, str]]) -> str:
    """The labels of the largest parts of a total, for a message that stays readable on a big stack."""
    ranked = [label for _, label in sorted(parts, key=lambda part: part[0], reverse=True)]
    more = len(ranked) - _LARGEST_SHOWN
    return "; ".join(ranked[:_LARGEST_SHOWN]) + (f"; {more} more" if more > 0 else "")


@dataclass(frozen=True)
class _Demand:
    """What the workloads request at their peak, in total and workload by workload."""

    total: Resources
    parts: list[tuple[Resources, str]]


def _workload_demand(stack: Stack) -> _Demand | Unknown:
    """What the Deployments and StatefulSets request at their peak replica counts."""
    scaled_by = autoscalers(stack)
    total, parts = Resources(), []
    for workload in stack.of_type(DEPLOYMENT, STATEFUL_SET):
        replicas = _peak_replicas(workload, scaled_by.get(workload.urn, []))
        requests = pod_requests(workload.resource_type, workload.props)
        if isinstance(replicas, Unknown) or isinstance(requests, Unknown):
            return UNKNOWN
        total += requests.times(replicas)
        parts.append((requests.times(replicas), f"{workload.name} {replicas:g} x {requests}"))
    return _Demand(total, parts)


def _instance_types(stack: Stack, node_group: PolicyResource) -> list[Any] | Unknown:
    """The instance types a node group may launch: its own list, else its launch template's type."""
    types = field(node_group.props, "instanceTypes")
    if types is None:
        templates = stack.referenced(node_group, "launchTemplate", (LAUNCH_TEMPLATE,))
        types = [field(template.props, "instanceType") for template in templates]
    if is_unknown(types) or any(is_unknown(type_) for type_ in elements(types)):
        return UNKNOWN
    return [type_ for type_ in elements(types) if type_ is not None]


def _node_capacity(stack: Stack, per_node_overhead: Resources) -> tuple[Resources, list[Finding]] | Unknown:
    """What the node groups offer pods at their maximum size, and the node groups whose size is unknown."""
    capacity, problems = Resources(), []
    for node_group in stack.of_type(EKS_NODE_GROUP):
        max_size, types = field(node_group.props, "scalingConfig", "maxSize"), _instance_types(stack, node_group)
        if is_unknown(max_size) or isinstance(types, Unknown):
            return UNKNOWN
        nodes = [NODE_INSTANCE_TYPES.get(type_) for type_ in types]
        offers = [allocatable(node) for node in nodes if node is not None]
        if not types or len(offers) < len(types):
            unknown = sorted(str(type_) for type_, node in zip(types, nodes, strict=True) if node is None)
            problems.append(
                Finding(
                    node_group.urn,
                    f"node group {node_group.name} launches {', '.join(unknown) or 'an unnamed instance type'}: "
                    "name its instance types and add them to NODE_INSTANCE_TYPES in facts/instance_classes.py",
                )
            )
            continue
        # The autoscaler may launch any of the types: count on the smallest.
        node = Resources(min(offer.cpu for offer in offers), min(offer.memory for offer in offers))
        capacity += Resources(node.cpu - per_node_overhead.cpu, node.memory - per_node_overhead.memory).times(
            number(max_size) or 0.0
        )
    return capacity, problems


def _per_node_overhead(stack: Stack, settings: Settings) -> Resources | Unknown:
    """What every node gives away before the apps: the stack's DaemonSets' pods, plus the configured
    allowance for the EKS add-ons' DaemonSets the stack does not declare."""
    reserve = settings["reservedPerNode"]
    overhead = Resources(parse_quantity(reserve["cpu"]) or 0.0, parse_quantity(reserve["memory"]) or 0.0)
    for daemon_set in stack.of_type(DAEMON_SET):
        requests = pod_requests(DAEMON_SET, daemon_set.props)
        if isinstance(requests, Unknown):
            return UNKNOWN
        overhead += requests
    return overhead


def _cluster_capacity(stack: Stack, settings: Settings) -> Iterable[Finding]:
    if not stack.of_type(EKS_NODE_GROUP):
        return
    overhead = _per_node_overhead(stack, settings)
    demand = _workload_demand(stack)
    offered = UNKNOWN if isinstance(overhead, Unknown) else _node_capacity(stack, overhead)
    if isinstance(demand, Unknown) or isinstance(offered, Unknown):
        return
    capacity, problems = offered
    yield from problems
    if problems:
        return
    for dimension, size in (("CPU", lambda amount: amount.cpu), ("memory", lambda amount: amount.memory)):
        if size(demand.total) > size(capacity):
            largest = _largest_first((size(part), label) for part, label in demand.parts)
            yield Finding(
                None,
                f"not enough {dimension}: at peak the workloads request {demand.total} ({largest}) but the node "
                f"groups at maximum size offer {capacity} after {overhead} per node for DaemonSets",
            )


NODE_GROUP_FITS_HPA_MAXIMUM = StackPolicy(
    name="node-group-fits-hpa-maximum",
    description=(
        "The EKS node groups at their maximum size can schedule every Deployment and StatefulSet at its peak "
        "(its HPA's maxReplicas, else its replicas) by their CPU and memory requests, after the kubelet's "
        "reservations and the DaemonSets on every node. Raise the node groups' scalingConfig.maxSize or instance "
        "size, or lower maxReplicas or the requests."
    ),
    concern=Concern.RESILIENCE,
    severity=Severity.HIGH,
    rule=_cluster_capacity,
    config={
        # The allowance for the EKS add-ons' DaemonSets (facts/instance_classes.py says which).
        "reservedPerNode": {
            "type": "object",
            "properties": {
                "cpu": {"type": "string", "pattern": QUANTITY_PATTERN},
                "memory": {"type": "string", "pattern": QUANTITY_PATTERN},
            },
            "required": ["cpu", "memory"],
            "default": dict(DAEMON_SET_RESERVE),
        },
    },
)

# Tier 9 (cluster). The seed's web layer scales to 20 instances; a smaller maximum caps the HPAs' headroom.
EKS_NODE_GROUP_MAXIMUM = ResourcePolicy(
    name="eks-node-group-maximum",
    description=(
        "EKS node groups may grow to the seed's 20 nodes (scalingConfig.maxSize >= minimumMaxSize): the Cluster "
        "Autoscaler adds nodes only up to the maximum, and the HPAs need them at peak."
    ),
    concern=Concern.RESILIENCE,
    severity=Severity.HIGH,
    resource_types=(EKS_NODE_GROUP,),
    rule=expecting_minimum("scalingConfig.maxSize", "minimumMaxSize"),
    config={"minimumMaxSize": {"type": "integer", "minimum": 1, "default": 20}},
)

# --- What the database accepts -----------------------------------------------------------------------------

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
        replicas = _peak_replicas(workload, scaled_by.get(workload.urn, []))
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
            f"at peak the apps' pools open {connections:g} connections ({_largest_first(demand)}) but "
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

POLICIES: tuple[Policy, ...] = (NODE_GROUP_FITS_HPA_MAXIMUM, DATABASE_CONNECTION_BUDGET, EKS_NODE_GROUP_MAXIMUM)
