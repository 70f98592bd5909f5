"""Observability: the seed's three CloudWatch alarms and the alarms of the edge, cluster, data tier and backups,
each notifying the alarm topic (components/alarm_topic.py), and a dashboard of the same metrics by tier.

Every alarm is an `AlarmDefinition` first: the alarms and the dashboard are both generated from the one list,
so the dashboard shows exactly what pages. Every metric, the statistic that reads it and, unless an alarm
lengthens it on purpose, the period come from the table of facts/metrics.py. The tiers an alarm watches are
built by other components; each group of their identifiers is an optional argument, so the alarm set grows as
they are wired in.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pulumi
import pulumi_aws as aws

from components.base import Component, Platform
from components.config import MonitoringConfig
from facts.instance_classes import database_memory_gib, postgres_max_connections
from facts.metrics import FIVE_MINUTES, INSIGHTS_FUNCTIONS, CloudWatchMetric, Reading, cloudwatch_metric
from facts.seed_alarms import SeedAlarm

Tier = Literal["edge", "apps", "cluster", "database", "cache", "backups"]
TIERS: tuple[Tier, ...] = ("edge", "apps", "cluster", "database", "cache", "backups")
Comparison = Literal["GreaterThanThreshold", "LessThanThreshold"]
MissingData = Literal["missing", "ignore", "breaching", "notBreaching"]

# The namespace the apps (and the logical-backup CronJob) publish their own metrics to; the workloads' pod
# roles may put metrics there and nowhere else.
APP_NAMESPACE = "ProjectSentinel"
RESPONSE_TIME_METRIC = "ResponseTime"
LOGICAL_BACKUP_METRIC = "LogicalBackupSucceeded"

# The seed's descriptions (`cloudwatch-alarms.yml`), kept in the alarms' descriptions.
SEED_DESCRIPTIONS: Mapping[SeedAlarm, str] = {
    "HighCPUUtilization": "CPU utilization is too high",
    "HighMemoryUtilization": "Memory utilization is too high",
    "HighResponseTime": "Application response time is too high",
}

HOUR = 3600
GIBIBYTE = 2**30


@dataclass(frozen=True)
class Metric:
    """One metric of the table, what an alarm reads of it, and the series (by its dimensions)."""

    row: CloudWatchMetric
    reading: Reading
    dimensions: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.row.statistic(self.reading)  # a reading the row does not give fails here, at the alarm's definition

    @property
    def namespace(self) -> str:
        return self.row.namespace

    @property
    def name(self) -> str:
        return self.row.name

    @property
    def statistic(self) -> str:
        """The row's statistic for the reading, a percentile such as `p95` included."""
        return self.row.statistic(self.reading)

    @property
    def is_percentile(self) -> bool:
        return self.statistic.startswith("p")


def metric(
    namespace: str, name: str, reading: Reading, dimensions: Mapping[str, pulumi.Input[str]] | None = None
) -> Metric:
    return Metric(cloudwatch_metric(namespace, name), reading, dimensions or {})


@dataclass(frozen=True)
class Expression:
    """A metric-math expression over `inputs`, by the ids it names them with."""

    expression: str
    label: str
    inputs: Mapping[str, Metric]


@dataclass(frozen=True)
class InsightsQuery:
    """A Metrics Insights query aggregating every series of one metric, whatever their dimensions, with the
    function of the metric's statistic; it has no inputs and carries its own period."""

    metric: Metric
    label: str

    @property
    def expression(self) -> str:
        [function] = [name for name, statistic in INSIGHTS_FUNCTIONS.items() if statistic == self.metric.statistic]
        return f'SELECT {function}({self.metric.name}) FROM "{self.metric.namespace}"'

    @property
    def inputs(self) -> Mapping[str, Metric]:
        return {}


