"""`sentinel:storage`: the S3 buckets' lifecycles, the uploads bucket's CORS origins and who may delete backups.

Three buckets (components/storage.py): `uploads` (the apps' files, the seed's AWS_S3_BUCKET), `backups` (the
seed's BACKUP_S3_BUCKET: Glacier for long-term backups) and `logs` (S3 server access logs and the ALB's access
logs). Ages are days since an object was written (noncurrent: since it was overwritten or deleted).

S3 moves no object smaller than 128 KB to another storage class unless a rule says otherwise (the lifecycle
default `all_storage_classes_128K` since September 2024): small objects stay in their class, which costs less
than the per-object overhead of Glacier (40 KB billed per archived object) would.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from components.config.types import Key, Section, SectionError, by_environment, in_every_environment
from facts.aws_limits import DEEP_ARCHIVE_MINIMUM_DAYS, GLACIER_MINIMUM_DAYS, INFREQUENT_ACCESS_MINIMUM_DAYS

_ORIGIN = re.compile(r"^https://[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+(:\d{1,5})?$")
_ROLE_ARN = re.compile(r"^arn:aws:iam::\d{12}:role/([\w+=,.@-]+/)*[\w+=,.@-]{1,64}$")

Days = Annotated[int, Field(ge=1)]


def _https_origin(value: str) -> str:
    if not _ORIGIN.fullmatch(value):
        raise ValueError(
            "must be an https:// origin: scheme and lowercase host (optionally :port), no path or trailing slash, "
            "such as https://app.projectsentinel.ai"
        )
    return value


def _role_arn(value: str) -> str:
    if not _ROLE_ARN.fullmatch(value):
        raise ValueError("must be an IAM role ARN such as arn:aws:iam::111111111111:role/sentinel-prod-backup-writer")
    return value


def _infrequent_access_days(days: int) -> int:
    if days < INFREQUENT_ACCESS_MINIMUM_DAYS:
        raise ValueError(
            f"must be at least {INFREQUENT_ACCESS_MINIMUM_DAYS}: S3 moves no object to an infrequent-access class "
            "sooner after its creation"
        )
    return days


HttpsOrigin = Annotated[str, AfterValidator(_https_origin)]
InfrequentAccessDays = Annotated[int, AfterValidator(_infrequent_access_days)]
RoleArn = Annotated[str, AfterValidator(_role_arn)]


class UploadsConfig(Section):
    cors_origins: list[HttpsOrigin] | None = None
    """`https://` origins whose browsers may upload and read directly; unset allows each app's own
    `https://<subdomain>.<domain>`."""
    noncurrent_version_expiry_days: Annotated[Days, by_environment(dev=7, staging=30, prod=90)]
    """Days an overwritten or deleted upload is kept."""
    infrequent_access_after_days: Annotated[
        InfrequentAccessDays | None, by_environment(dev=None, staging=None, prod=90)
    ]
    """Age at which uploads move to Standard-IA (at least 30 days, an S3 rule); null never."""
    abort_incomplete_uploads_after_days: Days = 7
    """Days after which the parts of an unfinished multipart upload are removed."""


class BackupsBucketConfig(Section):
    glacier_after_days: Days = 30
    """Age at which backups move to Glacier Flexible Retrieval (current and noncurrent versions alike)."""
    deep_archive_after_days: Days = 120
    """Age at which they move on to Glacier Deep Archive: later than `glacierAfterDays`. Glacier charges 90 days
    at least, so the program warns when they stay there less."""
    expire_after_days: Annotated[Days, by_environment(dev=365, staging=365, prod=2555)]
    """Age at which backups are deleted: later than `deepArchiveAfterDays`. Deep Archive charges 180 days at
    least, so the program warns when they stay there less."""
    object_lock: Annotated[bool, by_environment(dev=False, staging=False, prod=True)]
    """S3 Object Lock in governance mode. Set when the bucket is created: turning it on later replaces the
    bucket."""
    object_lock_days: Days = 30
    """The lock's default retention of each object, at most `expireAfterDays` (a locked object cannot expire)."""
    writer_role_arns: list[RoleArn] = Field(default_factory=list)
    """The IAM roles that may delete backups (the seed's backup job); everyone else is denied deletes."""

    @model_validator(mode="after")
    def _check_schedule(self) -> BackupsBucketConfig:
        problems: list[tuple[Key, str]] = []
        if self.deep_archive_after_days <= self.glacier_after_days:
            problems.append(
                (("deepArchiveAfterDays",), f"must be later than glacierAfterDays ({self.glacier_after_days})")
            )
        if self.expire_after_days <= self.deep_archive_after_days:
            problems.append(
                (("expireAfterDays",), f"must be later than deepArchiveAfterDays ({self.deep_archive_after_days})")
            )
        if self.object_lock_days > self.expire_after_days:
            problems.append(
                (
                    ("objectLockDays",),
                    f"must not exceed expireAfterDays ({self.expire_after_days}): a locked object cannot expire",
                )
            )
        if problems:
            raise SectionError(problems)
        return self

    def early_deletion_warnings(self) -> list[str]:
        """Ages that S3 accepts but charges for: a class left before its minimum storage duration."""
        warnings: list[str] = []
        in_glacier = self.deep_archive_after_days - self.glacier_after_days
        if in_glacier < GLACIER_MINIMUM_DAYS:
            warnings.append(
                f"sentinel:storage.backups: objects leave Glacier Flexible Retrieval after {in_glacier} days; Glacier "
                f"charges {GLACIER_MINIMUM_DAYS} days at least (deepArchiveAfterDays - glacierAfterDays)"
            )
        in_deep_archive = self.expire_after_days - self.deep_archive_after_days
        if in_deep_archive < DEEP_ARCHIVE_MINIMUM_DAYS:
            warnings.append(
                f"sentinel:storage.backups: objects expire {in_deep_archive} days after reaching Deep Archive, which "
                f"charges {DEEP_ARCHIVE_MINIMUM_DAYS} days at least (expireAfterDays - deepArchiveAfterDays)"
            )
        return warnings


class LogsBucketConfig(Section):
    expire_after_days: Annotated[Days, by_environment(dev=30, staging=90, prod=365)]
    """Days the access logs are kept."""


class StorageConfig(Section):
    uploads: Annotated[UploadsConfig, in_every_environment({})]
    """The `uploads` bucket: the apps' files (the seed's `AWS_S3_BUCKET`)."""
    backups: Annotated[BackupsBucketConfig, in_every_environment({})]
    """The `backups` bucket (the seed's `BACKUP_S3_BUCKET`), where backups move to Glacier, then Deep Archive,
    then expire. Objects under 128 KB never change storage class (S3's default), which costs less than
    Glacier's per-object overhead would."""
    logs: Annotated[LogsBucketConfig, in_every_environment({})]
    """The `logs` bucket: S3 server access logs and the ALB's access logs."""


BUCKET_PURPOSES = ("uploads", "backups", "logs")
BUCKET_NAME_LIMIT = 63


def bucket_name(name_prefix: str, account_id: str, region: str, purpose: str) -> str:
    """A bucket's name: S3 names are global, so the account and region make it unique, and predictable for
    whoever must name it (log delivery, the apps' AWS_S3_BUCKET and BACKUP_S3_BUCKET, operators)."""
    return f"{name_prefix}-{account_id}-{region}-{purpose}"
