"""The buckets and the file system, on every stack's graph: each bucket carries every guard (checked across all
buckets, so one added later without them fails), lifecycles follow the config, EFS sits in the data subnets only."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from components.config.storage import BackupsBucketConfig
from offline.graph import Graph, Resource
from tests.graph_queries import by_id, subnets_by_tier
from tests.helpers import graph_of

BUCKET = "aws:s3/bucket:Bucket"
ACCOUNTS = {"dev": "333333333333", "staging": "222222222222", "prod": "111111111111"}


def attachments(graph: Graph, kind: str) -> dict[str, Resource]:
    """The bucket's side resources of one kind (`bucketVersioning`), by the logical name of their bucket."""
    type_ = f"aws:s3/{kind}:{kind[0].upper()}{kind[1:]}"
    buckets = {bucket.id: bucket.name for bucket in graph.of_type(BUCKET)}
    found = {buckets[resource.inputs["bucket"]]: resource for resource in graph.of_type(type_)}
    assert len(found) == len(graph.of_type(type_))
    return found


def buckets(graph: Graph) -> dict[str, Resource]:
    return {bucket.name: bucket for bucket in graph.of_type(BUCKET)}


def document(resource: Resource) -> dict[str, Any]:
    return json.loads(resource.inputs["policy"])


def statement(resource: Resource, sid: str) -> dict[str, Any]:
    return next(s for s in document(resource)["Statement"] if s.get("Sid") == sid)


def test_the_three_buckets_have_predictable_global_names(stack_graph: Graph) -> None:
    account = ACCOUNTS[stack_graph.stack]
    assert {bucket.inputs["bucket"] for bucket in stack_graph.of_type(BUCKET)} == {
        f"sentinel-{stack_graph.stack}-{account}-us-east-1-{purpose}" for purpose in ("uploads", "backups", "logs")
    }


def test_every_bucket_blocks_public_access_enforces_ownership_and_versions(stack_graph: Graph) -> None:
    names = set(buckets(stack_graph))
    blocks = attachments(stack_graph, "bucketPublicAccessBlock")
    flags = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    assert set(blocks) == names and all(all(block.inputs[flag] for flag in flags) for block in blocks.values())
    ownership = attachments(stack_graph, "bucketOwnershipControls")
    assert {name: o.inputs["rule"]["objectOwnership"] for name, o in ownership.items()} == dict.fromkeys(
        names, "BucketOwnerEnforced"
    )
    versioning = attachments(stack_graph, "bucketVersioning")
    assert {name: v.inputs["versioningConfiguration"]["status"] for name, v in versioning.items()} == dict.fromkeys(
        names, "Enabled"
    )


def test_every_bucket_denies_plain_http_on_itself_and_its_objects(stack_graph: Graph) -> None:
    policies = attachments(stack_graph, "bucketPolicy")
    assert set(policies) == set(buckets(stack_graph))
    for name, policy in policies.items():
        arn = buckets(stack_graph)[name].outputs["arn"]
        deny = statement(policy, "DenyPlainHttp")
        assert deny["Effect"] == "Deny" and deny["Principal"] == {"AWS": "*"} and deny["Action"] == "s3:*"
        assert deny["Resource"] == [arn, f"{arn}/*"]
        assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_buckets_use_kms_with_a_bucket_key_and_the_log_bucket_s3_managed_keys(stack_graph: Graph) -> None:
    keys = {key.outputs["arn"] for key in stack_graph.of_type("aws:kms/key:Key")}
    for name, configuration in attachments(stack_graph, "bucketServerSideEncryptionConfiguration").items():
        [rule] = configuration.inputs["rules"]
        default = rule["applyServerSideEncryptionByDefault"]
        if name == "storage-logs":
            assert default == {"sseAlgorithm": "AES256"}
        else:
            assert default["sseAlgorithm"] == "aws:kms" and default["kmsMasterKeyId"] in keys
            assert rule["bucketKeyEnabled"] is True


def test_every_bucket_but_the_log_bucket_logs_to_it(stack_graph: Graph) -> None:
    logs = buckets(stack_graph)["storage-logs"]
    logging = attachments(stack_graph, "bucketLogging")
    assert set(logging) == set(buckets(stack_graph)) - {"storage-logs"}
    assert all(entry.inputs["targetBucket"] == logs.outputs["bucket"] for entry in logging.values())


def test_every_lifecycle_rule_has_a_filter_and_objects_under_128_kb_stay(stack_graph: Graph) -> None:
    lifecycles = attachments(stack_graph, "bucketLifecycleConfiguration")
    assert set(lifecycles) == set(buckets(stack_graph))
    for lifecycle in lifecycles.values():
        assert lifecycle.inputs["transitionDefaultMinimumObjectSize"] == "all_storage_classes_128K"
        assert all(
            rule["filter"] == {"prefix": ""} and rule["status"] == "Enabled" for rule in lifecycle.inputs["rules"]
        )


