"""Recovery: bucket versioning and access logs, Glacier for backups, daily retention and cross-region copies."""

from __future__ import annotations

from typing import Any

import pytest

from offline.graph import Graph, Resource
from policies.rules.recovery import (
    BACKUP_CROSS_REGION_COPY,
    BACKUP_DAILY_RETENTION,
    BACKUP_VAULT_LOCKED,
    S3_BACKUPS_BUCKET_ARCHIVED,
    S3_BUCKET_ACCESS_LOGGED,
    S3_BUCKET_VERSIONED,
)
from policies.support.aws import (
    BACKUP_PLAN,
    BACKUP_VAULT,
    BACKUP_VAULT_LOCK,
    S3_BUCKET,
    S3_BUCKET_LIFECYCLE,
    S3_BUCKET_LOGGING,
    S3_BUCKET_VERSIONING,
)
from tests.policy_builders import UNKNOWN, GraphBuilder, merged, messages, ref

HOME_VAULT = "arn:aws:backup:us-east-1:111111111111:backup-vault:home"
DR_VAULT = "arn:aws:backup:us-west-2:111111111111:backup-vault:dr"
GLACIER_RULE = {"id": "whole-bucket", "status": "Enabled", "transitions": [{"days": 30, "storageClass": "GLACIER"}]}


def storage(
    *, versioning: str | None = "Enabled", logged: bool = True, backups_rule: dict[str, Any] | None = None
) -> Graph:
    """A log bucket and a backups bucket logging to it, versioned, the backups bucket archived to Glacier; the
    arguments change the backups bucket."""
    builder = GraphBuilder()
    logs = _bucket(builder, "logs")
    builder.add(S3_BUCKET_VERSIONING, "logs", {"bucket": ref(logs), "versioningConfiguration": {"status": "Enabled"}})
    backups = _bucket(builder, "backups")
    if versioning is not None:
        builder.add(
            S3_BUCKET_VERSIONING, "backups", {"bucket": ref(backups), "versioningConfiguration": {"status": versioning}}
        )
    if logged:
        builder.add(
            S3_BUCKET_LOGGING,
            "backups",
            {"bucket": ref(backups), "targetBucket": ref(logs, "bucket"), "targetPrefix": "s3/backups/"},
        )
    builder.add(S3_BUCKET_LIFECYCLE, "backups", {"bucket": ref(backups), "rules": [backups_rule or GLACIER_RULE]})
    return builder.build()


def _bucket(builder: GraphBuilder, purpose: str) -> Resource:
    name = f"sentinel-test-{purpose}"
    return builder.add(
        S3_BUCKET, purpose, {"bucket": name, "arn": f"arn:aws:s3:::{name}", "tags": {"Purpose": purpose}}
    )


def test_versioned_logged_archived_buckets_pass() -> None:
    graph = storage()
    for policy in (S3_BUCKET_VERSIONED, S3_BUCKET_ACCESS_LOGGED, S3_BACKUPS_BUCKET_ARCHIVED):
        assert messages(policy, graph) == []


@pytest.mark.parametrize("versioning", [None, "Suspended"])
def test_a_bucket_without_versioning_enabled_is_reported(versioning: str | None) -> None:
    assert messages(S3_BUCKET_VERSIONED, storage(versioning=versioning)) == [
        "bucket backups has no aws.s3.BucketVersioning with status Enabled"
    ]


def test_a_bucket_that_logs_nowhere_is_reported_and_the_log_bucket_is_not() -> None:
    assert messages(S3_BUCKET_ACCESS_LOGGED, storage(logged=False)) == [
        "bucket backups has no aws.s3.BucketLogging: log its access to the log bucket",
        "bucket logs has no aws.s3.BucketLogging: log its access to the log bucket",
    ]


@pytest.mark.parametrize(
    "rule",
    [
        {"id": "ia", "status": "Enabled", "transitions": [{"days": 30, "storageClass": "STANDARD_IA"}]},
        merged(GLACIER_RULE, {"status": "Disabled"}),
        {"id": "expire", "status": "Enabled", "expiration": {"days": 30}},
    ],
    ids=["infrequent-access-only", "disabled", "no-transition"],
)
def test_a_backups_bucket_without_glacier_is_reported(rule: dict[str, Any]) -> None:
    assert messages(S3_BACKUPS_BUCKET_ARCHIVED, storage(backups_rule=rule)) == [
        "backups bucket backups has no enabled lifecycle rule moving objects to GLACIER or DEEP_ARCHIVE or GLACIER_IR"
    ]


def test_an_unknown_storage_class_is_not_judged() -> None:
    rule = merged(GLACIER_RULE, {"transitions": [{"days": 30, "storageClass": UNKNOWN}]})
    assert messages(S3_BACKUPS_BUCKET_ARCHIVED, storage(backups_rule=rule)) == []


