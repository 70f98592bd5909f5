"""The CloudWatch metrics the alarms and the dashboard read: for each metric, what each statistic of it means,
the period at which its service publishes it, its unit and the documentation page that says so.

The Monitoring component builds every alarm's metric from these rows by what the alarm reads of it (its typical
value, its worst value, its total, its tail), never by a statistic of its own, and takes the publishing period as
its period unless it wants a longer one. The `alarm-metric-statistic` policy checks every alarm of a stack
against the same rows: a metric without a row, a statistic the row does not name, a period shorter than the
publishing period, or a level summed over more than one of its data points.

Plain data without Pulumi imports: the policy pack imports it too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class Reading(StrEnum):
    """What an alarm reads of a metric; each row says which statistic gives it."""

    TYPICAL = "typical"
    """The average over the period and over the members the dimensions cover."""
    WORST = "worst"
    """The extreme in the direction that hurts: the busiest reader, the least free memory, the fewest hosts."""
    TOTAL = "total"
    """The sum: the events counted in the period, or a level added up over the members that publish it."""
    TAIL = "tail"
    """The 95th percentile: what the slowest twentieth of requests wait."""


class Kind(StrEnum):
    COUNT = "count"
    """Events counted in each publishing period: sums over any number of periods add up."""
    LEVEL = "level"
    """A value sampled once per publishing period by each member (a percentage, the connections open now):
    summed over a longer period, each member's samples are counted several times."""


@dataclass(frozen=True)
class CloudWatchMetric:
    namespace: str
    name: str
    unit: str
    """As CloudWatch stores it (Percent, Count, Seconds, ...), so thresholds are written in it."""
    period: int
    """Seconds between the service's data points: the shortest period an alarm on it can mean anything over."""
    kind: Kind
    statistics: Mapping[Reading, str]
    """The statistics the documentation calls useful for the metric, by what they read of it."""
    source: str
    """The documentation page that gives the unit, the period and the useful statistics."""

    @property
    def label(self) -> str:
        return f"{self.namespace} {self.name}"

    def statistic(self, reading: Reading) -> str:
        if reading not in self.statistics:
            raise ValueError(
                f"{self.label} has no {reading} statistic in facts/metrics.py; it reads "
                f"{_listed(f'{read} ({statistic})' for read, statistic in self.statistics.items())}"
            )
        return self.statistics[reading]

    def misuses(self, statistic: str, period: float) -> list[str]:
        """What is wrong with an alarm reading this metric with `statistic` over `period` seconds."""
        problems = []
        if statistic not in self.statistics.values():
            problems.append(
                f"{self.label} read with {statistic}, a statistic that means nothing useful for it: use "
                f"{_listed(self.statistics.values())} ({self.source})"
            )
        if period < self.period:
            problems.append(
                f"{self.label} over {period:g} s, shorter than the {self.period} s at which it is published "
                f"({self.source})"
            )
        elif statistic == "Sum" and self.kind is Kind.LEVEL and period != self.period:
            problems.append(
                f"{self.label} summed over {period:g} s: a level published every {self.period} s is counted "
                f"{period / self.period:g} times; sum it over {self.period} s ({self.source})"
            )
        return problems


def _listed(items: Iterable[str]) -> str:
    return " or ".join(items)


# Metrics Insights aggregates series with these functions, each the statistic of the same name.
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-querylanguage.html
INSIGHTS_FUNCTIONS: Mapping[str, str] = {
    "AVG": "Average",
    "COUNT": "SampleCount",
    "MAX": "Maximum",
    "MIN": "Minimum",
    "SUM": "Sum",
}

MINUTE, FIVE_MINUTES = 60, 300

_AVERAGE_OR_HIGHEST = {Reading.TYPICAL: "Average", Reading.WORST: "Maximum"}
_AVERAGE_OR_LOWEST = {Reading.TYPICAL: "Average", Reading.WORST: "Minimum"}
_AVERAGE_OR_P95 = {Reading.TYPICAL: "Average", Reading.TAIL: "p95"}
_SUM = {Reading.TOTAL: "Sum"}

Row = tuple[str, str, Kind, Mapping[Reading, str]]
"""A metric of a service: its name, unit, kind and statistics."""


def _service(namespace: str, period: int, source: str, *rows: Row) -> list[CloudWatchMetric]:
    """The rows of one service, which publishes every metric below at the same period, on the same page."""
    return [
        CloudWatchMetric(namespace, name, unit, period, kind, statistics, source)
        for name, unit, kind, statistics in rows
    ]


APP_METRICS_NAMESPACE = "ProjectSentinel"
"""The namespace the apps and the logical backup publish their own metrics to; their roles may put metrics there
and nowhere else."""
RESPONSE_TIME_METRIC = "ResponseTime"
LOGICAL_BACKUP_METRIC = "LogicalBackupSucceeded"
"""1 for each logical backup uploaded, with the dimension `CronJob` = the job's name."""

