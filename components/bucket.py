"""A private S3 bucket with every guard the platform requires, the one way any bucket here is made.

The bucket is an `aws.s3.Bucket` (pulumi-aws v7) with no inline settings; each setting is its own resource:
a full public access block, a bucket policy that denies plain HTTP, owner-enforced object ownership (ACLs
off), default encryption (SSE-KMS with a bucket key, or SSE-S3 where the writer cannot use KMS), versioning,
Object Lock where asked, one lifecycle rule over the whole bucket, server access logging and CORS where asked.
S3 answers "conflicting conditional operation" when two of them change one bucket at once, so each waits for
the one before it: public access block, policy, ownership, encryption, versioning, Object Lock, lifecycle,
logging, CORS. Logging also waits for the log bucket's policy, which must admit S3's deliveries before it is on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pulumi
import pulumi_aws as aws

from components.base import Component, Platform, iam_document
from components.config.storage import bucket_name
from components.kms import EncryptionKey, EncryptionKeyArgs

StorageClass = Literal["STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"]
# Objects under 128 KB never change class (S3's default since September 2024, written out so a reader sees it):
# the per-object overhead of the colder classes would cost more than the move saves.
MINIMUM_TRANSITION_SIZE = "all_storage_classes_128K"

PolicyStatements = Callable[[pulumi.Output[str]], Sequence[Mapping[str, Any]]]
"""Statements of a bucket's policy besides the TLS deny, given the bucket's ARN."""


@dataclass(frozen=True)
class LogDestination:
    """Where an AWS service delivers logs: a bucket, the prefix its policy admits that service under, and the
    policy itself. A service test-writes there as soon as its logging is switched on, so whatever switches it on
    waits for `policy`."""

    bucket: pulumi.Input[str]
    prefix: str
    policy: pulumi.Resource


@dataclass(frozen=True)
class Lifecycle:
    """What happens to objects as they age, in one rule over the whole bucket."""

    transitions: Sequence[tuple[int, StorageClass]] = ()
    """(days after creation, storage class), for current versions and, with `noncurrent_transitions`, for
    noncurrent ones (days after they became noncurrent)."""
    noncurrent_transitions: bool = False
    expire_after_days: int | None = None
    noncurrent_expire_after_days: int | None = None
    abort_incomplete_uploads_after_days: int | None = None

    def rule(self) -> aws.s3.BucketLifecycleConfigurationRuleArgs:
        return aws.s3.BucketLifecycleConfigurationRuleArgs(
            id="whole-bucket",
            status="Enabled",
            # An explicit empty-prefix filter: a rule without one is ambiguous to the API and the provider.
            filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
            transitions=[
                aws.s3.BucketLifecycleConfigurationRuleTransitionArgs(days=days, storage_class=storage_class)
                for days, storage_class in self.transitions
            ],
            noncurrent_version_transitions=[
                aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionTransitionArgs(
                    noncurrent_days=days, storage_class=storage_class
                )
                for days, storage_class in self.transitions
            ]
            if self.noncurrent_transitions
            else None,
            expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=self.expire_after_days)
            if self.expire_after_days
            else None,
            noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                noncurrent_days=self.noncurrent_expire_after_days
            )
            if self.noncurrent_expire_after_days
            else None,
            abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                days_after_initiation=self.abort_incomplete_uploads_after_days
            )
            if self.abort_incomplete_uploads_after_days
            else None,
        )


@dataclass(frozen=True, kw_only=True)
class PrivateBucketArgs:
    purpose: str
    """What the bucket holds (`uploads`): its name is `<prefix>-<account>-<region>-<purpose>`."""
    lifecycle: Lifecycle
    log_destination: LogDestination | None
    """Where this bucket's server access logs go (under `<prefix>/<purpose>/`); None only for the log bucket."""
    encryption: Literal["kms", "s3-managed"] = "kms"
    """SSE-KMS with a key of the bucket's own, or SSE-S3 for buckets that services write to without KMS
    (S3 server access logs and ALB access logs support no SSE-KMS destination)."""
    object_lock_days: int | None = None
    """Default governance-mode retention; Object Lock is enabled when the bucket is created, as S3 requires."""
    policy_statements: PolicyStatements | None = None
    cors_origins: Sequence[str] = ()


