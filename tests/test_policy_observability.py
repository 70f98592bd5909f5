"""The seed's alarms with their numbers, every alarm's metrics read as the metric table says, a replica-lag alarm
per reader, and an alarm topic CloudWatch can use."""

from __future__ import annotations

import json
from typing import Any

from policies.rules.observability import (
    ALARM_METRIC_STATISTIC,
    ALARM_TOPIC_CUSTOMER_MANAGED_KEY,
    REPLICA_LAG_ALARM_PER_READER,
    SEED_ALARMS_PRESENT,
)
from policies.support.aws import (
    EKS_CLUSTER,
    KMS_KEY,
    METRIC_ALARM,
    RDS_CLUSTER,
    RDS_CLUSTER_INSTANCE,
    SNS_TOPIC,
)
from tests.policy_builders import UNKNOWN, GraphBuilder, messages, ref
from tests.policy_builders_aws import node_group

SEED_ALARMS: dict[str, dict[str, Any]] = {
    "HighCPUUtilization": {
        "namespace": "AWS/EC2",
        "metricName": "CPUUtilization",
        "dimensions": {"AutoScalingGroupName": "eks-nodes"},
        "threshold": 80,
        "period": 300,
        "evaluationPeriods": 2,
    },
    "HighMemoryUtilization": {
        "namespace": "ContainerInsights",
        "metricName": "node_memory_utilization",
        "dimensions": {"ClusterName": "sentinel-prod"},
        "threshold": 90,
        "period": 300,
        "evaluationPeriods": 2,
    },
    "HighResponseTime": {
        "namespace": "ProjectSentinel",
        "metricName": "ResponseTime",
        "threshold": 2000,
        "period": 60,
        "evaluationPeriods": 5,
    },
}


def _monitored_cluster(**changes: dict[str, Any]) -> GraphBuilder:
    """A node group and an EKS cluster with the seed's three alarms; `changes` merge into an alarm's inputs by
    seed name (an empty dict leaves that alarm out)."""
    builder = GraphBuilder()
    node_group(builder)
    builder.add(EKS_CLUSTER, "cluster", {"name": "sentinel-prod"})
    for seed, inputs in SEED_ALARMS.items():
        change = changes.get(seed)
        if change == {}:
            continue
        alarm = {"name": f"sentinel-prod-{seed}", "statistic": "Average", "comparisonOperator": "GreaterThanThreshold"}
        builder.add(METRIC_ALARM, seed, {**alarm, **inputs, **(change or {})})
    return builder


def test_the_seed_alarms_with_the_seeds_numbers_pass() -> None:
    assert messages(SEED_ALARMS_PRESENT, _monitored_cluster().build()) == []


def test_a_seed_alarm_with_other_numbers_fails() -> None:
    graph = _monitored_cluster(HighCPUUtilization={"threshold": 95, "statistic": "Maximum"}).build()
    assert messages(SEED_ALARMS_PRESENT, graph) == [
        'HighCPUUtilization: statistic is "Maximum", the seed\'s is "Average"',
        "HighCPUUtilization: threshold is 95, the seed's is 80",
    ]


def test_a_seed_alarm_over_other_dimensions_fails() -> None:
    graph = _monitored_cluster(HighMemoryUtilization={"dimensions": {"InstanceId": "i-1"}}).build()
    assert messages(SEED_ALARMS_PRESENT, graph) == [
        "HighMemoryUtilization: dimensions are ['InstanceId'], the seed's ['ClusterName']"
    ]


def test_a_missing_seed_alarm_fails_once_what_it_watches_exists() -> None:
    found = messages(SEED_ALARMS_PRESENT, _monitored_cluster(HighCPUUtilization={}).build())
    assert len(found) == 1
    assert found[0].startswith("the stack has a aws:eks/nodeGroup:NodeGroup but no HighCPUUtilization alarm")
    # A stack without a cluster or apps, and without alarms, owes none.
    assert messages(SEED_ALARMS_PRESENT, GraphBuilder().build()) == []


def _aurora(readers: int, lag_alarms: int) -> GraphBuilder:
    builder = GraphBuilder()
    cluster = builder.add(RDS_CLUSTER, "db", {"clusterIdentifier": "sentinel-db", "identifier": "sentinel-db"})
    for number in range(readers + 1):
        builder.add(
            RDS_CLUSTER_INSTANCE,
            f"db-{number}",
            {"identifier": f"sentinel-db-{number}", "clusterIdentifier": ref(cluster, "identifier")},
        )
    for number in range(1, lag_alarms + 1):
        builder.add(
            METRIC_ALARM,
            f"lag-{number}",
            {"metricName": "AuroraReplicaLag", "dimensions": {"DBInstanceIdentifier": f"sentinel-db-{number}"}},
        )
    return builder


