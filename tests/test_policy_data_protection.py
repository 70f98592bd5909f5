"""Encryption at rest and in transit."""

from __future__ import annotations

import json
from typing import Any

import pytest

from policies.rules.data_protection import (
    ALB_TLS_POLICY_CURRENT,
    ECR_IMMUTABLE_AND_SCANNED,
    EFS_ENCRYPTED,
    EFS_TLS_ONLY,
    EKS_SECRETS_ENCRYPTED,
    ELASTICACHE_AUTH_TOKEN,
    ELASTICACHE_ENCRYPTED_AT_REST,
    ELASTICACHE_ENCRYPTED_IN_TRANSIT,
    KMS_KEY_ROTATION,
    LAUNCH_TEMPLATE_EBS_ENCRYPTED,
    LOG_GROUP_ENCRYPTED,
    RDS_FORCE_SSL,
    RDS_PROXY_REQUIRES_TLS,
    RDS_STORAGE_ENCRYPTED,
    S3_BUCKET_ENCRYPTED,
    S3_BUCKET_TLS_ONLY,
    SNS_TOPIC_ENCRYPTED,
)
from policies.support.aws import (
    ECR_REPOSITORY,
    EFS_FILE_SYSTEM,
    EFS_FILE_SYSTEM_POLICY,
    EKS_CLUSTER,
    ELASTICACHE_REPLICATION_GROUP,
    KMS_KEY,
    LAUNCH_TEMPLATE,
    LISTENER,
    LOG_GROUP,
    RDS_INSTANCE,
    RDS_PROXY,
    S3_BUCKET_POLICY,
    S3_BUCKETS,
    SNS_TOPIC,
)
from tests.policy_builders import (
    UNKNOWN,
    GraphBuilder,
    aurora,
    bucket,
    merged,
    messages,
    parameter_group,
    property_rule_tests,
    rds_primary,
    rds_replica,
    ref,
    single,
    tls_only_policy,
    tls_only_statement,
    violations,
)

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
        ELASTICACHE_ENCRYPTED_IN_TRANSIT,
        ELASTICACHE_REPLICATION_GROUP,
        {"transitEncryptionEnabled": True, "transitEncryptionMode": "required"},
        {"transitEncryptionMode": "preferred"},
        'transitEncryptionMode is "preferred": set transitEncryptionMode="required"',
        id="elasticache-encrypted-in-transit",
    ),
    # Tier 9 (cluster)
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


def test_bucket_with_tls_only_policy_passes() -> None:
    builder = GraphBuilder()
    bucket(builder)
    assert messages(S3_BUCKET_TLS_ONLY, builder.build()) == []


@pytest.mark.parametrize(
    "policy",
    [
        pytest.param("", id="no policy"),
        pytest.param(tls_only_policy("s3", Effect="Allow"), id="allows instead of denying"),
        pytest.param(tls_only_policy("s3", secure_transport="true"), id="denies TLS instead of plain HTTP"),
        pytest.param(tls_only_policy("s3:GetObject"), id="denies one action only"),
    ],
)
def test_bucket_without_tls_only_policy_fails(policy: str) -> None:
    builder = GraphBuilder()
    bucket(builder, policy=policy)
    assert messages(S3_BUCKET_TLS_ONLY, builder.build()) == [
        "bucket uploads has no bucket policy denying aws:SecureTransport=false"
    ]


def test_bucket_policy_unknown_during_preview_is_not_judged() -> None:
    builder = GraphBuilder()
    bucket(builder, policy=UNKNOWN)
    assert violations(S3_BUCKET_TLS_ONLY, builder.build()) == []


UPLOADS_ARN = "arn:aws:s3:::sentinel-uploads"


