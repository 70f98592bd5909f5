"""Encryption in transit (policies/rules/data_protection/in_transit.py): the buckets and the file system refuse
plain HTTP, the database forces TLS through its parameter groups and its proxy, the cache requires TLS and an auth
token, and the ALB's HTTPS listeners name a TLS 1.3 policy."""

from __future__ import annotations

import json
from typing import Any

import pytest

from policies.rules.data_protection.in_transit import (
    ALB_TLS_POLICY_CURRENT,
    EFS_TLS_ONLY,
    ELASTICACHE_AUTH_TOKEN,
    ELASTICACHE_ENCRYPTED_IN_TRANSIT,
    RDS_FORCE_SSL,
    RDS_PROXY_REQUIRES_TLS,
    S3_BUCKET_TLS_ONLY,
)
from policies.support.aws import (
    EFS_FILE_SYSTEM,
    EFS_FILE_SYSTEM_POLICY,
    ELASTICACHE_REPLICATION_GROUP,
    LISTENER,
    RDS_PROXY,
    S3_BUCKET_POLICY,
    S3_BUCKETS,
)
from tests.policy_builders import UNKNOWN, GraphBuilder, merged, messages, property_rule_tests, ref, single, violations
from tests.policy_builders_aws import (
    aurora,
    bucket,
    parameter_group,
    rds_primary,
    rds_replica,
    tls_only_policy,
    tls_only_statement,
)

AUTHENTICATED_CACHE = {"transitEncryptionEnabled": True, "authToken": "generated-token-of-32-characters"}


# (policy, resource type, inputs that pass, the change that makes them fail, the message it then reports)
PROPERTY_CASES = [
    pytest.param(
        ELASTICACHE_ENCRYPTED_IN_TRANSIT,
        ELASTICACHE_REPLICATION_GROUP,
        {"transitEncryptionEnabled": True, "transitEncryptionMode": "required"},
        {"transitEncryptionMode": "preferred"},
        'transitEncryptionMode is "preferred": set transitEncryptionMode="required"',
        id="elasticache-encrypted-in-transit",
    ),
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


test_property_rule_passes_compliant_resource, test_property_rule_reports_the_broken_property = property_rule_tests(
    PROPERTY_CASES
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


# --- Buckets and the file system refuse plain HTTP --------------------------------------------------------------


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


# --- The database forces TLS ------------------------------------------------------------------------------------


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


# --- The ALB's TLS policy ---------------------------------------------------------------------------------------


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
