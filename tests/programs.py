"""Partial programs: the few components a test is about, built from the stack's config and wired as `__main__.py`
wires them, with stand-ins for the components they take that the test is not about. A few dozen resources instead
of the whole program's hundreds: `run(wiring, stack, overrides)` records one as `offline.run` records the program.

This file is the program `run` hands the offline engine; the config key `tests:wiring` (outside the `sentinel:`
namespace, so the stack config never sees it) names the wiring it builds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

import offline
from components import config as stack_config
from components.alarm_topic import AlarmTopic, AlarmTopicArgs
from components.backup import Backup, BackupArgs
from components.base import Platform, aws_provider, cloudflare_provider
from components.bastion import Bastion, BastionArgs
from components.bucket import LogDestination
from components.cache import Cache, CacheArgs
from components.certificate import Certificate, CertificateArgs
from components.cluster import Cluster, ClusterArgs
from components.config import StackConfig, Tier
from components.database import Database, DatabaseArgs
from components.database_roles import database_users
from components.edge import Edge, EdgeArgs
from components.ingress import Ingress, IngressArgs
from components.interfaces import NotificationTopic
from components.monitoring import Monitoring, MonitoringArgs
from components.network import Network, NetworkArgs
from components.security import Security, SecurityArgs
from offline.graph import Graph

PROGRAM = Path(__file__)
NAMESPACE, KEY = "tests", "wiring"

ACCOUNT = "111111111111"
TOPIC_ARN = f"arn:aws:sns:us-east-1:{ACCOUNT}:sentinel-prod-alarms"


def run(
    wiring: Callable[[], None],
    stack: str,
    overrides: Mapping[str, Any] | None = None,
    *,
    stack_path: Path | None = None,
) -> Graph:
    """The graph of `wiring` (one of `WIRINGS`) on `stack`'s config with `overrides` applied."""
    if WIRINGS.get(wiring.__name__) is not wiring:
        raise ValueError(f"{wiring.__name__} is not a wiring of {PROGRAM}")
    return offline.run(
        stack, {**(overrides or {}), f"{NAMESPACE}:{KEY}": wiring.__name__}, stack_path=stack_path, program=PROGRAM
    )


@dataclass(frozen=True)
class RunningStack:
    """What every wiring starts from, as `__main__.py` does: the stack's config, its platform, its AWS provider."""

    config: StackConfig
    platform: Platform
    on_aws: pulumi.ResourceOptions

    @classmethod
    def load(cls) -> RunningStack:
        config = stack_config.load(test_namespaces=[NAMESPACE])
        options = pulumi.ResourceOptions(providers=[aws_provider(config, pulumi.get_stack())])
        return cls(config, Platform.of(config), options)


# --- Stand-ins for the components a wiring takes but a test is not about ------------------------------------------


@dataclass(frozen=True)
class StandInTopic:
    arn: str = TOPIC_ARN


@dataclass(frozen=True)
class StandInNetwork:
    """The stack's zones and address plan, with made-up subnet ids."""

    vpc_id: str
    availability_zones: Sequence[str]
    subnet_ids: Mapping[Tier, Sequence[str]]
    subnet_cidrs: Mapping[Tier, Sequence[str]]

    @classmethod
    def of(cls, config: StackConfig) -> StandInNetwork:
        zones = config.network.availability_zones
        layout = config.network.subnet_layout()
        return cls(
            vpc_id="vpc-1",
            availability_zones=zones,
            subnet_ids={tier: [f"subnet-{tier}-{zone[-1]}" for zone in zones] for tier in layout},
            subnet_cidrs={tier: [str(cidr) for cidr in cidrs] for tier, cidrs in layout.items()},
        )


@dataclass(frozen=True)
class StandInBucket:
    name: str = "uploads"
    arn: str = "arn:aws:s3:::uploads"


