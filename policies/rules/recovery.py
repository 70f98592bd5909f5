"""Recovery: every bucket keeps its object versions and an access trail, long-term backups go to Glacier, and
AWS Backup keeps daily recovery points long enough, in two regions, in vaults locked against early deletion."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pulumi_policy import Policy, PolicyResource, Severity

from policies.support.aws import (
    BACKUP_PLAN,
    BACKUP_VAULT,
    BACKUP_VAULT_LOCK,
    S3_BUCKET_LIFECYCLES,
    S3_BUCKET_LOGGINGS,
    S3_BUCKET_VERSIONINGS,
    S3_BUCKETS,
    buckets_without,
)
from policies.support.declare import Concern, Finding, Settings, StackPolicy
from policies.support.stack import Stack
from policies.support.values import elements, field, is_unknown, number, shown

# --- Buckets ------------------------------------------------------------------------------------------------


def _versioning_enabled(versioning: PolicyResource) -> bool:
    status = field(versioning.props, "versioningConfiguration", "status")
    return is_unknown(status) or status == "Enabled"


def _bucket_versioning(stack: Stack, _settings: Settings) -> Iterable[Finding]:
    for bucket in buckets_without(stack, S3_BUCKET_VERSIONINGS, _versioning_enabled):
        yield Finding(bucket.urn, f"bucket {bucket.name} has no aws.s3.BucketVersioning with status Enabled")


S3_BUCKET_VERSIONED = StackPolicy(
    name="s3-bucket-versioned",
    description=(
        'Every S3 bucket has an aws.s3.BucketVersioning with versioningConfiguration.status "Enabled", so an '
        "overwrite or delete leaves the previous version to restore (AWS Backup's S3 backups need it too)."
    ),
    concern=Concern.RESILIENCE,
    severity=Severity.HIGH,
    rule=_bucket_versioning,
)


def _bucket_access_logging(stack: Stack, _settings: Settings) -> Iterable[Finding]:
    log_targets = {
        target.urn
        for logging in stack.of_type(*S3_BUCKET_LOGGINGS)
        for target in stack.referenced(logging, "targetBucket", S3_BUCKETS)
    }
    for bucket in buckets_without(stack, S3_BUCKET_LOGGINGS, lambda _logging: True):
        if bucket.urn not in log_targets:
            yield Finding(
                bucket.urn, f"bucket {bucket.name} has no aws.s3.BucketLogging: log its access to the log bucket"
            )


S3_BUCKET_ACCESS_LOGGED = StackPolicy(
    name="s3-bucket-access-logged",
    description=(
        "Every S3 bucket logs its access with an aws.s3.BucketLogging to the stack's log bucket; only a bucket that "
        "receives access logs is exempt (logging to itself would log its own deliveries without end)."
    ),
    concern=Concern.RESILIENCE,
    severity=Severity.MEDIUM,
    rule=_bucket_access_logging,
)

_GLACIER_CLASSES = ("GLACIER", "DEEP_ARCHIVE", "GLACIER_IR")


def _archives(lifecycle: PolicyResource) -> bool:
    for rule in elements(field(lifecycle.props, "rules")):
        if is_unknown(rule) or field(rule, "status") != "Enabled":
            continue
        classes = [field(transition, "storageClass") for transition in elements(field(rule, "transitions"))]
        if any(is_unknown(storage_class) or storage_class in _GLACIER_CLASSES for storage_class in classes):
            return True
    return is_unknown(field(lifecycle.props, "rules"))


def _backups_archived(stack: Stack, settings: Settings) -> Iterable[Finding]:
    purpose = settings["backupsPurpose"]
    unarchived = {bucket.urn for bucket in buckets_without(stack, S3_BUCKET_LIFECYCLES, _archives)}
    for bucket in stack.of_type(*S3_BUCKETS):
        if field(bucket.props, "tags", "Purpose") == purpose and bucket.urn in unarchived:
            yield Finding(
                bucket.urn,
                f"backups bucket {bucket.name} has no enabled lifecycle rule moving objects to "
                f"{' or '.join(_GLACIER_CLASSES)}",
            )


S3_BACKUPS_BUCKET_ARCHIVED = StackPolicy(
    name="s3-backups-bucket-archived",
    description=(
        "Every S3 bucket tagged Purpose=backups has an enabled lifecycle rule with a transition to Glacier (GLACIER, "
        "DEEP_ARCHIVE or GLACIER_IR): the seed keeps long-term backups in Glacier, not at the Standard price."
    ),
    concern=Concern.RESILIENCE,
    severity=Severity.MEDIUM,
    rule=_backups_archived,
    config={"backupsPurpose": {"type": "string", "default": "backups"}},
)

# --- AWS Backup ---------------------------------------------------------------------------------------------

_CRON = re.compile(r"cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)")
_EVERY = ("*", "?")


def _is_daily(rule: Any) -> bool:
    """Whether a plan rule runs every day: its cron expression leaves day of month, month and weekday open."""
    match = _CRON.fullmatch(str(field(rule, "schedule")))
    return match is not None and match[3] in _EVERY and match[4] == "*" and match[5] in _EVERY


def _daily_rules(stack: Stack) -> Iterable[tuple[PolicyResource, list[Any]]]:
    for plan in stack.of_type(BACKUP_PLAN):
        rules = field(plan.props, "rules")
        if is_unknown(rules) or any(is_unknown(field(rule, "schedule")) for rule in elements(rules)):
            continue
        yield plan, [rule for rule in elements(rules) if _is_daily(rule)]


def _daily_retention(stack: Stack, settings: Settings) -> Iterable[Finding]:
    minimum = settings["minimumDays"]
    for plan, daily in _daily_rules(stack):
        if not daily:
            yield Finding(plan.urn, f"plan {plan.name} has no daily rule (a cron schedule open on every day)")
        for rule in daily:
            days = field(rule, "lifecycle", "deleteAfter")
            if days is not None and not is_unknown(days) and (number(days) or 0) < minimum:
                yield Finding(
                    plan.urn,
                    f"plan {plan.name}: daily rule {shown(field(rule, 'ruleName'))} keeps points "
                    f"{shown(days)} days (lifecycle.deleteAfter): keep them at least {shown(minimum)}",
                )


BACKUP_DAILY_RETENTION = StackPolicy(
    name="backup-daily-retention",
    description=(
        "Every AWS Backup plan has a daily rule that keeps its recovery points at least 30 days (the seed's "
        "BACKUP_RETENTION_DAYS; lifecycle.deleteAfter, or none for ever)."
    ),
    concern=Concern.RESILIENCE,
    severity=Severity.HIGH,
    rule=_daily_retention,
    config={"minimumDays": {"type": "integer", "default": 30}},
)


def _region_of(arn: Any) -> str | None:
    parts = arn.split(":") if isinstance(arn, str) and not is_unknown(arn) else []
    return parts[3] if len(parts) > 3 else None


def _cross_region_copies(stack: Stack, _settings: Settings) -> Iterable[Finding]:
    for plan, daily in _daily_rules(stack):
        home = field(plan.props, "region") or _region_of(field(plan.props, "arn"))
        if home is None or is_unknown(home):
            continue
        for rule in daily:
            destinations = [field(copy, "destinationVaultArn") for copy in elements(field(rule, "copyActions"))]
            if any(is_unknown(arn) for arn in destinations):
                continue
            if not any(_region_of(arn) not in (None, home) for arn in destinations):
                yield Finding(
                    plan.urn,
                    f"plan {plan.name}: daily rule {shown(field(rule, 'ruleName'))} copies no recovery point out of "
                    f"{home}: add a copyActions entry to a vault in the disaster-recovery region",
                )


BACKUP_CROSS_REGION_COPY = StackPolicy(
    name="backup-cross-region-copy",
    description=(
        "Every daily rule of an AWS Backup plan copies its recovery points to a vault in another region "
        "(copyActions[].destinationVaultArn), so losing the stack's region loses no backup (design D15)."
    ),
    concern=Concern.RESILIENCE,
    severity=Severity.HIGH,
    rule=_cross_region_copies,
)


def _vault_locks(stack: Stack, _settings: Settings) -> Iterable[Finding]:
    locks = stack.referrers((BACKUP_VAULT_LOCK,), "backupVaultName", (BACKUP_VAULT,))
    for vault in stack.of_type(BACKUP_VAULT):
        minimums = [field(lock.props, "minRetentionDays") for lock in locks.get(vault.urn, ())]
        if not any(is_unknown(days) or (number(days) or 0) >= 1 for days in minimums):
            yield Finding(
                vault.urn,
                f"vault {vault.name} has no vault lock with a minimum retention: add an "
                "aws.backup.VaultLockConfiguration (sentinel:backup.vaultLock), or anyone allowed to delete recovery "
                "points can empty it",
            )


BACKUP_VAULT_LOCKED = StackPolicy(
    name="backup-vault-locked",
    description=(
        "Every AWS Backup vault, the disaster-recovery vault included, has an aws.backup.VaultLockConfiguration "
        "with minRetentionDays, so no recovery point is deleted before its retention ends (governance mode: only "
        "with backup:DeleteBackupVaultLockConfiguration; compliance mode: never)."
    ),
    concern=Concern.RESILIENCE,
    severity=Severity.HIGH,
    rule=_vault_locks,
)

POLICIES: tuple[Policy, ...] = (
    S3_BUCKET_VERSIONED,
    S3_BUCKET_ACCESS_LOGGED,
    S3_BACKUPS_BUCKET_ARCHIVED,
    BACKUP_DAILY_RETENTION,
    BACKUP_CROSS_REGION_COPY,
    BACKUP_VAULT_LOCKED,
)
