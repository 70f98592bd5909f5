"""Data in transit: everything that carries data refuses unencrypted connections (resource policies that deny
plain HTTP, rds.force_ssl, TLS-only caches and proxies, a current TLS policy on the load balancer) and the cache
authenticates its clients."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pulumi_policy import PolicyResource, ResourceValidationArgs, Severity

from policies.support.aws import (
    EFS_FILE_SYSTEM,
    EFS_FILE_SYSTEM_POLICY,
    ELASTICACHE_REPLICATION_GROUP,
    LISTENER,
    RDS_CLUSTER,
    RDS_CLUSTER_PARAMETER_GROUP,
    RDS_INSTANCE,
    RDS_PARAMETER_GROUP,
    RDS_PROXY,
    S3_BUCKET_POLICY,
    S3_BUCKETS,
    parameter,
    rds_engine,
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
    defines,
    entries,
    field,
    is_false,
    is_set,
    is_true,
    is_unknown,
    json_document,
    number,
    one_of,
    one_or_many,
    shown,
    violated,
)

ELASTICACHE_ENCRYPTED_IN_TRANSIT = ResourcePolicy(
    name="elasticache-encrypted-in-transit",
    description=(
        "ElastiCache replication groups accept TLS connections only: set transitEncryptionEnabled=true and leave "
        'transitEncryptionMode unset or "required" ("preferred" still admits plaintext clients).'
    ),
    concern=Concern.SECURITY,
    severity=Severity.HIGH,
    resource_types=(ELASTICACHE_REPLICATION_GROUP,),
    rule=expecting(
        Expect("transitEncryptionEnabled", is_true, "set transitEncryptionEnabled=true"),
        Expect("transitEncryptionMode", one_of(None, "required"), 'set transitEncryptionMode="required"'),
    ),
)


# A TLS-only resource policy has a statement Deny / Principal * / Action <service>:* or * / Condition Bool
# aws:SecureTransport false, whose Resource covers the whole resource. Any other condition narrows the deny to
# the requests that also match it, exempting every other one; NotResource exempts what it lists.
_TLS_OPERATORS = ("Bool", "BoolIfExists")
_SECURE_TRANSPORT = "aws:securetransport"  # condition keys are case-insensitive in IAM


def _denies_plain_http(statement: Any, service: str) -> bool:
    """Whether a statement denies every action of `service` to everyone when aws:SecureTransport is false,
    however else it is narrowed."""
    principal = field(statement, "Principal")
    everyone = principal == "*" or one_or_many(field(principal, "AWS")) == ["*"]
    every_action = any(action in ("*", f"{service}:*") for action in one_or_many(field(statement, "Action")))
    return field(statement, "Effect") == "Deny" and everyone and every_action and _requires_tls(statement)


def _requires_tls(statement: Any) -> bool:
    for operator in _TLS_OPERATORS:
        conditions = {key.lower(): value for key, value in entries(field(statement, "Condition", operator)).items()}
        if any(is_false(value) for value in one_or_many(conditions.get(_SECURE_TRANSPORT))):
            return True
    return False


def _other_conditions(statement: Any) -> list[str]:
    """A statement's conditions besides aws:SecureTransport, as "<operator> <key>" (the operator alone while
    its keys are unknown)."""
    others: list[str] = []
    for operator, keys in entries(field(statement, "Condition")).items():
        if not isinstance(keys, Mapping):
            others.append(operator)
            continue
        others.extend(
            f"{operator} {key}"
            for key in keys
            if operator not in _TLS_OPERATORS or str(key).lower() != _SECURE_TRANSPORT
        )
    return others


def _glob_matches(pattern: str, value: str) -> bool:
    """IAM's Resource matching: case-sensitive, `*` any run of characters, `?` any one character."""
    regex = "".join(".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern)
    return re.fullmatch(regex, value, re.DOTALL) is not None


def _covers(pattern: str, resource: str) -> bool:
    """Whether a Resource pattern covers `resource`: one ARN, or, ending in `*`, every ARN that starts with
    what precedes the `*` (such as all of a bucket's objects)."""
    if resource.endswith("*"):
        # The pattern matches every continuation of the prefix exactly when it ends in `*` and matches the
        # prefix itself (its final `*` then absorbs any continuation).
        return pattern.endswith("*") and _glob_matches(pattern, resource[:-1])
    return _glob_matches(pattern, resource)


def _tls_shortfalls(document: Any, service: str, scope: Sequence[str] | None) -> list[str] | None:
    """What keeps a resource policy from denying every action of `service` on all of `scope` (the ARNs of the
    resource it protects; None while they are unknown) to everyone over plain HTTP. None when nothing does, or
    when it cannot be judged yet; otherwise how each of its plain-HTTP denies falls short, and no entry when it
    has no such deny at all."""
    if is_unknown(document):
        return None
    shortfalls: list[str] = []
    patterns: list[str] = []
    full_strength = False
    for statement in one_or_many(field(document, "Statement")):
        if not _denies_plain_http(statement, service):
            continue
        others = _other_conditions(statement)
        resources = one_or_many(field(statement, "Resource"))
        if others:
            which = "that condition" if len(others) == 1 else "those conditions"
            shortfalls.append(
                f"narrows its plain-HTTP deny with {', '.join(others)}, which exempts every request that does not "
                f"match: drop {which} from the deny"
            )
        elif defines(statement, "NotResource"):
            shortfalls.append(
                "denies plain HTTP with NotResource, which exempts what it lists: name the resources in Resource"
            )
        elif any(is_unknown(resource) for resource in resources):
            return None  # which resources the deny covers is not known yet
        else:
            full_strength = True
            patterns.extend(resource for resource in resources if isinstance(resource, str))
    if not full_strength:
        return shortfalls
    uncovered = [resource for resource in scope or () if not any(_covers(p, resource) for p in patterns)]
    if not uncovered:
        return None
    covered = f"on {', '.join(map(shown, patterns))} only" if patterns else "naming no Resource"
    wanted = ", ".join(map(shown, uncovered))
    return [*shortfalls, f'denies plain HTTP {covered}: add {wanted} to the deny\'s Resource (or use "*")']


def _known_arn(resource: PolicyResource) -> str | None:
    """A resource's ARN output; None while it is not known (or not reported), which leaves Resource unjudged."""
    arn = field(resource.props, "arn")
    return arn if isinstance(arn, str) else None


def _tls_only(
    target: PolicyResource,
    policies: Iterable[PolicyResource],
    *,
    service: str,
    scope: Sequence[str] | None,
    label: str,
    missing: str,
) -> Iterable[Finding]:
    """The findings on `target` (named `label`) unless one of its resource `policies` denies plain HTTP on all
    of `scope`: `missing` when none tries to, otherwise what narrows each deny."""
    shortfalls: list[str] = []
    for policy in policies:
        found = _tls_shortfalls(json_document(field(policy.props, "policy")), service, scope)
        if found is None:
            return
        shortfalls.extend(f"{label}: policy {policy.name} {shortfall}" for shortfall in found)
    for message in shortfalls or [missing]:
        yield Finding(target.urn, message)


def _bucket_tls(stack: Stack, _settings: Settings) -> Iterable[Finding]:
    policies = stack.referrers((S3_BUCKET_POLICY,), "bucket", S3_BUCKETS)
    for bucket in stack.of_type(*S3_BUCKETS):
        arn = _known_arn(bucket)
        # Bucket-level actions (listing, the policy itself) act on the bucket's ARN, object actions on its objects'.
        scope = None if arn is None else [arn, f"{arn}/*"]
        label = f"bucket {bucket.name}"
        missing = f"{label} has no bucket policy denying aws:SecureTransport=false"
        yield from _tls_only(
            bucket, policies.get(bucket.urn, ()), service="s3", scope=scope, label=label, missing=missing
        )


S3_BUCKET_TLS_ONLY = StackPolicy(
    name="s3-bucket-tls-only",
    description=(
        "Every S3 bucket has an aws.s3.BucketPolicy with a statement that denies s3:* to Principal * when "
        'aws:SecureTransport is "false", on Resource the bucket\'s ARN and <ARN>/* (or "*"), with no other '
        "condition, so no client can read or write it over plain HTTP."
    ),
    concern=Concern.SECURITY,
    severity=Severity.HIGH,
    rule=_bucket_tls,
)


def _file_system_tls(stack: Stack, _settings: Settings) -> Iterable[Finding]:
    policies = stack.referrers((EFS_FILE_SYSTEM_POLICY,), "fileSystemId", (EFS_FILE_SYSTEM,))
    for file_system in stack.of_type(EFS_FILE_SYSTEM):
        arn = _known_arn(file_system)
        label = f"file system {file_system.name}"
        missing = f"{label} has no policy requiring TLS"
        scope = None if arn is None else [arn]
        yield from _tls_only(
            file_system,
            policies.get(file_system.urn, ()),
            service="elasticfilesystem",
            scope=scope,
            label=label,
            missing=missing,
        )


EFS_TLS_ONLY = StackPolicy(
    name="efs-tls-only",
    description=(
        "Every EFS file system has an aws.efs.FileSystemPolicy that denies access to Principal * when "
        'aws:SecureTransport is "false", on Resource the file system\'s ARN (or "*"), with no other condition; '
        'mount it with the efs-utils "tls" option.'
    ),
    concern=Concern.SECURITY,
    severity=Severity.HIGH,
    rule=_file_system_tls,
)

_POSTGRES_FORCE_SSL = "rds.force_ssl"


def _postgres_force_ssl(stack: Stack, _settings: Settings) -> Iterable[Finding]:
    # An Aurora cluster takes rds.force_ssl from its cluster parameter group, which its instances cannot override.
    databases = [
        (instance, rds_engine(stack, instance), "parameterGroupName") for instance in stack.of_type(RDS_INSTANCE)
    ]
    databases += [
        (cluster, field(cluster.props, "engine"), "dbClusterParameterGroupName")
        for cluster in stack.of_type(RDS_CLUSTER)
    ]
    for database, engine, group_property in databases:
        if not isinstance(engine, str) or "postgres" not in engine:
            continue
        group_name = field(database.props, group_property)
        groups = stack.referenced(database, group_property, (RDS_PARAMETER_GROUP, RDS_CLUSTER_PARAMETER_GROUP))
        if is_unknown(group_name) and not groups:
            continue
        if not groups:
            where = "the engine's default group" if group_name is None else f"{shown(group_name)}, not in this stack"
            yield Finding(database.urn, f"{database.name} uses {where}: give it a parameter group with rds.force_ssl=1")
            continue
        for group in groups:
            value = parameter(group, _POSTGRES_FORCE_SSL)
            if violated(value, lambda setting: number(setting) == 1):
                yield Finding(group.urn, f"parameter group {group.name}: rds.force_ssl is {shown(value)}, set it to 1")


RDS_FORCE_SSL = StackPolicy(
    name="rds-force-ssl",
    description=(
        "Every RDS PostgreSQL instance, read replicas included, uses a parameter group from this stack that sets "
        'rds.force_ssl to "1", and every Aurora PostgreSQL cluster a cluster parameter group '
        "(dbClusterParameterGroupName) that does, so the server refuses unencrypted connections."
    ),
    concern=Concern.SECURITY,
    severity=Severity.HIGH,
    rule=_postgres_force_ssl,
)

RDS_PROXY_REQUIRES_TLS = ResourcePolicy(
    name="rds-proxy-requires-tls",
    description=(
        "RDS proxies accept TLS connections only: set requireTls=true (the apps' URLs carry sslmode=require, and "
        "the proxy's certificate, signed by a public root, names its endpoints)."
    ),
    concern=Concern.SECURITY,
    severity=Severity.HIGH,
    resource_types=(RDS_PROXY,),
    rule=expecting(Expect("requireTls", is_true, "set requireTls=true")),
)


def _authenticates_clients(args: ResourceValidationArgs, _settings: Settings) -> Iterable[str]:
    if not is_true(field(args.props, "transitEncryptionEnabled")):
        return
    credentials = (field(args.props, "authToken"), field(args.props, "userGroupIds"))
    if not any(is_unknown(value) or is_set(value) for value in credentials):
        yield "transitEncryptionEnabled is true but neither authToken nor userGroupIds is set: set authToken"


ELASTICACHE_AUTH_TOKEN = ResourcePolicy(
    name="elasticache-auth-token",
    description=(
        "ElastiCache replication groups that encrypt in transit also authenticate clients: set authToken (a "
        "generated secret of 16 to 128 characters) or userGroupIds (RBAC); TLS alone lets anyone who reaches the "
        "port read and write the cache."
    ),
    concern=Concern.SECURITY,
    severity=Severity.HIGH,
    resource_types=(ELASTICACHE_REPLICATION_GROUP,),
    rule=_authenticates_clients,
)


# Tier 10. ELB's TLS 1.3 policies (ELBSecurityPolicy-TLS13-...) offer TLS 1.3, and TLS 1.2 at most as a fallback
# with forward-secret ciphers; a listener without an sslPolicy gets ELBSecurityPolicy-2016-08 (TLS 1.0, CBC).
# https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
_CURRENT_TLS_POLICY = "ELBSecurityPolicy-TLS13-"

ALB_TLS_POLICY_CURRENT = ResourcePolicy(
    name="alb-tls-policy-current",
    description=(
        "HTTPS listeners name a TLS 1.3 security policy (sslPolicy ELBSecurityPolicy-TLS13-...): left unset, ELB "
        "applies ELBSecurityPolicy-2016-08, which still accepts TLS 1.0 and CBC ciphers."
    ),
    concern=Concern.SECURITY,
    severity=Severity.HIGH,
    resource_types=(LISTENER,),
    rule=expecting(
        Expect(
            "sslPolicy",
            lambda value: isinstance(value, str) and value.startswith(_CURRENT_TLS_POLICY),
            f"name a TLS 1.3 policy such as {_CURRENT_TLS_POLICY}1-2-Res-2021-06",
        ),
        when=lambda props: field(props, "protocol") == "HTTPS",
    ),
)
