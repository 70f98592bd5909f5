"""Storage: the S3 buckets and their configurations, and the shared EFS file system with its access points and
policies."""

from __future__ import annotations

from typing import Any

from facts.aws_limits import INFREQUENT_ACCESS_MINIMUM_DAYS
from policies.rules.deploy_constraints.allowed import Allowed, among, characters, length, not_starting_with
from policies.rules.deploy_constraints.kinds import Constraints, OneOf, Tags, Value
from policies.rules.deploy_constraints.sources import (
    BUCKET_NAMING,
    BUCKET_POLICY_SIZE,
    EFS_QUOTAS,
    LIFECYCLE_TRANSITIONS,
)
from policies.support.aws import (
    EFS_ACCESS_POINT,
    EFS_BACKUP_POLICY,
    EFS_FILE_SYSTEM,
    EFS_FILE_SYSTEM_POLICY,
    EFS_MOUNT_TARGET,
    S3_BUCKET,
    S3_BUCKET_CORS,
    S3_BUCKET_ENCRYPTION,
    S3_BUCKET_LIFECYCLE,
    S3_BUCKET_LOGGING,
    S3_BUCKET_OBJECT_LOCK,
    S3_BUCKET_OWNERSHIP,
    S3_BUCKET_POLICY,
    S3_BUCKET_VERSIONING,
    S3_PUBLIC_ACCESS_BLOCK,
)
from policies.support.values import field, number

_INFREQUENT_ACCESS = ("STANDARD_IA", "ONEZONE_IA")


def _transition_allowed(transition: Any) -> bool:
    """A transition to an infrequent-access class comes 30 days or more after creation."""
    days = number(field(transition, "days"))
    return (
        field(transition, "storageClass") not in _INFREQUENT_ACCESS
        or days is None
        or days >= INFREQUENT_ACCESS_MINIMUM_DAYS
    )


_TRANSITION_AGE = Allowed(
    _transition_allowed,
    f"transitions to {' or '.join(_INFREQUENT_ACCESS)} {INFREQUENT_ACCESS_MINIMUM_DAYS} days or more after creation",
)
_STORAGE_CLASSES = among("STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE")
_BUCKET_NAME_CHARACTERS = characters(
    r"(?!.*(-s3alias|--ol-s3|--x-s3|--table-s3)$)[a-z0-9][a-z0-9.-]*[a-z0-9]",
    "lowercase letters, digits, . and -, beginning and ending with a letter or digit, not ending in -s3alias, "
    "--ol-s3, --x-s3 or --table-s3",
)

CONSTRAINTS: Constraints = {
    S3_BUCKET: (
        Value("bucket", length(63, minimum=3), BUCKET_NAMING),
        Value("bucket", _BUCKET_NAME_CHARACTERS, BUCKET_NAMING),
        Value("bucket", not_starting_with("xn--", "sthree-", "amzn-s3-demo-"), BUCKET_NAMING),
        Value("bucketPrefix", length(37), "pulumi_aws/s3/bucket.py (bucket_prefix)"),
        OneOf(("bucket", "bucketPrefix"), "pulumi_aws/s3/bucket.py (bucket_prefix)", required=False),
        Tags(),
    ),
    S3_PUBLIC_ACCESS_BLOCK: (),
    S3_BUCKET_POLICY: (Value("policy", length(20480), BUCKET_POLICY_SIZE),),
    S3_BUCKET_OWNERSHIP: (
        Value(
            "rule.objectOwnership",
            among("BucketOwnerPreferred", "ObjectWriter", "BucketOwnerEnforced"),
            "pulumi_aws/s3/_inputs.py (object_ownership)",
        ),
    ),
    S3_BUCKET_ENCRYPTION: (
        Value(
            "rules[].applyServerSideEncryptionByDefault.sseAlgorithm",
            among("AES256", "aws:kms", "aws:kms:dsse"),
            "pulumi_aws/s3/_inputs.py (sse_algorithm)",
        ),
    ),
    S3_BUCKET_VERSIONING: (
        Value(
            "versioningConfiguration.status",
            among("Enabled", "Suspended", "Disabled"),
            "pulumi_aws/s3/_inputs.py (status)",
        ),
    ),
    S3_BUCKET_OBJECT_LOCK: (
        Value(
            "objectLockEnabled",
            among("Enabled"),
            "pulumi_aws/s3/bucket_object_lock_configuration.py (object_lock_enabled)",
        ),
        Value("rule.defaultRetention.mode", among("GOVERNANCE", "COMPLIANCE"), "pulumi_aws/s3/_inputs.py (mode)"),
    ),
    S3_BUCKET_LIFECYCLE: (
        Value("rules[].id", length(255), "pulumi_aws/s3/_inputs.py (id)"),
        Value("rules[].status", among("Enabled", "Disabled"), "pulumi_aws/s3/_inputs.py (status)"),
        Value("rules[].transitions[].storageClass", _STORAGE_CLASSES, "pulumi_aws/s3/_inputs.py (storage_class)"),
        Value("rules[].noncurrentVersionTransitions[].storageClass", _STORAGE_CLASSES, LIFECYCLE_TRANSITIONS),
        Value("rules[].transitions[]", _TRANSITION_AGE, LIFECYCLE_TRANSITIONS),
        Value(
            "transitionDefaultMinimumObjectSize",
            among("all_storage_classes_128K", "varies_by_storage_class"),
            "pulumi_aws/s3/bucket_lifecycle_configuration.py (transition_default_minimum_object_size)",
        ),
    ),
    S3_BUCKET_LOGGING: (),
    S3_BUCKET_CORS: (
        Value(
            "corsRules[].allowedMethods[]",
            among("GET", "PUT", "HEAD", "POST", "DELETE"),
            "pulumi_aws/s3/_inputs.py (allowed_methods)",
        ),
    ),
    EFS_FILE_SYSTEM: (
        Value("performanceMode", among("generalPurpose", "maxIO"), "pulumi_aws/efs/file_system.py (performance_mode)"),
        Value(
            "throughputMode",
            among("bursting", "provisioned", "elastic"),
            "pulumi_aws/efs/file_system.py (throughput_mode)",
        ),
        Value(
            "lifecyclePolicies[].transitionToIa",
            among(*(f"AFTER_{days}_DAY{'S' if days > 1 else ''}" for days in (1, 7, 14, 30, 60, 90, 180, 270, 365))),
            "pulumi_aws/efs/_inputs.py (transition_to_ia)",
        ),
        Value(
            "lifecyclePolicies[].transitionToPrimaryStorageClass",
            among("AFTER_1_ACCESS"),
            "pulumi_aws/efs/_inputs.py (transition_to_primary_storage_class)",
        ),
        Tags(),
    ),
    EFS_MOUNT_TARGET: (),
    EFS_ACCESS_POINT: (
        Value("rootDirectory.path", length(100), EFS_QUOTAS),
        Value(
            "rootDirectory.creationInfo.permissions",
            characters(r"[0-7]{3,4}", "octal modes such as 0750"),
            "pulumi_aws/efs/_inputs.py (permissions)",
        ),
        Tags(),
    ),
    EFS_FILE_SYSTEM_POLICY: (Value("policy", length(20000), EFS_QUOTAS),),
    EFS_BACKUP_POLICY: (
        Value("backupPolicy.status", among("ENABLED", "DISABLED"), "pulumi_aws/efs/_inputs.py (status)"),
    ),
}
