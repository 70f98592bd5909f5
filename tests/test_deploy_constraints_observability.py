"""Deploy constraints of observability (log groups, CloudWatch alarms and dashboards, SNS topics): the inputs the
program sets pass, and each constraint reports the value that breaks it."""

from __future__ import annotations

from typing import Any

from policies.rules.deploy_constraints import observability
from policies.support.aws import (
    DASHBOARD,
    LOG_GROUP,
    METRIC_ALARM,
    SNS_TOPIC,
    SNS_TOPIC_POLICY,
    SNS_TOPIC_SUBSCRIPTION,
)
from tests.deploy_constraint_cases import TRUST_POLICY, constraint_case, untested_constraints
from tests.policy_builders import property_rule_tests

ALARM_TOPIC = "arn:aws:sns:us-east-1:111111111111:sentinel-prod-alarms"
BY_QUERY = {"metricName": None, "namespace": None, "statistic": None, "period": None}

COMPLIANT: dict[str, dict[str, Any]] = {
    LOG_GROUP: {"name": "/aws/vpc/sentinel-prod/flow-logs", "retentionInDays": 365},
    METRIC_ALARM: {
        "name": "sentinel-prod-HighCPUUtilization",
        "alarmDescription": "HighCPUUtilization (seed): CPU utilization is too high.",
        "comparisonOperator": "GreaterThanThreshold",
        "namespace": "AWS/EC2",
        "metricName": "CPUUtilization",
        "statistic": "Average",
        "period": 300,
        "evaluationPeriods": 2,
        "threshold": 80,
        "treatMissingData": "notBreaching",
        "alarmActions": [ALARM_TOPIC],
        "okActions": [ALARM_TOPIC],
        "tags": {"Name": "sentinel-prod-HighCPUUtilization"},
    },
    DASHBOARD: {"dashboardName": "sentinel-prod", "dashboardBody": '{"widgets": []}'},
    SNS_TOPIC: {"namePrefix": "sentinel-prod-alarms-", "kmsMasterKeyId": "arn:aws:kms:us-east-1:1:key/k"},
    SNS_TOPIC_POLICY: {"arn": ALARM_TOPIC, "policy": TRUST_POLICY},
    SNS_TOPIC_SUBSCRIPTION: {"topic": ALARM_TOPIC, "protocol": "email", "endpoint": "oncall@projectsentinel.ai"},
}

case = constraint_case(COMPLIANT)