def test_side_resources_wait_for_each_other_in_the_order_s3_needs(stack_graph: Graph) -> None:
    order = [
        "bucketPublicAccessBlock",
        "bucketPolicy",
        "bucketOwnershipControls",
        "bucketServerSideEncryptionConfiguration",
        "bucketVersioning",
        "bucketObjectLockConfiguration",
        "bucketLifecycleConfiguration",
        "bucketLogging",
        "bucketCorsConfiguration",
    ]
    chains: dict[str, list[Resource]] = {name: [] for name in buckets(stack_graph)}
    for kind in order:
        for name, resource in attachments(stack_graph, kind).items():
            chains[name].append(resource)
    for chain in chains.values():
        for earlier, later in itertools.pairwise(chain):
            assert earlier.urn in later.dependencies, (earlier.urn, later.urn)


def rule_of(graph: Graph, bucket: str) -> dict[str, Any]:
    [rule] = attachments(graph, "bucketLifecycleConfiguration")[bucket].inputs["rules"]
    return rule


@pytest.mark.parametrize(
    ("stack", "backups_expire", "uploads_noncurrent", "logs_expire", "infrequent_access"),
    [("dev", 365, 7, 30, None), ("staging", 365, 30, 90, None), ("prod", 2555, 90, 365, 90)],
)
def test_lifecycle_ages_per_stack(
    stack: str, backups_expire: int, uploads_noncurrent: int, logs_expire: int, infrequent_access: int | None
) -> None:
    graph = graph_of(stack)
    backups = rule_of(graph, "storage-backups")
    archive = [{"days": 30, "storageClass": "GLACIER"}, {"days": 120, "storageClass": "DEEP_ARCHIVE"}]
    assert backups["transitions"] == archive
    assert backups["noncurrentVersionTransitions"] == [
        {"noncurrentDays": t["days"], "storageClass": t["storageClass"]} for t in archive
    ]
    assert backups["expiration"] == {"days": backups_expire}
    assert backups["noncurrentVersionExpiration"] == {"noncurrentDays": backups_expire}
    uploads = rule_of(graph, "storage-uploads")
    assert uploads["noncurrentVersionExpiration"] == {"noncurrentDays": uploads_noncurrent}
    assert uploads["abortIncompleteMultipartUpload"] == {"daysAfterInitiation": 7}
    assert uploads.get("transitions", []) == (
        [{"days": infrequent_access, "storageClass": "STANDARD_IA"}] if infrequent_access else []
    )
    assert rule_of(graph, "storage-logs")["expiration"] == {"days": logs_expire}


@pytest.mark.parametrize(("stack", "locked"), [("dev", False), ("staging", False), ("prod", True)])
def test_backups_are_locked_in_governance_mode_in_prod_from_creation(stack: str, locked: bool) -> None:
    graph = graph_of(stack)
    assert ("objectLockEnabled" in buckets(graph)["storage-backups"].inputs) is locked
    locks = attachments(graph, "bucketObjectLockConfiguration")
    if locked:
        assert set(locks) == {"storage-backups"}
        assert locks["storage-backups"].inputs["rule"] == {"defaultRetention": {"mode": "GOVERNANCE", "days": 30}}
    else:
        assert locks == {}


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_only_dev_buckets_can_be_destroyed_with_their_objects(stack: str) -> None:
    assert {b.inputs["forceDestroy"] for b in graph_of(stack).of_type(BUCKET)} == {stack == "dev"}


def test_only_the_writer_roles_may_delete_backups_and_administrators_keep_control(prod: Graph) -> None:
    deny = statement(attachments(prod, "bucketPolicy")["storage-backups"], "DenyBackupDeletesButByWriters")
    assert deny["Effect"] == "Deny" and deny["Principal"] == {"AWS": "*"}
    assert set(deny["Action"]) == {"s3:DeleteObject", "s3:DeleteObjectVersion", "s3:BypassGovernanceRetention"}
    assert deny["Condition"] == {
        "ArnNotLike": {"aws:PrincipalArn": ["arn:aws:iam::111111111111:role/sentinel-prod-backup-writer"]}
    }
    policy_actions = {
        action
        for s in document(attachments(prod, "bucketPolicy")["storage-backups"])["Statement"]
        for action in s["Action"]
    }
    assert not policy_actions & {"s3:PutBucketPolicy", "s3:PutLifecycleConfiguration", "s3:*Policy*"}


