"""What the estimate assumes that the graph cannot know: hours in a month, traffic, data volumes.

Each assumption is a field of `Usage` with its unit and meaning, so that the estimate shows what it rests on;
`assumption_for` reads the tables of them kept by name (per bucket, per log group).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

DAYS_PER_MONTH = 365 / 12


def _assumption(value: Any, unit: str, meaning: str) -> Any:
    metadata = {"unit": unit, "meaning": meaning}
    if isinstance(value, dict):
        return field(default_factory=lambda: dict(value), metadata=metadata)
    return field(default=value, metadata=metadata)


@dataclass(frozen=True)
class Usage:
    """What the graph cannot know, each a named assumption the estimate shows: a modest production month. Pass your
    own (`dataclasses.replace(DEFAULT_USAGE, nat_processed_gb=2000)`) once real figures exist."""

    hours_per_month: float = _assumption(730, "hours", "a month of hourly prices (AWS's 365 x 24 / 12)")
    nat_processed_gb: float = _assumption(500, "GB/month", "traffic through all the NAT gateways together")
    internet_egress_gb: float = _assumption(500, "GB/month", "responses from the load balancer to Cloudflare")
    alb_lcus: float = _assumption(1.0, "LCU", "the load balancer's average load capacity units")
    database_storage_gb: float = _assumption(50, "GB", "the Aurora cluster volume")
    database_io_millions: float = _assumption(200, "million/month", "Aurora Standard I/O requests (75 a second)")
    efs_standard_gb: float = _assumption(10, "GB", "shared files in EFS Standard")
    efs_infrequent_gb: float = _assumption(10, "GB", "shared files moved to EFS Infrequent Access")
    efs_read_gb: float = _assumption(50, "GB/month", "shared files read (elastic throughput)")
    efs_write_gb: float = _assumption(10, "GB/month", "shared files written (elastic throughput)")
    s3_monthly_writes_gb: Mapping[str, float] = _assumption(
        {"uploads": 20, "backups": 30, "logs": 15, "other": 1},
        "GB/month",
        "written to each bucket, by the end of its logical name ('other' for the rest)",
    )
    months_of_data: float = _assumption(
        12, "months", "age of the oldest data: buckets and never-expiring logs are priced after this many months"
    )
    log_ingestion_gb: Mapping[str, float] = _assumption(
        {"/aws/eks/": 20, "/aws/vpc/": 30, "/aws/rds/": 5, "/aws/elasticache/": 1, "/aws/codebuild/": 1, "other": 1},
        "GB/month",
        "ingested into each log group, by the start of its name ('other' for the rest)",
    )
    container_insights_log_gb_per_node: float = _assumption(
        2, "GB/month", "Container Insights performance log events of each node"
    )
    container_insights_system_objects: Mapping[str, float] = _assumption(
        {"namespaces": 2, "services": 4, "workloads": 12},
        "count",
        "what the EKS add-ons and the autoscaler run beside the stack's own (kube-system, amazon-cloudwatch)",
    )
    ecr_gb_per_repository: float = _assumption(5, "GB", "images each repository keeps")
    build_minutes: float = _assumption(600, "minutes/month", "deploy and preview jobs on the deploy runner")
    backup_daily_change: float = _assumption(
        0.02, "share/day", "of each backed-up resource's data that changes in a day (incremental recovery points)"
    )
    insights_alarm_metrics: float = _assumption(1, "metrics", "metrics each Metrics Insights query alarm analyzes")

    def named(self) -> list[dict[str, Any]]:
        return [{"name": item.name, "value": getattr(self, item.name), **item.metadata} for item in fields(self)]


DEFAULT_USAGE = Usage()


def assumption_for(name: str, table: Mapping[str, float], matches: Callable[[str, str], bool]) -> float:
    """The entry of an assumption table whose key `matches` the name, or its 'other' entry."""
    return next((value for key, value in table.items() if key != "other" and matches(name, key)), table["other"])
