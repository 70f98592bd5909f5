"""The Redis-compatible cache (design D7): an ElastiCache replication group with cluster mode disabled, a
primary and its replicas in distinct zones, TLS required, daily snapshots; and a user of its own for each app, which
signs in with an IAM token (role-based access control, design D6).

A user group replaces the shared auth token: ElastiCache lets a group contain users that authenticate with IAM
(Valkey 7.2+, Redis OSS 7.0+, with TLS), so no app holds a password, and one app's token is no use to another.
The group must hold a user named `default`, which every unauthenticated connection is; here it is switched off.
https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Clusters.RBAC.html and .../auth-iam.html
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from components.base import Component, Platform
from components.config import CacheConfig
from components.interfaces import Vpc
from components.kms import EncryptionKey, EncryptionKeyArgs, logs_grant

PORT = 6379
# Slow commands and the engine's own log, each to a log group of its own.
# https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Log_Delivery.html
LOG_TYPES = ("slow-log", "engine-log")
# What each app's user may do: every key and channel (the apps share sessions and rate limits), every command but the
# two that would empty the cache for all. ElastiCache itself refuses the administrative ones (CONFIG, DEBUG, ...).
# https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Clusters.RBAC.html#Access-string
APP_ACCESS = "on ~* &* +@all -flushall -flushdb"
# The `default` user every connection starts as, which a user group must hold: off, so nothing is allowed before a
# client signs in as its own user.
DEFAULT_USER_ACCESS = "off -@all"


@dataclass(frozen=True, kw_only=True)
class CacheArgs:
    config: CacheConfig
    network: Vpc
    """The cache's subnet group holds the data subnets; the primary takes the first zone, each replica the next."""
    security_group_id: pulumi.Input[str]
    apps: Sequence[str]
    """The apps, each of which signs in as a user of its own."""


class Cache(Component):
    primary_endpoint: pulumi.Output[str]
    reader_endpoint: pulumi.Output[str]
    replication_group_id: pulumi.Output[str]
    arn: pulumi.Output[str]
    member_ids: list[pulumi.Output[str]]
    """The replication group's member clusters, one per node: the primary's first, then each replica's."""
    user_ids: dict[str, str]
    """By app: the user it signs in as, whose IAM name is the same."""
    user_arns: dict[str, pulumi.Output[str]]
    """By app: its user's ARN, which `elasticache:Connect` names."""

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
                description=f"Cache data, snapshots and logs of {platform.name_prefix}",
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
        users = self._users(name, args)
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
            user_group_ids=[users.user_group_id],
            # Removes the shared auth token of the stacks made before the user group; ignored on creation.
            # https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-to-iam-migration.html
            auth_token_update_strategy="DELETE",
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
        self.primary_endpoint = group.primary_endpoint_address
        self.reader_endpoint = group.reader_endpoint_address
        self.replication_group_id = group.id
        self.arn = group.arn
        # ElastiCache names the member clusters of a replication group `<group id>-001`, `-002`, ...
        self.member_ids = [
            group.id.apply(lambda group_id, number=number: f"{group_id}-{number:03d}")
            for number in range(1, node_count + 1)
        ]
        self.register_outputs(
            {
                "primaryEndpoint": self.primary_endpoint,
                "readerEndpoint": self.reader_endpoint,
                "userArns": self.user_arns,
            }
        )

    def _users(self, name: str, args: CacheArgs) -> aws.elasticache.UserGroup:
        """A user per app that signs in with IAM, and the switched-off `default` user, in the cache's user group."""
        platform, engine = self.platform, args.config.engine
        # The user group must hold a `default` user with a password (a Valkey group admits only users that
        # authenticate); it is off, so the password opens nothing, and no one is given it.
        password = random.RandomPassword(f"{name}-default-user", length=32, special=False, opts=self.stateful())
        default = aws.elasticache.User(
            f"{name}-default",
            user_id=platform.name("cache-default"),
            user_name="default",
            engine=engine,
            access_string=DEFAULT_USER_ACCESS,
            authentication_mode=aws.elasticache.UserAuthenticationModeArgs(
                type="password", passwords=[pulumi.Output.secret(password.result)]
            ),
            tags={"Name": platform.name("cache-default")},
            opts=self.child(),
        )
        apps = {
            app: aws.elasticache.User(
                f"{name}-{app}",
                # IAM authentication requires the user's name to be its id.
                user_id=platform.name(f"cache-{app}"),
                user_name=platform.name(f"cache-{app}"),
                engine=engine,
                access_string=APP_ACCESS,
                authentication_mode=aws.elasticache.UserAuthenticationModeArgs(type="iam"),
                tags={"Name": platform.name(f"cache-{app}")},
                opts=self.child(),
            )
            for app in sorted(args.apps)
        }
        self.user_ids = {app: platform.name(f"cache-{app}") for app in apps}
        self.user_arns = {app: user.arn for app, user in apps.items()}
        return aws.elasticache.UserGroup(
            name,
            # Fixed name: the API requires one.
            user_group_id=platform.name("cache"),
            engine=engine,
            user_ids=[default.user_id, *(user.user_id for user in apps.values())],
            tags={"Name": platform.name("cache")},
            opts=self.child(),
        )
