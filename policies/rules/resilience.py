"""Resilience: losing a zone, a node or a bad diff must not lose data or take the service down. These rules
describe production; the dev stack's policy config makes them advisory."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from pulumi_policy import Policy, PolicyResource, ResourceValidationArgs, Severity

from policies.support.aws import (
    BACKUP_VAULT,
    ECR_REPOSITORY,
    EFS_FILE_SYSTEM,
    EKS_CLUSTER,
    EKS_NODE_GROUP,
    ELASTICACHE_REPLICATION_GROUP,
    KMS_KEY,
    LOAD_BALANCER,
    RANDOM_PASSWORD,
    RDS_CLUSTER,
    RDS_CLUSTER_INSTANCE,
    RDS_INSTANCE,
    ROUTE53_ZONE,
    S3_BUCKETS,
    SECRET,
    cluster_members,
    is_aurora,
    is_primary_database,
    is_read_replica,
    replication_source,
)
from policies.support.declare import (
    Concern,
    Expect,
    Finding,
    ResourcePolicy,
    Settings,
    StackPolicy,
    expecting,
    expecting_minimum,
)
from policies.support.kubernetes import (
    DEPLOYMENT,
    HPAS,
    PDB,
    autoscalers,
    namespace_of,
    pod_labels,
    selects,
)
from policies.support.stack import Stack
from policies.support.values import (
    UNKNOWN,
    at_least,
    elements,
    field,
    is_set,
    is_true,
    is_unknown,
    number,
    shown,
    violated,
)

# --- RDS ---------------------------------------------------------------------------------------------------

RDS_MULTI_AZ = ResourcePolicy(
    name="rds-multi-az",
    description=(
        "Primary RDS instances run Multi-AZ, with a synchronous standby in a second zone that takes over on its "
        "own: set multiAz=true. (An Aurora cluster is Multi-AZ through readers in other zones: rds-read-replicas.)"
    ),
    concern=Concern.RESILIENCE,
    severity=Severity.HIGH,
    resource_types=(RDS_INSTANCE,),
    rule=expecting(Expect("multiAz", is_true, "set multiAz=true"), when=is_primary_database),
)


def _replicas_by_primary(stack: Stack) -> tuple[dict[str, list[PolicyResource]], bool]:
    """The read replicas of each primary, by URN, and whether every replica's source could be resolved."""
    replicas: dict[str, list[PolicyResource]] = defaultdict(list)
    all_resolved = True
    for instance in stack.of_type(RDS_INSTANCE):
        if is_read_replica(instance.props):
            source = replication_source(stack, instance)
            if source is None:
                all_resolved = False
            else:
                replicas[source.urn].append(instance)
    return replicas, all_resolved


def _read_replicas(stack: Stack, settings: Settings) -> Iterable[Finding]:
    minimum = settings["minimumReplicas"]
    replicas_of, all_resolved = _replicas_by_primary(stack)
    for primary in stack.of_type(RDS_INSTANCE):
        if is_read_replica(primary.props):
            continue
        replicas = replicas_of[primary.urn]
        # A replica whose source is not known yet may belong to this primary: the count cannot be judged.
        if len(replicas) < minimum and all_resolved:
            yield Finding(primary.urn, f"{primary.name} has {len(replicas)} read replicas, fewer than {shown(minimum)}")
        zones = {replica.name: field(replica.props, "availabilityZone") for replica in replicas}
        if any(is_unknown(zone) for zone in zones.values()):
            continue
        unpinned = sorted(name for name, zone in zones.items() if zone is None)
        if unpinned:
            yield Finding(primary.urn, f"replicas {', '.join(unpinned)} of {primary.name} name no availabilityZone")
        primary_zone = field(primary.props, "availabilityZone")
        taken = Counter(zone for zone in [*zones.values(), primary_zone] if isinstance(zone, str))
        for zone, count in sorted(taken.items()):
            if count > 1:
                yield Finding(primary.urn, f"{primary.name} and its replicas put {count} instances in {zone}")


