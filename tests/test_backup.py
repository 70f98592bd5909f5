"""AWS Backup on every stack's graph: rules, selections, vault locks, copies to the DR region and restore tests;
and, through Backup alone with stand-ins for the components it takes (tests/programs.py), what each of them gives it."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from offline.graph import Graph, Resource
from tests import programs
from tests.helpers import graph_of

VAULT = "aws:backup/vault:Vault"
PLAN = "aws:backup/plan:Plan"
SELECTION = "aws:backup/selection:Selection"
RESTORE_PLAN = "aws:backup/restoreTestingPlan:RestoreTestingPlan"
RESTORE_SELECTION = "aws:backup/restoreTestingSelection:RestoreTestingSelection"
LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
ROLE = "aws:iam/role:Role"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"


def backup_alone(stack: str, vault_lock: str = "") -> Graph:
    """The Backup component alone, given every argument; `vault_lock` overrides the stack's lock mode."""
    overrides = (
        {"sentinel:backup.vaultLock": vault_lock, "sentinel:backup.acceptPermanentComplianceLock": True}
        if vault_lock
        else None
    )
    return programs.run(programs.backup, stack, overrides)


@pytest.fixture(scope="module")
def wired_prod() -> Graph:
    return backup_alone("prod")


def rules(graph: Graph) -> dict[str, dict[str, Any]]:
    [plan] = graph.of_type(PLAN)
    return {rule["ruleName"]: rule for rule in plan.inputs["rules"]}


def vaults(graph: Graph) -> dict[str, Resource]:
    return {vault.name: vault for vault in graph.of_type(VAULT)}


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_a_daily_rule_keeps_30_days_and_a_monthly_one_a_year_with_efs_in_cold_storage(stack: str) -> None:
    found = rules(graph_of(stack))
    assert found["daily"]["schedule"] == "cron(0 5 ? * * *)"
    assert found["daily"]["lifecycle"] == {"deleteAfter": 30}
    assert found["monthly"]["schedule"] == "cron(0 5 1 * ? *)"
    assert found["monthly"]["lifecycle"] == {"coldStorageAfter": 30, "deleteAfter": 365}
    home = vaults(graph_of(stack))["backup"]
    assert {rule["targetVaultName"] for rule in found.values()} == {home.outputs["name"]}


@pytest.mark.parametrize(("stack", "copied"), [("dev", False), ("staging", True), ("prod", True)])
def test_every_rule_copies_to_the_dr_vault_where_there_is_one(stack: str, copied: bool) -> None:
    graph = graph_of(stack)
    found = rules(graph)
    if not copied:
        assert set(vaults(graph)) == {"backup"}
        assert all("copyActions" not in rule for rule in found.values())
        return
    dr = vaults(graph)["backup-dr"]
    assert found["daily"]["copyActions"] == [
        {"destinationVaultArn": dr.outputs["arn"], "lifecycle": {"deleteAfter": 30}}
    ]
    assert found["monthly"]["copyActions"] == [
        {"destinationVaultArn": dr.outputs["arn"], "lifecycle": {"coldStorageAfter": 30, "deleteAfter": 365}}
    ]


def test_dr_resources_live_in_the_dr_region_under_a_key_of_that_region(prod: Graph) -> None:
    dr = vaults(prod)["backup-dr"]
    key = prod.named("aws:kms/key:Key", "backup-dr-key")
    assert dr.inputs["region"] == key.inputs["region"] == "us-west-2"
    assert dr.outputs["arn"].startswith("arn:aws:backup:us-west-2:111111111111:")
    assert dr.inputs["kmsKeyArn"] == key.outputs["arn"]
    assert key.outputs["arn"].startswith("arn:aws:kms:us-west-2:")
    [lock] = [lock for lock in prod.of_type(LOCK) if lock.inputs["backupVaultName"] == dr.outputs["name"]]
    assert lock.inputs["region"] == "us-west-2"
    home = vaults(prod)["backup"]
    assert "region" not in home.inputs
    assert home.inputs["kmsKeyArn"] == prod.named("aws:kms/key:Key", "backup-key").outputs["arn"]


@pytest.mark.parametrize(("stack", "locked"), [("dev", False), ("staging", False), ("prod", True)])
def test_vaults_are_locked_in_governance_mode_in_prod(stack: str, locked: bool) -> None:
    graph = graph_of(stack)
    locks = graph.of_type(LOCK)
    assert len(locks) == (len(vaults(graph)) if locked else 0)
    for lock in locks:
        assert (lock.inputs["minRetentionDays"], lock.inputs["maxRetentionDays"]) == (30, 365)
        assert "changeableForDays" not in lock.inputs  # governance: removable, unlike compliance


def test_compliance_mode_sets_the_grace_period() -> None:
    graph = backup_alone("prod", "compliance")
    assert {lock.inputs["changeableForDays"] for lock in graph.of_type(LOCK)} == {3}


