"""Project Sentinel's platform: read the stack's config, wire the components, export what operators need.

One line per component, in dependency order; each takes the platform, its own config section and the
outputs of the components before it.
"""

import pulumi

from components import config as stack_config
from components.backup import Backup, BackupArgs
from components.base import Platform, aws_provider
from components.file_system import FileSystem, FileSystemArgs
from components.network import Network, NetworkArgs
from components.security import Security, SecurityArgs
from components.storage import Storage, StorageArgs

config = stack_config.load()
platform = Platform.of(config)
on_aws = pulumi.ResourceOptions(providers=[aws_provider(config, pulumi.get_stack())])

network = Network("network", platform, NetworkArgs(config.network), opts=on_aws)
security = Security("security", platform, SecurityArgs(network.vpc_id, config.apps, config.cloudflare), opts=on_aws)
# Storage and backup tier.
storage = Storage("storage", platform, StorageArgs(config.storage, config.apps, config.domain), opts=on_aws)
file_system = FileSystem(
    "file-system",
    platform,
    FileSystemArgs(config.network, network.subnet_ids["data"], security.group_ids["efs"]),
    opts=on_aws,
)
backup = Backup(
    "backup",
    platform,
    BackupArgs(
        config.backup,
        uploads_bucket_arn=storage.uploads.arn,
        file_system_arn=file_system.arn,
        file_system_key_arn=file_system.key_arn,
        database_security_group_id=security.group_ids["database"],
    ),
    opts=on_aws,
)

pulumi.export("vpcId", network.vpc_id)
pulumi.export("subnetIds", network.subnet_ids)
pulumi.export("securityGroupIds", security.group_ids)
pulumi.export("buckets", {"uploads": storage.uploads.name, "backups": storage.backups.name, "logs": storage.logs.name})
pulumi.export("fileSystem", {"id": file_system.id, "accessPointId": file_system.access_point_id})
pulumi.export("backupVaults", {"home": backup.vault_arn, "dr": backup.dr_vault_arn})
