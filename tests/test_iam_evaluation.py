"""The IAM evaluator the service-grant tests rely on: each rule it follows, and that it refuses what it does not
know rather than guess."""

from __future__ import annotations

from typing import Any

import pytest

from tests.iam_evaluation import (
    Principal,
    Request,
    UnsupportedPolicyError,
    identity_policy_decision,
    kms_decision,
    resource_policy_decision,
)

ACCOUNT = "111111111111"
ROLE = Principal.of_arn(f"arn:aws:iam::{ACCOUNT}:role/writer")
LOGGING = Principal.of_service("logging.s3.amazonaws.com")
BUCKET = "arn:aws:s3:::logs"


def document(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(**elements: Any) -> dict[str, Any]:
    return {"Effect": "Allow", **elements}


def deny(**elements: Any) -> dict[str, Any]:
    return {"Effect": "Deny", **elements}


def put(principal: Principal, key: str, **context: str) -> Request:
    return Request(principal, "s3:PutObject", f"{BUCKET}/{key}", context)


def test_an_allow_matches_its_principal_action_and_resource_with_wildcards() -> None:
    policy = document(
        allow(Principal={"Service": "logging.s3.amazonaws.com"}, Action="S3:Put*", Resource=f"{BUCKET}/s3/*")
    )
    assert resource_policy_decision(policy, put(LOGGING, "s3/uploads/2025-01-01")) == "allow"
    assert resource_policy_decision(policy, put(LOGGING, "alb/AWSLogs/x")) == "implicit deny"
    assert resource_policy_decision(policy, Request(LOGGING, "s3:GetObject", f"{BUCKET}/s3/x")) == "implicit deny"
    assert resource_policy_decision(
        policy, put(Principal.of_service("elasticloadbalancing.amazonaws.com"), "s3/x")
    ) == ("implicit deny")


def test_an_explicit_deny_wins_and_a_deny_to_everyone_covers_services() -> None:
    policy = document(
        allow(Principal="*", Action="s3:*", Resource=f"{BUCKET}/*"),
        deny(
            Principal={"AWS": "*"},
            Action="s3:*",
            Resource=f"{BUCKET}/*",
            Condition={"Bool": {"aws:SecureTransport": False}},
        ),
    )
    assert resource_policy_decision(policy, put(LOGGING, "k", **{"aws:SecureTransport": "false"})) == "explicit deny"
    assert resource_policy_decision(policy, put(LOGGING, "k", **{"aws:SecureTransport": "true"})) == "allow"


def test_conditions_need_every_operator_and_key_and_one_value_of_each() -> None:
    policy = document(
        allow(
            Principal={"Service": "logging.s3.amazonaws.com"},
            Action="s3:PutObject",
            Resource=f"{BUCKET}/*",
            Condition={
                "ArnLike": {"aws:SourceArn": ["arn:aws:s3:::sentinel-*", "arn:aws:s3:::other"]},
                "StringEquals": {"aws:SourceAccount": ACCOUNT},
            },
        )
    )
    assert (
        resource_policy_decision(
            policy, put(LOGGING, "k", **{"aws:SourceArn": "arn:aws:s3:::other", "aws:SourceAccount": ACCOUNT})
        )
        == "allow"
    )
    assert (
        resource_policy_decision(
            policy, put(LOGGING, "k", **{"AWS:SourceArn": "arn:aws:s3:::sentinel-x", "aws:SourceAccount": ACCOUNT})
        )
        == "allow"
    )
    assert (
        resource_policy_decision(policy, put(LOGGING, "k", **{"aws:SourceArn": "arn:aws:s3:::sentinel-x"}))
        == "implicit deny"
    )
    assert (
        resource_policy_decision(
            policy, put(LOGGING, "k", **{"aws:SourceArn": "arn:aws:s3:::x", "aws:SourceAccount": ACCOUNT})
        )
        == "implicit deny"
    )


def test_arn_like_compares_part_by_part() -> None:
    policy = document(
        allow(
            Principal="*",
            Action="sns:Publish",
            Resource="*",
            Condition={"ArnLike": {"aws:SourceArn": "arn:aws:rds:*:111111111111:db:*"}},
        )
    )
    request = Request(Principal.of_service("events.rds.amazonaws.com"), "sns:Publish", "arn:aws:sns:us-east-1:1:t", {})
    for source, decision in (
        ("arn:aws:rds:us-east-1:111111111111:db:writer", "allow"),
        ("arn:aws:rds:us-east-1:222222222222:db:x:111111111111:db:y", "implicit deny"),  # a wildcard stays in its part
        ("not-an-arn", "implicit deny"),
    ):
        assert (
            resource_policy_decision(
                policy, Request(request.principal, request.action, request.resource, {"aws:SourceArn": source})
            )
            == decision
        )


def test_negated_operators_hold_without_their_key_and_if_exists_and_null_test_presence() -> None:
    policy = document(
        deny(
            Principal={"AWS": "*"},
            Action="s3:DeleteObject",
            Resource="*",
            Condition={"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/backup-*"}},
        )
    )
    delete = Request(ROLE, "s3:DeleteObject", f"{BUCKET}/k")
    assert resource_policy_decision(policy, delete) == "explicit deny"  # aws:PrincipalArn comes from the principal
    backup = Principal.of_arn(f"arn:aws:iam::{ACCOUNT}:role/backup-writer")
    assert resource_policy_decision(policy, Request(backup, "s3:DeleteObject", f"{BUCKET}/k")) == "implicit deny"
    absent = document(
        allow(
            Action="s3:GetObject",
            Resource="*",
            Condition={"StringEqualsIfExists": {"s3:prefix": "a"}, "Null": {"aws:SourceVpc": "true"}},
        )
    )
    get = Request(ROLE, "s3:GetObject", f"{BUCKET}/k")
    assert identity_policy_decision([absent], get) == "allow"
    assert (
        identity_policy_decision([absent], Request(ROLE, get.action, get.resource, {"aws:SourceVpc": "vpc-1"}))
        == "implicit deny"
    )


