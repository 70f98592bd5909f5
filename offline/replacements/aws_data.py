"""Replacement rules for the AWS data tier: RDS (Aurora cluster, instances, parameter groups, proxy), ElastiCache,
S3 buckets and their configuration resources, EFS, AWS Backup, KMS and Secrets Manager.

Transcribed from the Terraform AWS provider v6 resource sources (pulumi-aws v7 is built on it; the installed SDK is
7.51.1), input names checked against that SDK. Every resource here is regional: the provider's
`forceNewIfRegionChanges` interceptor (internal/provider/sdkv2/region.go, and `resourceForceNewIfRegionChanges` in
internal/provider/framework/region.go for the plugin-framework lifecycle configuration and restore testing resources)
replaces it when its top-level `region` changes, so every rule lists `region`.

An attribute with a provider default (a parameter group's description, a proxy endpoint's targetRole...) is listed as
replacing on every change, although moving between unset and that default changes nothing. A few SDK inputs are
newer than the newest provider source that could be read; each rule's note says which, and what was done with them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from offline.replacements.rules import (
    TERRAFORM_AWS,
    Conditional,
    Inputs,
    Outcome,
    Rule,
    block,
    major_version,
    paths,
    version_tuple,
)

_REDIS_DEFAULT_PORT = 6379
_TRANSIT_ENCRYPTION_MUTABLE_FROM = (7, 0, 5)


def _items(inputs: Inputs, key: str) -> list[Mapping[str, Any]]:
    value = inputs.get(key)
    if not isinstance(value, Sequence) or isinstance(value, str):
        return []
    return [item for item in value if isinstance(item, Mapping)]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


# --- RDS


def cluster_major_upgrade_not_allowed(old: Inputs, new: Inputs) -> str | None:
    """ModifyDBCluster refuses an EngineVersion of another major version unless AllowMajorVersionUpgrade is set
    (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBCluster.html); the provider sends
    `allow_major_version_upgrade` only when it is true, and plans the change as an in-place update."""
    before, after = _text(old.get("engineVersion")), _text(new.get("engineVersion"))
    if not before or not after or major_version(before) == major_version(after):
        return None
    if new.get("allowMajorVersionUpgrade") is True:
        return None
    return (
        f"engine {before} -> {after} is a major upgrade: RDS refuses it without allowMajorVersionUpgrade=true, "
        "so the update fails at apply"
    )


def cluster_engine_downgrade(old: Inputs, new: Inputs) -> str | None:
    """RDS upgrades an engine in place but never downgrades it; the provider sends any change. Versions are compared
    on the parts both give, so `16` after `16.4` (a major-only pin) is not a downgrade."""
    before, after = _text(old.get("engineVersion")), _text(new.get("engineVersion"))
    if not before or not after:
        return None
    old_parts, new_parts = version_tuple(before), version_tuple(after)
    common = min(len(old_parts), len(new_parts))
    return (
        None if new_parts[:common] >= old_parts[:common] else f"RDS cannot downgrade the engine ({before} -> {after})"
    )


def cluster_snapshot_changed(old: Inputs, new: Inputs) -> str | None:
    """`snapshot_identifier` is ForceNew, but its DiffSuppressFunc lets it be removed after the restore."""
    before, after = _text(old.get("snapshotIdentifier")), _text(new.get("snapshotIdentifier"))
    if not after or before == after:
        return None
    return "the cluster is restored from another snapshot: a new cluster"


def cluster_storage_type_changed(old: Inputs, new: Inputs) -> str | None:
    """The cluster's `ForceNewIf(storage_type)`: only Aurora engines change their storage type in place."""
    engine = _text(new.get("engine"))
    if old.get("storageType") == new.get("storageType") or engine.startswith("aurora"):
        return None
    return f"{engine or 'this engine'} (a Multi-AZ DB cluster) cannot change its storage type in place"


# --- ElastiCache


def _cache_version(value: Any) -> tuple[int, ...] | None:
    """`7.1` as (7, 1), `6.x` as (6,) (any minor of 6); None when unset."""
    text = _text(value)
    if not text:
        return None
    return (int(text[:-2]),) if text.endswith(".x") and text[:-2].isdigit() else version_tuple(text)


