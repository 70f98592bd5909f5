"""Every alarm of the platform, tier by tier: the seed's three with the seed's numbers, then the edge's, the
cluster's, the database's, the cache's and the backups', each an `AlarmDefinition` (components/alarms.py) with what
it means and what to look at first.

The thresholds come from `sentinel:monitoring` and from what the watched components say of themselves (the
database's class, memory and connection budget, the cache's nodes, the load balancer's target groups).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from components.alarms import (
    AlarmDefinition,
    Expression,
    InsightsQuery,
    Metric,
    metric,
)
from components.config import MonitoringConfig
from components.interfaces import LoadBalancer, LogicalBackupJob, MonitoredCache, MonitoredCluster, MonitoredDatabase
from facts.metrics import (
    APP_METRICS_NAMESPACE,
    FIVE_MINUTES,
    LOGICAL_BACKUP_METRIC,
    RESPONSE_TIME_METRIC,
    Reading,
)
from facts.seed_alarms import SeedAlarm

HOUR = 3600

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


def seed_alarms(config: MonitoringConfig, cluster: MonitoredCluster) -> Iterator[AlarmDefinition]:
    """The seed's three alarms, with the seed's names and the configured numbers (the seed's by default)."""
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
            "ContainerInsights", "node_memory_utilization", Reading.TYPICAL, {"ClusterName": cluster.configured_name}
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
        watches=metric(APP_METRICS_NAMESPACE, RESPONSE_TIME_METRIC, Reading.TYPICAL),
        unit="ms",
        missing_data_reason="the apps publish only while serving requests; idle is not an incident",
        meaning="The apps' own response time (milliseconds, as they publish it) is above the guide's page-load goal.",
        look_first="the database alarms (latency, connections) and the apps' slow endpoints in their logs.",
    )


def edge_alarms(config: MonitoringConfig, load_balancer: LoadBalancer) -> Iterator[AlarmDefinition]:
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


def cluster_alarms(cluster: MonitoredCluster) -> Iterator[AlarmDefinition]:
    yield AlarmDefinition(
        name="ClusterFailedNodes",
        tier="cluster",
        watches=metric(
            "ContainerInsights", "cluster_failed_node_count", Reading.WORST, {"ClusterName": cluster.configured_name}
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


def database_alarms(config: MonitoringConfig, database: MonitoredDatabase) -> Iterator[AlarmDefinition]:
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
    budget = database.proxy_connection_budget
    yield AlarmDefinition(
        name="DatabaseProxyClientConnections",
        tier="database",
        # RDS publishes ClientConnections once a minute from each instance serving the proxy: the Sum over one
        # minute (the table's period; over five it would count each instance five times) is the connections open
        # across the whole proxy, where Maximum saw only the busiest instance.
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


def cache_alarms(config: MonitoringConfig, cache: MonitoredCache) -> Iterator[AlarmDefinition]:
    thresholds = config.thresholds
    reason = "roles move on failover and a primary publishes no replication lag; a replaced node publishes nothing"
    for number, member in enumerate(cache.member_ids, start=1):
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


def backup_alarms(config: MonitoringConfig, logical_backup: LogicalBackupJob) -> Iterator[AlarmDefinition]:
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
    hours = config.thresholds.logical_backup_max_age_hours
    yield AlarmDefinition(
        name="LogicalBackupMissing",
        tier="backups",
        watches=metric(
            APP_METRICS_NAMESPACE, LOGICAL_BACKUP_METRIC, Reading.TOTAL, {"CronJob": logical_backup.cron_job_name}
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


def alarm_definitions(
    config: MonitoringConfig,
    *,
    cluster: MonitoredCluster,
    load_balancer: LoadBalancer,
    database: MonitoredDatabase,
    cache: MonitoredCache,
    logical_backup: LogicalBackupJob,
) -> list[AlarmDefinition]:
    """Every alarm of the stack, tier by tier."""
    return [
        *seed_alarms(config, cluster),
        *edge_alarms(config, load_balancer),
        *cluster_alarms(cluster),
        *database_alarms(config, database),
        *cache_alarms(config, cache),
        *backup_alarms(config, logical_backup),
    ]
