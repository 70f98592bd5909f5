"""`sentinel:backup`: AWS Backup's rules, vault lock, disaster-recovery copies and restore tests.

The daily rule keeps recovery points for the seed's BACKUP_RETENTION_DAYS (30); the monthly rule keeps them a
year. Only EFS recovery points move to cold storage: AWS Backup offers no cold tier for Aurora or S3, whose
points stay warm for their whole retention. A point in cold storage is kept there 90 days at least, so cold
storage must start 90 days or more before deletion.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from components.config.cluster import RoleArn
from components.config.types import AwsRegion, Key, Section, SectionError, by_environment
from facts.aws_limits import COLD_STORAGE_MINIMUM_DAYS

# A vault lock's minimum retention: recovery points kept for less are refused. Capped so that on-demand backups
# kept for the seed's 30 days are still accepted.
VAULT_LOCK_MINIMUM_CAP = 30
# AWS refuses a compliance-mode lock with less than 3 days' grace before it becomes permanent
# (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_PutBackupVaultLockConfiguration.html).
COMPLIANCE_GRACE_MINIMUM_DAYS = 3

Days = Annotated[int, Field(ge=1)]
VaultLock = Literal["none", "governance", "compliance"]


class BackupConfig(Section):
    daily_retention_days: Days = 30
    """Days the daily rule's recovery points are kept (the seed's `BACKUP_RETENTION_DAYS`)."""
    monthly_retention_days: Days = 365
    """Days the monthly rule's recovery points are kept: at least 90 days past `monthlyColdStorageAfterDays`, as
    AWS Backup keeps a point in cold storage 90 days at least."""
    monthly_cold_storage_after_days: Days = 30
    """When monthly EFS points move to cold storage; other types ignore it (AWS Backup has no cold tier for
    Aurora or S3, whose points stay warm for their whole retention)."""
    vault_lock: Annotated[VaultLock, by_environment(dev="none", staging="none", prod="governance")]
    """The vaults' lock: in governance mode recovery points cannot be deleted early without the
    `backup:DeleteBackupVaultLockConfiguration` permission; compliance mode can never be undone."""
    accept_permanent_compliance_lock: bool = False
    """Compliance mode can never be undone once its grace period ends: it needs this flag as well."""
    compliance_lock_grace_days: Annotated[int, Field(ge=COMPLIANCE_GRACE_MINIMUM_DAYS)] = COMPLIANCE_GRACE_MINIMUM_DAYS
    """Days before a compliance lock becomes permanent (AWS requires 3 at least)."""
    dr_region: AwsRegion | None = None
    """The region every recovery point is copied to, another than `region`; unset keeps backups in the stack's
    region only."""
    dr_daily_retention_days: Days = 30
    """Days the copies of daily points are kept in the DR region."""
    dr_monthly_retention_days: Days = 365
    """Days the copies of monthly points are kept in the DR region (likewise 90 days past cold storage)."""
    restore_tests: Annotated[bool, by_environment(dev=False, staging=False, prod=True)]
    """A monthly AWS Backup restore testing plan that restores the latest Aurora and EFS points and deletes them
    after an hour, with a role of its own that may restore (the backup role may not)."""
    break_glass_role_arn: RoleArn
    """The one role that may disable a KMS key of the stack or schedule its deletion: every recovery point,
    snapshot and object is encrypted with one, and without its key it is unreadable, its copies in the DR region
    included. Everyone else, the deploy role and the account's administrators among them, is denied both. A role
    kept outside the stack, in its account, that people assume (with MFA) when a key must go; in prod never
    `cluster.deployRoleArn`. Dev names its deploy role, which tears dev down."""

    @model_validator(mode="after")
    def _check_retentions(self) -> BackupConfig:
        problems: list[tuple[Key, str]] = []
        for key, retention in (
            ("monthlyRetentionDays", self.monthly_retention_days),
            ("drMonthlyRetentionDays", self.dr_monthly_retention_days),
        ):
            if retention - self.monthly_cold_storage_after_days < COLD_STORAGE_MINIMUM_DAYS:
                problems.append(
                    (
                        (key,),
                        f"must be at least monthlyColdStorageAfterDays + {COLD_STORAGE_MINIMUM_DAYS} "
                        f"({self.monthly_cold_storage_after_days + COLD_STORAGE_MINIMUM_DAYS}): AWS Backup keeps a "
                        f"point in cold storage {COLD_STORAGE_MINIMUM_DAYS} days at least",
                    )
                )
        if self.vault_lock == "compliance" and not self.accept_permanent_compliance_lock:
            problems.append(
                (
                    ("vaultLock",),
                    "compliance mode can never be undone once its grace period ends (the vault and every point in "
                    "it stay until they expire): use 'governance', or also set acceptPermanentComplianceLock: true",
                )
            )
        if problems:
            raise SectionError(problems)
        return self

    @property
    def home_retentions(self) -> tuple[int, int]:
        return self.daily_retention_days, self.monthly_retention_days

    @property
    def dr_retentions(self) -> tuple[int, int]:
        return self.dr_daily_retention_days, self.dr_monthly_retention_days


def vault_lock_bounds(retentions: tuple[int, ...]) -> tuple[int, int]:
    """A vault lock's (minimum, maximum) retention for a vault holding points of these retentions: the
    maximum is the longest of them, so no rule's point is refused."""
    return min((*retentions, VAULT_LOCK_MINIMUM_CAP)), max(retentions)