def cache_engine_changed(old: Inputs, new: Inputs) -> str | None:
    """`customizeDiffEngineForceNewOnDowngrade`: any engine change replaces, except redis -> valkey (an in-place
    upgrade) and a member of a global replication group. An unset engine keeps the one it has (Computed); an unset
    old engine was created as redis."""
    if new.get("globalReplicationGroupId"):
        return None
    before, after = _text(old.get("engine")) or "redis", _text(new.get("engine"))
    if not after or before == after or (before, after) == ("redis", "valkey"):
        return None
    return f"the engine changes {before} -> {after}: only redis -> valkey is upgraded in place"


def cache_version_downgrade(old: Inputs, new: Inputs) -> str | None:
    """`customizeDiffEngineVersionForceNewOnDowngrade`: a lower engine_version replaces. For an old `6.x` the
    provider compares with the running version, which the inputs do not know: only a lower major counts."""
    if new.get("globalReplicationGroupId"):
        return None
    before, after = _cache_version(old.get("engineVersion")), _cache_version(new.get("engineVersion"))
    if before is None or after is None:
        return None
    common = min(len(before), len(after))
    if after[:common] >= before[:common]:
        return None
    return f"engine version {old.get('engineVersion')} -> {new.get('engineVersion')} is a downgrade"


def cache_port_changed(old: Inputs, new: Inputs) -> str | None:
    """`port` is ForceNew; its DiffSuppressFunc treats an unset port as the default 6379."""
    before = old.get("port") or _REDIS_DEFAULT_PORT
    after = new.get("port") or _REDIS_DEFAULT_PORT
    return None if before == after else f"the port changes {before} -> {after}"


def cache_transit_encryption_changed(old: Inputs, new: Inputs) -> str | None:
    """The `ForceNewIf(transit_encryption_enabled)`: below engine 7.0.5 it can only be set at creation. The running
    version is approximated by the old engineVersion; unset values (Computed) change nothing."""
    after = new.get("transitEncryptionEnabled")
    running = _cache_version(old.get("engineVersion"))
    if after is None or bool(old.get("transitEncryptionEnabled")) == bool(after) or running is None:
        return None
    if running >= _TRANSIT_ENCRYPTION_MUTABLE_FROM:
        return None
    return f"engine {old.get('engineVersion')} (< 7.0.5) sets transit encryption only at creation"


def cache_node_groups_changed(old: Inputs, new: Inputs) -> str | None:
    """The `ForceNewIf(node_group_configuration)` with `hasSignificantNodeGroupConfigChanges`: adding or removing a
    node group, or changing a group's replicaCount or slots, or an AZ that was set explicitly, replaces."""
    before = {item.get("nodeGroupId"): item for item in _items(old, "nodeGroupConfigurations")}
    after = {item.get("nodeGroupId"): item for item in _items(new, "nodeGroupConfigurations")}
    if not after:
        return None
    if not before:
        return "node groups configured on an existing replication group replace it"
    if before.keys() != after.keys():
        return "node groups are added or removed"
    for group_id, previous in before.items():
        current = after[group_id]
        if any(previous.get(key) != current.get(key) for key in ("replicaCount", "slots")):
            return f"node group {group_id} changes its replica count or slots"
        if previous.get("primaryAvailabilityZone") and previous.get("primaryAvailabilityZone") != current.get(
            "primaryAvailabilityZone"
        ):
            return f"node group {group_id} moves its primary"
        if previous.get("replicaAvailabilityZones") and list(previous["replicaAvailabilityZones"]) != list(
            current.get("replicaAvailabilityZones") or []
        ):
            return f"node group {group_id} moves its replicas"
    return None


# --- S3 and Backup


def versioning_disabled(old: Inputs, new: Inputs) -> str | None:
    """The bucket versioning CustomizeDiff: S3 cannot return a versioned bucket to Disabled, so the plan errors."""
    before, after = block(old, "versioningConfiguration"), block(new, "versioningConfiguration")
    old_status = (before or {}).get("status")
    if (after or {}).get("status") == "Disabled" and old_status in ("Enabled", "Suspended"):
        return f"versioning cannot go from {old_status} to Disabled (use Suspended): the preview fails"
    return None