@dataclass(frozen=True)
class StandInSharedFiles:
    id: str = "fs-1"
    arn: str = f"arn:aws:elasticfilesystem:us-east-1:{ACCOUNT}:file-system/fs-1"
    key_arn: str = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/efs"
    access_point_id: str = "fsap-1"
    access_point_arn: str = f"arn:aws:elasticfilesystem:us-east-1:{ACCOUNT}:access-point/fsap-1"


@dataclass(frozen=True)
class StandInRestorableDatabase:
    cluster_arn: str = f"arn:aws:rds:us-east-1:{ACCOUNT}:cluster:sentinel-prod"
    subnet_group_name: str = "sentinel-prod-data"
    security_group_id: str = "sg-database"


@dataclass(frozen=True)
class StandInCluster:
    """The cluster as its alarms watch it, with no API to deploy to."""

    name: str
    version: str
    autoscaling_group_name: str = "eks-nodes"

    @property
    def configured_name(self) -> str:
        return self.name

    @property
    def provider(self) -> k8s.Provider:
        raise AssertionError("a stand-in cluster has no Kubernetes API")


@dataclass(frozen=True)
class StandInLoadBalancer:
    arn_suffix: str
    target_group_arn_suffixes: Mapping[str, str]


@dataclass(frozen=True)
class StandInJob:
    cron_job_name: str = "logical-backup"


# --- Wirings -------------------------------------------------------------------------------------------------------


def _network(stack: RunningStack, opts: pulumi.ResourceOptions) -> Network:
    return Network("network", stack.platform, NetworkArgs(config=stack.config.network), opts=opts)


def network() -> None:
    """The network alone."""
    stack = RunningStack.load()
    _network(stack, stack.on_aws)


def network_protected_by_its_caller() -> None:
    """The network, which its caller protects."""
    stack = RunningStack.load()
    _network(stack, pulumi.ResourceOptions.merge(stack.on_aws, pulumi.ResourceOptions(protect=True)))


def network_and_security() -> None:
    """The network and its security groups."""
    stack = RunningStack.load()
    Security(
        "security",
        stack.platform,
        SecurityArgs(
            network=_network(stack, stack.on_aws),
            apps=stack.config.apps,
            cloudflare=stack.config.cloudflare,
            smtp_port=stack.config.workloads.smtp_port,
        ),
        opts=stack.on_aws,
    )


def cluster_and_bastion() -> None:
    """The cluster and the bastion, on a stand-in network with stand-in security groups and shared files."""
    stack = RunningStack.load()
    config, platform, on_aws = stack.config, stack.platform, stack.on_aws
    placed = StandInNetwork.of(config)
    Cluster(
        "cluster",
        platform,
        ClusterArgs(
            config=config.cluster,
            nodes=config.nodes,
            network=placed,
            node_security_group_id="sg-webapp",
            control_plane_security_group_id="sg-controlplane",
            shared_files=StandInSharedFiles(),
        ),
        opts=on_aws,
    )
    if config.bastion.enabled:
        Bastion(
            "bastion",
            platform,
            BastionArgs(config=config.bastion, network=placed, security_group_id="sg-bastion"),
            opts=on_aws,
        )


def _database_and_cache(stack: RunningStack, alarm_topic: NotificationTopic) -> tuple[Database, Cache]:
    config, platform = stack.config, stack.platform
    placed = StandInNetwork.of(config)
    database = Database(
        "database",
        platform,
        DatabaseArgs(
            config=config.database,
            network=placed,
            security_group_id="sg-database",
            proxy_security_group_id="sg-proxy",
            alarm_topic=alarm_topic,
            users=[user.name for user in database_users(config.apps)],
        ),
        opts=stack.on_aws,
    )
    cache = Cache(
        "cache",
        platform,
        CacheArgs(config=config.cache, network=placed, security_group_id="sg-cache", apps=list(config.apps)),
        opts=stack.on_aws,
    )
    return database, cache


def data_tier() -> None:
    """The database and the cache on a stand-in network, sending events to a stand-in topic."""
    stack = RunningStack.load()
    _database_and_cache(stack, StandInTopic())


