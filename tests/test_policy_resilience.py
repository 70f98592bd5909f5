"""Production resilience: Multi-AZ data stores, replicas, backups, spread nodes and pods, protected state."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi_policy import Policy

from policies.rules.resilience import (
    DELETION_PROTECTION,
    DEPLOYMENT_HAS_PDB_AND_HPA,
    EKS_NODE_GROUP_SPREAD,
    ELASTICACHE_AUTOMATIC_FAILOVER,
    ELASTICACHE_REPLICAS,
    ELASTICACHE_SNAPSHOT_RETENTION,
    HPA_MIN_REPLICAS,
    RDS_BACKUP_RETENTION,
    RDS_DELETION_PROTECTION,
    RDS_FINAL_SNAPSHOT,
    RDS_MULTI_AZ,
    RDS_READ_REPLICAS,
    STATEFUL_RESOURCES_PROTECTED,
)
from policies.support.aws import (
    BACKUP_VAULT,
    ECR_REPOSITORY,
    EKS_CLUSTER,
    ELASTICACHE_REPLICATION_GROUP,
    KMS_KEY,
    LOAD_BALANCER,
    LOG_GROUP,
    RANDOM_PASSWORD,
    RDS_CLUSTER_INSTANCE,
    RDS_INSTANCE,
    ROUTE53_ZONE,
    S3_BUCKET,
    SECRET,
)
from tests.policy_builders import UNKNOWN, GraphBuilder, merged, messages, property_rule_tests, ref, single
from tests.policy_builders_aws import AURORA_ZONES, aurora, node_group, rds_primary, rds_replica
from tests.policy_builders_kubernetes import deployment, hpa, pdb

CACHE = {
    "automaticFailoverEnabled": True,
    "multiAzEnabled": True,
    "numCacheClusters": 3,
    "snapshotRetentionLimit": 7,
}

# (policy, resource type, inputs that pass, the change that makes them fail, the message it then reports)
PROPERTY_CASES = [
    pytest.param(RDS_MULTI_AZ, RDS_INSTANCE, {"multiAz": True}, {"multiAz": False}, "multiAz is false", id="multi-az"),
    pytest.param(
        RDS_BACKUP_RETENTION,
        RDS_INSTANCE,
        {"backupRetentionPeriod": 30},
        {"backupRetentionPeriod": 7},
        "backupRetentionPeriod is 7: set it to at least 30",
        id="backup-retention",
    ),
    pytest.param(
        RDS_DELETION_PROTECTION,
        RDS_INSTANCE,
        {"deletionProtection": True},
        {"deletionProtection": None},
        "deletionProtection is not set",
        id="deletion-protection",
    ),
    pytest.param(
        RDS_FINAL_SNAPSHOT,
        RDS_INSTANCE,
        {"skipFinalSnapshot": False, "finalSnapshotIdentifier": "db-final"},
        {"skipFinalSnapshot": True},
        "skipFinalSnapshot is true",
        id="final-snapshot",
    ),
    pytest.param(
        ELASTICACHE_AUTOMATIC_FAILOVER,
        ELASTICACHE_REPLICATION_GROUP,
        CACHE,
        {"multiAzEnabled": False},
        "multiAzEnabled is false",
        id="cache-failover",
    ),
    pytest.param(
        ELASTICACHE_REPLICAS,
        ELASTICACHE_REPLICATION_GROUP,
        CACHE,
        {"numCacheClusters": 2},
        "1 replicas: set numCacheClusters to at least 3",
        id="cache-replicas",
    ),
    pytest.param(
        ELASTICACHE_SNAPSHOT_RETENTION,
        ELASTICACHE_REPLICATION_GROUP,
        CACHE,
        {"snapshotRetentionLimit": 0},
        "snapshotRetentionLimit is 0: set it to at least 7",
        id="cache-snapshots",
    ),
]


test_property_rule_passes_compliant_resource, test_property_rule_reports_the_broken_property = property_rule_tests(
    PROPERTY_CASES
)


@pytest.mark.parametrize("policy", [RDS_MULTI_AZ, RDS_BACKUP_RETENTION, RDS_DELETION_PROTECTION, RDS_FINAL_SNAPSHOT])
def test_primary_only_rules_leave_read_replicas_alone(policy: Policy) -> None:
    builder = GraphBuilder()
    rds_replica(builder, rds_primary(builder), "us-east-1b")
    assert messages(policy, builder.build()) == []


def test_backup_retention_minimum_is_configurable() -> None:
    graph = single(RDS_INSTANCE, {"backupRetentionPeriod": 7})
    assert messages(RDS_BACKUP_RETENTION, graph, {"minimumDays": 7}) == []


def test_cluster_mode_counts_replicas_per_shard() -> None:
    sharded = merged(CACHE, {"numCacheClusters": None, "replicasPerNodeGroup": 2, "numNodeGroups": 3})
    assert messages(ELASTICACHE_REPLICAS, single(ELASTICACHE_REPLICATION_GROUP, sharded)) == []


SINGLE_AZ_IN_1A = {"multiAz": False, "availabilityZone": "us-east-1a"}
"""A primary without a standby, pinned to a zone (a Multi-AZ primary cannot name one)."""


def _database(*zones: str | None, **primary_changes: Any) -> GraphBuilder:
    builder = GraphBuilder()
    primary = rds_primary(builder, **primary_changes)  # Multi-AZ, its zones chosen by AWS, unless changed
    for number, zone in enumerate(zones, start=1):
        rds_replica(builder, primary, zone, number=number)
    return builder


@pytest.mark.parametrize("primary", [{}, SINGLE_AZ_IN_1A], ids=["multi-az primary", "single-az primary"])
def test_two_replicas_in_zones_of_their_own_pass(primary: dict[str, Any]) -> None:
    assert messages(RDS_READ_REPLICAS, _database("us-east-1b", "us-east-1c", **primary).build()) == []


@pytest.mark.parametrize(
    ("zones", "expected"),
    [
        (("us-east-1b",), "db has 1 read replicas, fewer than 2"),
        (("us-east-1b", "us-east-1b"), "db and its replicas put 2 instances in us-east-1b"),
        (("us-east-1b", None), "replicas db-replica-2 of db name no availabilityZone"),
    ],
    ids=["one replica", "replicas share a zone", "zone left to AWS"],
)
def test_replicas_missing_or_sharing_a_zone_fail(zones: tuple[str | None, ...], expected: str) -> None:
    assert messages(RDS_READ_REPLICAS, _database(*zones).build()) == [expected]


def test_replica_in_the_zone_of_a_pinned_single_az_primary_fails() -> None:
    builder = _database("us-east-1a", "us-east-1b", **SINGLE_AZ_IN_1A)
    assert messages(RDS_READ_REPLICAS, builder.build()) == ["db and its replicas put 2 instances in us-east-1a"]


def test_replica_count_is_not_judged_while_a_source_is_unknown() -> None:
    builder = _database("us-east-1b")
    builder.add(RDS_INSTANCE, "pending-replica", {"replicateSourceDb": UNKNOWN, "availabilityZone": "us-east-1c"})
    assert messages(RDS_READ_REPLICAS, builder.build()) == []


def test_node_group_of_two_nodes_over_three_subnets_passes() -> None:
    builder = GraphBuilder()
    node_group(builder)
    assert messages(EKS_NODE_GROUP_SPREAD, builder.build()) == []


def test_node_group_that_can_shrink_to_one_node_in_one_subnet_fails() -> None:
    builder = GraphBuilder()
    group = node_group(builder)
    builder.add(
        group.type, group.name, merged(group.inputs, {"subnetIds": ["subnet-a"], "scalingConfig": {"minSize": 1}})
    )
    assert messages(EKS_NODE_GROUP_SPREAD, builder.build()) == [
        "scalingConfig.minSize is 1: set it to at least 2",
        "subnetIds lists 1 subnets: spread the group over 2",
    ]


def _app(*, with_budget: bool = True, with_autoscaler: bool = True, budget_namespace: str = "apps") -> GraphBuilder:
    builder = GraphBuilder()
    web = deployment(builder, "web")
    if with_budget:
        pdb(builder, "web", namespace=budget_namespace)
    if with_autoscaler:
        hpa(builder, web)
    return builder


def test_hpa_min_replicas() -> None:
    assert messages(HPA_MIN_REPLICAS, _app().build()) == []
    builder = GraphBuilder()
    hpa(builder, deployment(builder, "web"), min_replicas=1)
    assert messages(HPA_MIN_REPLICAS, builder.build()) == ["spec.minReplicas is 1: set it to at least 2"]


def test_deployment_with_budget_and_autoscaler_passes() -> None:
    assert messages(DEPLOYMENT_HAS_PDB_AND_HPA, _app().build()) == []


@pytest.mark.parametrize(
    ("builder", "expected"),
    [
        (_app(with_budget=False), "no PodDisruptionBudget selects the pods of web"),
        (_app(budget_namespace="other"), "no PodDisruptionBudget selects the pods of web"),
        (_app(with_autoscaler=False), "no HorizontalPodAutoscaler targets web"),
    ],
    ids=["no budget", "budget in another namespace", "no autoscaler"],
)
def test_deployment_missing_budget_or_autoscaler_fails(builder: GraphBuilder, expected: str) -> None:
    assert messages(DEPLOYMENT_HAS_PDB_AND_HPA, builder.build()) == [expected]


def test_autoscaler_of_a_deployment_not_named_yet_is_linked_by_dependency() -> None:
    builder = GraphBuilder()
    web = deployment(builder, "web")
    pdb(builder, "web")
    builder.add(
        "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
        "web-hpa",
        {
            "metadata": {"namespace": "apps"},
            "spec": {
                "scaleTargetRef": {"kind": "Deployment", "name": ref(web, known=False)},
                "minReplicas": 3,
                "maxReplicas": 20,
            },
        },
    )
    assert messages(DEPLOYMENT_HAS_PDB_AND_HPA, builder.build()) == []


def test_stateful_resources_must_be_protected() -> None:
    assert messages(STATEFUL_RESOURCES_PROTECTED, single(KMS_KEY, {"enableKeyRotation": True}, protect=True)) == []
    assert messages(STATEFUL_RESOURCES_PROTECTED, single(KMS_KEY, {"enableKeyRotation": True})) == [
        "protect is not set: pass pulumi.ResourceOptions(protect=True)"
    ]


@pytest.mark.parametrize("type_", [RDS_CLUSTER_INSTANCE, SECRET])
def test_the_data_tiers_instances_and_secrets_must_be_protected(type_: str) -> None:
    assert messages(STATEFUL_RESOURCES_PROTECTED, single(type_, {}, protect=True)) == []
    assert messages(STATEFUL_RESOURCES_PROTECTED, single(type_, {})) == [
        "protect is not set: pass pulumi.ResourceOptions(protect=True)"
    ]


def test_generated_app_secrets_must_be_protected() -> None:
    assert messages(STATEFUL_RESOURCES_PROTECTED, single(RANDOM_PASSWORD, {"length": 64})) == [
        "protect is not set: pass pulumi.ResourceOptions(protect=True)"
    ]


def test_stateless_resources_need_no_protection() -> None:
    assert messages(STATEFUL_RESOURCES_PROTECTED, single(LOG_GROUP, {"retentionInDays": 30})) == []


# --- Readers spread over zones (rds-read-replicas) ------------------------------------------------------------


def test_a_writer_and_two_readers_in_three_zones_pass() -> None:
    builder = GraphBuilder()
    aurora(builder)
    assert messages(RDS_READ_REPLICAS, builder.build()) == []


@pytest.mark.parametrize(
    ("zones", "expected"),
    [
        (AURORA_ZONES[:2], ["database has 1 reader instances, fewer than 2"]),
        (("us-east-1a", "us-east-1b", "us-east-1b"), ["database puts 2 readers in us-east-1b"]),
        (("us-east-1a", "us-east-1b", None), ["instances database-3 of database name no availabilityZone"]),
        (
            ("us-east-1a",),
            [
                "database has 0 reader instances, fewer than 2",
                "every instance of database is in us-east-1a: one zone's outage stops it",
            ],
        ),
    ],
    ids=["one reader", "readers share a zone", "zone left to AWS", "one zone only"],
)
def test_readers_missing_or_sharing_a_zone_fail(zones: tuple[str | None, ...], expected: list[str]) -> None:
    builder = GraphBuilder()
    aurora(builder, zones)
    assert messages(RDS_READ_REPLICAS, builder.build()) == expected


def test_a_reader_may_share_the_writers_zone_when_readers_fill_every_zone() -> None:
    builder = GraphBuilder()
    aurora(builder, ("us-east-1a", "us-east-1b", "us-east-1c", "us-east-1a"))
    assert messages(RDS_READ_REPLICAS, builder.build()) == []


def test_readers_whose_zones_are_unknown_are_not_judged() -> None:
    builder = GraphBuilder()
    aurora(builder, ("us-east-1a", UNKNOWN, UNKNOWN))
    assert messages(RDS_READ_REPLICAS, builder.build()) == []


# --- Deletion protection ------------------------------------------------------------------------------------------

# (type, what protects it, what takes the protection away, the message)
DELETION_CASES = [
    (EKS_CLUSTER, {"deletionProtection": True}, {"deletionProtection": False}, "deletionProtection is false"),
    (LOAD_BALANCER, {"enableDeletionProtection": True}, {}, "enableDeletionProtection is not set"),
    (S3_BUCKET, {"forceDestroy": False}, {"forceDestroy": True}, "forceDestroy is true"),
    (BACKUP_VAULT, {}, {"forceDestroy": True}, "forceDestroy is true"),
    (ROUTE53_ZONE, {}, {"forceDestroy": True}, "forceDestroy is true"),
    (ECR_REPOSITORY, {"forceDelete": False}, {"forceDelete": True}, "forceDelete is true"),
    (KMS_KEY, {"deletionWindowInDays": 30}, {"deletionWindowInDays": 7}, "deletionWindowInDays is 7"),
    (SECRET, {"recoveryWindowInDays": 7}, {"recoveryWindowInDays": 0}, "recoveryWindowInDays is 0"),
]


@pytest.mark.parametrize(
    ("type_", "protected", "unprotected", "expected"),
    DELETION_CASES,
    ids=[case[0].rsplit(":", 1)[1] for case in DELETION_CASES],
)
def test_a_resource_loses_its_deletion_protection_and_is_found(
    type_: str, protected: dict[str, Any], unprotected: dict[str, Any], expected: str
) -> None:
    assert messages(DELETION_PROTECTION, single(type_, protected)) == []
    [message] = messages(DELETION_PROTECTION, single(type_, unprotected))
    assert message.startswith(f"{expected}: ")


def test_a_protection_unknown_during_preview_is_not_judged() -> None:
    assert messages(DELETION_PROTECTION, single(EKS_CLUSTER, {"deletionProtection": UNKNOWN})) == []
    assert messages(DELETION_PROTECTION, single(KMS_KEY, {})) == []
