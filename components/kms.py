"""A customer-managed KMS key with rotation, an alias, and a key policy that names who may use it and who alone may
destroy it.

Every AWS service the policy admits is held to this account's own resources (confused-deputy prevention): by the
`aws:SourceAccount` and `aws:SourceArn` of the request where the service sends them, or by the encryption context
that names the resource where that is what the service documents (CloudWatch Logs,
https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html). Disabling the key or scheduling
its deletion, which makes everything it encrypted unreadable (snapshots, recovery points, their copies in the DR
region), is denied to everyone but the stack's break-glass role (`sentinel:backup.breakGlassRoleArn`); the account's
administrators keep every other right, including changing the policy itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.base import Component, Platform, iam_document

ENCRYPT_DECRYPT = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
KEY_DESTRUCTION = ("kms:ScheduleKeyDeletion", "kms:DisableKey")
"""What makes a key, and so every ciphertext under it, unusable: only the break-glass role may do it."""


@dataclass(frozen=True)
class ServiceGrant:
    """Lets an AWS service principal use the key, under conditions that hold it to this account's resources: the
    request's `aws:SourceAccount`/`aws:SourceArn`, or the encryption context naming the resource, whichever the
    service documents."""

    service: str
    condition: Mapping[str, Any] = field(default_factory=dict)
    actions: Sequence[str] = tuple(ENCRYPT_DECRYPT)


@dataclass(frozen=True, kw_only=True)
class EncryptionKeyArgs:
    description: str
    purpose: str
    """What the key protects, such as `flow-logs`: its alias is `alias/<name prefix>/<purpose>`."""
    grants: Sequence[ServiceGrant] = ()
    region: str | None = None
    """Another region than the provider's, for a key that protects data there (a disaster-recovery vault)."""

    def __post_init__(self) -> None:
        services = [grant.service for grant in self.grants]
        if len(services) != len(set(services)):
            # Each grant becomes a statement whose Sid names its service; KMS rejects duplicate Sids.
            raise ValueError(f"key {self.purpose}: one grant per service, got {services}")


class EncryptionKey(Component):
    key: aws.kms.Key
    arn: pulumi.Output[str]

    def __init__(
        self, name: str, platform: Platform, args: EncryptionKeyArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, platform, opts)
        statements: list[dict[str, Any]] = [
            {
                # Without account-root access a key can lock out every administrator for good.
                "Sid": "AccountAdministration",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{platform.account_id}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ]
        for grant in args.grants:
            statement: dict[str, Any] = {
                "Sid": "Service" + "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", grant.service)),
                "Effect": "Allow",
                "Principal": {"Service": grant.service},
                "Action": list(grant.actions),
                "Resource": "*",
            }
            if grant.condition:
                statement["Condition"] = dict(grant.condition)
            statements.append(statement)
        statements.append(
            {
                "Sid": "KeyDestructionByBreakGlassOnly",
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": list(KEY_DESTRUCTION),
                "Resource": "*",
                "Condition": {"ArnNotEquals": {"aws:PrincipalArn": platform.break_glass_role_arn}},
            }
        )
        self.key = aws.kms.Key(
            name,
            description=args.description,
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=iam_document(statements),
            tags={"Name": platform.name(args.purpose)},
            region=args.region,
            opts=self.stateful(),
        )
        # Fixed name: the alias is how operators and key policies find the key.
        aws.kms.Alias(
            name,
            name=f"alias/{platform.name_prefix}/{args.purpose}",
            target_key_id=self.key.key_id,
            region=args.region,
            opts=self.child(),
        )
        self.arn = self.key.arn
        self.register_outputs({"arn": self.arn})


def logs_grant(region: str, log_group_arns: Sequence[str]) -> ServiceGrant:
    """Lets CloudWatch Logs of the region use the key for the named log groups only. CloudWatch Logs names the log
    group in the encryption context of every request it makes with the key, and that is the condition its
    documentation gives (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html); the
    group's ARN carries this account's id, so no other account's log group can use the key."""
    return ServiceGrant(
        service=f"logs.{region}.amazonaws.com",
        condition={"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": list(log_group_arns)}},
    )


def log_group_with_own_key(
    component: Component,
    name: str,
    log_group_name: str,
    retention_days: int,
    *,
    key_name: str,
    key_description: str,
    key_purpose: str,
    audit: bool = False,
) -> aws.cloudwatch.LogGroup:
    """A log group that a service writes to by name (`Component.log_group`, `audit` as there), encrypted with a key
    of its own that CloudWatch Logs of the region may use for that group only."""
    platform = component.platform
    key = EncryptionKey(
        key_name,
        platform,
        EncryptionKeyArgs(
            description=key_description,
            purpose=key_purpose,
            grants=[logs_grant(platform.region, [component.log_group_arn(log_group_name)])],
        ),
        opts=component.child(),
    )
    return component.log_group(name, log_group_name, retention_days, key.arn, audit=audit)
