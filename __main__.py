"""Project Sentinel's platform: read the stack's config, wire the components, export what operators need.

One line per component, in dependency order; each takes the platform, its own config section and the
outputs of the components before it.
"""

import pulumi

from components import config as stack_config
from components.alarm_topic import AlarmTopic, AlarmTopicArgs
from components.backup import Backup, BackupArgs
from components.base import Platform, aws_provider, cloudflare_provider
from components.bastion import Bastion, BastionArgs
from components.cache import Cache, CacheArgs
from components.certificate import Certificate, CertificateArgs
from components.cluster import Cluster, ClusterArgs
from components.database import Database, DatabaseArgs
from components.deploy_runner import DeployRunner, DeployRunnerArgs
from components.dns import Dns, DnsArgs
from components.edge import Edge, EdgeArgs
from components.file_system import FileSystem, FileSystemArgs
from components.ingress import Ingress, IngressArgs
from components.monitoring import (
    CacheMetrics,
    ClusterMetrics,
    DatabaseMetrics,
    LoadBalancerMetrics,
    LogicalBackupMetrics,
    Monitoring,
    MonitoringArgs,
)
from components.network import Network, NetworkArgs
from components.registry import Registry, RegistryArgs
from components.security import Security, SecurityArgs
from components.storage import Storage, StorageArgs
from components.workloads import Bucket, DataEndpoints, SharedFiles, Workloads, WorkloadsArgs

config = stack_config.load()
platform = Platform.of(config)
aws = aws_provider(config, pulumi.get_stack())
on_aws = pulumi.ResourceOptions(providers=[aws])
on_cloudflare = pulumi.ResourceOptions(providers=[cloudflare_provider(stack_config.load_cloudflare_api_token())])
on_aws_and_cloudflare = pulumi.ResourceOptions.merge(on_aws, on_cloudflare)
zones = config.network.availability_zones

network = Network("network", platform, NetworkArgs(config.network), opts=on_aws)
security = Security("security", platform, SecurityArgs(network.vpc_id, config.apps, config.cloudflare), opts=on_aws)
groups, private_subnets, data_subnets = security.group_ids, network.subnet_ids["private"], network.subnet_ids["data"]
alarm_topic = AlarmTopic("alarms", platform, AlarmTopicArgs(config.monitoring), opts=on_aws)
# The deploy and preview jobs run here, inside the VPC, to reach the private API endpoint (design D16).
deploy_runner = (
    DeployRunner(
        "deploy-runner",
        platform,
        DeployRunnerArgs(config.deploy_runner, network.vpc_id, private_subnets, groups["deployrunner"]),
        opts=on_aws,
    )
    if config.deploy_runner.enabled
    else None
)

registry = Registry("registry", platform, RegistryArgs(config.registry, list(config.apps)), opts=on_aws)
# Before the cluster: the EFS driver's node plugin gets its role, limited to the apps' access point, with its add-on.
file_system = FileSystem(
    "file-system", platform, FileSystemArgs(config.network, data_subnets, groups["efs"]), opts=on_aws
)
cluster = Cluster(
    "cluster",
    platform,
    ClusterArgs(
        config.cluster,
        config.nodes,
        private_subnets,
        groups["webapp"],
        groups["controlplane"],
        file_system_arn=file_system.arn,
        access_point_arn=file_system.access_point_arn,
    ),
    opts=on_aws,
)
if config.bastion.enabled:
    Bastion("bastion", platform, BastionArgs(config.bastion, private_subnets, groups["bastion"]), opts=on_aws)

database = Database(
    "database",
    platform,
    DatabaseArgs(config.database, zones, data_subnets, groups["database"], groups["proxy"], alarm_topic.arn),
    opts=on_aws,
)
cache = Cache("cache", platform, CacheArgs(config.cache, zones, data_subnets, groups["cache"]), opts=on_aws)
dns = Dns(
    "dns",
    platform,
    DnsArgs(
        network.vpc_id,
        database.writer_endpoint,
        database.reader_endpoint,
        cache.primary_endpoint,
        cache.reader_endpoint,
    ),
    opts=on_aws,
)