@pytest.mark.parametrize(
    "resource",
    [
        pytest.param([UPLOADS_ARN, f"{UPLOADS_ARN}/*"], id="the bucket and its objects"),
        pytest.param(f"{UPLOADS_ARN}*", id="a pattern spanning both"),
        pytest.param("arn:aws:s3:::*", id="every bucket"),
    ],
)
def test_bucket_tls_deny_covering_the_whole_bucket_passes(resource: str | list[str]) -> None:
    builder = GraphBuilder()
    bucket(builder, policy=tls_only_policy("s3", Resource=resource))
    assert messages(S3_BUCKET_TLS_ONLY, builder.build()) == []


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        pytest.param(
            f"{UPLOADS_ARN}/public/*",
            f'bucket uploads: policy uploads-policy denies plain HTTP on "{UPLOADS_ARN}/public/*" only: add '
            f'"{UPLOADS_ARN}", "{UPLOADS_ARN}/*" to the deny\'s Resource (or use "*")',
            id="one prefix of the objects",
        ),
        pytest.param(
            UPLOADS_ARN,
            f'bucket uploads: policy uploads-policy denies plain HTTP on "{UPLOADS_ARN}" only: add '
            f'"{UPLOADS_ARN}/*" to the deny\'s Resource (or use "*")',
            id="the bucket but not its objects",
        ),
        pytest.param(
            None,
            f'bucket uploads: policy uploads-policy denies plain HTTP naming no Resource: add "{UPLOADS_ARN}", '
            f'"{UPLOADS_ARN}/*" to the deny\'s Resource (or use "*")',
            id="no Resource",
        ),
    ],
)
def test_bucket_tls_deny_covering_part_of_the_bucket_fails(resource: str | None, expected: str) -> None:
    builder = GraphBuilder()
    bucket(builder, policy=tls_only_policy("s3", Resource=resource))
    assert messages(S3_BUCKET_TLS_ONLY, builder.build()) == [expected]


def test_bucket_tls_deny_narrowed_by_another_condition_fails() -> None:
    builder = GraphBuilder()
    one_account = {"StringEquals": {"aws:PrincipalAccount": "123456789012"}}
    bucket(builder, policy=tls_only_policy("s3", Condition=one_account))
    assert messages(S3_BUCKET_TLS_ONLY, builder.build()) == [
        "bucket uploads: policy uploads-policy narrows its plain-HTTP deny with StringEquals aws:PrincipalAccount, "
        "which exempts every request that does not match: drop that condition from the deny"
    ]


def test_bucket_tls_deny_with_not_resource_fails() -> None:
    builder = GraphBuilder()
    bucket(builder, policy=tls_only_policy("s3", Resource=None, NotResource=f"{UPLOADS_ARN}/public/*"))
    assert messages(S3_BUCKET_TLS_ONLY, builder.build()) == [
        "bucket uploads: policy uploads-policy denies plain HTTP with NotResource, which exempts what it lists: "
        "name the resources in Resource"
    ]


def test_bucket_tls_denies_may_split_the_bucket_between_statements() -> None:
    statements = [tls_only_statement("s3", Resource=UPLOADS_ARN), tls_only_statement("s3", Resource=f"{UPLOADS_ARN}/*")]
    builder = GraphBuilder()
    bucket(builder, policy=json.dumps({"Version": "2012-10-17", "Statement": statements}))
    assert messages(S3_BUCKET_TLS_ONLY, builder.build()) == []


def test_bucket_tls_deny_whose_resource_is_unknown_during_preview_is_not_judged() -> None:
    builder = GraphBuilder()
    uploads = bucket(builder, policy="")
    pending = ref(uploads, "arn", known=False)
    document = {"Version": "2012-10-17", "Statement": [tls_only_statement("s3", Resource=[pending])]}
    builder.add(S3_BUCKET_POLICY, "uploads-policy", {"bucket": ref(uploads), "policy": document})
    assert violations(S3_BUCKET_TLS_ONLY, builder.build()) == []


