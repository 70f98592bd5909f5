"""Data at rest: everything stored is encrypted (databases, caches, file systems, volumes, topics, logs,
buckets, the cluster's secrets) under keys that rotate and that only a break-glass role may destroy, and stored
images are immutable and scanned."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from typing import Any

from pulumi_policy import PolicyResource, ResourceValidationArgs, Severity

from policies.support.aws import (
    ECR_REPOSITORY,
    EFS_FILE_SYSTEM,
    EKS_CLUSTER,
    ELASTICACHE_REPLICATION_GROUP,
    KMS_KEY,
    LAUNCH_TEMPLATE,
    LOG_GROUP,
    RDS_CLUSTER,
    RDS_INSTANCE,
    S3_ENCRYPTION_CONFIGURATIONS,
    SNS_TOPIC,
    buckets_without,
)
from policies.support.declare import (
    Concern,
    Expect,
    Finding,
    ResourcePolicy,
    Settings,
    StackPolicy,
    expecting,
)
from policies.support.stack import Stack
from policies.support.values import (
    elements,
    entries,
    field,
    is_set,
    is_true,
    is_unknown,
    json_document,
    one_of,
    one_or_many,
    shown,
    violated,
)

RDS_STORAGE_ENCRYPTED = ResourcePolicy(
    name="rds-storage-encrypted",
    description=(
        "RDS instances and clusters, read replicas included, encrypt their storage: set storageEncrypted=true "
        "and kmsKeyId to the stack's key. Encryption is chosen at creation, so an existing database must be "
        "restored from an encrypted snapshot copy."
    ),
    concern=Concern.SECURITY,
    severity=Severity.HIGH,
    resource_types=(RDS_INSTANCE, RDS_CLUSTER),
    rule=expecting(Expect("storageEncrypted", is_true, "set storageEncrypted=true")),
)

ELASTICACHE_ENCRYPTED_AT_REST = ResourcePolicy(
    name="elasticache-encrypted-at-rest",
    description=(
        "ElastiCache replication groups encrypt their data and snapshots at rest: set atRestEncryptionEnabled=true "
        "(and kmsKeyId for a customer-managed key)."
    ),
    concern=Concern.SECURITY,
    severity=Severity.HIGH,
    resource_types=(ELASTICACHE_REPLICATION_GROUP,),
    rule=expecting(Expect("atRestEncryptionEnabled", is_true, "set atRestEncryptionEnabled=true")),
)

EFS_ENCRYPTED = ResourcePolicy(
    name="efs-encrypted",
    description="EFS file systems encrypt data at rest: set encrypted=true (and kmsKeyId for a customer-managed key).",
    concern=Concern.SECURITY,
    severity=Severity.HIGH,
    resource_types=(EFS_FILE_SYSTEM,),
    rule=expecting(Expect("encrypted", is_true, "set encrypted=true")),
)

SNS_TOPIC_ENCRYPTED = ResourcePolicy(
    name="sns-topic-encrypted",
    description=(
        "SNS topics encrypt messages with a KMS key: set kmsMasterKeyId to a customer-managed key whose policy "
        "lets the publishing services (CloudWatch) use it."
    ),
    concern=Concern.SECURITY,
    severity=Severity.MEDIUM,
    resource_types=(SNS_TOPIC,),
    rule=expecting(Expect("kmsMasterKeyId", is_set, "set kmsMasterKeyId to a KMS key")),
)

LOG_GROUP_ENCRYPTED = ResourcePolicy(
    name="log-group-encrypted",
    description=(
        "CloudWatch log groups encrypt their events with a KMS key: set kmsKeyId to a key whose policy lets the "
        "CloudWatch Logs service of the region use it."
    ),
    concern=Concern.SECURITY,
    severity=Severity.MEDIUM,
    resource_types=(LOG_GROUP,),
    rule=expecting(Expect("kmsKeyId", is_set, "set kmsKeyId to a KMS key ARN")),
)


def _ebs_volumes_encrypted(args: ResourceValidationArgs, _settings: Settings) -> Iterable[str]:
    mappings = field(args.props, "blockDeviceMappings")
    if is_unknown(mappings):
        return
    volumes = [mapping for mapping in elements(mappings) if field(mapping, "ebs") is not None]
    if not volumes:
        yield "no EBS block device mapping: declare the root volume with ebs.encrypted=true"
    for volume in volumes:
        encrypted = field(volume, "ebs", "encrypted")
        if violated(encrypted, is_true):
            yield f"volume {shown(field(volume, 'deviceName'))}: ebs.encrypted is {shown(encrypted)}, set it to true"


LAUNCH_TEMPLATE_EBS_ENCRYPTED = ResourcePolicy(
    name="launch-template-ebs-encrypted",
    description=(
        "Launch templates declare every EBS volume, the root volume included, with ebs.encrypted=true, so nodes "
        "never depend on the account's default-encryption setting."
    ),
    concern=Concern.SECURITY,
    severity=Severity.HIGH,
    resource_types=(LAUNCH_TEMPLATE,),
    rule=_ebs_volumes_encrypted,
)

# Only symmetric encryption keys can rotate their key material; asymmetric and HMAC keys cannot.
_ROTATABLE_KEY_SPEC = "SYMMETRIC_DEFAULT"

KMS_KEY_ROTATION = ResourcePolicy(
    name="kms-key-rotation",
    description="Symmetric KMS keys rotate their key material yearly: set enableKeyRotation=true.",
    concern=Concern.SECURITY,
    severity=Severity.MEDIUM,
    resource_types=(KMS_KEY,),
    rule=expecting(
        Expect("enableKeyRotation", is_true, "set enableKeyRotation=true"),
        when=lambda props: field(props, "customerMasterKeySpec") in (None, _ROTATABLE_KEY_SPEC),
    ),
)


# What makes a key, and every ciphertext under it, unusable; a key policy leaves it to one named role.
_KEY_DESTRUCTION = ("kms:ScheduleKeyDeletion", "kms:DisableKey")
_EXEMPTING_OPERATORS = ("ArnNotEquals", "ArnNotLike", "StringNotEquals", "StringNotLike")


def _covers(patterns: list[Any], action: str) -> bool:
    """Whether an Action list names `action`, by name or wildcard (actions are case-insensitive)."""
    return any(isinstance(p, str) and fnmatch.fnmatchcase(action.lower(), p.lower()) for p in patterns)


def _exempted_role(statement: Any) -> str | None:
    """The one role a statement's conditions exempt, by a negated operator on aws:PrincipalArn naming one role ARN
    without wildcards; None when its conditions are anything else."""
    conditions = entries(field(statement, "Condition"))
    if list(conditions) not in ([operator] for operator in _EXEMPTING_OPERATORS):
        return None
    keys = entries(next(iter(conditions.values())))
    values = [one_or_many(value) for key, value in keys.items() if key.lower() == "aws:principalarn"]
    if len(keys) != 1 or len(values) != 1 or len(values[0]) != 1:
        return None
    [role] = values[0]
    return role if isinstance(role, str) and ":role/" in role and not set("*?") & set(role) else None


def _destruction_guard(args: ResourceValidationArgs, _settings: Settings) -> Iterable[str]:
    document = json_document(field(args.props, "policy"))
    if is_unknown(document):
        return
    narrowed: list[str] = []
    for statement in one_or_many(field(document, "Statement")):
        principal = field(statement, "Principal")
        everyone = principal == "*" or one_or_many(field(principal, "AWS")) == ["*"]
        actions = one_or_many(field(statement, "Action"))
        if field(statement, "Effect") != "Deny" or not everyone or any(is_unknown(a) for a in actions):
            continue
        if not all(_covers(actions, action) for action in _KEY_DESTRUCTION):
            continue
        whole_key = one_or_many(field(statement, "Resource")) == ["*"]
        if whole_key and _exempted_role(statement) is not None:
            return
        narrowed.append(
            f"a statement denies {' and '.join(_KEY_DESTRUCTION)} to Principal * "
            + ("but exempts someone other than one role ARN by aws:PrincipalArn" if whole_key else "not on Resource *")
            + ": exempt only the break-glass role (ArnNotEquals aws:PrincipalArn, one role ARN), on Resource *"
        )
    yield from narrowed or [
        "the key policy lets every administrator disable the key or schedule its deletion: deny "
        f"{' and '.join(_KEY_DESTRUCTION)} to Principal * on Resource * unless aws:PrincipalArn is the break-glass "
        "role (ArnNotEquals, one role ARN)"
    ]


KMS_KEY_DESTRUCTION_GUARDED = ResourcePolicy(
    name="kms-key-destruction-guarded",
    description=(
        "Every KMS key's policy denies kms:ScheduleKeyDeletion and kms:DisableKey to Principal * on Resource * "
        "unless aws:PrincipalArn is one named break-glass role (sentinel:backup.breakGlassRoleArn): a disabled or "
        "deleted key leaves every snapshot, recovery point and object encrypted with it unreadable."
    ),
    concern=Concern.SECURITY,
    severity=Severity.HIGH,
    resource_types=(KMS_KEY,),
    rule=_destruction_guard,
)


def _encrypts_by_default(configuration: PolicyResource) -> bool:
    rules = field(configuration.props, "rules")
    if is_unknown(rules):
        return True
    algorithms = [field(rule, "applyServerSideEncryptionByDefault", "sseAlgorithm") for rule in elements(rules)]
    return any(is_unknown(algorithm) or is_set(algorithm) for algorithm in algorithms)


def _bucket_encryption(stack: Stack, _settings: Settings) -> Iterable[Finding]:
    for bucket in buckets_without(stack, S3_ENCRYPTION_CONFIGURATIONS, _encrypts_by_default):
        yield Finding(bucket.urn, f"bucket {bucket.name} has no server-side encryption configuration")


S3_BUCKET_ENCRYPTED = StackPolicy(
    name="s3-bucket-encrypted",
    description=(
        "Every S3 bucket has an aws.s3.BucketServerSideEncryptionConfiguration with a default-encryption rule "
        '(sseAlgorithm "aws:kms" with the stack\'s key and bucketKeyEnabled, or "AES256").'
    ),
    concern=Concern.SECURITY,
    severity=Severity.HIGH,
    rule=_bucket_encryption,
)


def _cluster_secrets_encrypted(args: ResourceValidationArgs, _settings: Settings) -> Iterable[str]:
    resources = field(args.props, "encryptionConfig", "resources")
    key = field(args.props, "encryptionConfig", "provider", "keyArn")
    if not is_unknown(resources) and "secrets" not in elements(resources):
        yield 'encryptionConfig.resources does not list "secrets": set it to ["secrets"] with a KMS key'
    if violated(key, is_set):
        yield "encryptionConfig.provider.keyArn is not set: name the stack's KMS key for Kubernetes secrets"


EKS_SECRETS_ENCRYPTED = ResourcePolicy(
    name="eks-secrets-encrypted",
    description=(
        "EKS clusters envelope-encrypt Kubernetes secrets with a customer-managed KMS key: set encryptionConfig "
        'with resources ["secrets"] and provider.keyArn.'
    ),
    concern=Concern.SECURITY,
    severity=Severity.HIGH,
    resource_types=(EKS_CLUSTER,),
    rule=_cluster_secrets_encrypted,
)

ECR_IMMUTABLE_AND_SCANNED = ResourcePolicy(
    name="ecr-immutable-and-scanned",
    description=(
        'ECR repositories keep tags immutable (imageTagMutability="IMMUTABLE"), so a deployed tag always names '
        "the image that was tested, and scan every pushed image for vulnerabilities "
        "(imageScanningConfiguration.scanOnPush=true)."
    ),
    concern=Concern.SECURITY,
    severity=Severity.HIGH,
    resource_types=(ECR_REPOSITORY,),
    rule=expecting(
        Expect("imageTagMutability", one_of("IMMUTABLE"), 'set imageTagMutability="IMMUTABLE"'),
        Expect("imageScanningConfiguration.scanOnPush", is_true, "set imageScanningConfiguration.scanOnPush=true"),
    ),
)