@dataclass(frozen=True)
class AlarmDefinition:
    """One alarm: what it watches, when it fires, what it means and what to look at first."""

    name: str
    """Readable and stable, CamelCase like the seed's; the physical name is `<stack prefix>-<name>`."""
    tier: Tier
    watches: Metric | Expression | InsightsQuery
    comparison: Comparison
    threshold: float
    unit: str
    """The unit of the threshold, as a person reads it: %, ms, s, bytes, connections, nodes, jobs, runs."""
    evaluation_periods: int
    missing_data: MissingData
    missing_data_reason: str
    meaning: str
    look_first: str
    seed: SeedAlarm | None = None
    period_seconds: int | None = None
    """The alarm's own period: the seed's configured one, or a longer stretch than the metrics' publishing period."""

    @property
    def metrics(self) -> list[Metric]:
        watched = self.watches
        if isinstance(watched, Metric):
            return [watched]
        if isinstance(watched, InsightsQuery):
            return [watched.metric]
        return list(watched.inputs.values())

    @property
    def period(self) -> int:
        """The period given, or else the longest publishing period of the metrics (the table's)."""
        return self.period_seconds or max(metric.row.period for metric in self.metrics)

    @property
    def description(self) -> str:
        seed = f"{self.seed} (seed): {SEED_DESCRIPTIONS[self.seed]}. " if self.seed else ""
        return f"{seed}{self.meaning} Look first at {self.look_first} Missing data: {self.missing_data_reason}."


# --- What the alarms watch: the other tiers' identifiers, each group optional ---------------------------------


@dataclass(frozen=True)
class ClusterMetrics:
    """The EKS cluster (Container Insights publishes by its name) and its node group's autoscaling group."""

    cluster_name: pulumi.Input[str]
    autoscaling_group_name: pulumi.Input[str]


@dataclass(frozen=True)
class LoadBalancerMetrics:
    """The ALB's and its target groups' ARN suffixes (`app/...`, `targetgroup/...`), the target groups by app."""

    arn_suffix: pulumi.Input[str]
    target_group_arn_suffixes: Mapping[str, pulumi.Input[str]]


@dataclass(frozen=True)
class DatabaseMetrics:
    """The Aurora cluster, its readers' instance identifiers, the instances' class (with the maximum capacity
    in ACUs for `db.serverless`) and the RDS Proxy with its share of the connections."""

    cluster_identifier: pulumi.Input[str]
    reader_identifiers: Sequence[pulumi.Input[str]]
    instance_class: str
    serverless_max_capacity: float | None = None
    proxy_name: pulumi.Input[str] | None = None
    proxy_max_connections_percent: float = 100

    @property
    def max_connections(self) -> int:
        return postgres_max_connections(self.memory_bytes / GIBIBYTE)

    @property
    def memory_bytes(self) -> float:
        return database_memory_gib(self.instance_class, self.serverless_max_capacity) * GIBIBYTE


@dataclass(frozen=True)
class CacheMetrics:
    """The replication group and its node count (primary plus replicas)."""

    replication_group_id: pulumi.Input[str]
    node_count: int

    def member_ids(self) -> list[pulumi.Output[str]]:
        """ElastiCache names the member clusters of a replication group `<group id>-001`, `-002`, ..."""
        return [
            pulumi.Output.from_input(self.replication_group_id).apply(lambda group, n=number: f"{group}-{n:03d}")
            for number in range(1, self.node_count + 1)
        ]


@dataclass(frozen=True)
class LogicalBackupMetrics:
    """The workloads' logical-backup CronJob, which puts `LogicalBackupSucceeded` = 1 in the apps' namespace,
    with the dimension `CronJob` = its name, after each upload that succeeded."""

    cron_job_name: pulumi.Input[str]


@dataclass(frozen=True)
class MonitoringArgs:
    config: MonitoringConfig
    topic_arn: pulumi.Input[str]
    """The alarm topic (components/alarm_topic.py) every alarm notifies."""
    cluster: ClusterMetrics | None = None
    load_balancer: LoadBalancerMetrics | None = None
    database: DatabaseMetrics | None = None
    cache: CacheMetrics | None = None
    logical_backup: LogicalBackupMetrics | None = None


# --- The alarms --------------------------------------------------------------------------------------------

_QUIET_WHEN_IDLE = "no requests means no data, which is not an incident; the healthy-host alarms watch availability"
_QUIET_WHEN_REPLACED = "a replaced or scaled-in instance stops publishing, which is not an incident"


def _seed_alarm(config: MonitoringConfig, seed: SeedAlarm, **definition: Any) -> AlarmDefinition:
    """One of the seed's alarms: its seed name, the configured numbers (the seed's by default), alarming above
    the threshold and quiet when no data comes."""
    settings = config.alarms[seed]
    return AlarmDefinition(
        name=seed,
        seed=seed,
        comparison="GreaterThanThreshold",
        threshold=settings.threshold,
        period_seconds=settings.period_seconds,
        evaluation_periods=settings.evaluation_periods,
        missing_data="notBreaching",
        **definition,
    )