def _aurora_readers(stack: Stack, minimum: float) -> Iterable[Finding]:
    """Each Aurora cluster keeps `minimum` readers besides its writer, each in a zone no other reader takes, and
    its instances span two zones at least (Aurora's Multi-AZ: a reader elsewhere takes over from the writer)."""
    members = cluster_members(stack)
    for cluster in stack.of_type(RDS_CLUSTER):
        if not is_aurora(cluster):
            continue
        instances = members.get(cluster.urn, [])
        readers = instances[1:]
        if len(readers) < minimum:
            yield Finding(
                cluster.urn, f"{cluster.name} has {len(readers)} reader instances, fewer than {shown(minimum)}"
            )
        zones = {instance.name: field(instance.props, "availabilityZone") for instance in instances}
        if any(is_unknown(zone) for zone in zones.values()):
            continue
        unpinned = sorted(name for name, zone in zones.items() if zone is None)
        if unpinned:
            yield Finding(cluster.urn, f"instances {', '.join(unpinned)} of {cluster.name} name no availabilityZone")
        for zone, count in sorted(Counter(zones[reader.name] for reader in readers if zones[reader.name]).items()):
            if count > 1:
                yield Finding(cluster.urn, f"{cluster.name} puts {count} readers in {zone}")
        pinned = {zone for zone in zones.values() if zone is not None}
        if len(pinned) == 1 and not unpinned:
            yield Finding(
                cluster.urn, f"every instance of {cluster.name} is in {pinned.pop()}: one zone's outage stops it"
            )


def _read_replicas_and_readers(stack: Stack, settings: Settings) -> Iterable[Finding]:
    yield from _read_replicas(stack, settings)
    yield from _aurora_readers(stack, settings["minimumReplicas"])


RDS_READ_REPLICAS = StackPolicy(
    name="rds-read-replicas",
    description=(
        "Every primary RDS instance has at least two read replicas (replicateSourceDb), each pinned with "
        "availabilityZone to a zone of its own, different from the primary's when the primary names one (only a "
        "single-AZ primary can; AWS places a Multi-AZ primary and its standby itself). Every Aurora cluster has at "
        "least two reader instances besides its writer (clusterIdentifier), each pinned to a zone no other reader "
        "takes, and its instances span at least two zones, which is Aurora's Multi-AZ."
    ),
    concern=Concern.RESILIENCE,
    severity=Severity.HIGH,
    rule=_read_replicas_and_readers,
    config={"minimumReplicas": {"type": "integer", "minimum": 0, "default": 2}},
)

RDS_BACKUP_RETENTION = ResourcePolicy(
    name="rds-backup-retention",
    description=(
        "Primary RDS instances and clusters keep automated backups (with point-in-time recovery) for at least "
        "30 days: set backupRetentionPeriod."
    ),
    concern=Concern.RESILIENCE,
    severity=Severity.HIGH,
    resource_types=(RDS_INSTANCE, RDS_CLUSTER),
    rule=expecting_minimum("backupRetentionPeriod", "minimumDays", when=is_primary_database),
    config={"minimumDays": {"type": "integer", "minimum": 1, "maximum": 35, "default": 30}},
)

# Read replicas are left out of the next two rules: deleting one loses no data (it is rebuilt from its
# primary), and RDS takes no final snapshot of a replica.
RDS_DELETION_PROTECTION = ResourcePolicy(
    name="rds-deletion-protection",
    description="Primary RDS instances and clusters cannot be deleted by accident: set deletionProtection=true.",
    concern=Concern.RESILIENCE,
    severity=Severity.HIGH,
    resource_types=(RDS_INSTANCE, RDS_CLUSTER),
    rule=expecting(Expect("deletionProtection", is_true, "set deletionProtection=true"), when=is_primary_database),
)

RDS_FINAL_SNAPSHOT = ResourcePolicy(
    name="rds-final-snapshot",
    description=(
        "Deleting a primary RDS instance or cluster leaves a final snapshot: leave skipFinalSnapshot false and "
        "set finalSnapshotIdentifier."
    ),
    concern=Concern.RESILIENCE,
    severity=Severity.HIGH,
    resource_types=(RDS_INSTANCE, RDS_CLUSTER),
    rule=expecting(
        Expect("skipFinalSnapshot", lambda value: not is_true(value), "set skipFinalSnapshot=false"),
        Expect("finalSnapshotIdentifier", is_set, "name the snapshot to take on deletion"),
        when=is_primary_database,
    ),
)

