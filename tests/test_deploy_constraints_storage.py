"""Deploy constraints of storage (S3 buckets and the EFS file system): the inputs the program sets pass, and each
constraint reports the value that breaks it."""

from __future__ import annotations

from typing import Any

from policies.rules.deploy_constraints import storage
from policies.support.aws import (
    EFS_ACCESS_POINT,
    EFS_BACKUP_POLICY,
    EFS_FILE_SYSTEM,
    EFS_FILE_SYSTEM_POLICY,
    S3_BUCKET,
    S3_BUCKET_CORS,
    S3_BUCKET_ENCRYPTION,
    S3_BUCKET_LIFECYCLE,
    S3_BUCKET_OBJECT_LOCK,
    S3_BUCKET_OWNERSHIP,
    S3_BUCKET_POLICY,
    S3_BUCKET_VERSIONING,
)
from tests.deploy_constraint_cases import TRUST_POLICY, constraint_case, untested_constraints
from tests.policy_builders import property_rule_tests

COMPLIANT: dict[str, dict[str, Any]] = {
    S3_BUCKET: {"bucket": "sentinel-prod-111111111111-us-east-1-uploads", "tags": {"Name": "sentinel-prod-uploads"}},
    S3_BUCKET_POLICY: {"bucket": "b", "policy": TRUST_POLICY},
    S3_BUCKET_OWNERSHIP: {"bucket": "b", "rule": {"objectOwnership": "BucketOwnerEnforced"}},
    S3_BUCKET_ENCRYPTION: {
        "bucket": "b",
        "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}],
    },
    S3_BUCKET_VERSIONING: {"bucket": "b", "versioningConfiguration": {"status": "Enabled"}},
    S3_BUCKET_OBJECT_LOCK: {
        "bucket": "b",
        "objectLockEnabled": "Enabled",
        "rule": {"defaultRetention": {"mode": "GOVERNANCE", "days": 30}},
    },
    S3_BUCKET_LIFECYCLE: {
        "bucket": "b",
        "transitionDefaultMinimumObjectSize": "all_storage_classes_128K",
        "rules": [
            {
                "id": "whole-bucket",
                "status": "Enabled",
                "filter": {"prefix": ""},
                "transitions": [{"days": 30, "storageClass": "STANDARD_IA"}, {"days": 0, "storageClass": "GLACIER"}],
                "noncurrentVersionTransitions": [{"noncurrentDays": 30, "storageClass": "GLACIER"}],
            }
        ],
    },
    S3_BUCKET_CORS: {
        "bucket": "b",
        "corsRules": [{"allowedMethods": ["GET", "PUT"], "allowedOrigins": ["https://a.b"]}],
    },
    EFS_FILE_SYSTEM: {
        "performanceMode": "generalPurpose",
        "throughputMode": "elastic",
        "lifecyclePolicies": [
            {"transitionToIa": "AFTER_30_DAYS"},
            {"transitionToPrimaryStorageClass": "AFTER_1_ACCESS"},
        ],
        "tags": {"Name": "sentinel-prod-shared-files"},
    },
    EFS_ACCESS_POINT: {
        "fileSystemId": "fs-1",
        "rootDirectory": {
            "path": "/sentinel",
            "creationInfo": {"ownerUid": 1001, "ownerGid": 1001, "permissions": "0750"},
        },
        "tags": {"Name": "sentinel-prod-shared-files-apps"},
    },
    EFS_FILE_SYSTEM_POLICY: {"fileSystemId": "fs-1", "policy": TRUST_POLICY},
    EFS_BACKUP_POLICY: {"fileSystemId": "fs-1", "backupPolicy": {"status": "DISABLED"}},
}

case = constraint_case(COMPLIANT)

