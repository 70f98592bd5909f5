"""AWS Backup of the database, the shared files and the uploads, with copies in the DR region (design D15; the
seed's "automated backup and disaster recovery" and "backup strategy tested").

A KMS-encrypted vault (locked in prod), a plan with a daily rule (the seed's 30 days) and a monthly rule (a
year), selections for the Aurora cluster, the EFS file system and the uploads bucket, and failed-job
notifications to the alarm topic. With a DR region, every recovery point is copied to a vault there, encrypted
with a key of that region and locked like the home vault. In prod, a restore testing plan restores the latest
Aurora and EFS points every month into this VPC and discards them after a short validation window.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.base import Component, Platform, service_trust
from components.config.backup import BackupConfig, vault_lock_bounds
from components.interfaces import Bucket, NotificationTopic, RestorableDatabase, SharedFiles
from components.kms import EncryptionKey, EncryptionKeyArgs

# The AWS managed policies of AWS Backup's service roles (https://docs.aws.amazon.com/aws-backup/latest/devguide/
# iam-service-roles.html). The backup role, which the selections name, backs up and copies: every type, and S3 with
# its own policy. Restoring creates resources (a database cluster, a file system) and writes into them, so only the
# restore tests' role may, and only the types they restore (Aurora, EFS: not S3).
BACKUP_POLICIES = {
    "backup": "service-role/AWSBackupServiceRolePolicyForBackup",
    "s3-backup": "AWSBackupServiceRolePolicyForS3Backup",
}
RESTORE_TEST_POLICIES = {"restores": "service-role/AWSBackupServiceRolePolicyForRestores"}
# Failed jobs only. AWS Backup reports a backup or restore job's outcome, failure included, in its COMPLETED
# event (the message's State says which); the *_FAILED variants of those two are deprecated and never sent.
NOTIFIED_EVENTS = [
    "BACKUP_JOB_COMPLETED",
    "COPY_JOB_FAILED",
    "RESTORE_JOB_COMPLETED",
    "S3_BACKUP_OBJECT_FAILED",
    "S3_RESTORE_OBJECT_FAILED",
]
DAILY_SCHEDULE = "cron(0 5 ? * * *)"  # 05:00 UTC, the quietest hour of the seed's traffic
MONTHLY_SCHEDULE = "cron(0 5 1 * ? *)"
START_WINDOW_MINUTES = 60
COMPLETION_WINDOW_MINUTES = 8 * 60
# Restore tests mid-month, away from the monthly backup; a restored copy is kept an hour for checks, then deleted.
RESTORE_TEST_SCHEDULE = "cron(0 8 15 * ? *)"
RESTORE_TEST_START_WINDOW_HOURS = 24
RESTORE_TEST_VALIDATION_HOURS = 1
RESTORE_TEST_POINTS_WITHIN_DAYS = 7


@dataclass(frozen=True, kw_only=True)
class BackupArgs:
    config: BackupConfig
    uploads_bucket: Bucket
    shared_files: SharedFiles
    """Backed up, and restored in tests under its own key."""
    database: RestorableDatabase
    """Backed up, and restored in tests into its own subnet group and security group."""
    alarm_topic: NotificationTopic
    """Where failed jobs are reported."""


class Backup(Component):
    vault_arn: pulumi.Output[str]
    dr_vault_arn: pulumi.Output[str] | None
    dr_key_arn: pulumi.Output[str] | None
    """The DR region's key, which the apps' secrets' replicas are encrypted with too."""
    plan_id: pulumi.Output[str]
    role_arn: pulumi.Output[str]

    def __init__(
        self, name: str, platform: Platform, args: BackupArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, platform, opts)
        config = args.config
        vault, _ = self._vault(name, None, config.home_retentions, config)
        self.vault_arn = vault.arn
        dr_vault, dr_key_arn = (
            self._vault(f"{name}-dr", config.dr_region, config.dr_retentions, config)
            if config.dr_region
            else (None, None)
        )
        self.dr_vault_arn = dr_vault.arn if dr_vault else None
        # The key's, not the vault's: what else it encrypts (the apps' secrets' replicas) need not wait for the vault.
        self.dr_key_arn = dr_key_arn
        if dr_vault is None:
            pulumi.log.info(
                f"{platform.name_prefix}: no sentinel:backup.drRegion, so recovery points stay in {platform.region} "
                "only (no disaster-recovery vault or copies)",
                self,
            )
        aws.backup.VaultNotifications(
            name,
            backup_vault_name=vault.name,
            sns_topic_arn=args.alarm_topic.arn,
            backup_vault_events=NOTIFIED_EVENTS,
            opts=self.child(),
        )

        role = self._service_role(name, "backup", BACKUP_POLICIES)
        self.role_arn = role.arn

        plan = aws.backup.Plan(
            name,
            rules=[
                self._rule(
                    "daily",
                    DAILY_SCHEDULE,
                    vault=vault,
                    dr_vault=dr_vault,
                    retention=config.daily_retention_days,
                    dr_retention=config.dr_daily_retention_days,
                    cold_storage_after=None,
                ),
                self._rule(
                    "monthly",
                    MONTHLY_SCHEDULE,
                    vault=vault,
                    dr_vault=dr_vault,
                    retention=config.monthly_retention_days,
                    dr_retention=config.dr_monthly_retention_days,
                    cold_storage_after=config.monthly_cold_storage_after_days,
                ),
            ],
            tags={"Name": platform.name("backup")},
            opts=self.child(),
        )
        self.plan_id = plan.id
        protected = {
            "uploads": args.uploads_bucket.arn,
            "file-system": args.shared_files.arn,
            "database": args.database.cluster_arn,
        }
        for kind, arn in protected.items():
            aws.backup.Selection(
                f"{name}-{kind}", plan_id=plan.id, iam_role_arn=role.arn, resources=[arn], opts=self.child()
            )
        if config.restore_tests:
            restore_role = self._service_role(f"{name}-restore-tests", "restore-tests", RESTORE_TEST_POLICIES)
            self._restore_tests(name, args, vault, restore_role)
        self.register_outputs({"vaultArn": self.vault_arn, "drVaultArn": self.dr_vault_arn, "planId": self.plan_id})

    def _service_role(self, name: str, purpose: str, policies: dict[str, str]) -> aws.iam.Role:
        """A role AWS Backup of this account assumes, holding `policies` (AWS managed, by purpose)."""
        role = self.role(name, purpose, service_trust("backup.amazonaws.com", self.platform.account_id))
        for policy_purpose, policy in policies.items():
            self.attach_managed_policy(name, role, policy, policy_purpose)
        return role

    def _vault(
        self, name: str, region: str | None, retentions: tuple[int, ...], config: BackupConfig
    ) -> tuple[aws.backup.Vault, pulumi.Output[str]]:
        """The vault of `region` (the stack's when None) and the ARN of the key it encrypts with."""
        platform = self.platform
        suffix = "-dr" if region else ""
        key = EncryptionKey(
            f"{name}-key",
            platform,
            EncryptionKeyArgs(
                description=f"AWS Backup vault of {platform.name_prefix}{' (disaster recovery)' if region else ''}",
                purpose=f"backup-vault{suffix}",
                region=region,
            ),
            opts=self.child(),
        )
        vault = aws.backup.Vault(
            name,
            kms_key_arn=key.arn,
            region=region,
            # Only dev's vaults may be destroyed with their recovery points.
            force_destroy=platform.environment == "dev",
            tags={"Name": platform.name(f"backup{suffix}")},
            opts=self.stateful(),
        )
        if config.vault_lock != "none":
            minimum, maximum = vault_lock_bounds(retentions)
            aws.backup.VaultLockConfiguration(
                name,
                backup_vault_name=vault.name,
                min_retention_days=minimum,
                max_retention_days=maximum,
                # Without a grace period the lock is in governance mode: removable with the right permission.
                changeable_for_days=config.compliance_lock_grace_days if config.vault_lock == "compliance" else None,
                region=region,
                opts=self.child(),
            )
        return vault, key.arn

    def _rule(
        self,
        rule_name: str,
        schedule: str,
        *,
        vault: aws.backup.Vault,
        dr_vault: aws.backup.Vault | None,
        retention: int,
        dr_retention: int,
        cold_storage_after: int | None,
    ) -> aws.backup.PlanRuleArgs:
        """One rule; `cold_storage_after` applies to the types with a cold tier (EFS), the others stay warm."""
        return aws.backup.PlanRuleArgs(
            rule_name=rule_name,
            target_vault_name=vault.name,
            schedule=schedule,
            start_window=START_WINDOW_MINUTES,
            completion_window=COMPLETION_WINDOW_MINUTES,
            lifecycle=aws.backup.PlanRuleLifecycleArgs(cold_storage_after=cold_storage_after, delete_after=retention),
            copy_actions=[
                aws.backup.PlanRuleCopyActionArgs(
                    destination_vault_arn=dr_vault.arn,
                    lifecycle=aws.backup.PlanRuleCopyActionLifecycleArgs(
                        cold_storage_after=cold_storage_after, delete_after=dr_retention
                    ),
                )
            ]
            if dr_vault is not None
            else None,
        )

    def _restore_tests(self, name: str, args: BackupArgs, vault: aws.backup.Vault, role: aws.iam.Role) -> None:
        # Fixed names: AWS Backup allows only letters, digits and _ in them, which the provider's auto-names
        # (with -) break. A replacement therefore deletes the old plan first.
        plan_name = f"{self.platform.name_prefix.replace('-', '_')}_restore_tests"
        plan = aws.backup.RestoreTestingPlan(
            name,
            name=plan_name,
            schedule_expression=RESTORE_TEST_SCHEDULE,
            start_window_hours=RESTORE_TEST_START_WINDOW_HOURS,
            recovery_point_selection=aws.backup.RestoreTestingPlanRecoveryPointSelectionArgs(
                algorithm="LATEST_WITHIN_WINDOW",
                include_vaults=[vault.arn],
                recovery_point_types=["SNAPSHOT"],
                selection_window_days=RESTORE_TEST_POINTS_WITHIN_DAYS,
            ),
            tags={"Name": self.platform.name("restore-tests")},
            opts=self.child(delete_before_replace=True),
        )
        # Restores land in this VPC: the database in its own subnet group and security group, files under the
        # file system's key (AWS Backup would otherwise pick the default VPC and the AWS-managed key).
        shared_files, database = args.shared_files, args.database
        selections: list[tuple[str, str, pulumi.Input[str], dict[str, pulumi.Input[str]]]] = [
            (
                "efs",
                "EFS",
                shared_files.arn,
                {"encrypted": "true", "kmskeyid": shared_files.key_arn, "newfilesystem": "true"},
            ),
            (
                "aurora",
                "Aurora",
                database.cluster_arn,
                {
                    "dbsubnetgroupname": database.subnet_group_name,
                    "vpcsecuritygroupids": pulumi.Output.json_dumps([database.security_group_id]),
                },
            ),
        ]
        for selection_name, resource_type, arn, overrides in selections:
            aws.backup.RestoreTestingSelection(
                f"{name}-{selection_name}",
                name=selection_name,
                restore_testing_plan_name=plan.name,
                protected_resource_type=resource_type,
                protected_resource_arns=[arn],
                iam_role_arn=role.arn,
                restore_metadata_overrides=overrides,
                validation_window_hours=RESTORE_TEST_VALIDATION_HOURS,
                opts=self.child(delete_before_replace=True),
            )
