"""The alarm table (docs/alarms.md): every CloudWatch alarm the prod stack builds, read from its offline graph,
with what it reads, when it fires and what it means."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from components.config import parse
from facts.metrics import METRICS
from offline import stackfiles
from offline.graph import Graph
from scripts.docs import GraphOf
from scripts.docs.markdown import code, one_line, table

ALARM_TYPE = "aws:cloudwatch/metricAlarm:MetricAlarm"
_OPERATORS = {
    "GreaterThanThreshold": ">",
    "GreaterThanOrEqualToThreshold": "≥",
    "LessThanThreshold": "<",
    "LessThanOrEqualToThreshold": "≤",
}


def _unit(namespace: str, metric: str) -> str:
    row = METRICS.get((namespace, metric))
    return row.unit if row is not None else ""


def _threshold(value: float, unit: str) -> str:
    if unit == "Bytes":
        return f"{value / 2**30:.2f} GiB"
    suffix = {"Percent": " %", "Seconds": " s", "Milliseconds": " ms"}.get(unit, "")
    return f"{value:g}{suffix}"


@dataclass(frozen=True)
class _Reading:
    """What an alarm reads, the period it reads it over, and the unit of its threshold."""

    text: str
    period: float
    unit: str


def _reads(inputs: Mapping[str, Any]) -> _Reading:
    if "metricName" in inputs:
        namespace, metric = inputs["namespace"], inputs["metricName"]
        dimensions = ", ".join(sorted(inputs.get("dimensions") or {}))
        statistic = inputs.get("statistic") or inputs.get("extendedStatistic")
        by = f" by {dimensions}" if dimensions else ""
        return _Reading(
            f"{statistic} of {code(namespace)} {code(metric)}{by}", inputs["period"], _unit(namespace, metric)
        )
    [result] = [query for query in inputs["metricQueries"] if query.get("returnData")]
    metrics = [query["metric"] for query in inputs["metricQueries"] if "metric" in query]
    if not metrics:
        return _Reading(f"Metrics Insights: {code(result['expression'])}", result["period"], "")
    names = ", ".join(code(metric["metricName"]) for metric in metrics)
    first = metrics[0]
    return _Reading(
        f"{result.get('label', 'an expression')}: {code(result['expression'])} of the {first['stat']} of {names} "
        f"({code(first['namespace'])})",
        first["period"],
        "",
    )


def alarm_table(graph: Graph, name_prefix: str) -> str:
    """One row per alarm, alarms that differ only by the node, reader or app they watch in one row."""
    alarms = sorted(graph.of_type(ALARM_TYPE), key=lambda resource: resource.inputs["name"])
    groups: dict[tuple[str, str], list[tuple[str, Mapping[str, Any]]]] = {}
    for resource in alarms:
        name = resource.inputs["name"].removeprefix(f"{name_prefix}-")
        stem, _, suffix = name.rpartition("-")
        if not stem:
            stem, suffix = name, ""
        description = resource.inputs.get("alarmDescription", "")
        generic = re.sub(rf"\b{re.escape(suffix)}\b", "{}", description) if suffix else description
        groups.setdefault((stem if suffix else name, generic), []).append((suffix, resource.inputs))
    rows = []
    for (stem, _), members in groups.items():
        suffixes = [suffix for suffix, _ in members]
        inputs = members[0][1]
        if len(members) == 1:
            title = code(f"{stem}-{suffixes[0]}" if suffixes[0] else stem)
        else:
            title = ", ".join([code(f"{stem}-{suffixes[0]}"), *(code(f"-{suffix}") for suffix in suffixes[1:])])
        reading = _reads(inputs)
        fires = (
            f"{_OPERATORS[inputs['comparisonOperator']]} {_threshold(inputs['threshold'], reading.unit)} for "
            f"{inputs['evaluationPeriods']:g} x {reading.period:g} s"
        )
        missing = {"breaching": "breaching", "notBreaching": "not breaching"}.get(
            inputs.get("treatMissingData", "missing"), inputs.get("treatMissingData", "missing")
        )
        rows.append([title, reading.text, fires, missing, one_line(inputs.get("alarmDescription", ""))])
    return table(["Alarm", "Reads", "Fires when", "Missing data", "What it means, where to look first"], rows)


def alarms(graph_of: GraphOf) -> str:
    _, config, secret_keys = stackfiles.load(stackfiles.stack_file("prod"))
    return alarm_table(graph_of("prod"), parse("prod", config, secret_keys).name_prefix)