def compliance_lock_removal_refused(old: Inputs, _new: Inputs) -> str | None:
    """A vault lock with changeable_for_days is in compliance mode: once that grace time has passed AWS Backup
    refuses to delete or change it (https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html), and the
    resource has no update, so every change is a replacement that fails."""
    if old.get("changeableForDays") is None:
        return None
    return (
        "a compliance-mode vault lock cannot be removed or changed after its grace time (changeableForDays): "
        "the replacement fails"
    )


_VAULT_LOCK_INPUTS = ("backupVaultName", "changeableForDays", "maxRetentionDays", "minRetentionDays", "region")

# Types whose rule is their ForceNew inputs alone: type -> (source under internal/service/, inputs besides region).
_PLAIN: dict[str, tuple[str, tuple[str, ...]]] = {
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": (
        "rds/cluster_parameter_group.go",
        ("description", "family", "name", "namePrefix"),
    ),
    "aws:rds/parameterGroup:ParameterGroup": (
        "rds/parameter_group.go",
        ("description", "family", "name", "namePrefix"),
    ),
    "aws:rds/eventSubscription:EventSubscription": ("rds/event_subscription.go", ("name", "namePrefix")),
    "aws:rds/subnetGroup:SubnetGroup": ("rds/subnet_group.go", ("name", "namePrefix")),
    "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup": ("rds/proxy_default_target_group.go", ("dbProxyName",)),
    "aws:rds/proxyEndpoint:ProxyEndpoint": (
        "rds/proxy_endpoint.go",
        ("dbProxyEndpointName", "dbProxyName", "targetRole", "vpcSubnetIds"),
    ),
    "aws:elasticache/parameterGroup:ParameterGroup": (
        "elasticache/parameter_group.go",
        ("description", "family", "name"),
    ),
    "aws:elasticache/subnetGroup:SubnetGroup": ("elasticache/subnet_group.go", ("name",)),
    "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration": ("s3/bucket_cors_configuration.go", ("bucket",)),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": (
        "s3/bucket_lifecycle_configuration.go",
        ("bucket",),
    ),
    "aws:s3/bucketLogging:BucketLogging": ("s3/bucket_logging.go", ("bucket",)),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": ("s3/bucket_ownership_controls.go", ("bucket",)),
    "aws:s3/bucketPolicy:BucketPolicy": ("s3/bucket_policy.go", ("bucket",)),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": ("s3/bucket_public_access_block.go", ("bucket",)),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (
        "s3/bucket_server_side_encryption_configuration.go",
        ("bucket",),
    ),
    "aws:efs/backupPolicy:BackupPolicy": ("efs/backup_policy.go", ("fileSystemId",)),
    "aws:efs/fileSystemPolicy:FileSystemPolicy": ("efs/file_system_policy.go", ("fileSystemId",)),
    "aws:backup/restoreTestingPlan:RestoreTestingPlan": ("backup/restore_testing_plan.go", ("name",)),
    "aws:backup/restoreTestingSelection:RestoreTestingSelection": (
        "backup/restore_testing_selection.go",
        ("name", "protectedResourceType", "restoreTestingPlanName"),
    ),
    "aws:kms/alias:Alias": ("kms/alias.go", ("name", "namePrefix")),
    "aws:secretsmanager/secretRotation:SecretRotation": ("secretsmanager/secret_rotation.go", ("secretId",)),
    "aws:secretsmanager/secretPolicy:SecretPolicy": ("secretsmanager/secret_policy.go", ("secretArn",)),
}


def _source(path: str) -> str:
    return f"{TERRAFORM_AWS}internal/service/{path}"


