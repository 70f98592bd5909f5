"""Observability: the seed's three alarms keep the seed's numbers, every alarm reads its metrics with a statistic
and over a period their documentation supports, every Aurora reader has its replica-lag alarm, and the topic the
alarms notify is encrypted with a key CloudWatch may use."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_policy import Policy, PolicyResource, ResourceValidationArgs, Severity

from facts.metrics import APP_METRICS_NAMESPACE, INSIGHTS_FUNCTIONS, METRICS, RESPONSE_TIME_METRIC
from facts.seed_alarms import SEED_ALARMS, SeedAlarm
from policies.support.aws import (
    EKS_CLUSTER,
    EKS_NODE_GROUP,
    KMS_KEY,
    METRIC_ALARM,
    RDS_CLUSTER,
    RDS_CLUSTER_INSTANCE,
    SNS_TOPIC,
)
from policies.support.declare import Concern, Finding, ResourcePolicy, Settings, StackPolicy
from policies.support.kubernetes import DEPLOYMENT
from policies.support.stack import Stack
from policies.support.values import elements, entries, field, is_unknown, json_document, number, shown


@dataclass(frozen=True)
class SeedMetric:
    """What a seed alarm watches, and the resource type whose presence makes the alarm required."""

    namespace: str
    metric: str
    dimensions: tuple[str, ...]
    required_by: tuple[str, ...]


SEED_METRICS: Mapping[SeedAlarm, SeedMetric] = {
    "HighCPUUtilization": SeedMetric("AWS/EC2", "CPUUtilization", ("AutoScalingGroupName",), (EKS_NODE_GROUP,)),
    "HighMemoryUtilization": SeedMetric(
        "ContainerInsights", "node_memory_utilization", ("ClusterName",), (EKS_CLUSTER,)
    ),
    # The apps publish the response time; any alarm at all means the stack is monitored.
    "HighResponseTime": SeedMetric(APP_METRICS_NAMESPACE, RESPONSE_TIME_METRIC, (), (DEPLOYMENT, METRIC_ALARM)),
}


def _named(alarms: Iterable[PolicyResource], seed: SeedAlarm) -> list[PolicyResource]:
    return [alarm for alarm in alarms if str(field(alarm.props, "name") or "").split("-")[-1] == seed]


def _seed_differences(alarm: PolicyResource, seed: SeedAlarm) -> list[str]:
    watched, numbers = SEED_METRICS[seed], SEED_ALARMS[seed]
    expected = {
        "namespace": watched.namespace,
        "metricName": watched.metric,
        "statistic": "Average",
        "comparisonOperator": "GreaterThanThreshold",
        "threshold": numbers["threshold"],
        "period": numbers["periodSeconds"],
        "evaluationPeriods": numbers["evaluationPeriods"],
    }
    differences = []
    for path, value in expected.items():
        actual = field(alarm.props, path)
        if is_unknown(actual):
            continue
        same = number(actual) == value if isinstance(value, int | float) else actual == value
        if not same:
            differences.append(f"{path} is {shown(actual)}, the seed's is {shown(value)}")
    dimensions = field(alarm.props, "dimensions")
    if not is_unknown(dimensions) and sorted(entries(dimensions) if dimensions else {}) != sorted(watched.dimensions):
        differences.append(f"dimensions are {sorted(entries(dimensions or {}))}, the seed's {list(watched.dimensions)}")
    return differences


def _seed_alarms(stack: Stack, _settings: Settings) -> Iterable[Finding]:
    alarms = stack.of_type(METRIC_ALARM)
    for seed, watched in SEED_METRICS.items():
        named = _named(alarms, seed)
        if not named and stack.of_type(*watched.required_by):
            yield Finding(
                None,
                f"the stack has a {' or '.join(watched.required_by)} but no {seed} alarm: the Monitoring component "
                "creates it once it receives what the alarm watches",
            )
        for alarm in named:
            for difference in _seed_differences(alarm, seed):
                yield Finding(alarm.urn, f"{alarm.name}: {difference}")


SEED_ALARMS_PRESENT = StackPolicy(
    name="seed-alarms-present",
    description=(
        "The seed's alarms (cloudwatch-alarms.yml) exist once what they watch exists, with the seed's numbers: "
        "HighCPUUtilization (AWS/EC2 CPUUtilization by AutoScalingGroupName, Average > 80, 2 x 300 s) with an EKS "
        "node group, HighMemoryUtilization (ContainerInsights node_memory_utilization by ClusterName, Average > 90, "
        "2 x 300 s) with an EKS cluster, HighResponseTime (ProjectSentinel ResponseTime, Average > 2000 ms, "
        "5 x 60 s) with the apps or any other alarm. Restore the numbers in sentinel:monitoring.alarms."
    ),
    concern=Concern.RESILIENCE,
    severity=Severity.HIGH,
    rule=_seed_alarms,
)


# A Metrics Insights query over one metric: `SELECT FUNCTION(metric) FROM "namespace"` or FROM SCHEMA("namespace", ...).
_INSIGHTS_QUERY = re.compile(
    r'\s*SELECT\s+(?P<function>\w+)\s*\(\s*"?(?P<metric>[^")\s]+)"?\s*\)\s+FROM\s+(?:SCHEMA\s*\(\s*)?"?(?P<namespace>[^",)\s]+)',
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Read:
    """One metric an alarm reads, where in the alarm it is named, with which statistic and over which period."""

    where: str
    namespace: Any
    metric: Any
    statistic: Any
    period: Any


def _reads(props: Any) -> Iterator[_Read | str]:
    """Every metric the alarm reads: its own metric, its queries' metrics and its Metrics Insights queries'
    (their function read as the statistic of the same name); a query this cannot read is a message."""
    if field(props, "metricName") is not None:
        statistic = field(props, "statistic") or field(props, "extendedStatistic")
        yield _Read("", field(props, "namespace"), field(props, "metricName"), statistic, field(props, "period"))
    for query in elements(field(props, "metricQueries")):
        where = f"query {field(query, 'id')}: "
        metric = field(query, "metric")
        if metric is not None:
            yield _Read(
                where,
                field(metric, "namespace"),
                field(metric, "metricName"),
                field(metric, "stat"),
                field(metric, "period"),
            )
        expression = field(query, "expression")
        if not isinstance(expression, str) or not expression.lstrip().upper().startswith("SELECT"):
            continue  # metric math over the other queries, which are read on their own
        parsed = _INSIGHTS_QUERY.match(expression)
        statistic = INSIGHTS_FUNCTIONS.get(parsed["function"].upper()) if parsed else None
        if parsed is None or statistic is None:
            yield (
                f"{where}cannot read the metric and function of the Metrics Insights query {shown(expression)}: "
                'write it as SELECT FUNCTION(metric) FROM "namespace"'
            )
            continue
        yield _Read(where, parsed["namespace"], parsed["metric"], statistic, field(query, "period"))


def _alarm_metric_misuses(args: ResourceValidationArgs, _settings: Settings) -> Iterable[str]:
    for read in _reads(args.props):
        if isinstance(read, str):
            yield read
            continue
        if any(is_unknown(value) for value in (read.namespace, read.metric, read.statistic, read.period)):
            continue
        row = METRICS.get((str(read.namespace), str(read.metric)))
        if row is None:
            yield (
                f"{read.where}{read.namespace} {read.metric} has no row in facts/metrics.py: add it, with the "
                "statistics its documentation calls useful, the period it is published at and the page, first"
            )
            continue
        period = number(read.period)
        for misuse in row.misuses(str(read.statistic), row.period if period is None else period):
            yield f"{read.where}{misuse}"


ALARM_METRIC_STATISTIC = ResourcePolicy(
    name="alarm-metric-statistic",
    description=(
        "Every metric a CloudWatch alarm reads (its own, its queries' and its Metrics Insights queries') has a row "
        "in facts/metrics.py, which cites the metric's documentation; the alarm reads it with a statistic the "
        "row names, over a period no shorter than the one the metric is published at, and sums a level (such as "
        "RDS Proxy ClientConnections, published per proxy instance) over exactly that period. Build the alarm from "
        "the row, or add the row with its source."
    ),
    concern=Concern.GOVERNANCE,
    severity=Severity.HIGH,
    resource_types=(METRIC_ALARM,),
    rule=_alarm_metric_misuses,
)


def _replica_lag_alarms(stack: Stack, _settings: Settings) -> Iterable[Finding]:
    instances = stack.referrers((RDS_CLUSTER_INSTANCE,), "clusterIdentifier", (RDS_CLUSTER,))
    watched: set[str] = set()
    for alarm in stack.of_type(METRIC_ALARM):
        if field(alarm.props, "metricName") != "AuroraReplicaLag":
            continue
        instance = field(alarm.props, "dimensions", "DBInstanceIdentifier")
        if is_unknown(instance):
            return
        watched.update(found.urn for found in stack.identified_by(instance, (RDS_CLUSTER_INSTANCE,)))
    for cluster in stack.of_type(RDS_CLUSTER):
        members = instances.get(cluster.urn, [])
        readers = len(members) - 1
        covered = sum(member.urn in watched for member in members)
        if readers > 0 and covered < readers:
            yield Finding(
                cluster.urn,
                f"cluster {cluster.name} has {readers} reader(s) but AuroraReplicaLag alarms on {covered} of its "
                "instances: give every reader's identifier to the Monitoring component",
            )


REPLICA_LAG_ALARM_PER_READER = StackPolicy(
    name="replica-lag-alarm-per-reader",
    description=(
        "Every reader of an Aurora cluster has an AuroraReplicaLag alarm by its DBInstanceIdentifier (a cluster of "
        "n instances has n - 1 readers), so stale reads through DATABASE_READ_REPLICA_URL page someone."
    ),
    concern=Concern.RESILIENCE,
    severity=Severity.MEDIUM,
    rule=_replica_lag_alarms,
)

_TOPIC_KEY_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey")


def _grants_cloudwatch(key: PolicyResource) -> bool | None:
    """Whether the key's policy lets CloudWatch encrypt for an SNS topic; None while the policy is unknown."""
    document = json_document(field(key.props, "policy"))
    if is_unknown(document):
        return None
    allowed: list[str] = []
    for statement in elements(field(document, "Statement")):
        principal = field(statement, "Principal", "Service")
        services = [principal] if isinstance(principal, str) else list(elements(principal))
        if field(statement, "Effect") == "Allow" and "cloudwatch.amazonaws.com" in services:
            action = field(statement, "Action")
            allowed += [action] if isinstance(action, str) else [str(item) for item in elements(action)]
    return all(
        any(granted == "kms:*" or needed.startswith(granted.rstrip("*")) for granted in allowed)
        for needed in _TOPIC_KEY_ACTIONS
    )


