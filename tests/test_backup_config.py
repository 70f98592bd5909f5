"""`sentinel:backup`: every bad input to AWS Backup's rules, vault lock and disaster-recovery copies is named by its
full key with what is allowed."""

from __future__ import annotations

from offline import REMOVE
from tests.config_cases import BadConfig, named_by_full_key
from tests.helpers import load

BAD_BACKUP: list[BadConfig] = [
    # (case, overrides, key named in the message, something the message says is allowed)
    (
        "cold storage too short before deletion",
        {"sentinel:backup.monthlyRetentionDays": 100},
        "sentinel:backup.monthlyRetentionDays",
        "at least monthlyColdStorageAfterDays + 90 (120)",
    ),
    (
        "dr copies kept too short for cold storage",
        {"sentinel:backup.drMonthlyRetentionDays": 60},
        "sentinel:backup.drMonthlyRetentionDays",
        "cold storage 90 days at least",
    ),
    (
        "dr region is the stack's",
        {"sentinel:backup.drRegion": "us-east-1"},
        "sentinel:backup.drRegion",
        "stack's own region",
    ),
    ("dr region unknown", {"sentinel:backup.drRegion": "us-middle-9x"}, "sentinel:backup.drRegion", "us-east-1"),
    (
        "compliance lock without the second key",
        {"sentinel:backup.vaultLock": "compliance"},
        "sentinel:backup.vaultLock",
        "acceptPermanentComplianceLock: true",
    ),
    (
        "unknown vault lock",
        {"sentinel:backup.vaultLock": "strict"},
        "sentinel:backup.vaultLock",
        "'none', 'governance' or 'compliance'",
    ),
    (
        "compliance grace too short",
        {"sentinel:backup.complianceLockGraceDays": 1},
        "sentinel:backup.complianceLockGraceDays",
        "greater than or equal to 3",
    ),
    (
        "no break-glass role",
        {"sentinel:backup.breakGlassRoleArn": REMOVE},
        "sentinel:backup.breakGlassRoleArn",
        "required",
    ),
    (
        "break-glass role is a session",
        {"sentinel:backup.breakGlassRoleArn": "arn:aws:sts::111111111111:assumed-role/break-glass/alice"},
        "sentinel:backup.breakGlassRoleArn",
        "give the role's own ARN",
    ),
    (
        "break-glass role of another account",
        {"sentinel:backup.breakGlassRoleArn": "arn:aws:iam::999999999999:role/break-glass"},
        "sentinel:backup.breakGlassRoleArn",
        "a role of the stack's account 111111111111",
    ),
    (
        "break-glass role is prod's deploy role",
        {"sentinel:backup.breakGlassRoleArn": "arn:aws:iam::111111111111:role/sentinel-deploy"},
        "sentinel:backup.breakGlassRoleArn",
        "must not be cluster.deployRoleArn in prod",
    ),
    (
        "daily retention zero",
        {"sentinel:backup.dailyRetentionDays": 0},
        "sentinel:backup.dailyRetentionDays",
        "greater than or equal to 1",
    ),
]

test_bad_backup_config_is_named_by_its_full_key = named_by_full_key(BAD_BACKUP)


def test_dev_names_its_deploy_role_the_one_that_may_delete_its_keys() -> None:
    """Dev keeps no data and its deploy job tears it down; prod may not (the cases above)."""
    config = load("dev")
    assert config.backup.break_glass_role_arn == config.cluster.deploy_role_arn
