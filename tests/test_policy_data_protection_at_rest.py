"""Encryption at rest (policies/rules/data_protection/at_rest.py): the databases, the cache, the file system, the
buckets, topics, log groups, node volumes and the cluster's secrets encrypted, keys rotated, images immutable and
scanned."""

from __future__ import annotations

import json
from typing import Any

import pytest

from policies.rules.data_protection.at_rest import (
    ECR_IMMUTABLE_AND_SCANNED,
    EFS_ENCRYPTED,
    EKS_SECRETS_ENCRYPTED,
    ELASTICACHE_ENCRYPTED_AT_REST,
    KMS_KEY_DESTRUCTION_GUARDED,
    KMS_KEY_ROTATION,
    LAUNCH_TEMPLATE_EBS_ENCRYPTED,
    LOG_GROUP_ENCRYPTED,
    RDS_STORAGE_ENCRYPTED,
    S3_BUCKET_ENCRYPTED,
    SNS_TOPIC_ENCRYPTED,
)
from policies.support.aws import (
    ECR_REPOSITORY,
    EFS_FILE_SYSTEM,
    EKS_CLUSTER,
    ELASTICACHE_REPLICATION_GROUP,
    KMS_KEY,
    LAUNCH_TEMPLATE,
    LOG_GROUP,
    RDS_INSTANCE,
    SNS_TOPIC,
)
from tests.policy_builders import UNKNOWN, GraphBuilder, merged, messages, property_rule_tests, single, violations
from tests.policy_builders_aws import bucket

# (policy, resource type, inputs that pass, the change that makes them fail, the message it then reports)
PROPERTY_CASES = [
    pytest.param(
        RDS_STORAGE_ENCRYPTED,
        RDS_INSTANCE,
        {"engine": "postgres", "storageEncrypted": True},
        {"storageEncrypted": False},
        "storageEncrypted is false: set storageEncrypted=true",
        id="rds-storage-encrypted",
    ),
    pytest.param(
        ELASTICACHE_ENCRYPTED_AT_REST,
        ELASTICACHE_REPLICATION_GROUP,
        {"atRestEncryptionEnabled": True},
        {"atRestEncryptionEnabled": None},
        "atRestEncryptionEnabled is not set: set atRestEncryptionEnabled=true",
        id="elasticache-encrypted-at-rest",
    ),
    pytest.param(
        EFS_ENCRYPTED, EFS_FILE_SYSTEM, {"encrypted": True}, {"encrypted": False}, "encrypted is false", id="efs"
    ),
    pytest.param(
        SNS_TOPIC_ENCRYPTED,
        SNS_TOPIC,
        {"kmsMasterKeyId": "arn:aws:kms:us-east-1:123456789012:key/alerts"},
        {"kmsMasterKeyId": None},
        "kmsMasterKeyId is not set",
        id="sns-topic-encrypted",
    ),
    pytest.param(
        LOG_GROUP_ENCRYPTED,
        LOG_GROUP,
        {"kmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/logs", "retentionInDays": 30},
        {"kmsKeyId": ""},
        'kmsKeyId is "": set kmsKeyId to a KMS key ARN',
        id="log-group-encrypted",
    ),
    pytest.param(
        KMS_KEY_ROTATION,
        KMS_KEY,
        {"enableKeyRotation": True},
        {"enableKeyRotation": None},
        "enableKeyRotation is not set",
        id="kms-key-rotation",
    ),
    pytest.param(
        EKS_SECRETS_ENCRYPTED,
        EKS_CLUSTER,
        {"encryptionConfig": {"resources": ["secrets"], "provider": {"keyArn": "arn:aws:kms:us-east-1:1:key/k"}}},
        {"encryptionConfig": {"resources": ["configmaps"]}},
        'encryptionConfig.resources does not list "secrets"',
        id="eks-secrets-encrypted",
    ),
    pytest.param(
        EKS_SECRETS_ENCRYPTED,
        EKS_CLUSTER,
        {"encryptionConfig": {"resources": ["secrets"], "provider": {"keyArn": "arn:aws:kms:us-east-1:1:key/k"}}},
        {"encryptionConfig": {"provider": None}},
        "encryptionConfig.provider.keyArn is not set",
        id="eks-secrets-key",
    ),
    pytest.param(
        ECR_IMMUTABLE_AND_SCANNED,
        ECR_REPOSITORY,
        {"imageTagMutability": "IMMUTABLE", "imageScanningConfiguration": {"scanOnPush": True}},
        {"imageTagMutability": "MUTABLE"},
        'imageTagMutability is "MUTABLE": set imageTagMutability="IMMUTABLE"',
        id="ecr-tags-immutable",
    ),
    pytest.param(
        ECR_IMMUTABLE_AND_SCANNED,
        ECR_REPOSITORY,
        {"imageTagMutability": "IMMUTABLE", "imageScanningConfiguration": {"scanOnPush": True}},
        {"imageScanningConfiguration": None},
        "imageScanningConfiguration.scanOnPush is not set: set imageScanningConfiguration.scanOnPush=true",
        id="ecr-scan-on-push",
    ),
]