def plan(*rules: dict[str, Any]) -> Graph:
    builder = GraphBuilder()
    builder.add(
        BACKUP_PLAN, "backup", {"arn": "arn:aws:backup:us-east-1:111111111111:backup-plan:1", "rules": list(rules)}
    )
    return builder.build()


def rule(
    name: str = "daily", schedule: str = "cron(0 5 ? * * *)", days: int | None = 30, copy_to: Any = DR_VAULT
) -> Any:
    return {
        "ruleName": name,
        "targetVaultName": "home",
        "schedule": schedule,
        "lifecycle": {"deleteAfter": days} if days is not None else None,
        "copyActions": [{"destinationVaultArn": copy_to}] if copy_to else None,
    }


def test_a_daily_rule_kept_30_days_and_copied_away_passes() -> None:
    graph = plan(rule(), rule("monthly", "cron(0 5 1 * ? *)", 365))
    assert messages(BACKUP_DAILY_RETENTION, graph) == []
    assert messages(BACKUP_CROSS_REGION_COPY, graph) == []


def test_daily_points_kept_too_briefly_are_reported() -> None:
    assert messages(BACKUP_DAILY_RETENTION, plan(rule(days=7))) == [
        'plan backup: daily rule "daily" keeps points 7 days (lifecycle.deleteAfter): keep them at least 30'
    ]
    assert messages(BACKUP_DAILY_RETENTION, plan(rule(days=7)), {"minimumDays": 7}) == []


def test_points_kept_for_ever_pass() -> None:
    assert messages(BACKUP_DAILY_RETENTION, plan(rule(days=None))) == []


def test_a_plan_without_a_daily_rule_is_reported() -> None:
    assert messages(BACKUP_DAILY_RETENTION, plan(rule("weekly", "cron(0 5 ? * 1 *)"))) == [
        "plan backup has no daily rule (a cron schedule open on every day)"
    ]


@pytest.mark.parametrize("copy_to", [None, HOME_VAULT], ids=["no-copy", "same-region"])
def test_a_daily_rule_that_copies_nothing_out_of_the_region_is_reported(copy_to: str | None) -> None:
    assert messages(BACKUP_CROSS_REGION_COPY, plan(rule(copy_to=copy_to))) == [
        'plan backup: daily rule "daily" copies no recovery point out of us-east-1: add a copyActions entry to a '
        "vault in the disaster-recovery region"
    ]


def test_an_unknown_destination_is_not_judged() -> None:
    assert messages(BACKUP_CROSS_REGION_COPY, plan(rule(copy_to=UNKNOWN))) == []


def _vaults(*locked: Any) -> Graph:
    """A home vault and a DR vault; each `locked` value is the home vault lock's minRetentionDays (None: no lock)."""
    builder = GraphBuilder()
    home = builder.add(BACKUP_VAULT, "backup", {"name": "backup-1234"})
    dr = builder.add(BACKUP_VAULT, "backup-dr", {"name": "backup-dr-1234", "region": "us-west-2"})
    builder.add(BACKUP_VAULT_LOCK, "backup-dr", {"backupVaultName": ref(dr, "name"), "minRetentionDays": 30})
    for days in locked:
        builder.add(BACKUP_VAULT_LOCK, "backup", {"backupVaultName": ref(home, "name"), "minRetentionDays": days})
    return builder.build()


def test_vaults_locked_with_a_minimum_retention_pass() -> None:
    assert messages(BACKUP_VAULT_LOCKED, _vaults(30)) == []


@pytest.mark.parametrize("locked", [(), (None,), (0,)], ids=["no lock", "no minimum", "zero"])
def test_a_vault_without_its_lock_is_reported(locked: tuple[Any, ...]) -> None:
    assert messages(BACKUP_VAULT_LOCKED, _vaults(*locked)) == [
        "vault backup has no vault lock with a minimum retention: add an aws.backup.VaultLockConfiguration "
        "(sentinel:backup.vaultLock), or anyone allowed to delete recovery points can empty it"
    ]


def test_a_lock_minimum_unknown_during_preview_is_not_judged() -> None:
    assert messages(BACKUP_VAULT_LOCKED, _vaults(UNKNOWN)) == []


def test_the_stacks_pass_where_they_must(stack_graph: Graph) -> None:
    for policy in (S3_BUCKET_VERSIONED, S3_BUCKET_ACCESS_LOGGED, S3_BACKUPS_BUCKET_ARCHIVED, BACKUP_DAILY_RETENTION):
        assert messages(policy, stack_graph) == [], policy.name
    copies = messages(BACKUP_CROSS_REGION_COPY, stack_graph)
    assert bool(copies) == (stack_graph.stack == "dev")  # dev has no DR region by default
    locks = messages(BACKUP_VAULT_LOCKED, stack_graph)
    assert bool(locks) == (stack_graph.stack != "prod")  # sentinel:backup.vaultLock is governance in prod only
