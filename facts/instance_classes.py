"""The instance classes the platform may run on, with the figures that size it: EC2 instance types for EKS
nodes, RDS and Aurora DB instance classes, and ElastiCache node types.

Config validation accepts only the classes listed here, so a typo or a class nobody has sized is a config
error naming its key; the capacity and connection-budget policies read their vCPU, memory and max-pods figures
from the same rows. To allow another class, add its row with the figures from the source cited at its table.

Plain data without Pulumi imports: the policy pack imports it too.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal


class Architecture(StrEnum):
    """Spelled as EC2's DescribeInstanceTypes reports it (ProcessorInfo.SupportedArchitectures)."""

    X86_64 = "x86_64"
    ARM64 = "arm64"


@dataclass(frozen=True)
class InstanceClass:
    name: str
    vcpus: int
    memory_gib: float
    architecture: Architecture
    burstable: bool


@dataclass(frozen=True)
class NodeInstanceType(InstanceClass):
    """An EC2 instance type for EKS nodes. Under the VPC CNI every pod takes a secondary IPv4 address of one of
    the node's network interfaces, so those bound how many pods the node runs."""

    network_interfaces: int
    ipv4_addresses_per_interface: int
    max_pods: int


@dataclass(frozen=True)
class DatabaseInstanceClass(InstanceClass):
    # RDS offers every class listed; Aurora PostgreSQL only its memory-optimized classes and the smallest
    # burstable ones.
    aurora: bool


# EC2's naming convention, which RDS and ElastiCache follow after their `db.` or `cache.` prefix: series "t"
# is burstable performance, and a processor letter "g" after the generation is AWS Graviton (arm64).
# https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html
_FAMILY = re.compile(r"(?:db\.|cache\.)?(?P<series>[a-z]+)\d+(?P<options>[a-z-]*)")


def _traits(name: str) -> tuple[Architecture, bool]:
    """The architecture and whether the class is burstable, read from its name."""
    family = _FAMILY.fullmatch(name.rsplit(".", 1)[0])
    if family is None:
        raise ValueError(f"{name} does not follow EC2's instance type naming convention")
    architecture = Architecture.ARM64 if family["options"].startswith("g") else Architecture.X86_64
    return architecture, family["series"] == "t"


def _node_types(rows: Iterable[tuple[tuple[str, ...], str, int, float, int, int, int]]) -> dict[str, NodeInstanceType]:
    return {
        f"{family}.{size}": NodeInstanceType(
            f"{family}.{size}", vcpus, memory_gib, *_traits(f"{family}.{size}"), interfaces, addresses, max_pods
        )
        for families, size, vcpus, memory_gib, interfaces, addresses, max_pods in rows
        for family in families
    }


# vCPUs and memory: https://docs.aws.amazon.com/ec2/latest/instancetypes/co.html (compute optimized: c) and
# https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html (general purpose: m, t).
# Network interfaces and IPv4 addresses per interface:
# https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/AvailableIpPerENI.html
# Max pods, the VPC CNI's default of ENIs x (IPv4 per ENI - 1) + 2 that the EKS AMIs give the kubelet:
# https://github.com/awslabs/amazon-eks-ami/blob/main/templates/shared/runtime/eni-max-pods.txt
# fmt: off
NODE_INSTANCE_TYPES: Mapping[str, NodeInstanceType] = _node_types((
    #  families                                                  size      vCPU GiB ENIs IPv4 max pods
    # The seed's node: 2 vCPU / 4 GiB, not burstable (compute optimized; Intel, AMD, Graviton).
    (("c5", "c5a", "c6a", "c6g", "c6i", "c7a", "c7g", "c7i"), "large",  2,   4,  3,   10,  29),
    (("c6a", "c6g", "c6i", "c7i"),                            "xlarge", 4,   8,  4,   15,  58),
    # The same CPU with twice the memory (general purpose).
    (("m5", "m6a", "m6g", "m6i", "m7a", "m7g", "m7i"),        "large",  2,   8,  3,   10,  29),
    (("m6a", "m6g", "m6i", "m7i"),                            "xlarge", 4,   16, 4,   15,  58),
    # Burstable: listed so that config refuses them as nodes with the reason, not as unknown.
    (("t3", "t4g"),                                           "medium", 2,   4,  3,   6,   17),
    (("t3", "t4g"),                                           "large",  2,   8,  3,   12,  35),
))
# fmt: on


def _database_classes(
    families: Iterable[str], sizes: Mapping[str, tuple[int, float]], aurora_sizes: Collection[str]
) -> dict[str, DatabaseInstanceClass]:
    return {
        f"{family}.{size}": DatabaseInstanceClass(
            f"{family}.{size}", vcpus, memory_gib, *_traits(f"{family}.{size}"), size in aurora_sizes
        )
        for family in families
        for size, (vcpus, memory_gib) in sizes.items()
    }