test_property_rule_passes_compliant_resource, test_property_rule_reports_the_broken_property = property_rule_tests(
    PROPERTY_CASES
)


def test_an_unknown_value_is_not_judged_during_preview() -> None:
    graph = single(RDS_INSTANCE, {"engine": "postgres", "storageEncrypted": UNKNOWN})
    assert violations(RDS_STORAGE_ENCRYPTED, graph) == []


def test_asymmetric_keys_are_not_asked_to_rotate() -> None:
    assert messages(KMS_KEY_ROTATION, single(KMS_KEY, {"customerMasterKeySpec": "RSA_2048"})) == []


BREAK_GLASS = "arn:aws:iam::111111111111:role/sentinel-prod-break-glass"
GUARD = {
    "Sid": "KeyDestructionByBreakGlassOnly",
    "Effect": "Deny",
    "Principal": {"AWS": "*"},
    "Action": ["kms:ScheduleKeyDeletion", "kms:DisableKey"],
    "Resource": "*",
    "Condition": {"ArnNotEquals": {"aws:PrincipalArn": BREAK_GLASS}},
}
ADMINISTRATION = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "kms:*"}
UNGUARDED = (
    "the key policy lets every administrator disable the key or schedule its deletion: deny kms:ScheduleKeyDeletion "
    "and kms:DisableKey to Principal * on Resource * unless aws:PrincipalArn is the break-glass role (ArnNotEquals, "
    "one role ARN)"
)


def guarded(*statements: dict[str, Any]) -> list[str]:
    policy = json.dumps({"Version": "2012-10-17", "Statement": [ADMINISTRATION, *statements]})
    return messages(KMS_KEY_DESTRUCTION_GUARDED, single(KMS_KEY, {"policy": policy}))


@pytest.mark.parametrize(
    "guard",
    [
        GUARD,
        {**GUARD, "Principal": "*", "Action": "kms:*"},
        {
            **GUARD,
            "Action": ["kms:ScheduleKey*", "kms:Disable*"],
            "Condition": {"ArnNotLike": {"AWS:PrincipalArn": BREAK_GLASS}},
        },
    ],
    ids=["the program's", "every action", "wildcards"],
)
def test_a_key_only_its_break_glass_role_may_destroy_passes(guard: dict[str, Any]) -> None:
    assert guarded(guard) == []


def test_a_key_any_administrator_may_destroy_fails() -> None:
    assert guarded() == [UNGUARDED]
    assert guarded({**GUARD, "Action": ["kms:ScheduleKeyDeletion"]}) == [UNGUARDED]
    assert guarded({**GUARD, "Effect": "Allow"}) == [UNGUARDED]
    assert guarded({**GUARD, "Principal": {"AWS": "arn:aws:iam::111111111111:role/intern"}}) == [UNGUARDED]