class PrivateBucket(Component):
    bucket: aws.s3.Bucket
    name: pulumi.Output[str]
    arn: pulumi.Output[str]
    policy: aws.s3.BucketPolicy
    _key_arn: pulumi.Output[str] | None

    def __init__(
        self, name: str, platform: Platform, args: PrivateBucketArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, platform, opts)
        readable = platform.name(args.purpose)
        self.bucket = aws.s3.Bucket(
            name,
            # Fixed name: log delivery, the apps (AWS_S3_BUCKET, BACKUP_S3_BUCKET) and operators name the bucket,
            # and S3 names are global, so the account and region make it unique.
            bucket=bucket_name(platform.name_prefix, platform.account_id, platform.region, args.purpose),
            object_lock_enabled=True if args.object_lock_days else None,
            # Only dev's buckets may be emptied by a destroy; elsewhere a non-empty bucket stops it.
            force_destroy=platform.environment == "dev",
            tags={"Name": readable, "Purpose": args.purpose},
            opts=self.stateful(),
        )
        self.name = self.bucket.bucket
        self.arn = self.bucket.arn
        chain: list[pulumi.Resource] = [self.bucket]

        def after_previous() -> pulumi.ResourceOptions:
            return self.child(depends_on=[chain[-1]])

        chain.append(
            aws.s3.BucketPublicAccessBlock(
                name,
                bucket=self.bucket.id,
                block_public_acls=True,
                block_public_policy=True,
                ignore_public_acls=True,
                restrict_public_buckets=True,
                opts=after_previous(),
            )
        )
        statements = [_deny_plain_http(self.arn), *(args.policy_statements(self.arn) if args.policy_statements else ())]
        self.policy = aws.s3.BucketPolicy(
            name, bucket=self.bucket.id, policy=iam_document(statements), opts=after_previous()
        )
        chain.append(self.policy)
        chain.append(
            aws.s3.BucketOwnershipControls(
                name,
                bucket=self.bucket.id,
                rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
                opts=after_previous(),
            )
        )
        chain.append(self._encryption(name, args, after_previous()))
        chain.append(
            aws.s3.BucketVersioning(
                name,
                bucket=self.bucket.id,
                versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
                opts=after_previous(),
            )
        )
        if args.object_lock_days:
            chain.append(
                aws.s3.BucketObjectLockConfiguration(
                    name,
                    bucket=self.bucket.id,
                    object_lock_enabled="Enabled",
                    rule=aws.s3.BucketObjectLockConfigurationRuleArgs(
                        default_retention=aws.s3.BucketObjectLockConfigurationRuleDefaultRetentionArgs(
                            mode="GOVERNANCE", days=args.object_lock_days
                        )
                    ),
                    opts=after_previous(),
                )
            )
        chain.append(
            aws.s3.BucketLifecycleConfiguration(
                name,
                bucket=self.bucket.id,
                rules=[args.lifecycle.rule()],
                transition_default_minimum_object_size=MINIMUM_TRANSITION_SIZE,
                opts=after_previous(),
            )
        )
        destination = args.log_destination
        if destination is not None:
            chain.append(
                aws.s3.BucketLogging(
                    name,
                    bucket=self.bucket.id,
                    target_bucket=destination.bucket,
                    target_prefix=f"{destination.prefix}/{args.purpose}/",
                    opts=self.child(depends_on=[chain[-1], destination.policy]),
                )
            )
        if args.cors_origins:
            aws.s3.BucketCorsConfiguration(
                name,
                bucket=self.bucket.id,
                cors_rules=[
                    aws.s3.BucketCorsConfigurationCorsRuleArgs(
                        allowed_origins=list(args.cors_origins),
                        allowed_methods=["GET", "HEAD", "PUT", "POST"],
                        allowed_headers=["*"],
                        expose_headers=["ETag"],
                        max_age_seconds=3000,
                    )
                ],
                opts=after_previous(),
            )
        self.register_outputs({"name": self.name, "arn": self.arn})

    def log_destination(self, prefix: str) -> LogDestination:
        """This bucket as a log destination under `prefix`, which its policy must admit the service under."""
        return LogDestination(self.name, prefix, self.policy)

    @property
    def key_arn(self) -> pulumi.Output[str]:
        """The bucket's own KMS key, which its writers must be allowed to use."""
        if self._key_arn is None:
            raise ValueError(
                f"{self.pulumi_resource_name} is encrypted with S3-managed keys: it has no KMS key to grant"
            )
        return self._key_arn

    def _encryption(
        self, name: str, args: PrivateBucketArgs, opts: pulumi.ResourceOptions
    ) -> aws.s3.BucketServerSideEncryptionConfiguration:
        if args.encryption == "kms":
            key = EncryptionKey(
                f"{name}-key",
                self.platform,
                EncryptionKeyArgs(
                    description=f"S3 bucket {args.purpose} of {self.platform.name_prefix}", purpose=args.purpose
                ),
                opts=self.child(),
            )
            default = aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                sse_algorithm="aws:kms", kms_master_key_id=key.arn
            )
            self._key_arn = key.arn
        else:
            self._key_arn = None
            default = aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                sse_algorithm="AES256"
            )
        return aws.s3.BucketServerSideEncryptionConfiguration(
            name,
            bucket=self.bucket.id,
            rules=[
                aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                    apply_server_side_encryption_by_default=default,
                    # A bucket key cuts KMS requests (and their cost) by reusing a data key per bucket.
                    bucket_key_enabled=True if args.encryption == "kms" else None,
                )
            ],
            opts=opts,
        )


def _deny_plain_http(arn: pulumi.Output[str]) -> dict[str, Any]:
    return {
        "Sid": "DenyPlainHttp",
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": "s3:*",
        "Resource": [arn, pulumi.Output.concat(arn, "/*")],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
