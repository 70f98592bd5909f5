"""Observability: the platform's CloudWatch alarms (components/alarm_catalogue.py), each notifying the alarm topic
(components/alarm_topic.py), and a dashboard of the same metrics by tier (components/dashboard.py).

Monitoring takes the components it watches; each says what its alarms need to know of it (identifiers, the
database's capacity, the cache's nodes, the load balancer's target groups).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.alarm_catalogue import alarm_definitions
from components.alarms import AlarmDefinition, Expression, InsightsQuery, Metric
from components.base import Component, Platform
from components.config import MonitoringConfig
from components.dashboard import dashboard_body
from components.interfaces import (
    LoadBalancer,
    LogicalBackupJob,
    MonitoredCache,
    MonitoredCluster,
    MonitoredDatabase,
    NotificationTopic,
)


@dataclass(frozen=True, kw_only=True)
class MonitoringArgs:
    config: MonitoringConfig
    alarm_topic: NotificationTopic
    """Every alarm notifies it, when it fires and when it recovers."""
    cluster: MonitoredCluster
    load_balancer: LoadBalancer
    database: MonitoredDatabase
    cache: MonitoredCache
    logical_backup: LogicalBackupJob


class Monitoring(Component):
    alarm_names: list[str]
    dashboard_name: pulumi.Output[str]

    def __init__(
        self, name: str, platform: Platform, args: MonitoringArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, platform, opts)
        definitions = alarm_definitions(
            args.config,
            cluster=args.cluster,
            load_balancer=args.load_balancer,
            database=args.database,
            cache=args.cache,
            logical_backup=args.logical_backup,
        )
        for definition in definitions:
            self._alarm(name, definition, args.alarm_topic.arn)
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