def alarm_topic() -> None:
    """The alarm topic alone."""
    stack = RunningStack.load()
    AlarmTopic("alarms", stack.platform, AlarmTopicArgs(config=stack.config.monitoring), opts=stack.on_aws)


def monitoring() -> None:
    """The alarms and the dashboard, notifying the alarm topic, watching the data tier (on a stand-in network) and
    stand-ins for the cluster, the load balancer and the logical backup."""
    stack = RunningStack.load()
    config, platform = stack.config, stack.platform
    topic = AlarmTopic("alarms", platform, AlarmTopicArgs(config=config.monitoring), opts=stack.on_aws)
    database, cache = _database_and_cache(stack, topic)
    Monitoring(
        "monitoring",
        platform,
        MonitoringArgs(
            config=config.monitoring,
            alarm_topic=topic,
            cluster=StandInCluster(name=platform.cluster_name, version=config.cluster.version),
            load_balancer=StandInLoadBalancer(
                arn_suffix="app/alb/1", target_group_arn_suffixes={app: f"targetgroup/{app}/1" for app in config.apps}
            ),
            database=database,
            cache=cache,
            logical_backup=StandInJob(),
        ),
        opts=stack.on_aws,
    )


def backup() -> None:
    """AWS Backup alone, given stand-ins for everything it backs up and for the alarm topic."""
    stack = RunningStack.load()
    Backup(
        "backup",
        stack.platform,
        BackupArgs(
            config=stack.config.backup,
            uploads_bucket=StandInBucket(),
            shared_files=StandInSharedFiles(),
            database=StandInRestorableDatabase(),
            alarm_topic=StandInTopic(),
        ),
        opts=stack.on_aws,
    )


def edge_behind_alb() -> None:
    """The certificate, the ALB and the edge in front of it, wired as `__main__.py` wires them (the ALB as the
    records' origin and the origin secret's checker, a NAT gateway's address into the edge), the ALB on a stand-in
    network and cluster, logging to a stand-in bucket."""
    stack = RunningStack.load()
    config, platform, on_aws = stack.config, stack.platform, stack.on_aws
    on_cloudflare = pulumi.ResourceOptions(providers=[cloudflare_provider(stack_config.load_cloudflare_api_token())])
    certificate = Certificate(
        "certificate",
        platform,
        CertificateArgs(domain=config.domain, apps=config.apps, cloudflare=config.cloudflare),
        opts=pulumi.ResourceOptions.merge(on_aws, on_cloudflare),
    )
    log_bucket_policy = pulumi.ComponentResource("tests:StandIn:BucketPolicy", "alb-logs")
    ingress = Ingress(
        "ingress",
        platform,
        IngressArgs(
            config=config.ingress,
            apps=config.apps,
            domain=config.domain,
            network=StandInNetwork.of(config),
            security_group_id="sg-alb",
            cluster=StandInCluster(name=platform.cluster_name, version=config.cluster.version),
            certificate=certificate,
            access_logs=LogDestination(bucket="logs", prefix="alb", policy=log_bucket_policy),
            authenticate_origin=config.cloudflare.manages_zone,
        ),
        opts=on_aws,
    )
    nat_address = aws.ec2.Eip("nat", domain="vpc", opts=on_aws)
    Edge(
        "edge",
        platform,
        EdgeArgs(
            domain=config.domain,
            apps=config.apps,
            cloudflare=config.cloudflare,
            origin=ingress,
            nat_public_ips=[nat_address.public_ip],
        ),
        opts=on_cloudflare,
    )
    pulumi.export("certificateArn", certificate.arn)


WIRINGS: dict[str, Callable[[], None]] = {
    wiring.__name__: wiring
    for wiring in (
        network,
        network_protected_by_its_caller,
        network_and_security,
        cluster_and_bastion,
        data_tier,
        alarm_topic,
        monitoring,
        backup,
        edge_behind_alb,
    )
}

if __name__ == "__main__":
    WIRINGS[pulumi.Config(NAMESPACE).require(KEY)]()
