"""Cluster capacity: the node groups at their maximum size can schedule every Deployment and StatefulSet at its
peak, and may grow to the seed's 20 nodes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pulumi_policy import PolicyResource, Severity

from facts.instance_classes import DAEMON_SET_RESERVE, NODE_INSTANCE_TYPES, NodeInstanceType
from facts.instance_classes import allocatable as node_allocatable
from facts.quantities import QUANTITY_PATTERN, parse_quantity
from policies.rules.capacity.peak import largest_first, peak_replicas
from policies.support.aws import EKS_NODE_GROUP, LAUNCH_TEMPLATE
from policies.support.declare import Concern, Finding, ResourcePolicy, Settings, StackPolicy, expecting_minimum
from policies.support.kubernetes import (
    DAEMON_SET,
    DEPLOYMENT,
    STATEFUL_SET,
    Container,
    autoscalers,
    containers,
    pod_spec,
)
from policies.support.stack import Stack
from policies.support.values import UNKNOWN, Unknown, elements, field, is_unknown, number

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
        replicas = peak_replicas(workload, scaled_by.get(workload.urn, []))
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
            largest = largest_first((size(part), label) for part, label in demand.parts)
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