def test_the_log_bucket_admits_s3_and_the_regions_load_balancer_log_delivery(prod: Graph) -> None:
    policy = attachments(prod, "bucketPolicy")["storage-logs"]
    arn = buckets(prod)["storage-logs"].outputs["arn"]
    s3 = statement(policy, "S3ServerAccessLogs")
    assert s3["Principal"] == {"Service": "logging.s3.amazonaws.com"} and s3["Resource"] == f"{arn}/s3/*"
    assert s3["Condition"]["StringEquals"] == {"aws:SourceAccount": "111111111111"}
    alb = statement(policy, "LoadBalancerAccessLogs")
    assert alb["Principal"] == {"AWS": "arn:aws:iam::127311923021:root"}
    assert alb["Resource"] == f"{arn}/alb/AWSLogs/111111111111/*"
    assert "storage-logs" not in attachments(prod, "bucketObjectLockConfiguration")
    assert "objectLockEnabled" not in buckets(prod)["storage-logs"].inputs


def test_uploads_allow_the_apps_origins(prod: Graph) -> None:
    [cors] = attachments(prod, "bucketCorsConfiguration").values()
    [rule] = cors.inputs["corsRules"]
    assert sorted(rule["allowedOrigins"]) == [
        "https://admin.projectsentinel.ai",
        "https://api.projectsentinel.ai",
        "https://app.projectsentinel.ai",
    ]


def test_early_deletion_charges_are_warned_about_not_refused() -> None:
    quick = BackupsBucketConfig.model_validate(
        {"glacierAfterDays": 30, "deepArchiveAfterDays": 60, "expireAfterDays": 100, "objectLock": False}
    )
    warnings = quick.early_deletion_warnings()
    assert len(warnings) == 2
    assert "leave Glacier Flexible Retrieval after 30 days" in warnings[0] and "90 days at least" in warnings[0]
    assert "expire 40 days after reaching Deep Archive" in warnings[1] and "180 days at least" in warnings[1]
    assert (
        BackupsBucketConfig.model_validate({"expireAfterDays": 2555, "objectLock": True}).early_deletion_warnings()
        == []
    )


# --- EFS ------------------------------------------------------------------------------------------------------


def test_one_mount_target_in_each_data_subnet_and_none_elsewhere(stack_graph: Graph) -> None:
    targets = stack_graph.of_type("aws:efs/mountTarget:MountTarget")
    subnet_ids = [target.inputs["subnetId"] for target in targets]
    assert sorted(subnet_ids) == sorted(subnet.id for subnet in subnets_by_tier(stack_graph)["data"])
    groups = by_id(stack_graph, "aws:ec2/securityGroup:SecurityGroup")
    assert all(
        [groups[group].inputs["tags"]["Role"] for group in target.inputs["securityGroups"]] == ["efs"]
        for target in targets
    )


def test_the_file_system_is_encrypted_elastic_and_tiered(stack_graph: Graph) -> None:
    [file_system] = stack_graph.of_type("aws:efs/fileSystem:FileSystem")
    key = stack_graph.named("aws:kms/key:Key", "file-system-key")
    assert file_system.inputs["encrypted"] is True and file_system.inputs["kmsKeyId"] == key.outputs["arn"]
    assert file_system.inputs["throughputMode"] == "elastic"
    assert file_system.inputs["lifecyclePolicies"] == [
        {"transitionToIa": "AFTER_30_DAYS"},
        {"transitionToPrimaryStorageClass": "AFTER_1_ACCESS"},
    ]


def test_the_file_system_refuses_plain_nfs_and_anonymous_clients(prod: Graph) -> None:
    [file_system] = prod.of_type("aws:efs/fileSystem:FileSystem")
    [policy] = prod.of_type("aws:efs/fileSystemPolicy:FileSystemPolicy")
    statements = {s["Sid"]: s for s in document(policy)["Statement"]}
    assert statements["DenyPlainNfs"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    allow = statements["IamClientsOfThisAccount"]
    assert allow["Principal"] == {"AWS": "arn:aws:iam::111111111111:root"}
    assert allow["Action"] == ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]
    assert allow["Resource"] == file_system.outputs["arn"]
    assert [s for s in statements.values() if s["Effect"] == "Allow"] == [allow]


def test_the_apps_access_point_has_a_fixed_user_and_root(prod: Graph) -> None:
    [access_point] = prod.of_type("aws:efs/accessPoint:AccessPoint")
    assert access_point.inputs["posixUser"] == {"uid": 1001, "gid": 1001}
    assert access_point.inputs["rootDirectory"]["path"] == "/sentinel"


def test_efs_backs_itself_up_never_since_aws_backup_selects_it(stack_graph: Graph) -> None:
    [file_system] = stack_graph.of_type("aws:efs/fileSystem:FileSystem")
    [policy] = stack_graph.of_type("aws:efs/backupPolicy:BackupPolicy")
    assert policy.inputs["backupPolicy"] == {"status": "DISABLED"}
    selected = {arn for s in stack_graph.of_type("aws:backup/selection:Selection") for arn in s.inputs["resources"]}
    assert file_system.outputs["arn"] in selected