# --- ElastiCache -------------------------------------------------------------------------------------------

ELASTICACHE_AUTOMATIC_FAILOVER = ResourcePolicy(
    name="elasticache-automatic-failover",
    description=(
        "ElastiCache replication groups fail over to a replica in another zone on their own: set "
        "automaticFailoverEnabled=true and multiAzEnabled=true."
    ),
    concern=Concern.RESILIENCE,
    severity=Severity.HIGH,
    resource_types=(ELASTICACHE_REPLICATION_GROUP,),
    rule=expecting(
        Expect("automaticFailoverEnabled", is_true, "set automaticFailoverEnabled=true"),
        Expect("multiAzEnabled", is_true, "set multiAzEnabled=true"),
    ),
)


def _cache_replicas(args: ResourceValidationArgs, settings: Settings) -> Iterable[str]:
    minimum = settings["minimumReplicas"]
    per_shard, nodes = field(args.props, "replicasPerNodeGroup"), field(args.props, "numCacheClusters")
    if is_unknown(per_shard) or is_unknown(nodes):
        return
    if per_shard is not None:  # cluster mode: replicas per shard
        replicas = number(per_shard)
    else:  # numCacheClusters counts the primary and its replicas (the primary alone when unset)
        node_count = number(nodes) if nodes is not None else 1.0
        replicas = None if node_count is None else node_count - 1
    if replicas is None or replicas < minimum:
        yield (
            f"{shown(replicas)} replicas: set numCacheClusters to at least {shown(minimum + 1)} "
            f"(or replicasPerNodeGroup to {shown(minimum)})"
        )


ELASTICACHE_REPLICAS = ResourcePolicy(
    name="elasticache-replicas",
    description=(
        "ElastiCache replication groups keep at least two replicas (numCacheClusters >= 3, or "
        "replicasPerNodeGroup >= 2 in cluster mode), so a failover still leaves a replica."
    ),
    concern=Concern.RESILIENCE,
    severity=Severity.HIGH,
    resource_types=(ELASTICACHE_REPLICATION_GROUP,),
    rule=_cache_replicas,
    config={"minimumReplicas": {"type": "integer", "minimum": 0, "default": 2}},
)

ELASTICACHE_SNAPSHOT_RETENTION = ResourcePolicy(
    name="elasticache-snapshot-retention",
    description=(
        "ElastiCache replication groups take daily snapshots and keep them for at least 7 days: set "
        "snapshotRetentionLimit (and snapshotWindow)."
    ),
    concern=Concern.RESILIENCE,
    severity=Severity.MEDIUM,
    resource_types=(ELASTICACHE_REPLICATION_GROUP,),
    rule=expecting_minimum("snapshotRetentionLimit", "minimumDays"),
    config={"minimumDays": {"type": "integer", "minimum": 1, "maximum": 35, "default": 7}},
)

# --- EKS and workloads -------------------------------------------------------------------------------------


def _node_group_spread(args: ResourceValidationArgs, settings: Settings) -> Iterable[str]:
    minimum_nodes, minimum_subnets = settings["minimumNodes"], settings["minimumSubnets"]
    min_size = field(args.props, "scalingConfig", "minSize")
    if violated(min_size, at_least(minimum_nodes)):
        yield f"scalingConfig.minSize is {shown(min_size)}: set it to at least {shown(minimum_nodes)}"
    subnets = field(args.props, "subnetIds")
    if not is_unknown(subnets) and len(elements(subnets)) < minimum_subnets:
        yield f"subnetIds lists {len(elements(subnets))} subnets: spread the group over {shown(minimum_subnets)}"