def _alarm_topic_keys(stack: Stack, _settings: Settings) -> Iterable[Finding]:
    topics: dict[str, PolicyResource] = {}
    for alarm in stack.of_type(METRIC_ALARM):
        topics.update((topic.urn, topic) for topic in stack.referenced(alarm, "alarmActions", (SNS_TOPIC,)))
    for topic in topics.values():
        key_id = field(topic.props, "kmsMasterKeyId")
        if is_unknown(key_id):
            continue
        keys = stack.referenced(topic, "kmsMasterKeyId", (KMS_KEY,))
        if not keys:
            yield Finding(
                topic.urn,
                f"topic {topic.name} receives alarms but kmsMasterKeyId is {shown(key_id)}: encrypt it with a "
                "customer-managed key of this stack (CloudWatch cannot use the AWS-managed alias/aws/sns)",
            )
        elif any(_grants_cloudwatch(key) is False for key in keys):
            yield Finding(
                topic.urn,
                f"topic {topic.name} receives alarms but its key's policy does not let cloudwatch.amazonaws.com "
                "use kms:Decrypt and kms:GenerateDataKey*: the alarms would never be delivered",
            )


ALARM_TOPIC_CUSTOMER_MANAGED_KEY = StackPolicy(
    name="alarm-topic-customer-managed-key",
    description=(
        "Every SNS topic an alarm notifies is encrypted with a customer-managed KMS key of the stack whose policy "
        "lets cloudwatch.amazonaws.com use kms:Decrypt and kms:GenerateDataKey*; with the AWS-managed key, or "
        "without that grant, CloudWatch cannot publish and alarms go nowhere."
    ),
    concern=Concern.SECURITY,
    severity=Severity.HIGH,
    rule=_alarm_topic_keys,
)

POLICIES: tuple[Policy, ...] = (
    SEED_ALARMS_PRESENT,
    ALARM_METRIC_STATISTIC,
    REPLICA_LAG_ALARM_PER_READER,
    ALARM_TOPIC_CUSTOMER_MANAGED_KEY,
)
