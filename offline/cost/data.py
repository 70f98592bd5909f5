"""The pricers of the data tier: Aurora, RDS Proxy, ElastiCache, EFS and S3 buckets.

A bucket holds what it was written over the months of data assumed, in the storage classes its lifecycle moves that
data through (`bucket_storage`); AWS Backup (offline/cost/backup.py) sizes the buckets it backs up the same way.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from facts.instance_classes import AURORA_SERVERLESS, DATABASE_INSTANCE_CLASSES
from offline.cost.model import Quantity
from offline.cost.pricing_graph import PricingGraph
from offline.cost.usage import DAYS_PER_MONTH, assumption_for
from offline.graph import Resource
from offline.price_table import PriceError


def _io_optimized(cluster: Resource) -> bool:
    return cluster.inputs.get("storageType") == "aurora-iopt1"


def serverless_capacity(cluster: Resource) -> tuple[float, float]:
    scaling = cluster.inputs.get("serverlessv2ScalingConfiguration")
    if not scaling:
        raise PriceError(f"{cluster.urn} runs db.serverless instances without serverlessv2ScalingConfiguration")
    return scaling["minCapacity"], scaling["maxCapacity"]


def aurora_cluster(resource: Resource, g: PricingGraph) -> list[Quantity]:
    storage = g.usage.database_storage_gb
    if _io_optimized(resource):
        return [
            Quantity("Aurora I/O-Optimized storage", "GB-months", "aurora", "storage_gb_month_io_optimized", storage)
        ]
    return [
        Quantity("Aurora storage", "GB-months", "aurora", "storage_gb_month", storage),
        Quantity(
            "Aurora I/O requests", "million requests", "aurora", "io_million_requests", g.usage.database_io_millions
        ),
    ]


def aurora_instance(resource: Resource, g: PricingGraph) -> list[Quantity]:
    if resource.inputs.get("engine") != "aurora-postgresql":
        raise PriceError(f"{resource.urn}: only Aurora PostgreSQL instances are priced")
    cluster = g.one("aws:rds/cluster:Cluster", clusterIdentifier=resource.inputs["clusterIdentifier"])
    instance_class, io_optimized = resource.inputs["instanceClass"], _io_optimized(cluster)
    if instance_class == AURORA_SERVERLESS:
        low, high = serverless_capacity(cluster)
        key = "serverless_v2_acu_hour_io_optimized" if io_optimized else "serverless_v2_acu_hour"
        return [Quantity("Aurora Serverless v2 capacity", "ACU-hours", "aurora", key, low * g.hours, high * g.hours)]
    hours = Quantity(
        f"{instance_class} instances", "instance-hours", "aurora_postgresql_instance_hour", instance_class, g.hours
    )
    if not io_optimized:
        return [hours]
    factor = g.prices(g.region(resource)).price("aurora", "io_optimized_instance_factor")
    return [
        Quantity(f"{hours.what} (I/O-Optimized)", hours.unit, hours.section, hours.key, hours.amount, factor=factor)
    ]


def rds_proxy(resource: Resource, g: PricingGraph) -> list[Quantity]:
    """RDS Proxy bills the capacity of the instances behind it, with a floor."""
    vcpus, acus_low, acus_high = 0.0, 0.0, 0.0
    for target in g.by_type["aws:rds/proxyTarget:ProxyTarget"]:
        if target.inputs.get("dbProxyName") != resource.inputs["name"]:
            continue
        identifier = target.inputs["dbClusterIdentifier"]
        for instance in g.by_type["aws:rds/clusterInstance:ClusterInstance"]:
            if instance.inputs.get("clusterIdentifier") != identifier:
                continue
            if instance.inputs["instanceClass"] == AURORA_SERVERLESS:
                low, high = serverless_capacity(g.one("aws:rds/cluster:Cluster", clusterIdentifier=identifier))
                acus_low, acus_high = acus_low + low, acus_high + high
            else:
                vcpus += DATABASE_INSTANCE_CLASSES[instance.inputs["instanceClass"]].vcpus
    table = g.prices(g.region(resource))
    quantities: list[Quantity] = []
    if vcpus:
        billed = max(vcpus, table.price("rds_proxy", "minimum_vcpus")) * g.hours
        quantities.append(
            Quantity("RDS Proxy on provisioned instances", "vCPU-hours", "rds_proxy", "vcpu_hour", billed)
        )
    if acus_high:
        floor = table.price("rds_proxy", "minimum_acus")
        low, high = max(acus_low, floor) * g.hours, max(acus_high, floor) * g.hours
        quantities.append(Quantity("RDS Proxy on Serverless v2", "ACU-hours", "rds_proxy", "acu_hour", low, high))
    return quantities


def replication_group(resource: Resource, g: PricingGraph) -> list[Quantity]:
    inputs = resource.inputs
    nodes = inputs.get("numCacheClusters") or inputs["numNodeGroups"] * (inputs.get("replicasPerNodeGroup", 0) + 1)
    engine, node_type = inputs.get("engine", "redis"), inputs["nodeType"]
    key = f"{engine}:{node_type}"
    return [Quantity(f"{node_type} {engine} nodes", "node-hours", "elasticache_node_hour", key, nodes * g.hours)]


def file_system(resource: Resource, g: PricingGraph) -> list[Quantity]:
    usage = g.usage
    quantities = [
        Quantity("EFS Standard storage", "GB-months", "efs", "standard_gb_month", usage.efs_standard_gb),
        Quantity(
            "EFS Infrequent Access storage", "GB-months", "efs", "infrequent_access_gb_month", usage.efs_infrequent_gb
        ),
    ]
    if resource.inputs.get("throughputMode") == "elastic":
        quantities += [
            Quantity("EFS elastic reads", "GB", "efs", "elastic_read_gb", usage.efs_read_gb),
            Quantity("EFS elastic writes", "GB", "efs", "elastic_write_gb", usage.efs_write_gb),
        ]
    return quantities


def bucket_storage(writes_gb: float, months: float, rule: Mapping[str, Any] | None) -> dict[str, float]:
    """GB in each storage class after `months` of writing `writes_gb` a month, as the lifecycle `rule` moves and
    expires objects by age: the data of each age sits in the class that age maps to."""
    rule = rule or {}
    horizon = months * DAYS_PER_MONTH
    expiration = (rule.get("expiration") or {}).get("days") or math.inf
    classes = [(0.0, "STANDARD"), *sorted((t["days"], t["storageClass"]) for t in rule.get("transitions") or [])]
    stored: dict[str, float] = {}
    for (start, storage_class), (next_start, _) in zip(classes, [*classes[1:], (math.inf, "")], strict=True):
        end = min(next_start, expiration, horizon)
        if end > start:
            stored[storage_class] = stored.get(storage_class, 0.0) + writes_gb * (end - start) / DAYS_PER_MONTH
    return stored


def bucket_gb(bucket: Resource, g: PricingGraph) -> dict[str, float]:
    writes = assumption_for(bucket.name, g.usage.s3_monthly_writes_gb, str.endswith)
    whole_bucket_rules = [
        rule
        for configuration in g.by_type["aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"]
        if configuration.inputs.get("bucket") == bucket.inputs.get("bucket")
        for rule in configuration.inputs.get("rules") or []
        if rule.get("status") == "Enabled" and not (rule.get("filter") or {}).get("prefix")
    ]
    return bucket_storage(writes, g.usage.months_of_data, whole_bucket_rules[0] if whole_bucket_rules else None)


def bucket(resource: Resource, g: PricingGraph) -> list[Quantity]:
    return [
        Quantity(f"S3 {storage_class}", "GB-months", "s3_gb_month", storage_class, gb)
        for storage_class, gb in sorted(bucket_gb(resource, g).items())
    ]