EKS_NODE_GROUP_SPREAD = ResourcePolicy(
    name="eks-node-group-spread",
    description=(
        "EKS node groups never shrink below two nodes and span at least two subnets (zones): set "
        "scalingConfig.minSize >= 2 and list a private subnet per zone in subnetIds."
    ),
    concern=Concern.RESILIENCE,
    severity=Severity.HIGH,
    resource_types=(EKS_NODE_GROUP,),
    rule=_node_group_spread,
    config={
        "minimumNodes": {"type": "integer", "minimum": 1, "default": 2},
        "minimumSubnets": {"type": "integer", "minimum": 1, "default": 2},
    },
)

HPA_MIN_REPLICAS = ResourcePolicy(
    name="hpa-min-replicas",
    description=(
        "HorizontalPodAutoscalers keep at least two pods (spec.minReplicas >= 2; it defaults to 1), so one pod's "
        "restart or eviction does not take the app down."
    ),
    concern=Concern.RESILIENCE,
    severity=Severity.HIGH,
    resource_types=HPAS,
    rule=expecting_minimum("spec.minReplicas", "minimumReplicas"),
    config={"minimumReplicas": {"type": "integer", "minimum": 1, "default": 2}},
)


def _budgets_by_namespace(stack: Stack) -> Callable[[Any], list[PolicyResource]]:
    """The PodDisruptionBudgets that may govern pods of a namespace (a budget's namespace not known yet may
    be any)."""
    by_namespace: dict[Any, list[PolicyResource]] = defaultdict(list)
    for budget in stack.of_type(PDB):
        by_namespace[namespace_of(budget.props)].append(budget)
    return lambda namespace: (
        stack.of_type(PDB) if is_unknown(namespace) else by_namespace.get(namespace, []) + by_namespace.get(UNKNOWN, [])
    )


def _disruption_budgets_and_autoscalers(stack: Stack, _settings: Settings) -> Iterable[Finding]:
    scaled_by, budgets_in = autoscalers(stack), _budgets_by_namespace(stack)
    for deployment in stack.of_type(DEPLOYMENT):
        labels = pod_labels(DEPLOYMENT, deployment.props)
        budgets = budgets_in(namespace_of(deployment.props))
        if not any(selects(field(budget.props, "spec", "selector"), labels) for budget in budgets):
            yield Finding(deployment.urn, f"no PodDisruptionBudget selects the pods of {deployment.name}")
        if not scaled_by.get(deployment.urn):
            yield Finding(deployment.urn, f"no HorizontalPodAutoscaler targets {deployment.name}")


DEPLOYMENT_HAS_PDB_AND_HPA = StackPolicy(
    name="deployment-has-pdb-and-hpa",
    description=(
        "Every Deployment has a PodDisruptionBudget selecting its pods (so node drains and upgrades keep some "
        "running) and a HorizontalPodAutoscaler targeting it (scaleTargetRef kind Deployment, same namespace)."
    ),
    concern=Concern.RESILIENCE,
    severity=Severity.HIGH,
    rule=_disruption_budgets_and_autoscalers,
)

# --- Protection from a bad diff ----------------------------------------------------------------------------

STATEFUL_TYPES = (
    RDS_INSTANCE,
    RDS_CLUSTER,
    # Data tier: a cluster's instances (deleting the last one stops the database) and the secrets holding its
    # credentials (RDS Proxy signs in with them).
    RDS_CLUSTER_INSTANCE,
    SECRET,
    ELASTICACHE_REPLICATION_GROUP,
    *S3_BUCKETS,
    EFS_FILE_SYSTEM,
    KMS_KEY,
    EKS_CLUSTER,
    ECR_REPOSITORY,  # tier 9: images a rollback needs
    BACKUP_VAULT,
    RANDOM_PASSWORD,  # tier 10: the apps' generated secrets; a new one logs everyone out, loses encrypted data
)


def _protected(args: ResourceValidationArgs, _settings: Settings) -> Iterable[str]:
    if not args.opts.protect:
        yield "protect is not set: pass pulumi.ResourceOptions(protect=True)"


