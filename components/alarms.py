"""The vocabulary of the platform's alarms: a metric as an alarm reads it, a metric-math expression, a Metrics Insights
query, and the alarm definition that the alarms (components/alarm_catalogue.py) and the dashboard
(components/dashboard.py) are both generated from; and the metrics the apps and jobs publish of their own.

Every metric, the statistic that reads it and, unless an alarm lengthens it on purpose, the period come from the
table of facts/metrics.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import pulumi

from facts.metrics import INSIGHTS_FUNCTIONS, CloudWatchMetric, Reading, cloudwatch_metric
from facts.seed_alarms import SeedAlarm

Tier = Literal["edge", "apps", "cluster", "database", "cache", "backups"]
TIERS: tuple[Tier, ...] = ("edge", "apps", "cluster", "database", "cache", "backups")
Comparison = Literal["GreaterThanThreshold", "LessThanThreshold"]
MissingData = Literal["missing", "ignore", "breaching", "notBreaching"]

# The seed's descriptions (`cloudwatch-alarms.yml`), kept in the alarms' descriptions.
SEED_DESCRIPTIONS: Mapping[SeedAlarm, str] = {
    "HighCPUUtilization": "CPU utilization is too high",
    "HighMemoryUtilization": "Memory utilization is too high",
    "HighResponseTime": "Application response time is too high",
}


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
