"""The conditional replacement rules of the AWS data tier (offline/replacements/aws_data.py)."""

from __future__ import annotations

from offline.replacements.aws_data import (
    cache_engine_changed,
    cache_node_groups_changed,
    cache_port_changed,
    cache_transit_encryption_changed,
    cache_version_downgrade,
    cluster_engine_downgrade,
    cluster_major_upgrade_not_allowed,
    cluster_snapshot_changed,
    cluster_storage_type_changed,
    compliance_lock_removal_refused,
    versioning_disabled,
)

_AURORA = {"engine": "aurora-postgresql"}


def test_major_engine_upgrade_without_permission_fails() -> None:
    assert cluster_major_upgrade_not_allowed({"engineVersion": "16"}, {"engineVersion": "17"}) is not None
    old, new = {"engineVersion": "16.4"}, {"engineVersion": "17.2", "allowMajorVersionUpgrade": False}
    assert cluster_major_upgrade_not_allowed(old, new) is not None


def test_allowed_major_upgrade_or_minor_upgrade_does_not_fail() -> None:
    new = {"engineVersion": "17", "allowMajorVersionUpgrade": True}
    assert cluster_major_upgrade_not_allowed({"engineVersion": "16"}, new) is None
    assert cluster_major_upgrade_not_allowed({"engineVersion": "16.4"}, {"engineVersion": "16.6"}) is None
    assert cluster_major_upgrade_not_allowed({}, {"engineVersion": "17"}) is None


def test_engine_downgrade_fails() -> None:
    assert cluster_engine_downgrade({"engineVersion": "16"}, {"engineVersion": "15"}) is not None
    assert cluster_engine_downgrade({"engineVersion": "16.6"}, {"engineVersion": "16.4"}) is not None


def test_engine_upgrade_or_major_only_pin_is_not_a_downgrade() -> None:
    assert cluster_engine_downgrade({"engineVersion": "16"}, {"engineVersion": "17"}) is None
    assert cluster_engine_downgrade({"engineVersion": "16.4"}, {"engineVersion": "16"}) is None


def test_restoring_from_another_snapshot_replaces() -> None:
    assert cluster_snapshot_changed({}, {"snapshotIdentifier": "nightly-1"}) is not None
    assert cluster_snapshot_changed({"snapshotIdentifier": "a"}, {"snapshotIdentifier": "b"}) is not None


def test_forgetting_the_restored_snapshot_does_not_replace() -> None:
    assert cluster_snapshot_changed({"snapshotIdentifier": "nightly-1"}, {}) is None


def test_multi_az_cluster_storage_type_change_replaces() -> None:
    old, new = {"engine": "postgres", "storageType": "io1"}, {"engine": "postgres", "storageType": "gp3"}
    assert cluster_storage_type_changed(old, new) is not None


def test_aurora_storage_type_change_is_in_place() -> None:
    assert cluster_storage_type_changed(_AURORA, {**_AURORA, "storageType": "aurora-iopt1"}) is None


def test_cache_engine_change_other_than_redis_to_valkey_replaces() -> None:
    assert cache_engine_changed({"engine": "valkey"}, {"engine": "redis"}) is not None


def test_cache_redis_to_valkey_or_unset_engine_does_not_replace() -> None:
    assert cache_engine_changed({"engine": "redis"}, {"engine": "valkey"}) is None
    assert cache_engine_changed({}, {"engine": "valkey"}) is None
    assert cache_engine_changed({"engine": "valkey"}, {}) is None
    assert cache_engine_changed({"engine": "valkey"}, {"engine": "redis", "globalReplicationGroupId": "g"}) is None


def test_cache_version_downgrade_replaces() -> None:
    assert cache_version_downgrade({"engineVersion": "8.1"}, {"engineVersion": "7.1"}) is not None
    assert cache_version_downgrade({"engineVersion": "7.x"}, {"engineVersion": "6.2"}) is not None


