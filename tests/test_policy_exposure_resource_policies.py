"""Whom resource policies let in (policies/rules/exposure/resource_policies.py): Principal * only with a condition that
names an account, principal, source or private network, on every kind of resource policy."""

from __future__ import annotations

import json
from typing import Any

import pytest

from policies.rules.exposure.resource_policies import (
    ECR_REPOSITORY_POLICY,
    RESOURCE_POLICY_NO_PUBLIC_PRINCIPAL,
    SECRET_POLICY,
)
from policies.support.aws import (
    EFS_FILE_SYSTEM_POLICY,
    IAM_ROLE,
    KMS_KEY,
    S3_BUCKET_POLICY,
    SECRET,
    SNS_TOPIC,
    SNS_TOPIC_POLICY,
)
from tests.policy_builders import UNKNOWN, messages, single

ACCOUNT = "111111111111"
KINDS = [
    (KMS_KEY, "policy"),
    (SNS_TOPIC, "policy"),
    (SNS_TOPIC_POLICY, "policy"),
    (S3_BUCKET_POLICY, "policy"),
    (EFS_FILE_SYSTEM_POLICY, "policy"),
    (SECRET, "policy"),
    (SECRET_POLICY, "policy"),
    (ECR_REPOSITORY_POLICY, "policy"),
    (IAM_ROLE, "assumeRolePolicy"),
]
OPEN = {"Sid": "Open", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def found(*statements: dict[str, Any], kind: tuple[str, str] = (KMS_KEY, "policy")) -> list[str]:
    type_, prop = kind
    return messages(RESOURCE_POLICY_NO_PUBLIC_PRINCIPAL, single(type_, {prop: policy(*statements)}))


def open_message(sid: str = '"Open"', actions: str = '"kms:Decrypt"') -> str:
    return (
        f"statement {sid} allows Principal * {actions} with no condition that limits who: name the principals, or "
        "add aws:SourceAccount, aws:SourceArn, aws:PrincipalArn or aws:PrincipalOrgID with a fixed value"
    )


@pytest.mark.parametrize("kind", KINDS, ids=[kind[0] for kind in KINDS])
def test_every_kind_of_resource_policy_open_to_everyone_fails(kind: tuple[str, str]) -> None:
    assert found(OPEN, kind=kind) == [open_message()]


@pytest.mark.parametrize(
    "principal", ["*", {"AWS": "*"}, {"AWS": ["arn:aws:iam::111111111111:root", "*"]}], ids=["bare", "aws", "listed"]
)
def test_every_spelling_of_everyone_is_found(principal: Any) -> None:
    assert found({**OPEN, "Principal": principal}) == [open_message()]


@pytest.mark.parametrize(
    "condition",
    [
        {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
        {"ArnLike": {"aws:SourceArn": f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:sentinel-prod-*"}},
        {"ArnEquals": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/reader"}},
        {"StringEquals": {"AWS:PrincipalOrgID": "o-abc123"}},
        {"StringEquals": {"kms:CallerAccount": ACCOUNT, "kms:ViaService": "s3.us-east-1.amazonaws.com"}},
        {"StringEquals": {"aws:SourceVpce": "vpce-0123"}},
        {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
    ],
    ids=["source account", "source arn", "principal arn", "organization", "caller account", "endpoint", "ip"],
)
def test_everyone_limited_by_a_fixed_who_passes(condition: dict[str, Any]) -> None:
    assert found({**OPEN, "Condition": condition}) == []


@pytest.mark.parametrize(
    "condition",
    [
        {"Bool": {"aws:SecureTransport": "true"}},
        {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}},
        {"StringEqualsIfExists": {"aws:SourceAccount": ACCOUNT}},
        {"StringNotEquals": {"aws:SourceAccount": "222222222222"}},
        {"StringLike": {"aws:SourceAccount": "*"}},
        {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/reader"}},
        {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}},
        {"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-abc123"}},
    ],
    ids=["tls", "via service", "if exists", "negated", "any account", "any account's role", "internet", "set operator"],
)
def test_a_condition_that_does_not_name_who_does_not_limit_everyone(condition: dict[str, Any]) -> None:
    assert found({**OPEN, "Condition": condition}) == [open_message()]


def test_denies_to_everyone_and_named_principals_pass() -> None:
    deny = {**OPEN, "Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    named = {**OPEN, "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}}
    service = {**OPEN, "Principal": {"Service": "logs.us-east-1.amazonaws.com"}}
    assert found(deny, named, service) == []


def test_each_open_statement_is_named_by_its_sid_or_position() -> None:
    unnamed = {key: value for key, value in OPEN.items() if key != "Sid"}
    many = {**unnamed, "Action": ["s3:GetObject", "s3:PutObject"]}
    assert found(OPEN, many) == [open_message(), open_message("1", '"s3:GetObject", "s3:PutObject"')]


def test_a_policy_unknown_during_preview_is_not_judged() -> None:
    assert messages(RESOURCE_POLICY_NO_PUBLIC_PRINCIPAL, single(KMS_KEY, {"policy": UNKNOWN})) == []
    assert messages(RESOURCE_POLICY_NO_PUBLIC_PRINCIPAL, single(KMS_KEY, {})) == []