def seed_alarms(config: MonitoringConfig, cluster: ClusterMetrics | None) -> Iterator[AlarmDefinition]:
    """The seed's three alarms, with the seed's names and the configured numbers (the seed's by default)."""
    if cluster is not None:
        yield _seed_alarm(
            config,
            "HighCPUUtilization",
            tier="cluster",
            watches=metric(
                "AWS/EC2", "CPUUtilization", Reading.TYPICAL, {"AutoScalingGroupName": cluster.autoscaling_group_name}
            ),
            unit="%",
            missing_data_reason=_QUIET_WHEN_REPLACED + "; ClusterFailedNodes watches the nodes' health",
            meaning="The EKS nodes average more CPU than the HPAs should allow.",
            look_first="the Cluster Autoscaler's log (is the node group at its maximum?) and the HPAs' targets.",
        )
        yield _seed_alarm(
            config,
            "HighMemoryUtilization",
            tier="cluster",
            watches=metric(
                "ContainerInsights", "node_memory_utilization", Reading.TYPICAL, {"ClusterName": cluster.cluster_name}
            ),
            unit="%",
            missing_data_reason=_QUIET_WHEN_REPLACED + "; ClusterFailedNodes alarms when Container Insights goes quiet",
            meaning="The EKS nodes' memory (Container Insights) is nearly used up; pods will be evicted.",
            look_first="pods near their memory limits (kubectl top pods) and pending pods the autoscaler cannot place.",
        )
    yield _seed_alarm(
        config,
        "HighResponseTime",
        tier="apps",
        watches=metric(APP_NAMESPACE, RESPONSE_TIME_METRIC, Reading.TYPICAL),
        unit="ms",
        missing_data_reason="the apps publish only while serving requests; idle is not an incident",
        meaning="The apps' own response time (milliseconds, as they publish it) is above the guide's page-load goal.",
        look_first="the database alarms (latency, connections) and the apps' slow endpoints in their logs.",
    )


def edge_alarms(config: MonitoringConfig, load_balancer: LoadBalancerMetrics) -> Iterator[AlarmDefinition]:
    thresholds = config.thresholds
    by_alb = {"LoadBalancer": load_balancer.arn_suffix}

    def alb(name: str, reading: Reading) -> Metric:
        return metric("AWS/ApplicationELB", name, reading, by_alb)

    for name, milliseconds, meaning in (
        ("EdgeResponseTimeP95", thresholds.edge_response_time_ms, "above the guide's 2 s page-load goal"),
        ("EdgeResponseTimeP95Warning", thresholds.edge_response_time_warning_ms, "above seed 002's 500 ms warning"),
    ):
        yield AlarmDefinition(
            name=name,
            tier="edge",
            # TargetResponseTime is in seconds.
            watches=alb("TargetResponseTime", Reading.TAIL),
            comparison="GreaterThanThreshold",
            threshold=milliseconds / 1000,
            unit="s",
            evaluation_periods=5,
            missing_data="notBreaching",
            missing_data_reason=_QUIET_WHEN_IDLE,
            meaning=f"The 95th percentile of the apps' response time at the ALB is {meaning}.",
            look_first="HighResponseTime and the database alarms; then which target group is slow.",
        )
    yield AlarmDefinition(
        name="Edge5xxRate",
        tier="edge",
        watches=Expression(
            "100 * (FILL(target5xx, 0) + FILL(alb5xx, 0)) / requests",
            "5xx responses (% of requests)",
            {
                "requests": alb("RequestCount", Reading.TOTAL),
                "target5xx": alb("HTTPCode_Target_5XX_Count", Reading.TOTAL),
                "alb5xx": alb("HTTPCode_ELB_5XX_Count", Reading.TOTAL),
            },
        ),
        comparison="GreaterThanThreshold",
        threshold=thresholds.error_rate_percent,
        unit="%",
        evaluation_periods=5,
        missing_data="notBreaching",
        missing_data_reason=_QUIET_WHEN_IDLE,
        meaning="More of the requests than seed 002's error rate end in a 5xx, from the apps or the ALB itself.",
        look_first="the ALB's 502/503 (no healthy targets: the healthy-host alarms) and the apps' error logs.",
    )
    for app, target_group in sorted(load_balancer.target_group_arn_suffixes.items()):
        yield AlarmDefinition(
            name=f"EdgeHealthyHosts-{app}",
            tier="edge",
            # Both dimensions: the metric exists only per target group and load balancer. Healthy, not unhealthy,
            # hosts: with externalTrafficPolicy Local every node without a pod of the app counts as unhealthy.
            watches=metric(
                "AWS/ApplicationELB",
                "HealthyHostCount",
                Reading.WORST,
                {"TargetGroup": target_group, "LoadBalancer": load_balancer.arn_suffix},
            ),
            comparison="LessThanThreshold",
            threshold=1,
            unit="hosts",
            evaluation_periods=3,
            missing_data="breaching",
            missing_data_reason="a target group that reports nothing has no healthy host to report",
            meaning=f"No node passes the ALB's health check for {app}: its users get 503s.",
            look_first=f"the {app} pods (kubectl get pods: crash loops, failing /health) and its recent rollout.",
        )