def test_the_uploads_bucket_the_file_system_and_the_database_are_selected(stack_graph: Graph) -> None:
    [uploads] = [b for b in stack_graph.of_type("aws:s3/bucket:Bucket") if b.name == "storage-uploads"]
    [file_system] = stack_graph.of_type("aws:efs/fileSystem:FileSystem")
    [database] = stack_graph.of_type("aws:rds/cluster:Cluster")
    [plan] = stack_graph.of_type(PLAN)
    [role] = [r for r in stack_graph.of_type("aws:iam/role:Role") if r.name == "backup"]
    selections = stack_graph.of_type(SELECTION)
    assert sorted(s.inputs["resources"] for s in selections) == sorted(
        [[uploads.outputs["arn"]], [file_system.outputs["arn"]], [database.outputs["arn"]]]
    )
    assert all(s.inputs["planId"] == plan.id and s.inputs["iamRoleArn"] == role.outputs["arn"] for s in selections)


@pytest.mark.parametrize(("stack", "tested"), [("dev", False), ("staging", False), ("prod", True)])
def test_the_backup_role_may_back_up_and_only_the_restore_tests_role_may_restore(stack: str, tested: bool) -> None:
    """Restoring creates databases and file systems and writes into them: the role the selections name may not, and
    where restores are tested a role of their own may restore the types they restore (Aurora, EFS), not S3."""
    graph = graph_of(stack)
    roles = {
        role.outputs["name"]: role for role in graph.of_type(ROLE) if graph.top_level_ancestor(role).name == "backup"
    }
    attached: dict[str, set[str]] = {role.name: set() for role in roles.values()}
    for attachment in graph.of_type(ATTACHMENT):
        if attachment.inputs["role"] in roles:
            attached[roles[attachment.inputs["role"]].name].add(attachment.inputs["policyArn"].rsplit("/", 1)[1])
    expected = {"backup": {"AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForS3Backup"}}
    if tested:
        expected["backup-restore-tests"] = {"AWSBackupServiceRolePolicyForRestores"}
    assert attached == expected
    restore_roles = {selection.inputs["iamRoleArn"] for selection in graph.of_type(RESTORE_SELECTION)}
    assert restore_roles == ({graph.named(ROLE, "backup-restore-tests").outputs["arn"]} if tested else set())


@pytest.mark.parametrize(("stack", "tested"), [("dev", False), ("staging", False), ("prod", True)])
def test_restores_are_tested_monthly_in_prod_only(stack: str, tested: bool) -> None:
    graph = graph_of(stack)
    plans = graph.of_type(RESTORE_PLAN)
    assert len(plans) == tested
    if tested:
        [plan] = plans
        assert plan.inputs["name"] == "sentinel_prod_restore_tests"
        assert plan.inputs["scheduleExpression"] == "cron(0 8 15 * ? *)"
        selection = plan.inputs["recoveryPointSelection"]
        assert selection["includeVaults"] == [vaults(graph)["backup"].outputs["arn"]]


def test_efs_restores_land_under_the_file_systems_key(prod: Graph) -> None:
    [efs] = [s for s in prod.of_type(RESTORE_SELECTION) if s.inputs["protectedResourceType"] == "EFS"]
    key = prod.named("aws:kms/key:Key", "file-system-key")
    assert efs.inputs["protectedResourceType"] == "EFS"
    assert efs.inputs["restoreMetadataOverrides"] == {
        "encrypted": "true",
        "kmskeyid": key.outputs["arn"],
        "newfilesystem": "true",
    }
    assert efs.inputs["validationWindowHours"] == 1


def test_the_database_and_alarm_topic_wire_in_with_one_argument_each(wired_prod: Graph) -> None:
    database = programs.StandInRestorableDatabase()
    assert [database.cluster_arn] in [s.inputs["resources"] for s in wired_prod.of_type(SELECTION)]
    [aurora] = [s for s in wired_prod.of_type(RESTORE_SELECTION) if s.inputs["protectedResourceType"] == "Aurora"]
    assert aurora.inputs["protectedResourceArns"] == [database.cluster_arn]
    assert aurora.inputs["restoreMetadataOverrides"] == {
        "dbsubnetgroupname": database.subnet_group_name,
        "vpcsecuritygroupids": f'["{database.security_group_id}"]',
    }
    [notifications] = wired_prod.of_type("aws:backup/vaultNotifications:VaultNotifications")
    assert notifications.inputs["snsTopicArn"] == programs.TOPIC_ARN
    assert set(notifications.inputs["backupVaultEvents"]) == {
        "BACKUP_JOB_COMPLETED",
        "COPY_JOB_FAILED",
        "RESTORE_JOB_COMPLETED",
        "S3_BACKUP_OBJECT_FAILED",
        "S3_RESTORE_OBJECT_FAILED",
    }


def test_without_a_dr_region_the_program_says_so(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    graph = backup_alone("dev")
    assert set(vaults(graph)) == {"backup"}
    assert any("no sentinel:backup.drRegion" in record.getMessage() for record in caplog.records)
