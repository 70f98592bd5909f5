"""`sentinel:database`: each environment's database by default, and every bad input named by its full key with
what is allowed."""

from __future__ import annotations

import pytest

from tests.config_cases import BadConfig, named_by_full_key
from tests.helpers import load


@pytest.mark.parametrize(
    ("stack", "instance_class", "readers", "backup_retention_days"),
    [("dev", "db.serverless", 0, 7), ("staging", "db.r7g.large", 2, 30), ("prod", "db.r7g.xlarge", 2, 30)],
)
def test_each_environment_gets_its_database_defaults(
    stack: str, instance_class: str, readers: int, backup_retention_days: int
) -> None:
    database = load(stack).database
    assert (database.instance_class, database.readers) == (instance_class, readers)
    assert database.backup_retention_days == backup_retention_days


BAD_DATABASE: list[BadConfig] = [
    # (case, overrides, key named in the message, something the message says is allowed)
    ("postgres too old", {"sentinel:database.engineVersion": 14}, "sentinel:database.engineVersion", "15, 16 or 17"),
    ("postgres as text", {"sentinel:database.engineVersion": "16.4"}, "sentinel:database.engineVersion", "16"),
    (
        "database class not aurora",
        {"sentinel:database.instanceClass": "db.m6g.large"},
        "sentinel:database.instanceClass",
        "db.r7g.large",
    ),
    ("too many readers", {"sentinel:database.readers": 6}, "sentinel:database.readers", "less than or equal to 5"),
    ("negative readers", {"sentinel:database.readers": -1}, "sentinel:database.readers", "greater than or equal to 0"),
    ("readers beyond zones", {"sentinel:database.readers": 4}, "sentinel:database.readers", "3 availability zones"),
    (
        "serverless range upside down",
        {"sentinel:database.serverlessCapacity": {"minimum": 8, "maximum": 4}},
        "sentinel:database.serverlessCapacity.maximum",
        "at least minimum",
    ),
    (
        "serverless half units",
        {"sentinel:database.serverlessCapacity": {"minimum": 0.25, "maximum": 4}},
        "sentinel:database.serverlessCapacity.minimum",
        "multiple of 0.5",
    ),
    (
        "serverless too large",
        {"sentinel:database.serverlessCapacity": {"minimum": 0, "maximum": 512}},
        "sentinel:database.serverlessCapacity.maximum",
        "less than or equal to 256",
    ),
    ("storage type", {"sentinel:database.storageType": "gp3"}, "sentinel:database.storageType", "'aurora-iopt1'"),
    ("database name", {"sentinel:database.databaseName": "Sentinel-DB"}, "sentinel:database.databaseName", "letter"),
    (
        "backups kept too long",
        {"sentinel:database.backupRetentionDays": 36},
        "sentinel:database.backupRetentionDays",
        "less than or equal to 35",
    ),
    (
        "no backups",
        {"sentinel:database.backupRetentionDays": 0},
        "sentinel:database.backupRetentionDays",
        "greater than or equal to 1",
    ),
    ("backup window format", {"sentinel:database.backupWindow": "3am-4am"}, "sentinel:database.backupWindow", "03:00"),
    (
        "backup window too short",
        {"sentinel:database.backupWindow": "03:00-03:20"},
        "sentinel:database.backupWindow",
        "at least 30 minutes",
    ),
    (
        "maintenance window format",
        {"sentinel:database.maintenanceWindow": "sunday 05:00"},
        "sentinel:database.maintenanceWindow",
        "sun:05:00-sun:06:00",
    ),
    (
        "maintenance window too long",
        {"sentinel:database.maintenanceWindow": "sat:05:00-sun:06:00"},
        "sentinel:database.maintenanceWindow",
        "at most 24 hours",
    ),
    (
        "maintenance during backups",
        {"sentinel:database.maintenanceWindow": "wed:03:30-wed:04:30"},
        "sentinel:database.maintenanceWindow",
        "overlaps backupWindow 03:00-04:00",
    ),
    (
        "maintenance during backups past midnight",
        {"sentinel:database.backupWindow": "23:30-00:30", "sentinel:database.maintenanceWindow": "sun:00:00-sun:01:00"},
        "sentinel:database.maintenanceWindow",
        "overlaps backupWindow",
    ),
    (
        "slow statement threshold",
        {"sentinel:database.slowStatementMilliseconds": 0},
        "sentinel:database.slowStatementMilliseconds",
        "greater than or equal to 100",
    ),
    (
        "insights retention",
        {"sentinel:database.insightsRetentionDays": 30},
        "sentinel:database.insightsRetentionDays",
        "multiple of 31",
    ),
    (
        "database log retention",
        {"sentinel:database.logRetentionDays": 10},
        "sentinel:database.logRetentionDays",
        "retention periods",
    ),
    (
        "proxy share",
        {"sentinel:database.proxy": {"maxConnectionsPercent": 101}},
        "sentinel:database.proxy.maxConnectionsPercent",
        "less than or equal to 100",
    ),
    (
        "proxy idle share above its share",
        {"sentinel:database.proxy": {"maxConnectionsPercent": 40}},
        "sentinel:database.proxy.maxIdleConnectionsPercent",
        "must not exceed maxConnectionsPercent (40)",
    ),
    (
        "proxy borrow timeout",
        {"sentinel:database.proxy": {"connectionBorrowTimeoutSeconds": 3601}},
        "sentinel:database.proxy.connectionBorrowTimeoutSeconds",
        "less than or equal to 3600",
    ),
    (
        "proxy idle client timeout",
        {"sentinel:database.proxy": {"idleClientTimeoutSeconds": 0}},
        "sentinel:database.proxy.idleClientTimeoutSeconds",
        "greater than or equal to 1",
    ),
    ("typo in database", {"sentinel:database.reader": 2}, "sentinel:database.reader", "readers"),
    (
        "roles image latest",
        {"sentinel:database.rolesImageTag": "latest"},
        "sentinel:database.rolesImageTag",
        "must not be latest",
    ),
]

test_bad_database_config_is_named_by_its_full_key = named_by_full_key(BAD_DATABASE)
