"""The Redis-compatible cache (design D7): an ElastiCache replication group with cluster mode disabled, a
primary and its replicas in distinct zones, TLS and an auth token required, daily snapshots; and `REDIS_URL`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from components.base import Component, Platform, secret_url
from components.config import CacheConfig
from components.interfaces import Vpc
from components.kms import EncryptionKey, EncryptionKeyArgs, logs_grant

PORT = 6379
# Slow commands and the engine's own log, each to a log group of its own.
# https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Log_Delivery.html
LOG_TYPES = ("slow-log", "engine-log")


@dataclass(frozen=True, kw_only=True)
class CacheArgs:
    config: CacheConfig
    network: Vpc
    """The cache's subnet group holds the data subnets; the primary takes the first zone, each replica the next."""
    security_group_id: pulumi.Input[str]


class Cache(Component):
    url: pulumi.Output[str]
    """REDIS_URL: the primary endpoint, over TLS, with the auth token (secret)."""
    primary_endpoint: pulumi.Output[str]
    reader_endpoint: pulumi.Output[str]
    secret_arn: pulumi.Output[str]
    replication_group_id: pulumi.Output[str]
    member_ids: list[pulumi.Output[str]]
    """The replication group's member clusters, one per node: the primary's first, then each replica's."""
    auth_token: pulumi.Output[str]
    """REDIS_PASSWORD: the auth token alone, for clients that take it apart from the URL (secret)."""

    def __init__(
        self, name: str, platform: Platform, args: CacheArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, platform, opts)
        config = args.config
        zones, node_count = args.network.availability_zones, 1 + config.replicas
        log_group_names = {log_type: f"/aws/elasticache/{platform.name_prefix}/{log_type}" for log_type in LOG_TYPES}
        key = EncryptionKey(
            name,
            platform,
            EncryptionKeyArgs(
                description=f"Cache data, snapshots, auth token and logs of {platform.name_prefix}",
                purpose="cache",
                grants=[logs_grant(platform.region, [self.log_group_arn(n) for n in log_group_names.values()])],
            ),
            opts=self.child(),
        )
        log_groups = {
            log_type: self.log_group(f"{name}-{log_type}", group_name, config.log_retention_days, key.arn)
            for log_type, group_name in log_group_names.items()
        }
        subnet_group = aws.elasticache.SubnetGroup(
            name,
            description=f"Data subnets of {platform.name_prefix}",
            subnet_ids=list(args.network.subnet_ids["data"]),
            tags={"Name": platform.name("cache")},
            opts=self.child(),
        )
        parameters = aws.elasticache.ParameterGroup(
            name,
            family=config.parameter_family,
            description=f"{config.engine} {config.version} settings of {platform.name_prefix}",
            tags={"Name": platform.name("cache")},
            opts=self.child(),
        )
        # Letters and digits: ElastiCache refuses / " @ and spaces in a token, and it travels inside REDIS_URL.
        token = random.RandomPassword(f"{name}-auth-token", length=32, special=False, opts=self.stateful())
        replicated = config.replicas > 0
        group = aws.elasticache.ReplicationGroup(
            name,
            description=f"Redis-compatible cache of {platform.name_prefix}",
            engine=config.engine,
            engine_version=config.version,
            node_type=config.node_type,
            num_cache_clusters=node_count,
            preferred_cache_cluster_azs=[zones[index % len(zones)] for index in range(node_count)],
            automatic_failover_enabled=replicated,
            multi_az_enabled=replicated,
            port=PORT,
            subnet_group_name=subnet_group.name,
            security_group_ids=[args.security_group_id],
            parameter_group_name=parameters.name,
            at_rest_encryption_enabled=True,
            kms_key_id=key.arn,
            transit_encryption_enabled=True,
            transit_encryption_mode="required",
            auth_token=token.result,
            # A new token is added beside the old one, so clients holding either keep working
            # (docs/data.md#rotating-the-cache-token).
            auth_token_update_strategy="ROTATE",
            auto_minor_version_upgrade=True,
            snapshot_retention_limit=config.snapshot_retention_days,
            snapshot_window=config.snapshot_window,
            maintenance_window=config.maintenance_window,
            final_snapshot_identifier=self.final_snapshot_identifier(name, "cache"),
            # No notification topic: ElastiCache cannot publish to an encrypted topic such as the alarm topic
            # (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/ElastiCacheSNS.html); failovers and failing
            # nodes page through the per-node alarms of components/alarm_catalogue.py instead.
            log_delivery_configurations=[
                aws.elasticache.ReplicationGroupLogDeliveryConfigurationArgs(
                    destination=log_group.name, destination_type="cloudwatch-logs", log_format="json", log_type=log_type
                )
                for log_type, log_group in log_groups.items()
            ],
            tags={"Name": platform.name("cache")},
            opts=self.stateful(),
        )
        secret = aws.secretsmanager.Secret(
            name,
            name_prefix=platform.name("cache-"),
            description=f"Auth token and endpoints of the {platform.name_prefix} cache",
            kms_key_id=key.arn,
            tags={"Name": platform.name("cache")},
            opts=self.stateful(),
        )
        aws.secretsmanager.SecretVersion(
            name,
            secret_id=secret.id,
            secret_string=pulumi.Output.json_dumps(
                {
                    "authToken": token.result,
                    "primaryEndpoint": group.primary_endpoint_address,
                    "readerEndpoint": group.reader_endpoint_address,
                    "port": PORT,
                }
            ),
            opts=self.child(),
        )
        self.primary_endpoint = group.primary_endpoint_address
        self.reader_endpoint = group.reader_endpoint_address
        # rediss:// is TLS; Redis AUTH with a token alone takes an empty user name.
        self.url = secret_url("rediss", "", token.result, host=group.primary_endpoint_address, port=PORT)
        self.secret_arn = secret.arn
        self.replication_group_id = group.id
        # ElastiCache names the member clusters of a replication group `<group id>-001`, `-002`, ...
        self.member_ids = [
            group.id.apply(lambda group_id, number=number: f"{group_id}-{number:03d}")
            for number in range(1, node_count + 1)
        ]
        self.auth_token = pulumi.Output.secret(token.result)
        self.register_outputs(
            {
                "url": self.url,
                "primaryEndpoint": self.primary_endpoint,
                "readerEndpoint": self.reader_endpoint,
                "secretArn": self.secret_arn,
            }
        )