def test_bucket_tls_deny_is_not_scoped_while_the_bucket_arn_is_unknown() -> None:
    builder = GraphBuilder()
    uploads = builder.add(S3_BUCKETS[0], "uploads", {"bucket": "sentinel-uploads", "arn": UNKNOWN})
    policy = tls_only_policy("s3", Resource=f"{UPLOADS_ARN}/public/*")
    builder.add(S3_BUCKET_POLICY, "uploads-policy", {"bucket": ref(uploads), "policy": policy})
    assert violations(S3_BUCKET_TLS_ONLY, builder.build()) == []


SHARED_ARN = "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-shared"
OTHER_ARN = "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-other"


def _file_system(policy: str | None) -> GraphBuilder:
    builder = GraphBuilder()
    file_system = builder.add(EFS_FILE_SYSTEM, "shared", {"encrypted": True, "arn": SHARED_ARN})
    if policy is not None:
        builder.add(EFS_FILE_SYSTEM_POLICY, "shared-policy", {"fileSystemId": ref(file_system), "policy": policy})
    return builder


@pytest.mark.parametrize("resource", ["*", SHARED_ARN])
def test_file_system_with_tls_only_policy_passes(resource: str) -> None:
    graph = _file_system(tls_only_policy("elasticfilesystem", Resource=resource)).build()
    assert messages(EFS_TLS_ONLY, graph) == []


def test_file_system_without_tls_only_policy_fails() -> None:
    assert messages(EFS_TLS_ONLY, _file_system(None).build()) == ["file system shared has no policy requiring TLS"]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param(
            {"Resource": OTHER_ARN},
            f'file system shared: policy shared-policy denies plain HTTP on "{OTHER_ARN}" only: add "{SHARED_ARN}" '
            'to the deny\'s Resource (or use "*")',
            id="another file system",
        ),
        pytest.param(
            {"Condition": {"StringEquals": {"aws:PrincipalAccount": "123456789012"}}},
            "file system shared: policy shared-policy narrows its plain-HTTP deny with StringEquals "
            "aws:PrincipalAccount, which exempts every request that does not match: drop that condition from the deny",
            id="narrowed by a condition",
        ),
    ],
)
def test_file_system_tls_deny_that_exempts_some_access_fails(changes: dict[str, Any], expected: str) -> None:
    graph = _file_system(tls_only_policy("elasticfilesystem", **changes)).build()
    assert messages(EFS_TLS_ONLY, graph) == [expected]


def test_postgres_with_force_ssl_parameter_group_passes() -> None:
    builder = GraphBuilder()
    parameters = parameter_group(builder)
    primary = rds_primary(builder, parameters=parameters)
    rds_replica(builder, primary, "us-east-1b", parameters=parameters)
    assert messages(RDS_FORCE_SSL, builder.build()) == []


def test_parameter_group_that_allows_plaintext_fails() -> None:
    builder = GraphBuilder()
    rds_primary(builder, parameters=parameter_group(builder, {"rds.force_ssl": "0"}))
    assert messages(RDS_FORCE_SSL, builder.build()) == [
        'parameter group db-parameters: rds.force_ssl is "0", set it to 1'
    ]


def test_replica_on_the_default_parameter_group_fails() -> None:
    builder = GraphBuilder()
    primary = rds_primary(builder, parameters=parameter_group(builder))
    rds_replica(builder, primary, "us-east-1b")  # its engine, postgres, comes from the primary
    assert messages(RDS_FORCE_SSL, builder.build()) == [
        "db-replica-1 uses the engine's default group: give it a parameter group with rds.force_ssl=1"
    ]


def test_force_ssl_is_a_postgres_rule() -> None:
    builder = GraphBuilder()
    rds_primary(builder, engine="mysql")
    assert messages(RDS_FORCE_SSL, builder.build()) == []


def test_cluster_secrets_with_an_unknown_key_are_not_judged_during_preview() -> None:
    props = {"encryptionConfig": {"resources": ["secrets"], "provider": {"keyArn": UNKNOWN}}}
    assert messages(EKS_SECRETS_ENCRYPTED, single(EKS_CLUSTER, props)) == []


# --- TLS: the cluster's parameter group, the proxy, the cache's auth token ------------------------------------


