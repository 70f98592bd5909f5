"""Project Sentinel's platform: read the stack's config, wire the components, export what operators need.

One line per component, in dependency order; each takes the platform, its own config section and the
outputs of the components before it.
"""

import pulumi

from components import config as stack_config
from components.backup import Backup, BackupArgs
from components.base import Platform, aws_provider, cloudflare_provider
from components.bastion import Bastion, BastionArgs
from components.certificate import Certificate, CertificateArgs
from components.cluster import Cluster, ClusterArgs
from components.edge import Edge, EdgeArgs
from components.file_system import FileSystem, FileSystemArgs
from components.monitoring import ClusterMetrics, Monitoring, MonitoringArgs
from components.network import Network, NetworkArgs
from components.registry import Registry, RegistryArgs
from components.security import Security, SecurityArgs
from components.storage import Storage, StorageArgs

config = stack_config.load()
platform = Platform.of(config)
aws = aws_provider(config, pulumi.get_stack())
on_aws = pulumi.ResourceOptions(providers=[aws])
on_cloudflare = pulumi.ResourceOptions(providers=[cloudflare_provider(stack_config.load_cloudflare_api_token())])
on_aws_and_cloudflare = pulumi.ResourceOptions.merge(on_aws, on_cloudflare)

network = Network("network", platform, NetworkArgs(config.network), opts=on_aws)
security = Security("security", platform, SecurityArgs(network.vpc_id, config.apps, config.cloudflare), opts=on_aws)
registry = Registry("registry", platform, RegistryArgs(config.registry, list(config.apps)), opts=on_aws)
cluster = Cluster(
    "cluster",
    platform,
    ClusterArgs(
        config.cluster,
        config.nodes,
        network.subnet_ids["private"],
        security.group_ids["webapp"],
        security.group_ids["controlplane"],
    ),
    opts=on_aws,
)
if config.bastion.enabled:
    Bastion(
        "bastion",
        platform,
        BastionArgs(config.bastion, network.subnet_ids["private"], security.group_ids["bastion"]),
        opts=on_aws,
    )
monitoring = Monitoring(
    "monitoring",
    platform,
    MonitoringArgs(config.monitoring, cluster=ClusterMetrics(cluster.name, cluster.autoscaling_group_name)),
    opts=on_aws,
)
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
        alarm_topic_arn=monitoring.topic_arn,
    ),
    opts=on_aws,
)
# Tier 11, the edge. The ingress (ALB) takes certificate.arn; the edge then takes the ALB's DNS name.
certificate = Certificate(
    "certificate", platform, CertificateArgs(config.domain, config.apps, config.cloudflare), opts=on_aws_and_cloudflare
)
edge = Edge("edge", platform, EdgeArgs(config.domain, config.apps, config.cloudflare), opts=on_cloudflare)

pulumi.export("vpcId", network.vpc_id)
pulumi.export("subnetIds", network.subnet_ids)
pulumi.export("securityGroupIds", security.group_ids)
pulumi.export("clusterName", cluster.name)
pulumi.export("kubeconfig", cluster.kubeconfig)
pulumi.export("nodeAutoscalingGroupName", cluster.autoscaling_group_name)
pulumi.export("repositoryUrls", registry.repository_urls)
pulumi.export("alarmTopicArn", monitoring.topic_arn)
pulumi.export("dashboardName", monitoring.dashboard_name)
pulumi.export("buckets", {"uploads": storage.uploads.name, "backups": storage.backups.name, "logs": storage.logs.name})
pulumi.export("fileSystem", {"id": file_system.id, "accessPointId": file_system.access_point_id})
pulumi.export("backupVaults", {"home": backup.vault_arn, "dr": backup.dr_vault_arn})
pulumi.export("certificateArn", certificate.arn)