def cluster_alarms(cluster: ClusterMetrics) -> Iterator[AlarmDefinition]:
    yield AlarmDefinition(
        name="ClusterFailedNodes",
        tier="cluster",
        watches=metric(
            "ContainerInsights", "cluster_failed_node_count", Reading.WORST, {"ClusterName": cluster.cluster_name}
        ),
        comparison="GreaterThanThreshold",
        threshold=0,
        unit="nodes",
        evaluation_periods=5,
        missing_data="breaching",
        missing_data_reason="silence means Container Insights stopped reporting, and the memory alarm is blind with it",
        meaning="A node has failed for five minutes (a node joining passes within that).",
        look_first="kubectl describe node (conditions, kubelet) and the node group's health in the EKS console.",
    )


def database_alarms(config: MonitoringConfig, database: DatabaseMetrics) -> Iterator[AlarmDefinition]:
    thresholds = config.thresholds
    connection_limit = math.floor(database.max_connections * thresholds.connections_percent / 100)
    roles = [("Writer", "WRITER", Reading.TYPICAL)]
    if database.reader_identifiers:
        # The worst reader, not the average of readers, decides.
        roles.append(("Reader", "READER", Reading.WORST))
    for role, role_dimension, reading in roles:
        # By cluster and role: the alarms follow the writer and the readers through a failover.
        by_role = {"DBClusterIdentifier": database.cluster_identifier, "Role": role_dimension}
        yield AlarmDefinition(
            name=f"Database{role}CPU",
            tier="database",
            watches=metric("AWS/RDS", "CPUUtilization", reading, by_role),
            comparison="GreaterThanThreshold",
            threshold=thresholds.cpu_percent,
            unit="%",
            period_seconds=FIVE_MINUTES,
            evaluation_periods=3,
            missing_data="notBreaching",
            missing_data_reason=_QUIET_WHEN_REPLACED + "; RDS events report failures on the topic",
            meaning=f"The Aurora {role.lower()} has run hot for 15 minutes.",
            look_first="Database Insights' top SQL and waits, then whether the class is too small.",
        )
        yield AlarmDefinition(
            name=f"Database{role}FreeableMemory",
            tier="database",
            watches=metric("AWS/RDS", "FreeableMemory", Reading.WORST, by_role),
            comparison="LessThanThreshold",
            threshold=math.floor(database.memory_bytes * thresholds.database_freeable_memory_percent / 100),
            unit="bytes",
            period_seconds=FIVE_MINUTES,
            evaluation_periods=3,
            missing_data="notBreaching",
            missing_data_reason=_QUIET_WHEN_REPLACED + "; RDS events report failures on the topic",
            meaning=f"The Aurora {role.lower()} ({database.instance_class}) is close to swapping or an out-of-memory "
            "restart.",
            look_first="connection count (each takes memory) and work_mem-heavy queries in Database Insights.",
        )
        yield AlarmDefinition(
            name=f"Database{role}Connections",
            tier="database",
            watches=metric("AWS/RDS", "DatabaseConnections", Reading.WORST, by_role),
            comparison="GreaterThanThreshold",
            threshold=connection_limit,
            unit="connections",
            period_seconds=FIVE_MINUTES,
            evaluation_periods=2,
            missing_data="notBreaching",
            missing_data_reason=_QUIET_WHEN_REPLACED + "; RDS events report failures on the topic",
            meaning=f"The Aurora {role.lower()} nears max_connections ({database.max_connections} for "
            f"{database.instance_class}); new connections will be refused.",
            look_first="the proxy's client connections, the apps' pool size x replicas, idle-in-transaction sessions.",
        )
        yield AlarmDefinition(
            name=f"Database{role}ReadLatency",
            tier="database",
            # ReadLatency is in seconds.
            watches=metric("AWS/RDS", "ReadLatency", reading, by_role),
            comparison="GreaterThanThreshold",
            threshold=thresholds.database_read_latency_ms / 1000,
            unit="s",
            evaluation_periods=5,
            missing_data="notBreaching",
            missing_data_reason="an idle instance reads nothing and publishes no latency",
            meaning=f"Reads of the Aurora {role.lower()} wait on storage.",
            look_first="Database Insights' I/O waits and the buffer cache hit ratio (working set vs memory).",
        )
    for number, reader in enumerate(database.reader_identifiers, start=1):
        yield AlarmDefinition(
            name=f"AuroraReplicaLag-reader-{number}",
            tier="database",
            watches=metric("AWS/RDS", "AuroraReplicaLag", Reading.WORST, {"DBInstanceIdentifier": reader}),
            comparison="GreaterThanThreshold",
            threshold=thresholds.replica_lag_ms,
            unit="ms",
            evaluation_periods=5,
            missing_data="notBreaching",
            missing_data_reason="after a failover this instance may be the writer, which publishes no replica lag",
            meaning=f"Reader {number} serves reads (DATABASE_READ_REPLICA_URL) that far behind the writer.",
            look_first="the writer's write load and this reader's CPU; a lagging reader may be restarted by Aurora.",
        )
    if database.proxy_name is not None:
        budget = database.max_connections * database.proxy_max_connections_percent / 100
        yield AlarmDefinition(
            name="DatabaseProxyClientConnections",
            tier="database",
            # RDS publishes ClientConnections once a minute from each instance serving the proxy: the Sum over
            # one minute (the table's period; over five it would count each instance five times) is the
            # connections open across the whole proxy, where Maximum saw only the busiest instance.
            watches=metric("AWS/RDS", "ClientConnections", Reading.TOTAL, {"ProxyName": database.proxy_name}),
            comparison="GreaterThanThreshold",
            # Prisma pins each session to a server connection, so the budget is one per client connection.
            threshold=math.floor(budget * thresholds.connections_percent / 100),
            unit="connections",
            evaluation_periods=10,
            missing_data="notBreaching",
            missing_data_reason="a proxy without clients publishes nothing",
            meaning=f"For ten minutes the apps' client connections, added up over every instance serving the proxy "
            f"each minute, have exceeded {thresholds.connections_percent:g} % of the proxy's share of "
            f"max_connections ({math.floor(budget)}); clients will wait for a connection and time out.",
            look_first="the apps' replicas x DATABASE_POOL_SIZE and long transactions pinning connections.",
        )


