"""Project Sentinel's platform: read the stack's config, wire the components, export what operators need.

One statement per component, in dependency order; each takes the platform, its own config section and the
components before it that it stands on.
"""

import pulumi

from components import config as stack_config
from components.alarm_topic import AlarmTopic, AlarmTopicArgs
from components.app_secrets import DisasterRecoveryKey
from components.backup import Backup, BackupArgs
from components.base import Platform, aws_provider, cloudflare_provider
from components.bastion import Bastion, BastionArgs
from components.cache import Cache, CacheArgs
from components.certificate import Certificate, CertificateArgs
from components.cluster import Cluster, ClusterArgs
from components.database import Database, DatabaseArgs
from components.database_roles import database_users
from components.deploy_runner import DeployRunner, DeployRunnerArgs
from components.dns import Dns, DnsArgs
from components.edge import Edge, EdgeArgs
from components.file_system import FileSystem, FileSystemArgs
from components.ingress import Ingress, IngressArgs
from components.logical_backup import LogicalBackup, LogicalBackupArgs
from components.monitoring import Monitoring, MonitoringArgs
from components.network import Network, NetworkArgs
from components.registry import Registry, RegistryArgs
from components.security import Security, SecurityArgs
from components.storage import Storage, StorageArgs
from components.workloads import Workloads, WorkloadsArgs

config = stack_config.load()
platform = Platform.of(config)
aws = aws_provider(config, pulumi.get_stack())
on_aws = pulumi.ResourceOptions(providers=[aws])
on_cloudflare = pulumi.ResourceOptions(providers=[cloudflare_provider(stack_config.load_cloudflare_api_token())])
on_aws_and_cloudflare = pulumi.ResourceOptions.merge(on_aws, on_cloudflare)

network = Network("network", platform, NetworkArgs(config=config.network), opts=on_aws)
security = Security(
    "security",
    platform,
    SecurityArgs(network=network, apps=config.apps, cloudflare=config.cloudflare, smtp_port=config.workloads.smtp_port),
    opts=on_aws,
)
groups = security.group_ids
alarm_topic = AlarmTopic("alarms", platform, AlarmTopicArgs(config=config.monitoring), opts=on_aws)
# The deploy and preview jobs run here, inside the VPC, to reach the private API endpoint (design D16).
deploy_runner = (
    DeployRunner(
        "deploy-runner",
        platform,
        DeployRunnerArgs(config=config.deploy_runner, network=network, security_group_id=groups["deployrunner"]),
        opts=on_aws,
    )
    if config.deploy_runner.enabled
    else None
)

registry = Registry("registry", platform, RegistryArgs(config=config.registry, apps=list(config.apps)), opts=on_aws)
# Before the cluster: the EFS driver's node plugin gets its role, limited to the apps' access point, with its add-on.
file_system = FileSystem(
    "file-system", platform, FileSystemArgs(network=network, security_group_id=groups["efs"]), opts=on_aws
)
cluster = Cluster(
    "cluster",
    platform,
    ClusterArgs(
        config=config.cluster,
        nodes=config.nodes,
        network=network,
        node_security_group_id=groups["webapp"],
        control_plane_security_group_id=groups["controlplane"],
        shared_files=file_system,
    ),
    opts=on_aws,
)
if config.bastion.enabled:
    Bastion(
        "bastion",
        platform,
        BastionArgs(config=config.bastion, network=network, security_group_id=groups["bastion"]),
        opts=on_aws,
    )

# Every app, and the logical backup, signs in to the database and the cache as a user of its own (design D6).
users = database_users(config.apps)
database = Database(
    "database",
    platform,
    DatabaseArgs(
        config=config.database,
        network=network,
        security_group_id=groups["database"],
        proxy_security_group_id=groups["proxy"],
        alarm_topic=alarm_topic,
        users=[user.name for user in users],
    ),
    opts=on_aws,
)
cache = Cache(
    "cache",
    platform,
    CacheArgs(config=config.cache, network=network, security_group_id=groups["cache"], apps=list(config.apps)),
    opts=on_aws,
)
dns = Dns("dns", platform, DnsArgs(network=network, database=database, cache=cache), opts=on_aws)

