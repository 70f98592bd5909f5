"""The shared EFS file system (seed: "File Storage"): encrypted, elastic throughput, a mount target in each
data subnet, one access point for the apps, and a policy that admits only TLS clients authenticated by IAM.

Clients mount with the efs-utils options `tls,iam` (the EFS CSI driver: `mountOptions: [tls, iam]`) through the
access point, and the identity that mounts needs `CLIENT_ACTIONS` on `arn`, which `mount_statement()` spells out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.base import Component, Platform, iam_document
from components.interfaces import SharedFiles, Vpc
from components.kms import EncryptionKey, EncryptionKeyArgs
from components.pods import APP_USER

CLIENT_ACTIONS = ("elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite")
"""What a workload's role must be granted to mount and write; root access (ClientRootAccess) is granted to no one."""
APP_ROOT_DIRECTORY = "/sentinel"


@dataclass(frozen=True, kw_only=True)
class FileSystemArgs:
    network: Vpc
    """Each of its data subnets gets a mount target."""
    security_group_id: pulumi.Input[str]


class FileSystem(Component):
    id: pulumi.Output[str]
    arn: pulumi.Output[str]
    key_arn: pulumi.Output[str]
    access_point_id: pulumi.Output[str]
    access_point_arn: pulumi.Output[str]

    def __init__(
        self, name: str, platform: Platform, args: FileSystemArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, platform, opts)
        key = EncryptionKey(
            f"{name}-key",
            platform,
            EncryptionKeyArgs(description=f"EFS file system of {platform.name_prefix}", purpose="file-system"),
            opts=self.child(),
        )
        file_system = aws.efs.FileSystem(
            name,
            encrypted=True,
            kms_key_id=key.arn,
            performance_mode="generalPurpose",
            throughput_mode="elastic",
            # Files untouched for 30 days cost a fraction in Infrequent Access, and come back on first access.
            lifecycle_policies=[
                aws.efs.FileSystemLifecyclePolicyArgs(transition_to_ia="AFTER_30_DAYS"),
                aws.efs.FileSystemLifecyclePolicyArgs(transition_to_primary_storage_class="AFTER_1_ACCESS"),
            ],
            tags={"Name": platform.name("shared-files")},
            opts=self.stateful(),
        )
        self.id, self.arn, self.key_arn = file_system.id, file_system.arn, key.arn
        # AWS Backup's plan (components/backup.py) selects this file system; EFS's own automatic backups would
        # back it up a second time, into the default vault.
        aws.efs.BackupPolicy(
            name,
            file_system_id=file_system.id,
            backup_policy=aws.efs.BackupPolicyBackupPolicyArgs(status="DISABLED"),
            opts=self.child(),
        )
        network = args.network
        for zone, subnet_id in zip(network.availability_zones, network.subnet_ids["data"], strict=True):
            aws.efs.MountTarget(
                f"{name}-{zone[-1]}",
                file_system_id=file_system.id,
                subnet_id=subnet_id,
                security_groups=[args.security_group_id],
                opts=self.child(),
            )
        access_point = aws.efs.AccessPoint(
            name,
            file_system_id=file_system.id,
            # The apps' own user: every file the apps write is theirs, whatever user a container claims.
            posix_user=aws.efs.AccessPointPosixUserArgs(uid=APP_USER, gid=APP_USER),
            root_directory=aws.efs.AccessPointRootDirectoryArgs(
                path=APP_ROOT_DIRECTORY,
                creation_info=aws.efs.AccessPointRootDirectoryCreationInfoArgs(
                    owner_uid=APP_USER, owner_gid=APP_USER, permissions="0750"
                ),
            ),
            tags={"Name": platform.name("shared-files-apps")},
            opts=self.child(),
        )
        self.access_point_id, self.access_point_arn = access_point.id, access_point.arn
        aws.efs.FileSystemPolicy(
            name,
            file_system_id=file_system.id,
            policy=iam_document(
                [
                    {
                        "Sid": "DenyPlainNfs",
                        "Effect": "Deny",
                        "Principal": {"AWS": "*"},
                        "Action": "*",
                        "Resource": file_system.arn,
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    },
                    {
                        # Only principals of this account whose IAM policy grants it (clients mounting with `iam`);
                        # anonymous clients match no Allow and are refused.
                        "Sid": "IamClientsOfThisAccount",
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{platform.account_id}:root"},
                        "Action": list(CLIENT_ACTIONS),
                        "Resource": file_system.arn,
                        "Condition": {"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}},
                    },
                ]
            ),
            opts=self.child(),
        )
        self.register_outputs(
            {
                "id": self.id,
                "arn": self.arn,
                "accessPointId": self.access_point_id,
                "accessPointArn": self.access_point_arn,
            }
        )


def mount_statement(shared_files: SharedFiles) -> dict[str, Any]:
    """The IAM statement an identity needs to mount the file system (with `iam`) through the apps' access point."""
    return {
        "Sid": "MountSharedFiles",
        "Effect": "Allow",
        "Action": list(CLIENT_ACTIONS),
        "Resource": shared_files.arn,
        "Condition": {"StringEquals": {"elasticfilesystem:AccessPointArn": shared_files.access_point_arn}},
    }