@pytest.mark.parametrize(
    "condition",
    [
        {"ArnNotEquals": {"aws:PrincipalArn": [BREAK_GLASS, "arn:aws:iam::111111111111:role/sentinel-deploy"]}},
        {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/*"}},
        {"StringNotEquals": {"aws:PrincipalAccount": "111111111111"}},
        {"ArnNotEquals": {"aws:PrincipalArn": BREAK_GLASS}, "Bool": {"aws:MultiFactorAuthPresent": "false"}},
        {},
    ],
    ids=["two roles", "any role", "the account", "and another condition", "nobody exempt"],
)
def test_a_guard_that_exempts_other_than_one_role_fails(condition: dict[str, Any]) -> None:
    assert guarded({**GUARD, "Condition": condition}) == [
        "a statement denies kms:ScheduleKeyDeletion and kms:DisableKey to Principal * but exempts someone other than "
        "one role ARN by aws:PrincipalArn: exempt only the break-glass role (ArnNotEquals aws:PrincipalArn, one role "
        "ARN), on Resource *"
    ]


def test_a_guard_of_part_of_the_key_fails_and_an_unknown_policy_waits() -> None:
    [message] = guarded({**GUARD, "Resource": "arn:aws:kms:us-east-1:111111111111:key/other"})
    assert "to Principal * not on Resource *" in message
    assert messages(KMS_KEY_DESTRUCTION_GUARDED, single(KMS_KEY, {"policy": UNKNOWN})) == []


def test_cluster_secrets_with_an_unknown_key_are_not_judged_during_preview() -> None:
    props = {"encryptionConfig": {"resources": ["secrets"], "provider": {"keyArn": UNKNOWN}}}
    assert messages(EKS_SECRETS_ENCRYPTED, single(EKS_CLUSTER, props)) == []


ENCRYPTED_ROOT = {"deviceName": "/dev/xvda", "ebs": {"encrypted": "true", "volumeType": "gp3", "volumeSize": 50}}


def test_launch_template_with_encrypted_root_volume_passes() -> None:
    graph = single(LAUNCH_TEMPLATE, {"blockDeviceMappings": [ENCRYPTED_ROOT]})
    assert messages(LAUNCH_TEMPLATE_EBS_ENCRYPTED, graph) == []


def test_launch_template_with_unencrypted_volume_fails() -> None:
    data_volume = merged(ENCRYPTED_ROOT, {"deviceName": "/dev/xvdb", "ebs": {"encrypted": "false"}})
    graph = single(LAUNCH_TEMPLATE, {"blockDeviceMappings": [ENCRYPTED_ROOT, data_volume]})
    assert messages(LAUNCH_TEMPLATE_EBS_ENCRYPTED, graph) == [
        'volume "/dev/xvdb": ebs.encrypted is "false", set it to true'
    ]


def test_launch_template_without_volumes_relies_on_account_defaults_and_fails() -> None:
    assert messages(LAUNCH_TEMPLATE_EBS_ENCRYPTED, single(LAUNCH_TEMPLATE, {"instanceType": "c6i.large"})) == [
        "no EBS block device mapping: declare the root volume with ebs.encrypted=true"
    ]


def test_bucket_with_default_encryption_passes() -> None:
    builder = GraphBuilder()
    bucket(builder)
    assert messages(S3_BUCKET_ENCRYPTED, builder.build()) == []


def test_bucket_without_encryption_configuration_fails() -> None:
    builder = GraphBuilder()
    bucket(builder, "uploads")
    bucket(builder, "backups", encryption={})
    assert messages(S3_BUCKET_ENCRYPTED, builder.build()) == [
        "bucket backups has no server-side encryption configuration"
    ]


def test_bucket_encryption_configuration_without_default_rule_fails() -> None:
    builder = GraphBuilder()
    bucket(builder, encryption={"rules": [{"bucketKeyEnabled": True}]})
    assert len(messages(S3_BUCKET_ENCRYPTED, builder.build())) == 1