_ROWS = (
    # EC2 publishes every 5 minutes under basic monitoring and every minute under detailed monitoring, which the
    # platform's launch templates switch on; the table keeps the 5 minutes that hold for any instance:
    # https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/manage-detailed-monitoring.html
    *_service(
        "AWS/EC2",
        FIVE_MINUTES,
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/viewing_metrics_with_cloudwatch.html",
        ("CPUUtilization", "Percent", Kind.LEVEL, _AVERAGE_OR_HIGHEST),
    ),
    # Container Insights collects every 60 seconds.
    *_service(
        "ContainerInsights",
        MINUTE,
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-EKS.html",
        ("node_memory_utilization", "Percent", Kind.LEVEL, _AVERAGE_OR_HIGHEST),
        ("cluster_failed_node_count", "Count", Kind.LEVEL, _AVERAGE_OR_HIGHEST),
    ),
    # The apps and the logical-backup CronJob publish at standard resolution (PutMetricData without
    # StorageResolution), which CloudWatch keeps per minute:
    # https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/publishingMetrics.html. What they send, and in
    # which unit, is the README's; ResponseTime and its seed numbers are seed 003's cloudwatch-alarms.yml.
    *_service(
        APP_METRICS_NAMESPACE,
        MINUTE,
        "README.md#alarms-and-notifications (What the apps and jobs must send)",
        (RESPONSE_TIME_METRIC, "Milliseconds", Kind.LEVEL, _AVERAGE_OR_P95),
        # One data point of 1 per successful run; put-metric-data sends no unit.
        (LOGICAL_BACKUP_METRIC, "None", Kind.COUNT, _SUM),
    ),
    # ELB sends its metrics in 60-second intervals while requests flow, and none otherwise.
    *_service(
        "AWS/ApplicationELB",
        MINUTE,
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html",
        ("TargetResponseTime", "Seconds", Kind.LEVEL, _AVERAGE_OR_P95),
        ("RequestCount", "Count", Kind.COUNT, _SUM),
        ("HTTPCode_Target_5XX_Count", "Count", Kind.COUNT, _SUM),
        ("HTTPCode_ELB_5XX_Count", "Count", Kind.COUNT, _SUM),
        ("HealthyHostCount", "Count", Kind.LEVEL, _AVERAGE_OR_LOWEST),
    ),
    # Aurora sends its instance metrics every minute.
    *_service(
        "AWS/RDS",
        MINUTE,
        "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.AuroraMonitoring.Metrics.html",
        ("CPUUtilization", "Percent", Kind.LEVEL, _AVERAGE_OR_HIGHEST),
        ("FreeableMemory", "Bytes", Kind.LEVEL, _AVERAGE_OR_LOWEST),
        ("DatabaseConnections", "Count", Kind.LEVEL, _AVERAGE_OR_HIGHEST),
        ("ReadLatency", "Seconds", Kind.LEVEL, _AVERAGE_OR_HIGHEST),
        ("AuroraReplicaLag", "Milliseconds", Kind.LEVEL, _AVERAGE_OR_HIGHEST),
    ),
    # RDS Proxy publishes each metric every minute from each instance serving the proxy, and names Sum the most
    # useful statistic of ClientConnections: Maximum sees only the busiest instance.
    *_service(
        "AWS/RDS",
        MINUTE,
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy.monitoring.html",
        ("ClientConnections", "Count", Kind.LEVEL, _SUM),
    ),
    # ElastiCache publishes host and engine metrics every 60 seconds, per node.
    *_service(
        "AWS/ElastiCache",
        MINUTE,
        "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.Redis.html",
        ("EngineCPUUtilization", "Percent", Kind.LEVEL, _AVERAGE_OR_HIGHEST),
        ("DatabaseMemoryUsagePercentage", "Percent", Kind.LEVEL, _AVERAGE_OR_HIGHEST),
        ("Evictions", "Count", Kind.COUNT, _SUM),
        ("ReplicationLag", "Seconds", Kind.LEVEL, _AVERAGE_OR_HIGHEST),
    ),
    # AWS Backup publishes its job counts every 5 minutes.
    *_service(
        "AWS/Backup",
        FIVE_MINUTES,
        "https://docs.aws.amazon.com/aws-backup/latest/devguide/cloudwatch.html",
        *((f"NumberOf{jobs}JobsFailed", "Count", Kind.COUNT, _SUM) for jobs in ("Backup", "Copy", "Restore")),
    ),
)

METRICS: Mapping[tuple[str, str], CloudWatchMetric] = {(row.namespace, row.name): row for row in _ROWS}


def cloudwatch_metric(namespace: str, name: str) -> CloudWatchMetric:
    """The row of a metric; a metric without one is an error naming this module."""
    if (namespace, name) not in METRICS:
        raise ValueError(f"{namespace} {name} has no row in facts/metrics.py: add it with its documentation")
    return METRICS[(namespace, name)]