def test_not_action_and_not_resource_match_everything_else() -> None:
    policy = document(allow(NotAction="iam:*", NotResource=f"{BUCKET}/secret/*"))
    assert identity_policy_decision([policy], put(ROLE, "public/k")) == "allow"
    assert identity_policy_decision([policy], put(ROLE, "secret/k")) == "implicit deny"
    assert identity_policy_decision([policy], Request(ROLE, "iam:PassRole", "*")) == "implicit deny"


def test_an_account_principal_admits_its_root_directly_and_its_roles_through_their_policies() -> None:
    key = document(allow(Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, Action="kms:*", Resource="*"))
    decrypt = Request(ROLE, "kms:Decrypt", "arn:aws:kms:us-east-1:111111111111:key/k")
    assert resource_policy_decision(key, Request(Principal.account_root(ACCOUNT), "kms:Decrypt", "k")) == "allow"
    assert resource_policy_decision(key, decrypt) == "delegated"
    assert (
        resource_policy_decision(key, Request(Principal.of_arn("arn:aws:iam::222222222222:role/x"), "kms:Decrypt", "k"))
        == "implicit deny"
    )
    role_policy = document(allow(Action="kms:Decrypt", Resource=decrypt.resource))
    assert kms_decision(key, [role_policy], decrypt) == "allow"
    assert kms_decision(key, [], decrypt) == "implicit deny"
    assert kms_decision(document(), [role_policy], decrypt) == "implicit deny"  # a key policy must admit the account
    denying = document(*key["Statement"], deny(Principal={"AWS": "*"}, Action="kms:Decrypt", Resource="*"))
    assert kms_decision(denying, [role_policy], decrypt) == "explicit deny"


def test_a_trust_policy_without_resource_applies_to_its_role() -> None:
    trust = document(allow(Principal={"Service": "vpc-flow-logs.amazonaws.com"}, Action="sts:AssumeRole"))
    assert (
        resource_policy_decision(
            trust, Request(Principal.of_service("vpc-flow-logs.amazonaws.com"), "sts:AssumeRole", "role")
        )
        == "allow"
    )


@pytest.mark.parametrize(
    "statement",
    [
        allow(Action="s3:*", Resource="*", Condition={"NumericLessThan": {"s3:max-keys": "10"}}),
        allow(Action="s3:*", Resource="*", Condition={"ForAnyValue:StringEquals": {"aws:TagKeys": "a"}}),
        allow(Action="s3:*", Resource="arn:aws:s3:::${aws:username}/*"),
        allow(Action="s3:*", Resource="*", Principal={"Federated": "cognito-identity.amazonaws.com"}),
        allow(Action="s3:*", Resource="*", NotPrincipal={"AWS": "arn:aws:iam::111111111111:root"}),
        allow(Action="s3:*"),
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Principals": "*"},
    ],
    ids=["numeric", "set operator", "policy variable", "federated", "not principal", "no resource", "typo"],
)
def test_what_the_evaluator_does_not_know_fails_loudly(statement: dict[str, Any]) -> None:
    policy = document(statement)
    with pytest.raises(UnsupportedPolicyError):
        if "Principal" in statement or "NotPrincipal" in statement:
            resource_policy_decision(policy, put(ROLE, "k"))
        else:
            identity_policy_decision([policy], put(ROLE, "k"))
