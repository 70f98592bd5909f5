"""Project Sentinel's platform: read the stack's config, wire the components, export what operators need.

One line per component, in dependency order; each takes the platform, its own config section and the
outputs of the components before it.
"""

import pulumi

from components import config as stack_config
from components.base import Platform, aws_provider
from components.bastion import Bastion, BastionArgs
from components.cluster import Cluster, ClusterArgs
from components.monitoring import ClusterMetrics, Monitoring, MonitoringArgs
from components.network import Network, NetworkArgs
from components.registry import Registry, RegistryArgs
from components.security import Security, SecurityArgs

config = stack_config.load()
platform = Platform.of(config)
on_aws = pulumi.ResourceOptions(providers=[aws_provider(config, pulumi.get_stack())])

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

pulumi.export("vpcId", network.vpc_id)
pulumi.export("subnetIds", network.subnet_ids)
pulumi.export("securityGroupIds", security.group_ids)
pulumi.export("clusterName", cluster.name)
pulumi.export("kubeconfig", cluster.kubeconfig)
pulumi.export("nodeAutoscalingGroupName", cluster.autoscaling_group_name)
pulumi.export("repositoryUrls", registry.repository_urls)
pulumi.export("alarmTopicArn", monitoring.topic_arn)
pulumi.export("dashboardName", monitoring.dashboard_name)