# (resource type, the change that breaks its compliant inputs, the start of the message it then reports, id)
CASES = [
    case(S3_BUCKET, {"bucket": "b" * 64}, "bucket is", "bucket-name-length"),
    case(
        S3_BUCKET, {"bucket": "Sentinel_Uploads"}, 'bucket is "Sentinel_Uploads": AWS allows lowercase', "bucket-name"
    ),
    case(S3_BUCKET, {"bucket": "uploads--x-s3"}, 'bucket is "uploads--x-s3": AWS allows lowercase', "bucket-suffix"),
    case(S3_BUCKET, {"bucket": "xn--uploads"}, 'bucket is "xn--uploads": AWS allows no value starting', "bucket-xn"),
    case(S3_BUCKET, {"bucket": None, "bucketPrefix": "p" * 38}, "bucketPrefix is", "bucket-prefix-length"),
    case(S3_BUCKET, {"bucketPrefix": "uploads-"}, 'bucket "sentinel-prod', "bucket-name-and-prefix"),
    case(S3_BUCKET, {"tags": {"aws:x": "y"}}, 'tags key "aws:x"', "bucket-tags"),
    case(S3_BUCKET_POLICY, {"policy": "p" * 20481}, "policy is", "bucket-policy-size"),
    case(S3_BUCKET_OWNERSHIP, {"rule": {"objectOwnership": "Owner"}}, 'rule.objectOwnership is "Owner"', "ownership"),
    case(
        S3_BUCKET_ENCRYPTION,
        {"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "kms"}}]},
        'rules[0].applyServerSideEncryptionByDefault.sseAlgorithm is "kms": AWS allows one of',
        "sse-algorithm",
    ),
    case(S3_BUCKET_VERSIONING, {"versioningConfiguration": {"status": "On"}}, "versioningConfiguration.status", "ver"),
    case(S3_BUCKET_OBJECT_LOCK, {"objectLockEnabled": "true"}, 'objectLockEnabled is "true"', "object-lock-enabled"),
    case(
        S3_BUCKET_OBJECT_LOCK,
        {"rule": {"defaultRetention": {"mode": "governance"}}},
        'rule.defaultRetention.mode is "governance"',
        "object-lock-mode",
    ),
    case(
        S3_BUCKET_LIFECYCLE,
        {"transitionDefaultMinimumObjectSize": "128K"},
        'transitionDefaultMinimumObjectSize is "128K"',
        "minimum-object-size",
    ),
    case(S3_BUCKET_LIFECYCLE, {"rules": [{"id": "i" * 256}]}, "rules[0].id is", "lifecycle-id"),
    case(S3_BUCKET_LIFECYCLE, {"rules": [{"status": "On"}]}, 'rules[0].status is "On"', "lifecycle-status"),
    case(
        S3_BUCKET_LIFECYCLE,
        {"rules": [{"transitions": [{"days": 30, "storageClass": "GLACIER_FLEXIBLE"}]}]},
        'rules[0].transitions[0].storageClass is "GLACIER_FLEXIBLE"',
        "storage-class",
    ),
    case(
        S3_BUCKET_LIFECYCLE,
        {"rules": [{"noncurrentVersionTransitions": [{"noncurrentDays": 30, "storageClass": "ARCHIVE"}]}]},
        'rules[0].noncurrentVersionTransitions[0].storageClass is "ARCHIVE"',
        "noncurrent-storage-class",
    ),
    case(
        S3_BUCKET_LIFECYCLE,
        {"rules": [{"transitions": [{"days": 7, "storageClass": "STANDARD_IA"}]}]},
        "rules[0].transitions[0] is an object: AWS allows transitions to STANDARD_IA or ONEZONE_IA 30 days or more",
        "infrequent-access-too-soon",
    ),
    case(
        S3_BUCKET_CORS,
        {"corsRules": [{"allowedMethods": ["PATCH"]}]},
        'corsRules[0].allowedMethods[0] is "PATCH"',
        "cors",
    ),
    case(EFS_FILE_SYSTEM, {"performanceMode": "fast"}, 'performanceMode is "fast"', "efs-performance-mode"),
    case(EFS_FILE_SYSTEM, {"throughputMode": "burst"}, 'throughputMode is "burst"', "efs-throughput-mode"),
    case(
        EFS_FILE_SYSTEM,
        {"lifecyclePolicies": [{"transitionToIa": "AFTER_2_DAYS"}]},
        'lifecyclePolicies[0].transitionToIa is "AFTER_2_DAYS"',
        "efs-transition-to-ia",
    ),
    case(
        EFS_FILE_SYSTEM,
        {"lifecyclePolicies": [{"transitionToPrimaryStorageClass": "AFTER_2_ACCESSES"}]},
        'lifecyclePolicies[0].transitionToPrimaryStorageClass is "AFTER_2_ACCESSES"',
        "efs-transition-back",
    ),
    case(EFS_ACCESS_POINT, {"rootDirectory": {"path": "/" + "p" * 100}}, "rootDirectory.path is", "efs-root-directory"),
    case(
        EFS_ACCESS_POINT,
        {"rootDirectory": {"creationInfo": {"permissions": "rwxr-x---"}}},
        'rootDirectory.creationInfo.permissions is "rwxr-x---": AWS allows octal modes',
        "efs-permissions",
    ),
    case(EFS_FILE_SYSTEM_POLICY, {"policy": "p" * 20001}, "policy is", "efs-policy-size"),
    case(EFS_BACKUP_POLICY, {"backupPolicy": {"status": "OFF"}}, 'backupPolicy.status is "OFF"', "efs-backup-policy"),
]

test_compliant_values_pass, test_each_constraint_reports_its_planted_value = property_rule_tests(CASES)


def test_every_constraint_has_a_failing_case() -> None:
    assert untested_constraints(storage.CONSTRAINTS, CASES) == []