def test_cache_version_upgrade_or_same_major_wildcard_does_not_replace() -> None:
    assert cache_version_downgrade({"engineVersion": "7.1"}, {"engineVersion": "8.1"}) is None
    assert cache_version_downgrade({"engineVersion": "6.x"}, {"engineVersion": "6.2"}) is None


def test_cache_port_change_replaces() -> None:
    assert cache_port_changed({"port": 6379.0}, {"port": 6380}) is not None
    assert cache_port_changed({"port": 6380}, {}) is not None


def test_cache_port_unset_means_the_default() -> None:
    assert cache_port_changed({"port": 6379}, {}) is None
    assert cache_port_changed({}, {"port": 6379.0}) is None


def test_transit_encryption_on_an_old_engine_replaces() -> None:
    old = {"engineVersion": "6.2", "transitEncryptionEnabled": False}
    assert cache_transit_encryption_changed(old, {**old, "transitEncryptionEnabled": True}) is not None


def test_transit_encryption_from_engine_7_0_5_is_in_place() -> None:
    old = {"engineVersion": "7.1", "transitEncryptionEnabled": False}
    assert cache_transit_encryption_changed(old, {**old, "transitEncryptionEnabled": True}) is None
    assert cache_transit_encryption_changed({"engineVersion": "6.2", "transitEncryptionEnabled": True}, {}) is None


def _groups(*groups: dict) -> dict:
    return {"nodeGroupConfigurations": list(groups)}


def test_node_group_added_or_resized_replaces() -> None:
    first = {"nodeGroupId": "0001", "replicaCount": 1}
    one = _groups(first)
    assert cache_node_groups_changed(one, _groups(first, {"nodeGroupId": "0002"})) is not None
    assert cache_node_groups_changed(one, _groups({"nodeGroupId": "0001", "replicaCount": 2})) is not None
    moved = {"nodeGroupId": "0001", "replicaCount": 1, "primaryAvailabilityZone": "eu-west-1a"}
    elsewhere = _groups({**moved, "primaryAvailabilityZone": "eu-west-1b"})
    assert cache_node_groups_changed(_groups(moved), elsewhere) is not None


def test_unchanged_or_dropped_node_group_configuration_does_not_replace() -> None:
    one = _groups({"nodeGroupId": "0001", "replicaCount": 1})
    assert cache_node_groups_changed(one, one) is None
    assert cache_node_groups_changed(one, {}) is None
    unpinned = _groups({"nodeGroupId": "0001", "replicaCount": 1, "primaryAvailabilityZone": "eu-west-1a"})
    assert cache_node_groups_changed(one, unpinned) is None


def test_disabling_versioning_fails() -> None:
    old = {"versioningConfiguration": {"status": "Enabled"}}
    assert versioning_disabled(old, {"versioningConfiguration": {"status": "Disabled"}}) is not None
    suspended, disabled = [{"status": "Suspended"}], [{"status": "Disabled"}]
    assert (
        versioning_disabled({"versioningConfiguration": suspended}, {"versioningConfiguration": disabled}) is not None
    )


def test_suspending_versioning_is_in_place() -> None:
    old = {"versioningConfiguration": {"status": "Enabled"}}
    assert versioning_disabled(old, {"versioningConfiguration": {"status": "Suspended"}}) is None
    assert versioning_disabled({}, {"versioningConfiguration": {"status": "Disabled"}}) is None


def test_changing_a_compliance_vault_lock_fails() -> None:
    old = {"backupVaultName": "v", "changeableForDays": 3, "minRetentionDays": 7}
    assert compliance_lock_removal_refused(old, {**old, "minRetentionDays": 14}) is not None


def test_changing_a_governance_vault_lock_does_not_fail() -> None:
    old = {"backupVaultName": "v", "minRetentionDays": 7}
    assert compliance_lock_removal_refused(old, {**old, "minRetentionDays": 14}) is None