storage = Storage(
    "storage", platform, StorageArgs(config=config.storage, apps=config.apps, domain=config.domain), opts=on_aws
)
backup = Backup(
    "backup",
    platform,
    BackupArgs(
        config=config.backup,
        uploads_bucket=storage.uploads,
        shared_files=file_system,
        database=database,
        alarm_topic=alarm_topic,
    ),
    opts=on_aws,
)

# The certificate comes first: the ALB presents it, and the edge then points the apps' records at the ALB.
certificate = Certificate(
    "certificate",
    platform,
    CertificateArgs(domain=config.domain, apps=config.apps, cloudflare=config.cloudflare),
    opts=on_aws_and_cloudflare,
)
ingress = Ingress(
    "ingress",
    platform,
    IngressArgs(
        config=config.ingress,
        apps=config.apps,
        domain=config.domain,
        network=network,
        security_group_id=groups["alb"],
        cluster=cluster,
        certificate=certificate,
        access_logs=storage.alb_logs,
        # Only the stack that configures the zone has the request-header rule that adds the origin secret.
        authenticate_origin=config.cloudflare.manages_zone,
    ),
    opts=on_aws,
)
edge = Edge(
    "edge",
    platform,
    EdgeArgs(
        domain=config.domain,
        apps=config.apps,
        cloudflare=config.cloudflare,
        origin=ingress,
        nat_public_ips=network.nat_public_ips,
    ),
    opts=on_cloudflare,
)

workloads = Workloads(
    "workloads",
    platform,
    WorkloadsArgs(
        config=config.workloads,
        apps=config.apps,
        domain=config.domain,
        cluster=cluster,
        registry=registry,
        network=network,
        database=database,
        database_users=users,
        database_roles_image_tag=config.database.roles_image_tag,
        # The apps' secrets survive the region: a replica in the DR region, under the DR vault's key.
        secrets_replica=DisasterRecoveryKey(config.backup.dr_region, backup.dr_key_arn)
        if config.backup.dr_region and backup.dr_key_arn
        else None,
        cache=cache,
        uploads_bucket=storage.uploads,
        backups_bucket=storage.backups,
        shared_files=file_system,
    ),
    opts=on_aws,
)
# The seed's daily pg_dump, beside the apps. Named as its resources were when they were the workloads': the aliases
# to their previous parent need the same names.
logical_backup = LogicalBackup(
    "workloads-logical-backup",
    platform,
    LogicalBackupArgs(
        config=config.workloads.logical_backup,
        namespace=workloads,
        cluster=cluster,
        database=database,
        database_users=workloads.database_roles.job,
        bucket=storage.backups,
        previous_parent=workloads,
    ),
    opts=on_aws,
)

monitoring = Monitoring(
    "monitoring",
    platform,
    MonitoringArgs(
        config=config.monitoring,
        alarm_topic=alarm_topic,
        cluster=cluster,
        load_balancer=ingress,
        database=database,
        cache=cache,
        logical_backup=logical_backup,
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
# Where the apps connect (each as its own IAM user: no password anywhere), the master's secret, the operators' names.
pulumi.export("databaseEndpoints", {"writer": database.writer_endpoint, "reader": database.reader_endpoint})
pulumi.export("cacheEndpoints", {"primary": cache.primary_endpoint, "reader": cache.reader_endpoint})
pulumi.export("databaseMasterSecretArn", database.master_secret_arn)
pulumi.export("privateNames", dns.names)
pulumi.export("buckets", {"uploads": storage.uploads.name, "backups": storage.backups.name, "logs": storage.logs.name})
pulumi.export("fileSystem", {"id": file_system.id, "accessPointId": file_system.access_point_id})
pulumi.export("backupVaults", {"home": backup.vault_arn, "dr": backup.dr_vault_arn})
pulumi.export("certificateArn", certificate.arn)
pulumi.export("alarmTopicArn", alarm_topic.arn)
pulumi.export("dashboardName", monitoring.dashboard_name)
pulumi.export("loadBalancerDnsName", ingress.dns_name)
pulumi.export("appsNamespace", workloads.namespace)
