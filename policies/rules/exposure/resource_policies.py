"""Resource policies: no key, topic, bucket, file system, secret, repository or role trust lets everyone in. A
statement that allows Principal `*` must be limited by a condition that names who may act: an account, an
organization, a principal, the source resource or network, with a fixed value."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_policy import ResourceValidationArgs, Severity

from policies.support.aws import (
    EFS_FILE_SYSTEM_POLICY,
    IAM_ROLE,
    KMS_KEY,
    S3_BUCKET_POLICY,
    S3_BUCKETS,
    SECRET,
    SNS_TOPIC,
    SNS_TOPIC_POLICY,
)
from policies.support.declare import Concern, ResourcePolicy, Settings
from policies.support.values import entries, field, is_unknown, json_document, one_or_many, shown

SECRET_POLICY = "aws:secretsmanager/secretPolicy:SecretPolicy"
ECR_REPOSITORY_POLICY = "aws:ecr/repositoryPolicy:RepositoryPolicy"

# Where each type keeps its resource policy: the resource's own `policy` or a policy resource's, and a role's trust.
_POLICY_PROPERTY = {
    **dict.fromkeys(
        (
            KMS_KEY,
            SNS_TOPIC,
            SNS_TOPIC_POLICY,
            *S3_BUCKETS,
            S3_BUCKET_POLICY,
            EFS_FILE_SYSTEM_POLICY,
            SECRET,
            SECRET_POLICY,
            ECR_REPOSITORY_POLICY,
        ),
        "policy",
    ),
    IAM_ROLE: "assumeRolePolicy",
}

# The condition keys that, with a fixed value, limit who a `*` principal can be: what S3 counts as making a policy
# non-public (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
# #access-control-block-public-access-policy-status), the principal's own account, organization and ARN, and KMS's
# caller account, which AWS managed keys limit `*` with.
_ACCOUNT_KEYS = frozenset(
    {"aws:sourceaccount", "aws:sourceowner", "aws:principalaccount", "aws:principalorgid", "kms:calleraccount"}
)
_ARN_KEYS = frozenset({"aws:sourcearn", "aws:principalarn"})
_SOURCE_KEYS = frozenset({"aws:sourcevpc", "aws:sourcevpce", "aws:userid"})
_POSITIVE_OPERATORS = frozenset(
    {"StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike", "IpAddress"}
)


def _everyone(principal: Any) -> bool:
    if principal == "*":
        return True
    return any(value == "*" for kind in ("AWS", "Service") for value in one_or_many(field(principal, kind)))


def _fixed(key: str, value: Any) -> bool:
    """Whether a condition value names someone in particular: no wildcard where the identity is (the account of an
    ARN), no network that is the whole internet."""
    if not isinstance(value, str) or not value:
        return False
    if key in _ARN_KEYS:
        parts = value.split(":")
        return len(parts) >= 6 and parts[4].isdigit()
    if key == "aws:sourceip":
        try:
            return ipaddress.ip_network(value, strict=False).prefixlen > 0
        except ValueError:
            return False
    return "*" not in value and "?" not in value


def _limits_who(condition: Any) -> bool:
    """Whether a statement's conditions hold its `*` principal to particular accounts, principals or sources: a
    positive operator (no IfExists, no set operator) on a limiting key, every value of which is fixed."""
    for operator, keys in entries(condition).items():
        if operator not in _POSITIVE_OPERATORS or not isinstance(keys, Mapping):
            continue
        for name, values in entries(keys).items():
            key = name.lower()  # condition keys are case-insensitive
            limiting = key in _ACCOUNT_KEYS | _ARN_KEYS | _SOURCE_KEYS or (
                key == "aws:sourceip" and operator == "IpAddress"
            )
            listed = one_or_many(values)
            if limiting and listed and all(_fixed(key, value) for value in listed):
                return True
    return False


def _open_statements(document: Any) -> Iterable[str]:
    for index, statement in enumerate(one_or_many(field(document, "Statement"))):
        if field(statement, "Effect") != "Allow":
            continue
        principal, condition = field(statement, "Principal"), field(statement, "Condition")
        if is_unknown(principal) or is_unknown(condition) or not _everyone(principal) or _limits_who(condition):
            continue
        sid = field(statement, "Sid")
        actions = ", ".join(map(shown, one_or_many(field(statement, "Action")))) or "its NotAction"
        yield (
            f"statement {shown(sid) if sid else index} allows Principal * {actions} with no condition that limits "
            "who: name the principals, or add aws:SourceAccount, aws:SourceArn, aws:PrincipalArn or "
            "aws:PrincipalOrgID with a fixed value"
        )


def _no_public_principal(args: ResourceValidationArgs, _settings: Settings) -> Iterable[str]:
    document = json_document(field(args.props, _POLICY_PROPERTY[args.resource_type]))
    if document is None or is_unknown(document):
        return
    yield from _open_statements(document)


RESOURCE_POLICY_NO_PUBLIC_PRINCIPAL = ResourcePolicy(
    name="resource-policy-no-public-principal",
    description=(
        "No resource policy (KMS key, SNS topic, S3 bucket, EFS file system, Secrets Manager secret, ECR "
        "repository, IAM role trust) allows Principal * unless a condition limits who with a fixed value: "
        "aws:SourceAccount, aws:SourceArn, aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalOrgID, "
        "aws:SourceVpc(e), kms:CallerAccount or a non-public aws:SourceIp. Deny statements with Principal * are how "
        "policies refuse, and stay allowed."
    ),
    concern=Concern.SECURITY,
    severity=Severity.CRITICAL,
    resource_types=tuple(_POLICY_PROPERTY),
    rule=_no_public_principal,
)
