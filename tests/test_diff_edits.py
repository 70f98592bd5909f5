"""The day-two edits that lose data, each diffed as `python -m offline diff` would diff it: the stack as its file is
against the stack with one edit, classified by the replacement table (or refused by the stack config first)."""

from __future__ import annotations

from typing import Any

import pytest

import offline
from offline.config_changes import config_changes
from offline.diff import Action, ResourceChange, compare
from offline.replacements import Outcome
from tests.helpers import graph_of

CLUSTER, INSTANCE = "aws:rds/cluster:Cluster", "aws:rds/clusterInstance:ClusterInstance"
REPLICATION_GROUP, VAULT, KEY = (
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:backup/vault:Vault",
    "aws:kms/key:Key",
)


def edited(stack: str, overrides: dict[str, Any]) -> list[ResourceChange]:
    return compare(graph_of(stack), offline.run(stack, overrides))


def by_name(changes: list[ResourceChange], type_: str, name: str) -> ResourceChange:
    matches = [change for change in changes if change.type == type_ and change.name == name]
    assert matches, f"no change to {type_} {name}; changed: {sorted((c.type, c.name) for c in changes)}"
    return matches[0]


def refusal(stack: str, overrides: dict[str, Any]) -> str:
    with pytest.raises(offline.ProgramFailedError) as failed:
        offline.run(stack, overrides)
    return str(failed.value.error)


def test_a_prod_file_that_says_staging_is_refused_before_anything_is_diffed() -> None:
    message = refusal("prod", {"sentinel:environment": "staging"})
    assert "sentinel:environment" in message and "prod" in message


def test_renaming_the_stack_replaces_what_holds_data_and_each_is_a_finding() -> None:
    changes = edited("prod", {"sentinel:name": "sentinel2"})
    findings = [change for change in changes if change.findings]
    replaced_data = {(c.type, c.name) for c in findings if c.action is Action.REPLACE and c.holds_data}
    named = {(CLUSTER, "database"), ("aws:eks/cluster:Cluster", "cluster"), ("aws:s3/bucket:Bucket", "storage-uploads")}
    assert named <= replaced_data
    assert len(replaced_data) >= 15
    # Pulumi keeps an autoname once it has made it: the cache's generated id does not follow the stack's name.
    assert by_name(changes, REPLICATION_GROUP, "cache").action is Action.UPDATE


def test_a_new_database_name_replaces_the_aurora_cluster() -> None:
    changes = edited("prod", {"sentinel:database.databaseName": "sentinel"})
    cluster = by_name(changes, CLUSTER, "database")
    assert cluster.action is Action.REPLACE
    assert [p.path for p in cluster.properties if p.outcome is Outcome.REPLACE] == ["databaseName"]
    assert any("protected" in finding for finding in cluster.findings)
    assert any("holds data" in finding for finding in cluster.findings)


def test_leaving_a_zone_replaces_the_database_instances_it_moves() -> None:
    changes = edited("prod", {"sentinel:network.availabilityZones": ["us-east-1b", "us-east-1c", "us-east-1d"]})
    moved = [c for c in changes if c.type == INSTANCE and c.action is Action.REPLACE]
    assert {c.name for c in moved} == {"database-1", "database-2", "database-3"}
    assert all(c.findings for c in moved)


def test_switching_the_cache_engine_back_to_redis_replaces_the_replication_group() -> None:
    changes = edited("prod", {"sentinel:cache.engine": "redis"})
    group = by_name(changes, REPLICATION_GROUP, "cache")
    assert group.action is Action.REPLACE
    assert "engine" in [p.path for p in group.properties if p.outcome is Outcome.REPLACE]


def test_a_new_dr_region_replaces_the_dr_vault_and_its_key() -> None:
    changes = edited("prod", {"sentinel:backup.drRegion": "eu-west-1"})
    for type_, name in ((VAULT, "backup-dr"), (KEY, "backup-dr-key")):
        change = by_name(changes, type_, name)
        assert change.action is Action.REPLACE and change.findings
    assert all(change.name != "backup" for change in changes if change.type == VAULT), "the home vault stays"


def test_lowering_the_readers_in_prod_deletes_a_protected_instance() -> None:
    changes = edited("prod", {"sentinel:database.readers": 1})
    deleted = by_name(changes, INSTANCE, "database-3")
    assert deleted.action is Action.DELETE
    assert any("protected" in finding for finding in deleted.findings)


def test_staging_keeps_its_data_through_the_same_edits() -> None:
    changes = edited("staging", {"sentinel:database.databaseName": "sentinel"})
    cluster = by_name(changes, CLUSTER, "database")
    assert cluster.action is Action.REPLACE and cluster.findings


def test_a_harmless_edit_is_an_update_with_no_finding() -> None:
    changes = edited("prod", {"sentinel:tags.costCenter": "platform-2"})
    assert changes and all(change.action is Action.UPDATE for change in changes)
    assert not [change for change in changes if change.findings]


def test_the_replace_only_keys_say_what_they_replace_and_the_safe_way() -> None:
    old = {"sentinel:database": '{"databaseName": "projectsentinel", "readers": 2}', "sentinel:name": "sentinel"}
    new = {"sentinel:database": '{"databaseName": "app", "readers": 1}', "sentinel:name": "sentinel"}
    changes = {change.key: change for change in config_changes(old, new)}
    assert set(changes) == {"sentinel:database.databaseName", "sentinel:database.readers"}
    assert "replaced" in changes["sentinel:database.databaseName"].notes[0].effect
    assert "deletes" in changes["sentinel:database.readers"].notes[0].effect
    raised = config_changes({"sentinel:database": '{"readers": 1}'}, {"sentinel:database": '{"readers": 2}'})
    assert raised[0].notes == ()


def test_a_new_major_fails_at_apply_unless_allowed_and_goes_in_place_when_it_is() -> None:
    next_major = {
        "sentinel:database.engineVersion": 17,
        "sentinel:workloads.logicalBackup.postgresImageTag": "17.2-alpine",
    }
    refused = by_name(edited("prod", next_major), CLUSTER, "database")
    assert any(finding.startswith("fails at apply: engineVersion") for finding in refused.findings)
    allowed = by_name(
        edited("prod", {**next_major, "sentinel:database.allowMajorVersionUpgrade": True}), CLUSTER, "database"
    )
    assert allowed.action is Action.UPDATE and not allowed.failures
    # The major alone is refused before any diff: the backup's pg_dump would be older than the server.
    assert "sentinel:workloads.logicalBackup.postgresImageTag" in refusal(
        "prod", {"sentinel:database.engineVersion": 17}
    )