_EXPLAINED: tuple[Rule, ...] = (
    Rule(
        type="aws:rds/cluster:Cluster",
        source=_source("rds/cluster.go"),
        replace_on=paths(
            "availabilityZones clusterIdentifier clusterIdentifierPrefix clusterScalabilityType databaseName "
            "dbSubnetGroupName dbSystemId engine engineMode kmsKeyId masterUsername restoreToPointInTime s3Import "
            "sourceRegion storageEncrypted region"
        ),
        conditional=(
            Conditional("engineVersion", Outcome.FAIL, cluster_major_upgrade_not_allowed),
            Conditional("engineVersion", Outcome.FAIL, cluster_engine_downgrade),
            Conditional("snapshotIdentifier", Outcome.REPLACE, cluster_snapshot_changed),
            Conditional("storageType", Outcome.REPLACE, cluster_storage_type_changed),
        ),
        holds_data=True,
        note=(
            "Holds the database. Every field of s3Import and restoreToPointInTime is ForceNew. engineVersion is "
            "updated in place; both its FAILs are RDS's rules, not the provider's. publiclyAccessible (Multi-AZ DB "
            "clusters only) is newer than the source read, not transcribed."
        ),
    ),
    Rule(
        type="aws:rds/clusterInstance:ClusterInstance",
        source=_source("rds/cluster_instance.go"),
        replace_on=paths(
            "availabilityZone clusterIdentifier customIamInstanceProfile dbSubnetGroupName engine identifier "
            "identifierPrefix region"
        ),
        note="An Aurora instance keeps no data of its own: the cluster volume holds it.",
    ),
    Rule(
        type="aws:rds/proxy:Proxy",
        source=_source("rds/proxy.go"),
        replace_on=("endpointNetworkType", "engineFamily", "targetConnectionNetworkType", "vpcSubnetIds", "region"),
        note="name is renamed in place (ModifyDBProxy NewDBProxyName).",
    ),
    Rule(
        type="aws:rds/proxyTarget:ProxyTarget",
        source=_source("rds/proxy_target.go"),
        replace_on=("dbClusterIdentifier", "dbInstanceIdentifier", "dbProxyName", "targetGroupName", "region"),
        note="The resource has no update: every input is ForceNew.",
    ),
    Rule(
        type="aws:elasticache/replicationGroup:ReplicationGroup",
        source=_source("elasticache/replication_group.go"),
        replace_on=paths(
            "atRestEncryptionEnabled dataTieringEnabled globalReplicationGroupId kmsKeyId networkType "
            "replicationGroupId securityGroupNames snapshotArns snapshotName subnetGroupName region"
        ),
        conditional=(
            Conditional("engine", Outcome.REPLACE, cache_engine_changed),
            Conditional("engineVersion", Outcome.REPLACE, cache_version_downgrade),
            Conditional("port", Outcome.REPLACE, cache_port_changed),
            Conditional("transitEncryptionEnabled", Outcome.REPLACE, cache_transit_encryption_changed),
            Conditional("nodeGroupConfigurations", Outcome.REPLACE, cache_node_groups_changed),
        ),
        holds_data=True,
        note=(
            "Holds the cache's data and its snapshots. The engine and version conditionals live in engine_version.go. "
            "preferredCacheClusterAzs is not ForceNew. durability is newer than the source read, not transcribed."
        ),
    ),
    Rule(
        type="aws:elasticache/user:User",
        source=_source("elasticache/user.go"),
        replace_on=("userId", "userName", "region"),
        note="engine (redis/valkey) is updated in place (ModifyUser).",
    ),
    Rule(
        type="aws:elasticache/userGroup:UserGroup",
        source=_source("elasticache/user_group.go"),
        replace_on=("engine", "userGroupId", "region"),
        note=(
            "The newest source read still has engine ForceNew and REDIS only. Valkey came with provider PR #40764, "
            "which made aws_elasticache_user's engine updatable; whether it did the same here is not in any source "
            "read, so an engine change (the cache's redis <-> valkey) is shown as a replacement."
        ),
    ),
    Rule(
        type="aws:s3/bucket:Bucket",
        source=_source("s3/bucket.go"),
        replace_on=("bucket", "bucketNamespace", "bucketPrefix", "objectLockEnabled", "region"),
        holds_data=True,
        note=(
            "Holds the objects; deleting the old bucket also needs it empty (forceDestroy), which Object Lock "
            "retention can make impossible. bucketNamespace is newer than the source read: only CreateBucket sets a "
            "bucket's namespace (no API moves a bucket), so it is listed as replacing."
        ),
    ),
    Rule(
        type="aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
        source=_source("s3/bucket_object_lock_configuration.go"),
        replace_on=("bucket", "objectLockEnabled", "region"),
        note="Removing it drops the default retention only: objects already locked stay locked.",
    ),
    Rule(
        type="aws:s3/bucketVersioning:BucketVersioning",
        source=_source("s3/bucket_versioning.go"),
        replace_on=("bucket", "region"),
        conditional=(Conditional("versioningConfiguration.status", Outcome.FAIL, versioning_disabled),),
        note="The FAIL is the provider's own plan-time error (its CustomizeDiff): the preview already stops.",
    ),
    Rule(
        type="aws:efs/fileSystem:FileSystem",
        source=_source("efs/file_system.go"),
        replace_on=("availabilityZoneName", "creationToken", "encrypted", "kmsKeyId", "performanceMode", "region"),
        holds_data=True,
        note="Holds the files.",
    ),
    Rule(
        type="aws:efs/accessPoint:AccessPoint",
        source=_source("efs/access_point.go"),
        replace_on=("fileSystemId", "posixUser", "rootDirectory", "region"),
        note="Both blocks are ForceNew with every field in them: only tags change in place.",
    ),
    Rule(
        type="aws:efs/mountTarget:MountTarget",
        source=_source("efs/mount_target.go"),
        replace_on=("fileSystemId", "ipAddress", "ipAddressType", "ipv6Address", "subnetId", "region"),
        note=(
            "ipAddressType and ipv6Address are newer than the source read: only CreateMountTarget takes them (EFS "
            "modifies a mount target's security groups alone), so they are listed as replacing."
        ),
    ),
    Rule(
        type="aws:backup/vault:Vault",
        source=_source("backup/vault.go"),
        replace_on=("kmsKeyArn", "name", "region"),
        holds_data=True,
        note="Holds the recovery points.",
    ),
    Rule(
        type="aws:backup/vaultLockConfiguration:VaultLockConfiguration",
        source=_source("backup/vault_lock_configuration.go"),
        replace_on=_VAULT_LOCK_INPUTS,
        conditional=tuple(
            Conditional(path, Outcome.FAIL, compliance_lock_removal_refused) for path in _VAULT_LOCK_INPUTS
        ),
        note="The resource has no update: every input is ForceNew. The FAIL is AWS Backup's rule.",
    ),
    Rule(
        type="aws:backup/vaultNotifications:VaultNotifications",
        source=_source("backup/vault_notifications.go"),
        replace_on=("backupVaultEvents", "backupVaultName", "snsTopicArn", "region"),
        note="The resource has no update: every input is ForceNew.",
    ),
    Rule(
        type="aws:backup/plan:Plan",
        source=_source("backup/plan.go"),
        replace_on=("name", "region"),
        note="scanSettings is newer than the source read, not transcribed (UpdateBackupPlan sends the whole plan).",
    ),
    Rule(
        type="aws:backup/selection:Selection",
        source=_source("backup/selection.go"),
        replace_on=paths("conditions iamRoleArn name notResources planId resources selectionTags region"),
        note="The resource has no update: every input is ForceNew (Pulumi pluralises condition and selection_tag).",
    ),
    Rule(
        type="aws:kms/key:Key",
        source=_source("kms/key.go"),
        replace_on=("customKeyStoreId", "customerMasterKeySpec", "keyUsage", "multiRegion", "xksKeyId", "region"),
        holds_data=True,
        note="Whatever it encrypted can no longer be decrypted once the key is deleted.",
    ),
    Rule(
        type="aws:kms/replicaKey:ReplicaKey",
        source=_source("kms/replica_key.go"),
        replace_on=("primaryKeyArn", "region"),
        note="A replica shares its primary's key material: while the primary lives, ReplicateKey restores it.",
    ),
    Rule(
        type="aws:secretsmanager/secret:Secret",
        source=_source("secretsmanager/secret.go"),
        replace_on=("name", "namePrefix", "type", "region"),
        holds_data=True,
        note=(
            "Holds the secret's versions. type is newer than the source read; the SDK documents that it cannot be "
            "changed after creation, so it is listed as replacing."
        ),
    ),
    Rule(
        type="aws:secretsmanager/secretVersion:SecretVersion",
        source=_source("secretsmanager/secret_version.go"),
        replace_on=("secretBinary", "secretId", "secretString", "secretStringWoVersion", "region"),
        note="A new value is a new version; the value itself is an input of the program, so nothing is lost.",
    ),
)

RULES: tuple[Rule, ...] = (
    *_EXPLAINED,
    *(
        Rule(type=type_, source=_source(path), replace_on=(*inputs, "region"))
        for type_, (path, inputs) in _PLAIN.items()
    ),
)
