"""Aurora PostgreSQL (design D5): a writer and readers in distinct zones behind RDS Proxy, where each client signs
in as a user of its own with IAM (design D6).

Clients reach the proxy's AWS endpoints, which its certificate (public roots) covers, over TLS. The proxy
authenticates end to end with IAM: a client signs a token for its own user, and the proxy signs in to the database
as that user the same way, so no app holds a password. The master user's password is RDS's: generated, kept and
rotated in a Secrets Manager secret encrypted with the database's key, never in Pulumi state; the proxy signs the
master in with it, for the job that creates the other users (components/database_roles.py) and no one else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.base import Component, Platform, iam_document, service_trust
from components.config import DatabaseConfig
from components.interfaces import NotificationTopic, Vpc
from components.kms import EncryptionKey, EncryptionKeyArgs, logs_grant
from facts.instance_classes import database_memory_gib, postgres_max_connections

ENGINE = aws.rds.EngineType.AURORA_POSTGRESQL
PORT = 5432
MASTER_USERNAME = "sentinel"
ENHANCED_MONITORING_SECONDS = 60
# The RDS certificate authority every instance presents; rotate here when AWS retires it.
# https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/UsingWithRDS.SSL-certificate-rotation.html
CERTIFICATE_AUTHORITY = "rds-ca-rsa2048-g1"
# Events an operator must hear about: a failover, a failed instance, storage running out.
# https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_Events.Messages.html
CLUSTER_EVENTS = ("failover", "failure")
INSTANCE_EVENTS = ("failover", "failure", "low storage")
ENHANCED_MONITORING_POLICY = "service-role/AmazonRDSEnhancedMonitoringRole"
GIBIBYTE = 2**30


@dataclass(frozen=True, kw_only=True)
class DatabaseArgs:
    config: DatabaseConfig
    network: Vpc
    """The database and its proxy use the data subnets; the writer takes the first zone, each reader the next."""
    security_group_id: pulumi.Input[str]
    proxy_security_group_id: pulumi.Input[str]
    alarm_topic: NotificationTopic
    """Where failover, failure and low-storage events go."""
    users: Sequence[str]
    """The database users that sign in with IAM through the proxy (components/database_roles.py creates them): the
    proxy may sign in to the database as each of them, and as no other."""


class Database(Component):
    writer_endpoint: pulumi.Output[str]
    """The proxy's read-write endpoint."""
    reader_endpoint: pulumi.Output[str]
    """The proxy's read-only endpoint, or the read-write one without readers."""
    database_name: str
    master_username: str
    master_secret_arn: pulumi.Output[str]
    """The secret in which RDS keeps (and rotates) the master user's password."""
    key_arn: pulumi.Output[str]
    """The database's key: storage, Performance Insights, logs and the master secret."""
    cluster_identifier: str
    cluster_arn: pulumi.Output[str]
    """What AWS Backup selects and restores."""
    subnet_group_name: pulumi.Output[str]
    security_group_id: pulumi.Input[str]
    """The database's own group, which a restored copy is put in too."""
    reader_identifiers: list[pulumi.Output[str]]
    """The readers' instance identifiers, for their replica-lag alarms."""
    proxy_name: str
    proxy_target: aws.rds.ProxyTarget
    """The proxy's registration of the cluster, made once the instances exist: until then the proxy reaches no one."""
    instance_class: str
    memory_bytes: float
    """Each instance's memory; for `db.serverless`, at the cluster's maximum capacity."""
    max_connections: int
    """PostgreSQL's default max_connections for that memory."""
    proxy_connection_budget: float
    """The server connections RDS Proxy may open: its configured share of max_connections."""

    def __init__(
        self, name: str, platform: Platform, args: DatabaseArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, platform, opts)
        config = args.config
        # Fixed names: Aurora and RDS Proxy write to log groups named after them, which must exist (encrypted,
        # with retention) before either does, and the key policy names those log groups.
        cluster_identifier = platform.name("database")
        proxy_name = platform.name("database-proxy")
        postgres_logs = f"/aws/rds/cluster/{cluster_identifier}/postgresql"
        proxy_logs = f"/aws/rds/proxy/{proxy_name}"
        key = EncryptionKey(
            name,
            platform,
            EncryptionKeyArgs(
                description=f"Aurora storage, Performance Insights, credentials and logs of {platform.name_prefix}",
                purpose="database",
                grants=[
                    logs_grant(platform.region, [self.log_group_arn(postgres_logs), self.log_group_arn(proxy_logs)])
                ],
            ),
            opts=self.child(),
        )
        log_groups = [
            self.log_group(f"{name}-postgresql", postgres_logs, config.log_retention_days, key.arn, audit=True),
            self.log_group(f"{name}-proxy", proxy_logs, config.log_retention_days, key.arn, audit=True),
        ]
        subnet_group = aws.rds.SubnetGroup(
            name,
            name_prefix=platform.name("database-"),
            description=f"Data subnets of {platform.name_prefix}",
            subnet_ids=list(args.network.subnet_ids["data"]),
            tags={"Name": platform.name("database")},
            opts=self.child(),
        )
        family = f"{ENGINE.value}{config.engine_version}"
        cluster_parameters = aws.rds.ClusterParameterGroup(
            name,
            name_prefix=platform.name("database-"),
            family=family,
            description=f"Aurora PostgreSQL {config.engine_version} cluster settings of {platform.name_prefix}",
            # pg_stat_statements stays loaded through Aurora's default shared_preload_libraries.
            parameters=[aws.rds.ClusterParameterGroupParameterArgs(name="rds.force_ssl", value="1")],
            tags={"Name": platform.name("database")},
            opts=self.child(),
        )
        instance_parameters = aws.rds.ParameterGroup(
            name,
            name_prefix=platform.name("database-"),
            family=family,
            description=f"Aurora PostgreSQL {config.engine_version} instance settings of {platform.name_prefix}",
            parameters=[
                aws.rds.ParameterGroupParameterArgs(
                    name="log_min_duration_statement", value=str(config.slow_statement_milliseconds)
                )
            ],
            tags={"Name": platform.name("database")},
            opts=self.child(),
        )
        cluster = aws.rds.Cluster(
            name,
            cluster_identifier=cluster_identifier,
            engine=ENGINE,
            # The major only: RDS picks its current minor and upgrades minors itself without a diff here.
            engine_version=str(config.engine_version),
            # A new major only when asked for, and then with the instances' parameter group of the new family, which
            # RDS applies to every instance in the same upgrade (a group of the old family would stop it).
            allow_major_version_upgrade=config.allow_major_version_upgrade,
            db_instance_parameter_group_name=instance_parameters.name if config.allow_major_version_upgrade else None,
            storage_type=None if config.storage_type == "aurora" else config.storage_type,
            database_name=config.database_name,
            master_username=MASTER_USERNAME,
            # RDS generates the password, keeps it in Secrets Manager under the database's key and rotates it
            # (every 7 days unless changed): no password in state, and no one who reads state holds the database.
            # https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-secrets-manager.html
            manage_master_user_password=True,
            master_user_secret_kms_key_id=key.arn,
            iam_database_authentication_enabled=True,
            port=PORT,
            db_subnet_group_name=subnet_group.name,
            vpc_security_group_ids=[args.security_group_id],
            db_cluster_parameter_group_name=cluster_parameters.name,
            storage_encrypted=True,
            kms_key_id=key.arn,
            backup_retention_period=config.backup_retention_days,
            preferred_backup_window=config.backup_window,
            preferred_maintenance_window=config.maintenance_window,
            copy_tags_to_snapshot=True,
            # Where the stack keeps data on delete (sentinel:protection.keepDataOnDelete), deleting the cluster takes
            # switching deletion protection off first, leaves a final snapshot and keeps the automated backups
            # for their retention period.
            deletion_protection=platform.keep_data_on_delete,
            skip_final_snapshot=not platform.keep_data_on_delete,
            final_snapshot_identifier=self.final_snapshot_identifier(name, "database"),
            # Elsewhere the provider's default, true: they go with the cluster.
            delete_automated_backups=False if platform.keep_data_on_delete else None,
            enabled_cloudwatch_logs_exports=["postgresql"],
            database_insights_mode="standard",
            performance_insights_enabled=True,
            performance_insights_kms_key_id=key.arn,
            performance_insights_retention_period=config.insights_retention_days,
            serverlessv2_scaling_configuration=aws.rds.ClusterServerlessv2ScalingConfigurationArgs(
                min_capacity=config.serverless_capacity.minimum, max_capacity=config.serverless_capacity.maximum
            )
            if config.serverless
            else None,
            tags={"Name": platform.name("database")},
            opts=self.stateful(depends_on=log_groups),
        )
        instances = self._instances(name, args, cluster, instance_parameters, key)
        master_secret_arn = cluster.master_user_secrets.apply(managed_secret_arn)
        proxy = self._proxy(
            name,
            proxy_name=proxy_name,
            args=args,
            cluster=cluster,
            instances=instances,
            master_secret_arn=master_secret_arn,
            key=key,
            log_group=log_groups[1],
        )
        reader_endpoint = (
            aws.rds.ProxyEndpoint(
                f"{name}-read-only",
                db_proxy_name=proxy.name,
                # Fixed name: the API requires one; it is part of the endpoint's host name.
                db_proxy_endpoint_name=platform.name("database-read-only"),
                target_role="READ_ONLY",
                vpc_subnet_ids=list(args.network.subnet_ids["data"]),
                vpc_security_group_ids=[args.proxy_security_group_id],
                tags={"Name": platform.name("database-read-only")},
                opts=self.child(),
            ).endpoint
            if config.readers
            # Without readers the read-only endpoint would refuse every connection; reads go to the writer.
            else proxy.endpoint
        )
        self._event_subscriptions(name, args.alarm_topic.arn, cluster, instances)

        self.writer_endpoint = proxy.endpoint
        self.reader_endpoint = reader_endpoint
        self.database_name = config.database_name
        self.master_username = MASTER_USERNAME
        self.master_secret_arn = master_secret_arn
        self.key_arn = key.arn
        # The proxy's resource id, the last part of its ARN (arn:aws:rds:<region>:<account>:db-proxy:prx-...), is
        # what an IAM policy names to let a role sign in through it.
        self._proxy_resource_id = proxy.arn.apply(lambda arn: arn.rsplit(":", 1)[-1])
        # The names the metrics carry, as config gives them: an alarm may exist before what it watches, so the alarms
        # need not wait the dozen minutes the cluster and the proxy take.
        self.cluster_identifier = cluster_identifier
        self.cluster_arn = cluster.arn
        self.subnet_group_name = subnet_group.name
        self.security_group_id = args.security_group_id
        self.reader_identifiers = [instance.identifier for instance in instances[1:]]
        self.proxy_name = proxy_name
        self.instance_class = config.instance_class
        memory_gib = database_memory_gib(
            config.instance_class, config.serverless_capacity.maximum if config.serverless else None
        )
        self.memory_bytes = memory_gib * GIBIBYTE
        self.max_connections = postgres_max_connections(memory_gib)
        self.proxy_connection_budget = self.max_connections * config.proxy.max_connections_percent / 100
        self.register_outputs(
            {
                "writerEndpoint": self.writer_endpoint,
                "readerEndpoint": self.reader_endpoint,
                "masterSecretArn": self.master_secret_arn,
                "clusterIdentifier": self.cluster_identifier,
                "clusterArn": self.cluster_arn,
                "readerIdentifiers": self.reader_identifiers,
            }
        )

    def connect_arn(self, user: str) -> pulumi.Output[str]:
        """The `rds-db:connect` resource that lets a role sign in through the proxy as `user` (with a token it signs
        for the proxy's endpoint), and as no other user.
        https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy-iam-setup.html"""
        return db_user_arn(self.platform, self._proxy_resource_id, user)

    def _instances(
        self,
        name: str,
        args: DatabaseArgs,
        cluster: aws.rds.Cluster,
        parameters: aws.rds.ParameterGroup,
        key: EncryptionKey,
    ) -> list[aws.rds.ClusterInstance]:
        """The writer in the first zone and each reader in the next: every instance in a zone of its own while
        there are zones enough (config allows no more readers than zones)."""
        platform, config = self.platform, args.config
        monitoring_role = self.role(
            f"{name}-monitoring",
            "database-monitoring",
            service_trust("monitoring.rds.amazonaws.com", platform.account_id),
        )
        attachment = self.attach_managed_policy(name, monitoring_role, ENHANCED_MONITORING_POLICY, "monitoring")
        instances, zones = [], args.network.availability_zones
        for index in range(1 + config.readers):
            zone = zones[index % len(zones)]
            instances.append(
                aws.rds.ClusterInstance(
                    f"{name}-{index + 1}",
                    cluster_identifier=cluster.id,
                    engine=ENGINE,
                    instance_class=config.instance_class,
                    availability_zone=zone,
                    # The first instance is created first and becomes the writer; on failover Aurora promotes a
                    # reader of the lowest tier, and the first instance is the preferred writer when it returns.
                    promotion_tier=0 if index == 0 else 1,
                    db_parameter_group_name=parameters.name,
                    publicly_accessible=False,
                    auto_minor_version_upgrade=True,
                    ca_cert_identifier=CERTIFICATE_AUTHORITY,
                    monitoring_interval=ENHANCED_MONITORING_SECONDS,
                    monitoring_role_arn=monitoring_role.arn,
                    performance_insights_enabled=True,
                    performance_insights_kms_key_id=key.arn,
                    performance_insights_retention_period=config.insights_retention_days,
                    copy_tags_to_snapshot=True,
                    tags={"Name": platform.name("database", str(index + 1)), "Zone": zone},
                    opts=self.stateful(depends_on=[attachment]),
                )
            )
        return instances

    def _proxy(
        self,
        name: str,
        *,
        proxy_name: str,
        args: DatabaseArgs,
        cluster: aws.rds.Cluster,
        instances: Sequence[aws.rds.ClusterInstance],
        master_secret_arn: pulumi.Output[str],
        key: EncryptionKey,
        log_group: aws.cloudwatch.LogGroup,
    ) -> aws.rds.Proxy:
        """RDS Proxy (the seed's PgBouncer): TLS only, IAM authentication end to end for every user but the master,
        whom it signs in with RDS's secret. Its role may read that secret and sign in to the database as the users
        of `args.users`, and nothing else."""
        platform, pool = self.platform, args.config.proxy
        role = self.role(f"{name}-proxy", "database-proxy", service_trust("rds.amazonaws.com", platform.account_id))
        role_policy = aws.iam.RolePolicy(
            f"{name}-proxy",
            role=role.id,
            policy=iam_document(
                [
                    {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": master_secret_arn},
                    {
                        "Effect": "Allow",
                        "Action": "kms:Decrypt",
                        "Resource": key.arn,
                        "Condition": {
                            "StringEquals": {"kms:ViaService": f"secretsmanager.{platform.region}.amazonaws.com"}
                        },
                    },
                    # End-to-end IAM: the proxy signs in to the cluster as the client's own user.
                    {
                        "Effect": "Allow",
                        "Action": "rds-db:connect",
                        "Resource": [db_user_arn(platform, cluster.cluster_resource_id, user) for user in args.users],
                    },
                ]
            ),
            opts=self.child(),
        )
        proxy = aws.rds.Proxy(
            name,
            name=proxy_name,
            engine_family="POSTGRESQL",
            require_tls=True,
            idle_client_timeout=pool.idle_client_timeout_seconds,
            debug_logging=False,
            role_arn=role.arn,
            vpc_subnet_ids=list(args.network.subnet_ids["data"]),
            vpc_security_group_ids=[args.proxy_security_group_id],
            # Every user without a secret below signs in with an IAM token, client to proxy and proxy to database.
            # https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBProxy.html (DefaultAuthScheme)
            default_auth_scheme="IAM_AUTH",
            auths=[
                aws.rds.ProxyAuthArgs(
                    auth_scheme="SECRETS",
                    secret_arn=master_secret_arn,
                    iam_auth="DISABLED",
                    client_password_auth_type="POSTGRES_SCRAM_SHA_256",
                    description="The master user, for the job that creates the apps' users",
                )
            ],
            tags={"Name": proxy_name},
            opts=self.child(depends_on=[log_group, role_policy]),
        )
        target_group = aws.rds.ProxyDefaultTargetGroup(
            name,
            db_proxy_name=proxy.name,
            connection_pool_config=aws.rds.ProxyDefaultTargetGroupConnectionPoolConfigArgs(
                max_connections_percent=pool.max_connections_percent,
                max_idle_connections_percent=pool.max_idle_connections_percent,
                connection_borrow_timeout=pool.connection_borrow_timeout_seconds,
            ),
            opts=self.child(),
        )
        self.proxy_target = aws.rds.ProxyTarget(
            name,
            db_proxy_name=proxy.name,
            target_group_name=target_group.name,
            db_cluster_identifier=cluster.cluster_identifier,
            # The proxy signs in to the cluster's instances: they must exist by then.
            opts=self.child(depends_on=list(instances)),
        )
        return proxy

    def _event_subscriptions(
        self,
        name: str,
        topic_arn: pulumi.Input[str],
        cluster: aws.rds.Cluster,
        instances: Sequence[aws.rds.ClusterInstance],
    ) -> None:
        for suffix, source_type, source_ids, categories in (
            ("cluster", "db-cluster", [cluster.cluster_identifier], CLUSTER_EVENTS),
            ("instances", "db-instance", [instance.identifier for instance in instances], INSTANCE_EVENTS),
        ):
            aws.rds.EventSubscription(
                f"{name}-{suffix}",
                name_prefix=self.platform.name(f"database-{suffix}-"),
                sns_topic=topic_arn,
                source_type=source_type,
                source_ids=source_ids,
                event_categories=list(categories),
                tags={"Name": self.platform.name(f"database-{suffix}")},
                opts=self.child(),
            )


def db_user_arn(platform: Platform, resource_id: pulumi.Input[str], user: str) -> pulumi.Output[str]:
    """The IAM resource of database user `user` of the cluster or proxy whose resource id is `resource_id`
    (`cluster-...` or `prx-...`), which `rds-db:connect` names.
    https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/UsingWithRDS.IAMDBAuth.IAMPolicy.html"""
    return pulumi.Output.concat(
        f"arn:aws:rds-db:{platform.region}:{platform.account_id}:dbuser:", resource_id, f"/{user}"
    )


def managed_secret_arn(secrets: Sequence[aws.rds.outputs.ClusterMasterUserSecret]) -> str:
    """The ARN of the master user's secret, which RDS creates as it creates a cluster that manages its password."""
    arn = secrets[0].secret_arn if secrets else None
    if arn is None:
        raise ValueError("the cluster reports no master user secret: it does not manage its master password")
    return arn
