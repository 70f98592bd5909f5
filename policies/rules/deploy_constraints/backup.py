"""Backup: the AWS Backup vault with its lock and notifications, the plans and their selections, and the restore
tests."""

from __future__ import annotations

from typing import Any

from facts.aws_limits import COLD_STORAGE_MINIMUM_DAYS
from policies.rules.deploy_constraints.allowed import Allowed, among, between, characters, length
from policies.rules.deploy_constraints.kinds import Constraints, Tags, Value
from policies.rules.deploy_constraints.sources import (
    BACKUP_LIFECYCLE,
    BACKUP_PLAN_INPUT,
    BACKUP_RULE,
    BACKUP_SELECTION_INPUT,
    CREATE_BACKUP_VAULT,
    RESTORE_TESTING_PLAN,
    RESTORE_TESTING_SELECTION,
    VAULT_LOCK,
    VAULT_NOTIFICATIONS,
)
from policies.support.aws import (
    BACKUP_PLAN,
    BACKUP_RESTORE_TESTING_PLAN,
    BACKUP_RESTORE_TESTING_SELECTION,
    BACKUP_SELECTION,
    BACKUP_VAULT,
    BACKUP_VAULT_LOCK,
    BACKUP_VAULT_NOTIFICATIONS,
)
from policies.support.values import field, number


def _cold_storage_allowed(lifecycle: Any) -> bool:
    """A recovery point moved to cold storage stays there 90 days or more before deletion."""
    cold, delete = number(field(lifecycle, "coldStorageAfter")), number(field(lifecycle, "deleteAfter"))
    return cold is None or delete is None or delete - cold >= COLD_STORAGE_MINIMUM_DAYS


_COLD_STORAGE_SPAN = Allowed(
    _cold_storage_allowed,
    f"deleteAfter at least {COLD_STORAGE_MINIMUM_DAYS} days after coldStorageAfter",
)
_BACKUP_NAME_CHARACTERS = characters(r"[a-zA-Z0-9._-]+", "letters, digits and ._-")
_RESTORE_TESTING_NAME = characters(r"[a-zA-Z0-9_]{1,50}", "1 to 50 letters, digits and _")
_VAULT_EVENTS = among(
    "BACKUP_JOB_STARTED",
    "BACKUP_JOB_COMPLETED",
    "COPY_JOB_STARTED",
    "COPY_JOB_SUCCESSFUL",
    "COPY_JOB_FAILED",
    "RESTORE_JOB_STARTED",
    "RESTORE_JOB_COMPLETED",
    "RECOVERY_POINT_MODIFIED",
    "S3_BACKUP_OBJECT_FAILED",
    "S3_RESTORE_OBJECT_FAILED",
)

CONSTRAINTS: Constraints = {
    BACKUP_VAULT: (
        Value("name", characters(r"[a-zA-Z0-9_-]{2,50}", "2 to 50 letters, digits, _ and -"), CREATE_BACKUP_VAULT),
        Tags(),
    ),
    BACKUP_VAULT_LOCK: (
        Value("changeableForDays", between(3, 36500), VAULT_LOCK),
        Value("minRetentionDays", between(1, 36500), VAULT_LOCK),
    ),
    BACKUP_VAULT_NOTIFICATIONS: (Value("backupVaultEvents[]", _VAULT_EVENTS, VAULT_NOTIFICATIONS),),
    BACKUP_PLAN: (
        Value("name", length(50), BACKUP_PLAN_INPUT),
        Value("name", _BACKUP_NAME_CHARACTERS, BACKUP_PLAN_INPUT),
        Value("rules[].ruleName", length(50), BACKUP_RULE),
        Value("rules[].ruleName", _BACKUP_NAME_CHARACTERS, BACKUP_RULE),
        Value("rules[].startWindow", between(60, 40320), BACKUP_RULE),
        Value("rules[].lifecycle", _COLD_STORAGE_SPAN, BACKUP_LIFECYCLE),
        Value("rules[].copyActions[].lifecycle", _COLD_STORAGE_SPAN, BACKUP_LIFECYCLE),
        Tags(),
    ),
    BACKUP_SELECTION: (
        Value("name", length(50), BACKUP_SELECTION_INPUT),
        Value("name", _BACKUP_NAME_CHARACTERS, BACKUP_SELECTION_INPUT),
    ),
    BACKUP_RESTORE_TESTING_PLAN: (
        Value("name", _RESTORE_TESTING_NAME, RESTORE_TESTING_PLAN),
        Value("startWindowHours", between(1, 168), "pulumi_aws/backup/restore_testing_plan.py (start_window_hours)"),
        Value(
            "recoveryPointSelection.algorithm",
            among("LATEST_WITHIN_WINDOW", "RANDOM_WITHIN_WINDOW"),
            RESTORE_TESTING_PLAN,
        ),
        Value("recoveryPointSelection.selectionWindowDays", between(1, 365), RESTORE_TESTING_PLAN),
        Tags(),
    ),
    BACKUP_RESTORE_TESTING_SELECTION: (
        Value("name", _RESTORE_TESTING_NAME, RESTORE_TESTING_SELECTION),
        Value(
            "validationWindowHours",
            between(1, 168),
            "pulumi_aws/backup/restore_testing_selection.py (validation_window_hours)",
        ),
        Value(
            "protectedResourceType",
            among("Aurora", "DocumentDB", "DynamoDB", "EBS", "EC2", "EFS", "FSx", "Neptune", "RDS", "S3"),
            RESTORE_TESTING_SELECTION,
        ),
    ),
}
