"""Deploy constraints of backup (the AWS Backup vault, plans, selections and restore tests): the inputs the program sets
pass, and each constraint reports the value that breaks it."""

from __future__ import annotations

from typing import Any

from policies.rules.deploy_constraints import backup
from policies.support.aws import (
    BACKUP_PLAN,
    BACKUP_RESTORE_TESTING_PLAN,
    BACKUP_RESTORE_TESTING_SELECTION,
    BACKUP_SELECTION,
    BACKUP_VAULT,
    BACKUP_VAULT_LOCK,
    BACKUP_VAULT_NOTIFICATIONS,
)
from tests.deploy_constraint_cases import constraint_case, untested_constraints
from tests.policy_builders import property_rule_tests

COMPLIANT: dict[str, dict[str, Any]] = {
    BACKUP_VAULT: {"name": "backup-1a2b3c4", "tags": {"Name": "sentinel-prod-backup"}},
    BACKUP_VAULT_LOCK: {
        "backupVaultName": "v",
        "minRetentionDays": 30,
        "maxRetentionDays": 365,
        "changeableForDays": 3,
    },
    BACKUP_VAULT_NOTIFICATIONS: {"backupVaultName": "v", "snsTopicArn": "t", "backupVaultEvents": ["COPY_JOB_FAILED"]},
    BACKUP_PLAN: {
        "name": "backup-1a2b3c4",
        "rules": [
            {
                "ruleName": "monthly",
                "targetVaultName": "v",
                "startWindow": 60,
                "lifecycle": {"coldStorageAfter": 30, "deleteAfter": 120},
                "copyActions": [
                    {"destinationVaultArn": "a", "lifecycle": {"coldStorageAfter": 30, "deleteAfter": 365}}
                ],
            }
        ],
        "tags": {"Name": "sentinel-prod-backup"},
    },
    BACKUP_SELECTION: {"name": "backup-uploads-1a2b3c4", "planId": "p", "iamRoleArn": "r"},
    BACKUP_RESTORE_TESTING_PLAN: {
        "name": "sentinel_prod_restore_tests",
        "scheduleExpression": "cron(0 8 15 * ? *)",
        "startWindowHours": 24,
        "recoveryPointSelection": {"algorithm": "LATEST_WITHIN_WINDOW", "selectionWindowDays": 7},
        "tags": {"Name": "sentinel-prod-restore-tests"},
    },
    BACKUP_RESTORE_TESTING_SELECTION: {"name": "efs", "validationWindowHours": 1, "protectedResourceType": "EFS"},
}

case = constraint_case(COMPLIANT)

# (resource type, the change that breaks its compliant inputs, the start of the message it then reports, id)
CASES = [
    case(BACKUP_VAULT, {"name": "sentinel prod"}, 'name is "sentinel prod": AWS allows 2 to 50', "vault-name"),
    case(
        BACKUP_VAULT_LOCK, {"changeableForDays": 1}, "changeableForDays is 1: AWS allows whole numbers from 3", "grace"
    ),
    case(BACKUP_VAULT_LOCK, {"minRetentionDays": 0}, "minRetentionDays is 0", "vault-lock-minimum"),
    case(
        BACKUP_VAULT_NOTIFICATIONS,
        {"backupVaultEvents": ["BACKUP_JOB_FAILED"]},
        'backupVaultEvents[0] is "BACKUP_JOB_FAILED": AWS allows one of',
        "deprecated-vault-event",
    ),
    case(BACKUP_PLAN, {"name": "p" * 51}, "name is", "plan-name-length"),
    case(BACKUP_PLAN, {"name": "daily plan"}, 'name is "daily plan": AWS allows letters, digits and ._-', "plan-name"),
    case(BACKUP_PLAN, {"rules": [{"ruleName": "r" * 51}]}, "rules[0].ruleName is", "rule-name-length"),
    case(BACKUP_PLAN, {"rules": [{"ruleName": "every day"}]}, 'rules[0].ruleName is "every day"', "rule-name"),
    case(
        BACKUP_PLAN, {"rules": [{"startWindow": 30}]}, "rules[0].startWindow is 30: AWS allows whole numbers", "start"
    ),
    case(
        BACKUP_PLAN,
        {"rules": [{"lifecycle": {"coldStorageAfter": 30, "deleteAfter": 60}}]},
        "rules[0].lifecycle is an object: AWS allows deleteAfter at least 90 days after coldStorageAfter",
        "cold-storage-span",
    ),
    case(
        BACKUP_PLAN,
        {"rules": [{"copyActions": [{"lifecycle": {"coldStorageAfter": 300, "deleteAfter": 365}}]}]},
        "rules[0].copyActions[0].lifecycle is an object",
        "copy-cold-storage-span",
    ),
    case(BACKUP_PLAN, {"tags": {"aws:x": "y"}}, 'tags key "aws:x"', "plan-tags"),
    case(BACKUP_SELECTION, {"name": "s" * 51}, "name is", "selection-name-length"),
    case(BACKUP_SELECTION, {"name": "uploads bucket"}, 'name is "uploads bucket"', "selection-name"),
    case(
        BACKUP_RESTORE_TESTING_PLAN,
        {"name": "sentinel-prod-restore-tests"},
        'name is "sentinel-prod-restore-tests": AWS allows 1 to 50 letters, digits and _',
        "restore-testing-plan-name",
    ),
    case(BACKUP_RESTORE_TESTING_PLAN, {"startWindowHours": 200}, "startWindowHours is 200", "restore-start-window"),
    case(
        BACKUP_RESTORE_TESTING_PLAN,
        {"recoveryPointSelection": {"algorithm": "LATEST"}},
        'recoveryPointSelection.algorithm is "LATEST"',
        "restore-algorithm",
    ),
    case(
        BACKUP_RESTORE_TESTING_PLAN,
        {"recoveryPointSelection": {"selectionWindowDays": 400}},
        "recoveryPointSelection.selectionWindowDays is 400",
        "restore-selection-window",
    ),
    case(BACKUP_RESTORE_TESTING_SELECTION, {"name": "aurora-db"}, 'name is "aurora-db"', "restore-selection-name"),
    case(BACKUP_RESTORE_TESTING_SELECTION, {"validationWindowHours": 0}, "validationWindowHours is 0", "validation"),
    case(
        BACKUP_RESTORE_TESTING_SELECTION,
        {"protectedResourceType": "aurora"},
        'protectedResourceType is "aurora": AWS allows one of',
        "restore-resource-type",
    ),
]

test_compliant_values_pass, test_each_constraint_reports_its_planted_value = property_rule_tests(CASES)


def test_every_constraint_has_a_failing_case() -> None:
    assert untested_constraints(backup.CONSTRAINTS, CASES) == []
