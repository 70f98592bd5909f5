"""The seed's alarms with their numbers, a replica-lag alarm per reader, and an alarm topic CloudWatch can use."""

from __future__ import annotations

import json
from typing import Any

from policies.rules.observability import (
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
from tests.policy_builders import GraphBuilder, messages, node_group, ref

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