def cache_alarms(config: MonitoringConfig, cache: CacheMetrics) -> Iterator[AlarmDefinition]:
    thresholds = config.thresholds
    reason = "roles move on failover and a primary publishes no replication lag; a replaced node publishes nothing"
    for number, member in enumerate(cache.member_ids(), start=1):
        by_node = {"CacheClusterId": member, "CacheNodeId": "0001"}
        for name, metric_name, reading, threshold, unit, meaning, look_first in (
            (
                "CacheEngineCPU",
                "EngineCPUUtilization",
                Reading.TYPICAL,
                thresholds.cpu_percent,
                "%",
                "The cache's engine thread is busy; every command waits behind it.",
                "SLOWLOG and large keys or KEYS/SCAN calls from the apps.",
            ),
            (
                "CacheMemory",
                "DatabaseMemoryUsagePercentage",
                Reading.WORST,
                thresholds.cache_memory_percent,
                "%",
                "The cache's data set nears maxmemory; evictions follow.",
                "keys without expiry and the node type against the data set.",
            ),
            (
                "CacheEvictions",
                "Evictions",
                Reading.TOTAL,
                thresholds.cache_evictions,
                "keys",
                "The cache evicts keys, sessions among them: users may be logged out.",
                "CacheMemory and keys without expiry.",
            ),
            (
                "CacheReplicationLag",
                "ReplicationLag",
                Reading.WORST,
                thresholds.replica_lag_ms / 1000,
                "s",
                "This node, as a replica, serves reads that far behind the primary.",
                "the primary's write load and network throughput.",
            ),
        ):
            yield AlarmDefinition(
                name=f"{name}-node-{number}",
                tier="cache",
                watches=metric("AWS/ElastiCache", metric_name, reading, by_node),
                comparison="GreaterThanThreshold",
                threshold=threshold,
                unit=unit,
                period_seconds=FIVE_MINUTES if name == "CacheEvictions" else None,
                evaluation_periods=1 if name == "CacheEvictions" else 5,
                missing_data="notBreaching",
                missing_data_reason=reason,
                meaning=meaning,
                look_first=look_first,
            )