def test_a_lag_alarm_per_reader_passes() -> None:
    assert messages(REPLICA_LAG_ALARM_PER_READER, _aurora(readers=2, lag_alarms=2).build()) == []
    assert messages(REPLICA_LAG_ALARM_PER_READER, _aurora(readers=0, lag_alarms=0).build()) == []


def test_a_reader_without_a_lag_alarm_fails() -> None:
    assert messages(REPLICA_LAG_ALARM_PER_READER, _aurora(readers=2, lag_alarms=1).build()) == [
        "cluster db has 2 reader(s) but AuroraReplicaLag alarms on 1 of its instances: give every reader's "
        "identifier to the Monitoring component"
    ]


def _key_policy(*services: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": service},
                    "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                    "Resource": "*",
                }
                for service in services
            ],
        }
    )


def _alarm_topic(key_id: Any = None, key_policy: str | None = None) -> GraphBuilder:
    builder = GraphBuilder()
    # The builder's outputs are its inputs: the ARNs are given.
    key = builder.add(
        KMS_KEY,
        "alarms",
        {"arn": "arn:aws:kms:us-east-1:1:key/k", "policy": key_policy or _key_policy("cloudwatch.amazonaws.com")},
    )
    topic = builder.add(
        SNS_TOPIC, "alarms", {"arn": "arn:aws:sns:us-east-1:1:alarms", "kmsMasterKeyId": key_id or ref(key, "arn")}
    )
    builder.add(METRIC_ALARM, "cpu", {"metricName": "CPUUtilization", "alarmActions": [ref(topic, "arn")]})
    return builder


def _topic_key_messages(builder: GraphBuilder) -> list[str]:
    return messages(ALARM_TOPIC_CUSTOMER_MANAGED_KEY, builder.build())


def test_an_alarm_topic_with_a_key_cloudwatch_may_use_passes() -> None:
    assert _topic_key_messages(_alarm_topic()) == []
    # A key named by its ARN as text, not through an Output, is found too.
    assert _topic_key_messages(_alarm_topic(key_id="arn:aws:kms:us-east-1:1:key/k")) == []


def test_an_alarm_topic_with_the_aws_managed_key_fails() -> None:
    assert _topic_key_messages(_alarm_topic(key_id="alias/aws/sns")) == [
        'topic alarms receives alarms but kmsMasterKeyId is "alias/aws/sns": encrypt it with a customer-managed '
        "key of this stack (CloudWatch cannot use the AWS-managed alias/aws/sns)"
    ]


def test_an_alarm_topic_whose_key_shuts_cloudwatch_out_fails() -> None:
    found = _topic_key_messages(_alarm_topic(key_policy=_key_policy("backup.amazonaws.com")))
    assert found == [
        "topic alarms receives alarms but its key's policy does not let cloudwatch.amazonaws.com use kms:Decrypt "
        "and kms:GenerateDataKey*: the alarms would never be delivered"
    ]


def _alarm_messages(**inputs: Any) -> list[str]:
    builder = GraphBuilder()
    builder.add(METRIC_ALARM, "alarm", inputs)
    return messages(ALARM_METRIC_STATISTIC, builder.build())


_PROXY = {"namespace": "AWS/RDS", "metricName": "ClientConnections", "dimensions": {"ProxyName": "sentinel-db"}}
_PROXY_DOCS = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy.monitoring.html"


def _rate_queries(stat: str = "Sum", period: int = 60) -> list[dict[str, Any]]:
    """A metric-math alarm: 5xx responses as a percentage of requests, like Edge5xxRate."""
    alb = {"namespace": "AWS/ApplicationELB", "dimensions": {"LoadBalancer": "app/sentinel/1"}, "period": period}
    return [
        {"id": "result", "expression": "100 * errors / requests", "returnData": True},
        {"id": "requests", "metric": {**alb, "metricName": "RequestCount", "stat": stat}, "returnData": False},
        {"id": "errors", "metric": {**alb, "metricName": "HTTPCode_Target_5XX_Count", "stat": "Sum"}},
    ]