storage = Storage("storage", platform, StorageArgs(config.storage, config.apps, config.domain), opts=on_aws)
backup = Backup(
    "backup",
    platform,
    BackupArgs(
        config.backup,
        uploads_bucket_arn=storage.uploads.arn,
        file_system_arn=file_system.arn,
        file_system_key_arn=file_system.key_arn,
        database_security_group_id=groups["database"],
        database_cluster_arn=database.cluster_arn,
        database_subnet_group_name=database.subnet_group_name,
        alarm_topic_arn=alarm_topic.arn,
    ),
    opts=on_aws,
)

# The certificate comes first: the ALB presents it, and the edge then points the apps' records at the ALB.
certificate = Certificate(
    "certificate", platform, CertificateArgs(config.domain, config.apps, config.cloudflare), opts=on_aws_and_cloudflare
)
ingress = Ingress(
    "ingress",
    platform,
    IngressArgs(
        config.ingress,
        config.apps,
        config.domain,
        network.vpc_id,
        network.subnet_ids["public"],
        groups["alb"],
        cluster.autoscaling_group_name,
        certificate_arn=certificate.arn,
        access_logs=storage.alb_logs,
    ),
    opts=on_aws,
)
edge = Edge(
    "edge",
    platform,
    EdgeArgs(config.domain, config.apps, config.cloudflare, ingress.dns_name, nat_public_ips=network.nat_public_ips),
    opts=on_cloudflare,
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
        data=DataEndpoints(database.url, database.read_replica_url, cache.url, cache.auth_token),
        uploads_bucket=Bucket(storage.uploads.name, storage.uploads.arn, storage.uploads.key_arn),
        backups_bucket=Bucket(storage.backups.name, storage.backups.arn, storage.backups.key_arn),
        shared_files=SharedFiles(
            file_system.id, file_system.arn, file_system.access_point_id, file_system.access_point_arn
        ),
    ),
    opts=on_aws,
)

monitoring = Monitoring(
    "monitoring",
    platform,
    MonitoringArgs(
        config.monitoring,
        alarm_topic.arn,
        cluster=ClusterMetrics(cluster.name, cluster.autoscaling_group_name),
        database=DatabaseMetrics(
            database.cluster_identifier,
            database.reader_identifiers,
            config.database.instance_class,
            serverless_max_capacity=config.database.serverless_capacity.maximum if config.database.serverless else None,
            proxy_name=database.proxy_name,
            proxy_max_connections_percent=config.database.proxy.max_connections_percent,
        ),
        cache=CacheMetrics(cache.replication_group_id, 1 + config.cache.replicas),
        load_balancer=LoadBalancerMetrics(ingress.arn_suffix, ingress.target_group_arn_suffixes),
        logical_backup=(
            LogicalBackupMetrics(workloads.logical_backup_name) if workloads.logical_backup_name is not None else None
        ),
    ),
    opts=on_aws,
)

pulumi.export("vpcId", network.vpc_id)
pulumi.export("subnetIds", network.subnet_ids)
pulumi.export("securityGroupIds", groups)
pulumi.export("deployRunnerProject", deploy_runner.project_name if deploy_runner else None)
pulumi.export("clusterName", cluster.name)
pulumi.export("kubeconfig", cluster.kubeconfig)
pulumi.export("nodeAutoscalingGroupName", cluster.autoscaling_group_name)
pulumi.export("repositoryUrls", registry.repository_urls)
# The apps' connection URLs (secret), the secrets holding the credentials, the operators' names.
pulumi.export("DATABASE_URL", database.url)
pulumi.export("DATABASE_READ_REPLICA_URL", database.read_replica_url)
pulumi.export("REDIS_URL", cache.url)
pulumi.export("databaseSecretArn", database.secret_arn)
pulumi.export("cacheSecretArn", cache.secret_arn)
pulumi.export("privateNames", dns.names)
pulumi.export("buckets", {"uploads": storage.uploads.name, "backups": storage.backups.name, "logs": storage.logs.name})
pulumi.export("fileSystem", {"id": file_system.id, "accessPointId": file_system.access_point_id})
pulumi.export("backupVaults", {"home": backup.vault_arn, "dr": backup.dr_vault_arn})
pulumi.export("certificateArn", certificate.arn)
pulumi.export("alarmTopicArn", alarm_topic.arn)
pulumi.export("dashboardName", monitoring.dashboard_name)
pulumi.export("loadBalancerDnsName", ingress.dns_name)
pulumi.export("appsNamespace", workloads.namespace)