STATEFUL_RESOURCES_PROTECTED = ResourcePolicy(
    name="stateful-resources-protected",
    description=(
        "Stateful resources (RDS instances, clusters and cluster instances, ElastiCache replication groups, S3 "
        "buckets, EFS file systems, KMS keys, Secrets Manager secrets, the EKS cluster, ECR repositories, AWS "
        "Backup vaults, generated app secrets) have the protect resource option, so no diff can delete or "
        "replace them without first unprotecting them on purpose."
    ),
    concern=Concern.RESILIENCE,
    severity=Severity.CRITICAL,
    resource_types=STATEFUL_TYPES,
    rule=_protected,
)


# The longest wait KMS allows before it deletes a key, and the shortest recovery window of a secret Secrets Manager
# keeps (https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html,
# https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html).
KMS_LONGEST_DELETION_WINDOW_DAYS = 30
SECRET_SHORTEST_RECOVERY_WINDOW_DAYS = 7


def _not_forced(value: Any) -> bool:
    return not is_true(value)


# What protects each resource that offers it from a deletion (RDS's primaries are rds-deletion-protection's, which
# the stack's keepDataOnDelete decides and staging enforces too). EC2 termination protection is left out: no instance
# here holds data, and the bastion and the nodes are replaced by design.
_DELETION_PROTECTION: dict[str, tuple[Expect, ...]] = {
    EKS_CLUSTER: (Expect("deletionProtection", is_true, "set deletionProtection=true"),),
    LOAD_BALANCER: (
        Expect(
            "enableDeletionProtection",
            is_true,
            "set enableDeletionProtection=true: a new load balancer has a new DNS name, which every record names",
        ),
    ),
    **dict.fromkeys(
        (*S3_BUCKETS, BACKUP_VAULT, ROUTE53_ZONE),
        (Expect("forceDestroy", _not_forced, "leave it unset or false: a delete would empty it first"),),
    ),
    ECR_REPOSITORY: (Expect("forceDelete", _not_forced, "leave it unset or false: a delete would remove its images"),),
    KMS_KEY: (
        Expect(
            "deletionWindowInDays",
            lambda value: value is None or number(value) == KMS_LONGEST_DELETION_WINDOW_DAYS,
            f"leave it unset or {KMS_LONGEST_DELETION_WINDOW_DAYS}: the longest wait before a key, and all it "
            "encrypted, is gone",
        ),
    ),
    SECRET: (
        Expect(
            "recoveryWindowInDays",
            lambda value: value is None or at_least(SECRET_SHORTEST_RECOVERY_WINDOW_DAYS)(value),
            f"leave it unset (30) or at least {SECRET_SHORTEST_RECOVERY_WINDOW_DAYS}: 0 deletes the secret at once, "
            "with no recovery",
        ),
    ),
}


def _protected_from_deletion(args: ResourceValidationArgs, settings: Settings) -> Iterable[str]:
    return expecting(*_DELETION_PROTECTION[args.resource_type])(args, settings)


DELETION_PROTECTION = ResourcePolicy(
    name="deletion-protection",
    description=(
        "Every resource that offers protection from deletion has it: the EKS cluster deletionProtection=true, the "
        "load balancer enableDeletionProtection=true, no forceDestroy on buckets, backup vaults and hosted zones, no "
        "forceDelete on ECR repositories, KMS keys' longest deletion window (30 days) and a recovery window on "
        "secrets. RDS primaries are rds-deletion-protection's."
    ),
    concern=Concern.RESILIENCE,
    severity=Severity.HIGH,
    resource_types=tuple(_DELETION_PROTECTION),
    rule=_protected_from_deletion,
)

POLICIES: tuple[Policy, ...] = (
    RDS_MULTI_AZ,
    RDS_READ_REPLICAS,
    RDS_BACKUP_RETENTION,
    RDS_DELETION_PROTECTION,
    RDS_FINAL_SNAPSHOT,
    ELASTICACHE_AUTOMATIC_FAILOVER,
    ELASTICACHE_REPLICAS,
    ELASTICACHE_SNAPSHOT_RETENTION,
    EKS_NODE_GROUP_SPREAD,
    HPA_MIN_REPLICAS,
    DEPLOYMENT_HAS_PDB_AND_HPA,
    STATEFUL_RESOURCES_PROTECTED,
    DELETION_PROTECTION,
)