def backup_alarms(config: MonitoringConfig, logical_backup: LogicalBackupMetrics | None) -> Iterator[AlarmDefinition]:
    # AWS Backup publishes its job counts by resource type and by vault; a Metrics Insights query sums every
    # series, so no vault or resource type is missed. Restore tests run as restore jobs.
    for name, metric_name, what in (
        ("BackupJobsFailed", "NumberOfBackupJobsFailed", "A backup job failed: a recovery point is missing."),
        ("BackupCopyJobsFailed", "NumberOfCopyJobsFailed", "A copy to the disaster-recovery vault failed."),
        ("BackupRestoreJobsFailed", "NumberOfRestoreJobsFailed", "A restore (a restore test among them) failed."),
    ):
        yield AlarmDefinition(
            name=name,
            tier="backups",
            watches=InsightsQuery(metric("AWS/Backup", metric_name, Reading.TOTAL), f"{metric_name} (all vaults)"),
            comparison="GreaterThanThreshold",
            threshold=0,
            unit="jobs",
            evaluation_periods=1,
            missing_data="notBreaching",
            missing_data_reason="no job ran, so none failed",
            meaning=what,
            look_first="the job's status message in the AWS Backup console (the vault notification on this topic "
            "names the job).",
        )
    if logical_backup is not None:
        hours = config.thresholds.logical_backup_max_age_hours
        yield AlarmDefinition(
            name="LogicalBackupMissing",
            tier="backups",
            watches=metric(
                APP_NAMESPACE, LOGICAL_BACKUP_METRIC, Reading.TOTAL, {"CronJob": logical_backup.cron_job_name}
            ),
            comparison="LessThanThreshold",
            threshold=1,
            unit="runs",
            period_seconds=HOUR,
            evaluation_periods=hours,
            missing_data="breaching",
            missing_data_reason="silence is the failure: a run that failed, hung or never started publishes nothing",
            meaning=f"No logical backup (pg_dump to the backups bucket) has succeeded for {hours} hours.",
            look_first="the CronJob's last Jobs and their pods' logs (kubectl get jobs), then the bucket's prefix.",
        )


def alarm_definitions(args: MonitoringArgs) -> list[AlarmDefinition]:
    """Every alarm the stack gets, for the tiers whose identifiers are given."""
    config = args.config
    definitions = list(seed_alarms(config, args.cluster))
    if args.load_balancer is not None:
        definitions += edge_alarms(config, args.load_balancer)
    if args.cluster is not None:
        definitions += cluster_alarms(args.cluster)
    if args.database is not None:
        definitions += database_alarms(config, args.database)
    if args.cache is not None:
        definitions += cache_alarms(config, args.cache)
    definitions += backup_alarms(config, args.logical_backup)
    return definitions


# --- The dashboard -----------------------------------------------------------------------------------------


def _dashboard_metric(metric: Metric, options: Mapping[str, Any]) -> list[Any]:
    """A metric as a dashboard widget lists it: namespace, name, dimension pairs, then its options."""
    pairs = [part for key, value in metric.dimensions.items() for part in (key, value)]
    return [metric.namespace, metric.name, *pairs, {"stat": metric.statistic, **options}]