def test_an_aurora_cluster_forcing_tls_passes() -> None:
    builder = GraphBuilder()
    aurora(builder)
    assert messages(RDS_FORCE_SSL, builder.build()) == []


@pytest.mark.parametrize(
    ("force_ssl", "expected"),
    [
        ("0", 'parameter group cluster-parameters: rds.force_ssl is "0", set it to 1'),
        (None, "parameter group cluster-parameters: rds.force_ssl is not set, set it to 1"),
    ],
)
def test_an_aurora_cluster_admitting_plaintext_fails(force_ssl: str | None, expected: str) -> None:
    builder = GraphBuilder()
    aurora(builder, force_ssl=force_ssl)
    assert messages(RDS_FORCE_SSL, builder.build()) == [expected]


def test_an_aurora_cluster_on_the_default_group_fails() -> None:
    builder = GraphBuilder()
    aurora(builder, dbClusterParameterGroupName=None)
    assert messages(RDS_FORCE_SSL, builder.build()) == [
        "database uses the engine's default group: give it a parameter group with rds.force_ssl=1"
    ]


AUTHENTICATED_CACHE = {"transitEncryptionEnabled": True, "authToken": "generated-token-of-32-characters"}

DATA_TIER_CASES = [
    pytest.param(
        RDS_PROXY_REQUIRES_TLS,
        RDS_PROXY,
        {"engineFamily": "POSTGRESQL", "requireTls": True},
        {"requireTls": False},
        "requireTls is false: set requireTls=true",
        id="proxy-tls",
    ),
    pytest.param(
        RDS_PROXY_REQUIRES_TLS,
        RDS_PROXY,
        {"engineFamily": "POSTGRESQL", "requireTls": True},
        {"requireTls": None},
        "requireTls is not set: set requireTls=true",
        id="proxy-tls-default",
    ),
    pytest.param(
        ELASTICACHE_AUTH_TOKEN,
        ELASTICACHE_REPLICATION_GROUP,
        AUTHENTICATED_CACHE,
        {"authToken": None},
        "transitEncryptionEnabled is true but neither authToken nor userGroupIds is set: set authToken",
        id="cache-auth-token",
    ),
]

test_data_tier_rule_passes_compliant_resource, test_data_tier_rule_reports_the_broken_property = property_rule_tests(
    DATA_TIER_CASES
)


@pytest.mark.parametrize(
    "changes",
    [
        {"authToken": None, "userGroupIds": ["sentinel-apps"]},
        {"authToken": UNKNOWN},
        {"transitEncryptionEnabled": False},
    ],
    ids=["rbac", "token unknown in preview", "no tls: another rule's concern"],
)
def test_other_ways_to_authenticate_or_nothing_to_judge_pass(changes: dict[str, Any]) -> None:
    builder = GraphBuilder()
    builder.add(ELASTICACHE_REPLICATION_GROUP, "cache", merged(AUTHENTICATED_CACHE, changes))
    assert messages(ELASTICACHE_AUTH_TOKEN, builder.build()) == []


# --- Tier 10: the ALB's TLS policy ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("listener", "violations"),
    [
        ({"protocol": "HTTPS", "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"}, []),
        ({"protocol": "HTTP", "defaultActions": [{"type": "redirect"}]}, []),
        (
            {"protocol": "HTTPS"},
            ["sslPolicy is not set: name a TLS 1.3 policy such as ELBSecurityPolicy-TLS13-1-2-Res-2021-06"],
        ),
        (
            {"protocol": "HTTPS", "sslPolicy": "ELBSecurityPolicy-2016-08"},
            [
                'sslPolicy is "ELBSecurityPolicy-2016-08": name a TLS 1.3 policy such as '
                "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"
            ],
        ),
    ],
    ids=["tls13", "plain-redirect", "unset", "2016-08"],
)
def test_https_listeners_name_a_tls13_policy(listener: dict[str, Any], violations: list[str]) -> None:
    assert messages(ALB_TLS_POLICY_CURRENT, single(LISTENER, listener)) == violations
