"""The pricers of what runs the stack rather than serves it: secrets, alarms, log groups, CodeBuild."""

from __future__ import annotations

import dataclasses
import math

from offline.cost.model import Quantity
from offline.cost.pricing_graph import PricingGraph
from offline.cost.usage import DAYS_PER_MONTH, assumption_for
from offline.graph import Resource


def secret(resource: Resource, _g: PricingGraph) -> list[Quantity]:
    """The secret, and each of its replicas in its own region."""
    primary = Quantity("Secrets Manager secrets", "secret-months", "secrets_manager", "secret_month", 1)
    replicas = [
        dataclasses.replace(primary, region=replica["region"]) for replica in resource.inputs.get("replicas") or []
    ]
    return [primary, *replicas]


def alarm(resource: Resource, g: PricingGraph) -> list[Quantity]:
    inputs = resource.inputs
    if inputs.get("metricName"):
        periods = [inputs["period"]]
    else:
        periods = [query["metric"]["period"] for query in inputs.get("metricQueries") or [] if query.get("metric")]
    # A metric-math alarm pays for each metric it reads; a Metrics Insights query alarm for the metrics it analyzes.
    metrics = len(periods) or g.usage.insights_alarm_metrics
    if any(period < 60 for period in periods):
        return [
            Quantity(
                "high-resolution alarm metrics",
                "metric-months",
                "cloudwatch",
                "alarm_metric_month_high_resolution",
                metrics,
            )
        ]
    return [Quantity("alarm metrics", "metric-months", "cloudwatch", "alarm_metric_month", metrics)]


def log_group(resource: Resource, g: PricingGraph) -> list[Quantity]:
    ingested = assumption_for(resource.inputs.get("name") or resource.name, g.usage.log_ingestion_gb, str.startswith)
    retention_months = (resource.inputs.get("retentionInDays") or math.inf) / DAYS_PER_MONTH
    # Kept the shorter of retention and the data's age, at the size ingested (CloudWatch stores it compressed, so
    # this is an upper bound).
    stored = ingested * min(retention_months, g.usage.months_of_data)
    return [
        Quantity("log ingestion", "GB", "cloudwatch", "logs_ingested_gb", ingested),
        Quantity("log storage", "GB-months", "cloudwatch", "logs_stored_gb_month", stored),
    ]


def build_project(resource: Resource, g: PricingGraph) -> list[Quantity]:
    compute = resource.inputs["environment"]["computeType"]
    return [Quantity(f"CodeBuild {compute}", "build-minutes", "codebuild_minute", compute, g.usage.build_minutes)]