def dashboard_widget(definition: AlarmDefinition, region: str) -> dict[str, Any]:
    """The graph of one alarm's metric, its threshold drawn across it."""
    watched = definition.watches
    if isinstance(watched, Metric):
        metrics = [_dashboard_metric(watched, {})]
    else:
        metrics = [
            {"expression": watched.expression, "label": watched.label, "id": "result"},
            *(_dashboard_metric(metric, {"id": id_, "visible": False}) for id_, metric in watched.inputs.items()),
        ]
    return {
        "type": "metric",
        "width": 8,
        "height": 6,
        "properties": {
            "title": f"{definition.name} ({definition.unit})",
            "region": region,
            "view": "timeSeries",
            "period": definition.period,
            "metrics": metrics,
            "annotations": {"horizontal": [{"label": definition.name, "value": definition.threshold}]},
        },
    }


def dashboard_body(definitions: Sequence[AlarmDefinition], region: str) -> pulumi.Output[str]:
    """Every alarm's metric, grouped by tier under a heading, in the order of TIERS."""
    widgets: list[dict[str, Any]] = []
    for tier in TIERS:
        in_tier = [definition for definition in definitions if definition.tier == tier]
        if in_tier:
            widgets.append(
                {"type": "text", "width": 24, "height": 1, "properties": {"markdown": f"## {tier.capitalize()}"}}
            )
            widgets += (dashboard_widget(definition, region) for definition in in_tier)
    return pulumi.Output.json_dumps({"widgets": widgets})


# --- The component -----------------------------------------------------------------------------------------


class Monitoring(Component):
    alarm_names: list[str]
    dashboard_name: pulumi.Output[str]

    def __init__(
        self, name: str, platform: Platform, args: MonitoringArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, platform, opts)
        definitions = alarm_definitions(args)
        for definition in definitions:
            self._alarm(name, definition, args.topic_arn)
        self.alarm_names = [platform.name(definition.name) for definition in definitions]
        dashboard = aws.cloudwatch.Dashboard(
            name,
            # Fixed name: the API requires one, and it is how operators find the dashboard; a change of body is
            # made in place.
            dashboard_name=platform.name_prefix,
            dashboard_body=dashboard_body(definitions, platform.region),
            opts=self.child(),
        )
        self.dashboard_name = dashboard.dashboard_name
        self.register_outputs({"dashboardName": self.dashboard_name})

    def _alarm(
        self, name: str, definition: AlarmDefinition, topic_arn: pulumi.Input[str]
    ) -> aws.cloudwatch.MetricAlarm:
        watched = definition.watches
        single = watched if isinstance(watched, Metric) else None
        return aws.cloudwatch.MetricAlarm(
            f"{name}-{definition.name}",
            # Fixed name: it is what a notification and an operator read. CloudWatch changes every other setting
            # in place, and a new name is a new alarm created before the old one is deleted.
            name=self.platform.name(definition.name),
            alarm_description=definition.description,
            comparison_operator=definition.comparison,
            threshold=definition.threshold,
            evaluation_periods=definition.evaluation_periods,
            treat_missing_data=definition.missing_data,
            alarm_actions=[topic_arn],
            ok_actions=[topic_arn],
            namespace=single.namespace if single else None,
            metric_name=single.name if single else None,
            dimensions=dict(single.dimensions) if single and single.dimensions else None,
            period=definition.period if single else None,
            statistic=single.statistic if single and not single.is_percentile else None,
            extended_statistic=single.statistic if single and single.is_percentile else None,
            metric_queries=None if isinstance(watched, Metric) else self._queries(watched, definition.period),
            tags={"Name": self.platform.name(definition.name), "Tier": definition.tier},
            opts=self.child(),
        )

    @staticmethod
    def _queries(
        expression: Expression | InsightsQuery, period: int
    ) -> list[aws.cloudwatch.MetricAlarmMetricQueryArgs]:
        return [
            aws.cloudwatch.MetricAlarmMetricQueryArgs(
                id="result",
                expression=expression.expression,
                label=expression.label,
                # A Metrics Insights query carries its own period; a math expression takes its inputs'.
                period=None if expression.inputs else period,
                return_data=True,
            ),
            *(
                aws.cloudwatch.MetricAlarmMetricQueryArgs(
                    id=id_,
                    metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
                        namespace=metric.namespace,
                        metric_name=metric.name,
                        stat=metric.statistic,
                        period=period,
                        dimensions=dict(metric.dimensions),
                    ),
                    return_data=False,
                )
                for id_, metric in expression.inputs.items()
            ),
        ]
