"""The CloudWatch dashboard's body: every alarm's metric graphed with its threshold, grouped by tier under a heading,
generated from the same alarm definitions as the alarms, so the dashboard shows exactly what pages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from components.alarms import TIERS, AlarmDefinition, Metric


def _dashboard_metric(metric: Metric, options: Mapping[str, Any]) -> list[Any]:
    """A metric as a dashboard widget lists it: namespace, name, dimension pairs, then its options."""
    pairs = [part for key, value in metric.dimensions.items() for part in (key, value)]
    return [metric.namespace, metric.name, *pairs, {"stat": metric.statistic, **options}]


def dashboard_widget(definition: AlarmDefinition, region: str) -> dict[str, Any]:
    """The graph of one alarm's metric, its threshold drawn across it."""
    watched = definition.watches
    if isinstance(watched, Metric):
        metrics = [_dashboard_metric(watched, {})]
    else:
        metrics = [
            {"expression": watched.expression, "label": watched.label, "id": "result"},
            *(_dashboard_metric(metric, {"id": id_, "visible": False}) for id_, metric in watched.inputs.items()),
        ]
    return {
        "type": "metric",
        "width": 8,
        "height": 6,
        "properties": {
            "title": f"{definition.name} ({definition.unit})",
            "region": region,
            "view": "timeSeries",
            "period": definition.period,
            "metrics": metrics,
            "annotations": {"horizontal": [{"label": definition.name, "value": definition.threshold}]},
        },
    }


def dashboard_body(definitions: Sequence[AlarmDefinition], region: str) -> pulumi.Output[str]:
    """Every alarm's metric, grouped by tier under a heading, in the order of TIERS."""
    widgets: list[dict[str, Any]] = []
    for tier in TIERS:
        in_tier = [definition for definition in definitions if definition.tier == tier]
        if in_tier:
            widgets.append(
                {"type": "text", "width": 24, "height": 1, "properties": {"markdown": f"## {tier.capitalize()}"}}
            )
            widgets += (dashboard_widget(definition, region) for definition in in_tier)
    return pulumi.Output.json_dumps({"widgets": widgets})
