"""Project Sentinel's platform: read the stack's config, wire the components, export what operators need.

One line per component, in dependency order; each takes the platform, its own config section and the
outputs of the components before it.
"""

import pulumi

from components import config as stack_config
from components.base import Platform, aws_provider
from components.bastion import Bastion, BastionArgs
from components.cluster import Cluster, ClusterArgs
from components.ingress import Ingress, IngressArgs
from components.monitoring import ClusterMetrics, LoadBalancerMetrics, LogicalBackupMetrics, Monitoring, MonitoringArgs
from components.network import Network, NetworkArgs
from components.registry import Registry, RegistryArgs
from components.security import Security, SecurityArgs
from components.workloads import Workloads, WorkloadsArgs

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
# Tier 10. The edge tier's certificate (certificate_arn=) and the storage tier's log bucket (access_log_bucket=)
# are IngressArgs' optional arguments; the data and storage tiers' outputs are WorkloadsArgs' (data=,
# uploads_bucket=, backups_bucket=, shared_files=).
ingress = Ingress(
    "ingress",
    platform,
    IngressArgs(
        config.ingress,
        config.apps,
        config.domain,
        network.vpc_id,
        network.subnet_ids["public"],
        security.group_ids["alb"],
        cluster.autoscaling_group_name,
    ),
    opts=on_aws,
)
subnet_cidrs = config.network.subnet_layout()
workloads = Workloads(
    "workloads",
    platform,
    WorkloadsArgs(
        config.workloads,
        config.apps,
        config.domain,
        config.cluster.version,
        cluster.name,
        cluster.provider,
        registry.repository_urls,
        node_cidrs=[str(cidr) for cidr in subnet_cidrs["private"]],
        data_cidrs=[str(cidr) for cidr in subnet_cidrs["data"]],
    ),
    opts=on_aws,
)
monitoring = Monitoring(
    "monitoring",
    platform,
    MonitoringArgs(
        config.monitoring,
        cluster=ClusterMetrics(cluster.name, cluster.autoscaling_group_name),
        load_balancer=LoadBalancerMetrics(ingress.arn_suffix, ingress.target_group_arn_suffixes),
        logical_backup=(
            LogicalBackupMetrics(workloads.logical_backup_name) if workloads.logical_backup_name is not None else None
        ),
    ),
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
pulumi.export("loadBalancerDnsName", ingress.dns_name)
pulumi.export("appsNamespace", workloads.namespace)