# (resource type, the change that breaks its compliant inputs, the start of the message it then reports, id)
CASES = [
    case(LOG_GROUP, {"name": "flow logs"}, 'name is "flow logs": AWS allows letters, digits and ._-/#', "log-group"),
    case(LOG_GROUP, {"name": "/" * 513}, "name is", "log-group-name-length"),
    case(LOG_GROUP, {"name": None, "namePrefix": "/" * 487}, "namePrefix is", "log-group-prefix-length"),
    case(LOG_GROUP, {"name": None, "namePrefix": "flow logs"}, 'namePrefix is "flow logs"', "log-group-prefix"),
    case(LOG_GROUP, {"retentionInDays": 45}, "retentionInDays is 45: AWS allows one of 0, 1, 3, 5, 7, 14", "retention"),
    case(METRIC_ALARM, {"name": "a" * 256}, "name is", "alarm-name-length"),
    case(METRIC_ALARM, {"alarmDescription": "d" * 1025}, "alarmDescription is", "alarm-description-length"),
    case(
        METRIC_ALARM, {"comparisonOperator": "Above"}, 'comparisonOperator is "Above": AWS allows one of', "comparison"
    ),
    case(METRIC_ALARM, {"statistic": "Mean"}, 'statistic is "Mean": AWS allows one of "SampleCount"', "statistic"),
    case(
        METRIC_ALARM,
        {"statistic": None, "extendedStatistic": "p95.555"},
        'extendedStatistic is "p95.555": AWS allows percentiles p0 to p100',
        "percentile",
    ),
    case(
        METRIC_ALARM,
        {"extendedStatistic": "p95"},
        'statistic "Average" and extendedStatistic "p95" are set together',
        "statistic-and-percentile",
    ),
    case(
        METRIC_ALARM,
        {"metricQueries": [{"id": "result", "expression": "m1"}]},
        'metricName "CPUUtilization" and metricQueries a list of 1 are set together',
        "metric-and-queries",
    ),
    case(METRIC_ALARM, {"metricName": None}, "none of metricName, metricQueries is set", "no-metric"),
    case(METRIC_ALARM, {"treatMissingData": "notbreaching"}, 'treatMissingData is "notbreaching"', "missing-data"),
    case(METRIC_ALARM, {"period": 90}, "period is 90: AWS allows 10, 20, 30 or a multiple of 60", "alarm-period"),
    case(METRIC_ALARM, {"evaluationPeriods": 0}, "evaluationPeriods is 0: AWS allows whole numbers from 1", "periods"),
    case(
        METRIC_ALARM,
        {"evaluationPeriods": 289},
        "period 300 x evaluationPeriods 289 spans 86700 s: AWS allows at most 86400 s for this period",
        "evaluation-range",
    ),
    case(
        METRIC_ALARM, {"alarmActions": [ALARM_TOPIC] * 6}, "alarmActions is a list of 6: AWS allows at most 5", "acts"
    ),
    case(METRIC_ALARM, {"okActions": [ALARM_TOPIC] * 6}, "okActions is a list of 6: AWS allows at most 5", "ok-acts"),
    case(
        METRIC_ALARM,
        {**BY_QUERY, "metricQueries": [{"id": "Result", "expression": "m1", "returnData": True}]},
        'metricQueries[0].id is "Result": AWS allows a lowercase letter',
        "query-id",
    ),
    case(
        METRIC_ALARM,
        {
            **BY_QUERY,
            "metricQueries": [
                {"id": "result", "expression": "m1", "returnData": True},
                {"id": "m1", "metric": {"metricName": "RequestCount", "stat": "Total", "period": 60}},
            ],
        },
        'metricQueries[1].metric.stat is "Total": AWS allows one of',
        "query-statistic",
    ),
    case(METRIC_ALARM, {"tags": {"aws:tier": "edge"}}, 'tags key "aws:tier"', "alarm-tags"),
    case(DASHBOARD, {"dashboardName": "d" * 256}, "dashboardName is", "dashboard-name-length"),
    case(DASHBOARD, {"dashboardName": "sentinel prod"}, 'dashboardName is "sentinel prod": AWS allows', "dashboard"),
    case(SNS_TOPIC, {"namePrefix": None, "name": "t" * 257}, "name is", "topic-name-length"),
    case(SNS_TOPIC, {"namePrefix": None, "name": "alarms topic"}, 'name is "alarms topic": AWS allows', "topic-name"),
    case(SNS_TOPIC, {"namePrefix": "p" * 231}, "namePrefix is", "topic-prefix-length"),
    case(SNS_TOPIC, {"namePrefix": "sentinel.prod-"}, 'namePrefix is "sentinel.prod-": AWS allows', "topic-prefix"),
    case(SNS_TOPIC, {"name": "alarms"}, 'name "alarms" and namePrefix "sentinel-prod-alarms-" are set', "topic-two"),
    case(SNS_TOPIC, {"tags": {"aws:owner": "x"}}, 'tags key "aws:owner"', "topic-tags"),
    case(SNS_TOPIC_POLICY, {"arn": "sentinel-prod-alarms"}, 'arn is "sentinel-prod-alarms": AWS allows values', "tp"),
    case(SNS_TOPIC_SUBSCRIPTION, {"protocol": "EMAIL"}, 'protocol is "EMAIL": AWS allows one of "http"', "protocol"),
]

test_compliant_values_pass, test_each_constraint_reports_its_planted_value = property_rule_tests(CASES)


def test_every_constraint_has_a_failing_case() -> None:
    assert untested_constraints(observability.CONSTRAINTS, CASES) == []