# (vCPUs, GiB) by size.
_BURSTABLE_SIZES = {
    "micro": (2, 1),
    "small": (2, 2),
    "medium": (2, 4),
    "large": (2, 8),
    "xlarge": (4, 16),
    "2xlarge": (8, 32),
}
_GENERAL_PURPOSE_SIZES = {
    "large": (2, 8),
    "xlarge": (4, 16),
    "2xlarge": (8, 32),
    "4xlarge": (16, 64),
    "8xlarge": (32, 128),
}
_MEMORY_OPTIMIZED_SIZES = {size: (vcpus, 2 * gib) for size, (vcpus, gib) in _GENERAL_PURPOSE_SIZES.items()}

# vCPUs and memory: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Summary.html
# Aurora PostgreSQL's classes:
# https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.DBInstanceClass.SupportAurora.html
DATABASE_INSTANCE_CLASSES: Mapping[str, DatabaseInstanceClass] = {
    **_database_classes(("db.t3", "db.t4g"), _BURSTABLE_SIZES, aurora_sizes=("medium", "large")),
    **_database_classes(("db.m5", "db.m6g", "db.m6i", "db.m7g", "db.m7i"), _GENERAL_PURPOSE_SIZES, aurora_sizes=()),
    **_database_classes(
        ("db.r5", "db.r6g", "db.r6i", "db.r7g", "db.r7i", "db.r8g"),
        _MEMORY_OPTIMIZED_SIZES,
        aurora_sizes=_MEMORY_OPTIMIZED_SIZES,
    ),
}

# Aurora Serverless v2 has no fixed size, hence no row: the cluster's serverlessv2ScalingConfiguration sets
# its range in Aurora capacity units of about 2 GiB each.
# https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2.how-it-works.html
AURORA_SERVERLESS = "db.serverless"


def _cache_node_types(rows: Iterable[tuple[str, int, float]]) -> dict[str, InstanceClass]:
    return {name: InstanceClass(name, vcpus, memory_gib, *_traits(name)) for name, vcpus, memory_gib in rows}


# vCPUs and memory: https://aws.amazon.com/elasticache/pricing/ (node types and their figures), node types
# offered: https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html
CACHE_NODE_TYPES: Mapping[str, InstanceClass] = _cache_node_types(
    (
        ("cache.t4g.micro", 2, 0.5),
        ("cache.t4g.small", 2, 1.37),
        ("cache.t4g.medium", 2, 3.09),
        ("cache.m7g.large", 2, 6.38),
        ("cache.m7g.xlarge", 4, 12.93),
        ("cache.r7g.large", 2, 13.07),
        ("cache.r7g.xlarge", 4, 26.32),
        ("cache.r7g.2xlarge", 8, 52.82),
    )
)

InstanceClassKind = Literal["ec2-node", "rds", "aurora", "elasticache"]

_ALLOWED: Mapping[InstanceClassKind, tuple[str, ...]] = {
    "ec2-node": tuple(NODE_INSTANCE_TYPES),
    "rds": tuple(DATABASE_INSTANCE_CLASSES),
    "aurora": (*(name for name, row in DATABASE_INSTANCE_CLASSES.items() if row.aurora), AURORA_SERVERLESS),
    "elasticache": tuple(CACHE_NODE_TYPES),
}
_DESCRIBED: Mapping[InstanceClassKind, str] = {
    "ec2-node": "an EC2 instance type for EKS nodes",
    "rds": "a DB instance class of RDS (not Aurora)",
    "aurora": "an Aurora PostgreSQL DB instance class",
    "elasticache": "an ElastiCache node type",
}


def _by_family(names: Iterable[str]) -> str:
    """`c6i.large|xlarge, c7g.large`: a long list of classes, short enough to read in an error."""
    sizes: dict[str, list[str]] = {}
    for name in names:
        family, size = name.rsplit(".", 1)
        sizes.setdefault(family, []).append(size)
    return ", ".join(f"{family}.{'|'.join(family_sizes)}" for family, family_sizes in sizes.items())


def require_instance_class(kind: InstanceClassKind, name: str) -> str:
    """`name` if the table lists it for `kind`; otherwise a ValueError that names the classes allowed."""
    if name not in _ALLOWED[kind]:
        raise ValueError(
            f"{name} is not {_DESCRIBED[kind]} listed in facts/instance_classes.py; "
            f"must be one of {_by_family(_ALLOWED[kind])}"
        )
    return name


def _is_seed_node(row: NodeInstanceType) -> bool:
    return (row.vcpus, row.memory_gib, row.burstable) == (2, 4, False)


