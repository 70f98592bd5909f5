"""The pricer of AWS Backup plans: the recovery points each rule keeps, and its copies to other regions.

What a plan backs up is sized as the data tier's pricers size it; its recovery points are a chain of incremental
copies on the rule's schedule, kept as the rule's lifecycle says.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from offline.cost.data import bucket_gb
from offline.cost.model import Quantity
from offline.cost.pricing_graph import PricingGraph
from offline.cost.usage import DAYS_PER_MONTH
from offline.graph import Resource
from offline.price_table import PriceError

_CRON = re.compile(r"cron\(\S+ \S+ (?P<day>\S+) (?P<month>\S+) (?P<weekday>\S+) \S+\)")


def backup_interval_days(schedule: str) -> float:
    """Days between the recovery points of a daily or a monthly schedule."""
    cron = _CRON.fullmatch(schedule)
    if cron and cron["month"] == "*" and cron["weekday"] in {"*", "?"}:
        if cron["day"] in {"*", "?"}:
            return 1.0
        if cron["day"].isdigit():
            return DAYS_PER_MONTH
    raise PriceError(f"backup schedule {schedule!r} is neither daily nor monthly; its storage is not priced")


def backup_stored_gb(size_gb: float, retention_days: float, interval_days: float, daily_change: float) -> float:
    """A chain of incremental recovery points kept `retention_days`: one full copy, then for every later point the
    data changed since the one before (each rule's chain counted on its own: an upper bound)."""
    points = max(1.0, retention_days / interval_days)
    return size_gb * (1 + (points - 1) * min(1.0, daily_change * interval_days))


def _backed_up(plan: Resource, g: PricingGraph) -> list[tuple[str, float]]:
    """(AWS Backup's resource kind, GB) of everything the plan's selections back up."""
    backed_up: list[tuple[str, float]] = []
    for selection in g.by_type["aws:backup/selection:Selection"]:
        if selection.inputs.get("planId") != plan.id:
            continue
        for arn in selection.inputs.get("resources") or []:
            resource = g.by_arn.get(arn)
            if resource is None:
                raise PriceError(f"{selection.urn} backs up {arn}, which is not in the graph to be sized")
            if resource.type == "aws:rds/cluster:Cluster":
                backed_up.append(("aurora", g.usage.database_storage_gb))
            elif resource.type == "aws:efs/fileSystem:FileSystem":
                backed_up.append(("efs", g.usage.efs_standard_gb + g.usage.efs_infrequent_gb))
            elif resource.type == "aws:s3/bucket:Bucket":
                backed_up.append(("s3", sum(bucket_gb(resource, g).values())))
            else:
                raise PriceError(f"{selection.urn} backs up a {resource.type}, which the estimate cannot size")
    return backed_up


def _recovery_points(
    kind: str, size: float, lifecycle: Mapping[str, Any], *, interval: float, g: PricingGraph, region: str | None
) -> list[Quantity]:
    retention = lifecycle.get("deleteAfter") or g.usage.months_of_data * DAYS_PER_MONTH
    stored = backup_stored_gb(size, retention, interval, g.usage.backup_daily_change)
    cold_after = lifecycle.get("coldStorageAfter")
    # Only EFS recovery points have a cold tier: the part of the chain older than coldStorageAfter lies there.
    cold = stored * (retention - cold_after) / retention if kind == "efs" and cold_after else 0.0
    return [
        Quantity(f"AWS Backup {kind} {tier}", "GB-months", "backup_gb_month", f"{kind}:{tier}", gb, region=region)
        for tier, gb in (("warm", stored - cold), ("cold", cold))
        if gb
    ]


def backup_plan(resource: Resource, g: PricingGraph) -> list[Quantity]:
    region = g.region(resource)
    quantities: list[Quantity] = []
    backed_up = _backed_up(resource, g)
    for rule in resource.inputs.get("rules") or []:
        interval = backup_interval_days(rule["schedule"])
        for kind, size in backed_up:
            quantities += _recovery_points(kind, size, rule.get("lifecycle") or {}, interval=interval, g=g, region=None)
            for copy in rule.get("copyActions") or []:
                destination = copy["destinationVaultArn"].split(":")[3]
                elsewhere = destination if destination != region else None
                lifecycle = copy.get("lifecycle") or {}
                quantities += _recovery_points(kind, size, lifecycle, interval=interval, g=g, region=elsewhere)
                if elsewhere is None:
                    continue
                copied = size * min(1.0, g.usage.backup_daily_change * interval) * DAYS_PER_MONTH / interval
                what = f"AWS Backup copies to {destination}"
                quantities.append(Quantity(what, "GB", "data_transfer", "inter_region_gb", copied))
    return quantities