def _insights(query: str, period: int = 300) -> list[dict[str, Any]]:
    return [{"id": "result", "expression": query, "period": period, "returnData": True}]


def test_alarms_reading_their_metrics_as_the_table_says_pass() -> None:
    assert _alarm_messages(**_PROXY, statistic="Sum", period=60) == []
    # A percentile of a metric whose row names it; a longer period than the publishing one.
    alb = {"namespace": "AWS/ApplicationELB", "metricName": "TargetResponseTime"}
    assert _alarm_messages(**alb, extendedStatistic="p95", period=300) == []
    assert _alarm_messages(metricQueries=_rate_queries()) == []
    assert _alarm_messages(metricQueries=_insights('SELECT SUM(NumberOfBackupJobsFailed) FROM "AWS/Backup"')) == []
    query = 'select sum("NumberOfCopyJobsFailed") from SCHEMA("AWS/Backup", BackupVaultName)'
    assert _alarm_messages(metricQueries=_insights(query)) == []
    # Values not known before the deploy are judged when they are.
    assert _alarm_messages(**_PROXY, statistic=UNKNOWN, period=60) == []


def test_maximum_of_the_proxys_client_connections_is_reported() -> None:
    assert _alarm_messages(**_PROXY, statistic="Maximum", period=60) == [
        "AWS/RDS ClientConnections read with Maximum, a statistic that means nothing useful for it: use Sum "
        f"({_PROXY_DOCS})"
    ]


def test_a_level_summed_over_more_than_its_publishing_period_is_reported() -> None:
    assert _alarm_messages(**_PROXY, statistic="Sum", period=300) == [
        "AWS/RDS ClientConnections summed over 300 s: a level published every 60 s is counted 5 times; sum it over "
        f"60 s ({_PROXY_DOCS})"
    ]
    # A count sums over any period.
    evictions = {"namespace": "AWS/ElastiCache", "metricName": "Evictions", "statistic": "Sum", "period": 300}
    assert _alarm_messages(**evictions) == []


def test_a_period_shorter_than_the_metrics_publishing_period_is_reported() -> None:
    # EC2 publishes every 5 minutes under basic monitoring.
    found = _alarm_messages(namespace="AWS/EC2", metricName="CPUUtilization", statistic="Average", period=60)
    assert found == [
        "AWS/EC2 CPUUtilization over 60 s, shorter than the 300 s at which it is published "
        "(https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/viewing_metrics_with_cloudwatch.html)"
    ]


def test_a_metric_without_a_row_is_reported() -> None:
    assert _alarm_messages(namespace="AWS/RDS", metricName="DiskQueueDepth", statistic="Average", period=60) == [
        "AWS/RDS DiskQueueDepth has no row in facts/metrics.py: add it, with the statistics its documentation "
        "calls useful, the period it is published at and the page, first"
    ]


def test_the_metrics_of_queries_and_insights_queries_are_checked_too() -> None:
    assert _alarm_messages(metricQueries=_rate_queries(stat="Average")) == [
        "query requests: AWS/ApplicationELB RequestCount read with Average, a statistic that means nothing useful "
        "for it: use Sum (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/"
        "load-balancer-cloudwatch-metrics.html)"
    ]
    found = _alarm_messages(metricQueries=_insights('SELECT AVG(NumberOfBackupJobsFailed) FROM "AWS/Backup"', 60))
    assert [message.split(" (")[0] for message in found] == [
        "query result: AWS/Backup NumberOfBackupJobsFailed read with Average, a statistic that means nothing useful "
        "for it: use Sum",
        "query result: AWS/Backup NumberOfBackupJobsFailed over 60 s, shorter than the 300 s at which it is published",
    ]
    created = "SELECT SUM(NumberOfBackupJobsCreated) FROM \"AWS/Backup\" WHERE BackupVaultName = 'main'"
    assert _alarm_messages(metricQueries=_insights(created)) == [
        "query result: AWS/Backup NumberOfBackupJobsCreated has no row in facts/metrics.py: add it, with the "
        "statistics its documentation calls useful, the period it is published at and the page, first"
    ]
    assert _alarm_messages(metricQueries=_insights("SELECT MEDIAN(x) FROM y")) == [
        'query result: cannot read the metric and function of the Metrics Insights query "SELECT MEDIAN(x) FROM y": '
        'write it as SELECT FUNCTION(metric) FROM "namespace"'
    ]
