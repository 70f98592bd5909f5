"""Observability: CloudWatch log groups, alarms and dashboards, and the SNS topic the alarms notify."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from facts.aws_limits import LOG_RETENTION_DAYS
from policies.rules.deploy_constraints.allowed import (
    UNIQUE_SUFFIX,
    Allowed,
    among,
    at_most_items,
    between,
    characters,
    length,
    starting_with,
)
from policies.rules.deploy_constraints.kinds import Constraints, OneOf, Tags, Value, cited
from policies.rules.deploy_constraints.sources import (
    CREATE_LOG_GROUP,
    CREATE_TOPIC,
    METRIC_DATA_QUERY,
    PUT_DASHBOARD,
    PUT_METRIC_ALARM,
    PUT_RETENTION_POLICY,
    SET_TOPIC_ATTRIBUTES,
    SUBSCRIBE,
)
from policies.support.aws import (
    DASHBOARD,
    LOG_GROUP,
    METRIC_ALARM,
    SNS_TOPIC,
    SNS_TOPIC_POLICY,
    SNS_TOPIC_SUBSCRIPTION,
)
from policies.support.values import field, number, shown

_ALARM_STATISTICS = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")
_TOPIC_NAME_CHARACTERS = characters(r"[A-Za-z0-9_-]+(\.fifo)?", "letters, digits, _ and - (and a .fifo suffix)")
_LOG_GROUP_CHARACTERS = characters(r"[.\-_/#A-Za-z0-9]+", "letters, digits and ._-/#")


def alarm_period() -> Allowed:
    def accepts(value: Any) -> bool:
        seconds = number(value)
        return seconds is not None and (seconds in (10, 20, 30) or (seconds > 0 and seconds % 60 == 0))

    return Allowed(accepts, "10, 20, 30 or a multiple of 60 seconds")


@dataclass(frozen=True)
class EvaluationRange:
    """An alarm's period x evaluationPeriods is at most one day for periods under an hour, else seven days."""

    source: str

    def violations(self, props: Any, _provider_props: Any, /) -> Iterator[str]:
        period, periods = number(field(props, "period")), number(field(props, "evaluationPeriods"))
        if period is None or periods is None:
            return
        longest = 86400 if period < 3600 else 604800
        if period * periods > longest:
            yield cited(
                f"period {shown(period)} x evaluationPeriods {shown(periods)} spans {shown(period * periods)} s: AWS "
                f"allows at most {longest} s for this period",
                self.source,
            )


CONSTRAINTS: Constraints = {
    LOG_GROUP: (
        Value("name", length(512), CREATE_LOG_GROUP),
        Value("name", _LOG_GROUP_CHARACTERS, CREATE_LOG_GROUP),
        Value("namePrefix", length(512 - UNIQUE_SUFFIX), CREATE_LOG_GROUP),
        Value("namePrefix", _LOG_GROUP_CHARACTERS, CREATE_LOG_GROUP),
        # 0 is the provider's "never expire", which it sends as no retention policy at all.
        Value("retentionInDays", among(0, *LOG_RETENTION_DAYS), PUT_RETENTION_POLICY),
        Tags(),
    ),
    METRIC_ALARM: (
        Value("name", length(255), PUT_METRIC_ALARM),
        Value("alarmDescription", length(1024, minimum=0), PUT_METRIC_ALARM),
        Value(
            "comparisonOperator",
            among(
                "GreaterThanOrEqualToThreshold",
                "GreaterThanThreshold",
                "LessThanThreshold",
                "LessThanOrEqualToThreshold",
                "LessThanLowerOrGreaterThanUpperThreshold",
                "LessThanLowerThreshold",
                "GreaterThanUpperThreshold",
            ),
            PUT_METRIC_ALARM,
        ),
        Value("statistic", among(*_ALARM_STATISTICS), PUT_METRIC_ALARM),
        Value(
            "extendedStatistic",
            characters(r"p(\d{1,2}(\.\d{1,2})?|100)", "percentiles p0 to p100 with up to two decimals"),
            PUT_METRIC_ALARM,
        ),
        OneOf(("statistic", "extendedStatistic"), PUT_METRIC_ALARM, required=False),
        OneOf(("metricName", "metricQueries"), PUT_METRIC_ALARM),
        Value("treatMissingData", among("breaching", "notBreaching", "ignore", "missing"), PUT_METRIC_ALARM),
        Value("period", alarm_period(), PUT_METRIC_ALARM),
        Value("evaluationPeriods", between(1, 604800 // 10), PUT_METRIC_ALARM),
        EvaluationRange(PUT_METRIC_ALARM),
        Value("alarmActions", at_most_items(5), PUT_METRIC_ALARM),
        Value("okActions", at_most_items(5), PUT_METRIC_ALARM),
        Value(
            "metricQueries[].id",
            characters(r"[a-z][A-Za-z0-9_]{0,254}", "a lowercase letter, then letters, digits and _"),
            METRIC_DATA_QUERY,
        ),
        Value("metricQueries[].metric.stat", among(*_ALARM_STATISTICS), METRIC_DATA_QUERY),
        Tags(),
    ),
    DASHBOARD: (
        Value("dashboardName", length(255), PUT_DASHBOARD),
        Value("dashboardName", characters(r"[A-Za-z0-9_-]+", "letters, digits, - and _"), PUT_DASHBOARD),
    ),
    SNS_TOPIC: (
        Value("name", length(256), CREATE_TOPIC),
        Value("name", _TOPIC_NAME_CHARACTERS, CREATE_TOPIC),
        Value("namePrefix", length(256 - UNIQUE_SUFFIX), CREATE_TOPIC),
        Value("namePrefix", _TOPIC_NAME_CHARACTERS, CREATE_TOPIC),
        OneOf(("name", "namePrefix"), "pulumi_aws/sns/topic.py (name_prefix)", required=False),
        Tags(),
    ),
    SNS_TOPIC_POLICY: (Value("arn", starting_with("arn:aws:sns:"), SET_TOPIC_ATTRIBUTES),),
    SNS_TOPIC_SUBSCRIPTION: (
        Value(
            "protocol",
            among("http", "https", "email", "email-json", "sms", "sqs", "application", "lambda", "firehose"),
            SUBSCRIBE,
        ),
    ),
}