def require_node_instance_type(name: str) -> str:
    """`name` if it is a listed EC2 instance type that is not burstable, as the platform's nodes must be."""
    if NODE_INSTANCE_TYPES[require_instance_class("ec2-node", name)].burstable:
        steady = [row.name for row in NODE_INSTANCE_TYPES.values() if _is_seed_node(row)]
        raise ValueError(
            f"{name} is burstable: it runs at a baseline share of its vCPUs and bursts only on CPU credits (or "
            "at extra cost in unlimited mode), so the CPU that pods request is not always there; nodes must be "
            f"non-burstable, such as the 2 vCPU / 4 GiB {_by_family(steady)}"
        )
    return name


# --- What a node offers pods (tier: workloads) ---------------------------------------------------------------
#
# A node's allocatable CPU and memory, as the EKS-optimized AMIs configure the kubelet (AL2023's nodeadm, and
# AL2's bootstrap.sh before it):
# - kube-reserved CPU: 6 % of the first core, 1 % of the second, 0.5 % of the third and fourth and 0.25 % of
#   every further core (70m on a 2-vCPU node);
# - kube-reserved memory: 255 MiB plus 11 MiB for each pod the node may run (its max pods under the VPC CNI);
# - the hard eviction threshold, memory.available < 100 MiB;
# - and the memory the kubelet sees is less than the nominal size (firmware and kernel take their share);
#   Karpenter's estimate of that overhead, 7.5 %, is used here.
# A 2 vCPU / 4 GiB node such as c6i.large thus offers 1.93 CPU and 3.04 GiB to pods. The capacity policy and
# the apps' config validation both size pods against these figures.
_KUBELET_VISIBLE_MEMORY = 0.925
_KUBE_RESERVED_MEMORY_MIB = 255.0
_KUBE_RESERVED_MEMORY_PER_POD_MIB = 11.0
_EVICTION_THRESHOLD_MIB = 100.0
_MEBIBYTE = 2.0**20

# Requests of the EKS add-ons' DaemonSets on every node that the stack does not declare (vpc-cni, kube-proxy, the
# pod identity agent, the EFS CSI node plugin, the CloudWatch agent): an allowance to check against `kubectl
# describe node` once the cluster runs. Kubernetes quantities, as a policy config writes them.
DAEMON_SET_RESERVE: Mapping[str, str] = {"cpu": "500m", "memory": "512Mi"}


def allocatable(node: NodeInstanceType) -> tuple[float, float]:
    """What a node leaves to pods, (cores, bytes): its cores after kube-reserved, and its memory after the
    kernel, kube-reserved and the eviction threshold."""
    shares = [0.06, 0.01, 0.005, 0.005] + [0.0025] * max(0, node.vcpus - 4)
    visible_mib = node.memory_gib * 1024 * _KUBELET_VISIBLE_MEMORY
    reserved_mib = _KUBE_RESERVED_MEMORY_MIB + _KUBE_RESERVED_MEMORY_PER_POD_MIB * node.max_pods
    return node.vcpus - sum(shares[: node.vcpus]), (visible_mib - reserved_mib - _EVICTION_THRESHOLD_MIB) * _MEBIBYTE


# --- PostgreSQL connection limits (tier: observability) ------------------------------------------------------
#
# RDS for PostgreSQL and Aurora PostgreSQL set max_connections to LEAST({DBInstanceClassMemory/9531392}, 5000)
# unless the parameter group overrides it; Aurora Serverless v2 applies the formula to the memory of the
# cluster's maximum capacity. DBInstanceClassMemory is the class's memory less what RDS keeps for the operating
# system, so the figure computed from the nominal memory is an upper bound.
# https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraPostgreSQL.Managing.html#AuroraPostgreSQL.Managing.MaxConnections
_BYTES_PER_POSTGRES_CONNECTION = 9531392
_POSTGRES_CONNECTIONS_CAP = 5000
_GIBIBYTE = 2**30
# An Aurora capacity unit is about 2 GiB of memory (see AURORA_SERVERLESS above).
GIB_PER_AURORA_CAPACITY_UNIT = 2.0


def postgres_max_connections(memory_gib: float) -> int:
    """The default max_connections of a PostgreSQL instance with `memory_gib` of memory."""
    return min(math.floor(memory_gib * _GIBIBYTE / _BYTES_PER_POSTGRES_CONNECTION), _POSTGRES_CONNECTIONS_CAP)


def database_memory_gib(instance_class: str, serverless_max_capacity: float | None = None) -> float:
    """The memory of an RDS or Aurora instance class; for `db.serverless`, that of its maximum capacity."""
    if instance_class == AURORA_SERVERLESS:
        if serverless_max_capacity is None:
            raise ValueError(f"{AURORA_SERVERLESS} has no fixed memory: give the cluster's maximum capacity in ACUs")
        return serverless_max_capacity * GIB_PER_AURORA_CAPACITY_UNIT
    return DATABASE_INSTANCE_CLASSES[instance_class].memory_gib
