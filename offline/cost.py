"""The monthly cost of a stack from its graph, per component and in total, at the minimum and the maximum of what
scales, priced from the dated table of each resource's region (offline/price_table.py) with the assumptions it rests on
named; and what a change costs or saves.

Components are the graph's top-level resources; what scales is the node groups' nodes and Aurora Serverless v2
capacity; what the graph cannot know (hours in a month, traffic, data volumes) is `Usage`. On-demand list prices,
before any discount, free tier, tax or support plan.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from facts.instance_classes import AURORA_SERVERLESS, DATABASE_INSTANCE_CLASSES
from offline import price_table, stackfiles
from offline.graph import Graph, Resource
from offline.price_table import PriceError, PriceTable

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

# Custom metrics that standard Container Insights publishes for EKS, by what each set is per: the dimension sets of
# the metric table at https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-EKS.html,
# counted (the PodName dimension names a workload, not each of its pods).
CONTAINER_INSIGHTS_METRICS = {"cluster": 23, "node": 8, "namespace": 7, "service": 7, "workload": 9}
# Kubernetes kinds whose pods run all month (a Job's or CronJob's pods report only while they run).
_CONTINUOUS_WORKLOADS = (
    "kubernetes:apps/v1:Deployment",
    "kubernetes:apps/v1:StatefulSet",
    "kubernetes:apps/v1:DaemonSet",
)
# Resources only the stack that configures the Cloudflare zone has: that stack pays the zone's plan.
_ZONE_CONFIGURATION = frozenset({"cloudflare:index/zoneSetting:ZoneSetting", "cloudflare:index/ruleset:Ruleset"})


@dataclass(frozen=True)
class Quantity:
    """What a resource uses of one priced thing: `amount` of `unit` at the table's `section`[`key`] (times `factor`)
    at the minimum scale, `at_max` at the maximum if it differs, in `region` if not the resource's own."""

    what: str
    unit: str
    section: str
    key: str
    amount: float
    at_max: float | None = None
    region: str | None = None
    factor: float = 1.0


@dataclass(frozen=True)
class LineItem:
    """Quantities of one kind at one price in one component, summed over the resources that use them."""

    what: str
    unit: str
    unit_price: float
    quantity_at_min: float
    quantity_at_max: float
    region: str
    resources: tuple[str, ...]

    @property
    def at_min(self) -> float:
        return self.quantity_at_min * self.unit_price

    @property
    def at_max(self) -> float:
        return self.quantity_at_max * self.unit_price

    def as_json(self) -> dict[str, Any]:
        return {
            "what": self.what,
            "unit": self.unit,
            "unitPrice": self.unit_price,
            "quantityAtMin": self.quantity_at_min,
            "quantityAtMax": self.quantity_at_max,
            "atMin": round(self.at_min, 2),
            "atMax": round(self.at_max, 2),
            "region": self.region,
            "resources": list(self.resources),
        }


@dataclass(frozen=True)
class ComponentCost:
    name: str
    items: tuple[LineItem, ...]

    @property
    def at_min(self) -> float:
        return sum(item.at_min for item in self.items)

    @property
    def at_max(self) -> float:
        return sum(item.at_max for item in self.items)


@dataclass(frozen=True)
class ScaleBound:
    """Something whose size, and so cost, moves between two bounds the graph sets."""

    resource: str
    what: str
    minimum: float
    maximum: float


@dataclass(frozen=True)
class CostEstimate:
    stack: str
    region: str
    components: tuple[ComponentCost, ...]
    scale: tuple[ScaleBound, ...]
    usage: Usage
    price_tables: tuple[PriceTable, ...]
    unpriced_types: tuple[str, ...]
    """Resource types neither priced nor known to be free: left out of the figures, and named."""

    @property
    def at_min(self) -> float:
        return sum(component.at_min for component in self.components)

    @property
    def at_max(self) -> float:
        return sum(component.at_max for component in self.components)

    def as_json(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "region": self.region,
            "currency": "USD",
            "priceTables": [{"region": t.region, "file": t.path.name, "asOf": t.as_of} for t in self.price_tables],
            "scale": [vars(bound) for bound in self.scale],
            "assumptions": self.usage.named(),
            "components": [
                {
                    "name": component.name,
                    "atMin": round(component.at_min, 2),
                    "atMax": round(component.at_max, 2),
                    "items": [item.as_json() for item in component.items],
                }
                for component in self.components
            ],
            "total": {"atMin": round(self.at_min, 2), "atMax": round(self.at_max, 2)},
            "unpricedTypes": list(self.unpriced_types),
        }


def home_region(graph: Graph) -> str:
    """The region of the AWS provider most resources use: where the stack runs."""
    used = Counter(r.provider for r in graph)
    providers = [r for r in graph if r.type == "pulumi:providers:aws" and r.inputs.get("region")]
    if not providers:
        raise PriceError(f"the {graph.stack} graph has no AWS provider with a region")
    return max(providers, key=lambda provider: used[provider.urn]).inputs["region"]


class _Graph:
    """The look-ups pricing one resource needs of the others, and what the graph cannot know."""

    def __init__(self, graph: Graph, usage: Usage, prices: Callable[[str], PriceTable]) -> None:
        self.graph = graph
        self.usage = usage
        self.prices = prices
        self.hours = usage.hours_per_month
        self.by_type: dict[str, list[Resource]] = defaultdict(list)
        self.by_id: dict[str, Resource] = {}
        self.by_arn: dict[str, Resource] = {}
        for resource in graph:
            self.by_type[resource.type].append(resource)
            self.by_id[resource.id] = resource
            arn = resource.outputs.get("arn")
            if isinstance(arn, str):
                self.by_arn[arn] = resource

    def region(self, resource: Resource) -> str:
        region = resource.inputs.get("region")
        if not region and resource.provider in self.graph.resources:
            region = self.graph[resource.provider].inputs.get("region")
        if not region:
            raise PriceError(f"{resource.urn} names no region, nor does its provider")
        return region

    def one(self, type_: str, **inputs: Any) -> Resource:
        """The one resource of `type_` whose inputs have these values."""
        matches = [r for r in self.by_type[type_] if all(r.inputs.get(k) == v for k, v in inputs.items())]
        if len(matches) != 1:
            raise PriceError(f"{len(matches)} resources of type {type_} with {inputs}; pricing needs exactly one")
        return matches[0]


Pricer = Callable[[Resource, _Graph], list[Quantity]]


def node_bounds_of(group: Resource) -> tuple[float, float]:
    """A node group's nodes at its minimum and at its maximum size."""
    return group.inputs["scalingConfig"]["minSize"], group.inputs["scalingConfig"]["maxSize"]


def _root_volumes(resource: Resource, g: _Graph) -> list[tuple[str, float]]:
    """(volume type, GiB) of the volumes each instance starts with."""
    reference = resource.inputs.get("launchTemplate")
    template = g.by_id.get(reference["id"]) if reference else None
    if template is not None and template.inputs.get("blockDeviceMappings"):
        return [
            (mapping["ebs"].get("volumeType", "gp3"), mapping["ebs"]["volumeSize"])
            for mapping in template.inputs["blockDeviceMappings"]
            if mapping.get("ebs")
        ]
    if resource.inputs.get("rootBlockDevice"):
        root = resource.inputs["rootBlockDevice"]
        return [(root.get("volumeType", "gp3"), root["volumeSize"])]
    if resource.type == "aws:eks/nodeGroup:NodeGroup":
        return [("gp2", resource.inputs.get("diskSize", 20))]  # EKS's default without a launch template
    raise PriceError(f"{resource.urn}: no launch template, block device mapping or root block device sizes its volume")


def _instances(
    what: str, instance_type: str, volumes: list[tuple[str, float]], *, low: float, high: float, hours: float
) -> list[Quantity]:
    instance_hours = Quantity(what, "instance-hours", "ec2_instance_hour", instance_type, low * hours, high * hours)
    return [
        instance_hours,
        *(
            Quantity(f"{kind} root volumes", "GB-months", "ebs_gb_month", kind, low * gb, high * gb)
            for kind, gb in volumes
        ),
    ]


def _node_group(resource: Resource, g: _Graph) -> list[Quantity]:
    if resource.inputs.get("capacityType", "ON_DEMAND") != "ON_DEMAND":
        raise PriceError(f"{resource.urn}: only on-demand nodes are priced")
    # On-Demand node groups launch the first listed type that has capacity (the "prioritized" allocation strategy,
    # https://docs.aws.amazon.com/eks/latest/userguide/managed-node-groups.html#managed-node-group-capacity-types).
    instance_type = resource.inputs["instanceTypes"][0]
    volumes = _root_volumes(resource, g)
    low, high = node_bounds_of(resource)
    return _instances(f"{instance_type} nodes", instance_type, volumes, low=low, high=high, hours=g.hours)


def _instance(resource: Resource, g: _Graph) -> list[Quantity]:
    reference = resource.inputs.get("launchTemplate")
    template = g.by_id[reference["id"]].inputs if reference else {}
    instance_type = resource.inputs.get("instanceType") or template.get("instanceType")
    if not instance_type:
        raise PriceError(f"{resource.urn}: neither the instance nor its launch template names an instance type")
    volumes = _root_volumes(resource, g)
    return _instances(f"{instance_type} instance", instance_type, volumes, low=1, high=1, hours=g.hours)


def _io_optimized(cluster: Resource) -> bool:
    return cluster.inputs.get("storageType") == "aurora-iopt1"


def _serverless_capacity(cluster: Resource) -> tuple[float, float]:
    scaling = cluster.inputs.get("serverlessv2ScalingConfiguration")
    if not scaling:
        raise PriceError(f"{cluster.urn} runs db.serverless instances without serverlessv2ScalingConfiguration")
    return scaling["minCapacity"], scaling["maxCapacity"]


def _aurora_cluster(resource: Resource, g: _Graph) -> list[Quantity]:
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


def _aurora_instance(resource: Resource, g: _Graph) -> list[Quantity]:
    if resource.inputs.get("engine") != "aurora-postgresql":
        raise PriceError(f"{resource.urn}: only Aurora PostgreSQL instances are priced")
    cluster = g.one("aws:rds/cluster:Cluster", clusterIdentifier=resource.inputs["clusterIdentifier"])
    instance_class, io_optimized = resource.inputs["instanceClass"], _io_optimized(cluster)
    if instance_class == AURORA_SERVERLESS:
        low, high = _serverless_capacity(cluster)
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


def _rds_proxy(resource: Resource, g: _Graph) -> list[Quantity]:
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
                low, high = _serverless_capacity(g.one("aws:rds/cluster:Cluster", clusterIdentifier=identifier))
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


def _replication_group(resource: Resource, g: _Graph) -> list[Quantity]:
    inputs = resource.inputs
    nodes = inputs.get("numCacheClusters") or inputs["numNodeGroups"] * (inputs.get("replicasPerNodeGroup", 0) + 1)
    engine, node_type = inputs.get("engine", "redis"), inputs["nodeType"]
    key = f"{engine}:{node_type}"
    return [Quantity(f"{node_type} {engine} nodes", "node-hours", "elasticache_node_hour", key, nodes * g.hours)]


def _nat_gateway(resource: Resource, g: _Graph) -> list[Quantity]:
    share = g.usage.nat_processed_gb / len(g.by_type[resource.type])
    return [
        Quantity("NAT gateway hours", "gateway-hours", "nat_gateway", "hour", g.hours),
        Quantity("NAT gateway data processed", "GB", "nat_gateway", "gb_processed", share),
    ]


def _public_addresses(count: float, g: _Graph) -> Quantity:
    return Quantity("public IPv4 addresses", "address-hours", "public_ipv4_hour", "address", count * g.hours)


def _each(what: str, unit: str, section: str, key: str, amount: Callable[[_Graph], float]) -> Pricer:
    """A pricer for resources that each use the same amount of one thing."""

    def pricer(_resource: Resource, g: _Graph) -> list[Quantity]:
        return [Quantity(what, unit, section, key, amount(g))]

    return pricer


def _load_balancer(resource: Resource, g: _Graph) -> list[Quantity]:
    if resource.inputs.get("loadBalancerType", "application") != "application":
        raise PriceError(f"{resource.urn}: only application load balancers are priced")
    quantities = [
        Quantity("load balancer hours", "ALB-hours", "alb", "hour", g.hours),
        Quantity("load balancer capacity units", "LCU-hours", "alb", "lcu_hour", g.usage.alb_lcus * g.hours),
    ]
    if resource.inputs.get("internal"):
        return quantities
    # An internet-facing ALB holds a public IPv4 address in each of its subnets' zones.
    zones = len(resource.inputs.get("subnets") or resource.inputs.get("subnetMappings") or [])
    egress = g.usage.internet_egress_gb
    return [
        *quantities,
        _public_addresses(zones, g),
        Quantity("data transfer out to the internet", "GB", "data_transfer", "internet_out_gb", egress),
    ]


def _vpc_endpoint(resource: Resource, g: _Graph) -> list[Quantity]:
    if resource.inputs.get("vpcEndpointType", "Gateway") == "Gateway":
        return []
    hours = len(resource.inputs.get("subnetIds") or []) * g.hours
    return [Quantity("interface endpoint hours", "endpoint-hours", "vpc_endpoint", "interface_hour", hours)]


def _file_system(resource: Resource, g: _Graph) -> list[Quantity]:
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


def _named(name: str, table: Mapping[str, float], matches: Callable[[str, str], bool]) -> float:
    """The entry of an assumption table whose key `matches` the name, or its 'other' entry."""
    return next((value for key, value in table.items() if key != "other" and matches(name, key)), table["other"])


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


def _bucket_gb(bucket: Resource, g: _Graph) -> dict[str, float]:
    writes = _named(bucket.name, g.usage.s3_monthly_writes_gb, str.endswith)
    whole_bucket_rules = [
        rule
        for configuration in g.by_type["aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"]
        if configuration.inputs.get("bucket") == bucket.inputs.get("bucket")
        for rule in configuration.inputs.get("rules") or []
        if rule.get("status") == "Enabled" and not (rule.get("filter") or {}).get("prefix")
    ]
    return bucket_storage(writes, g.usage.months_of_data, whole_bucket_rules[0] if whole_bucket_rules else None)


def _bucket(resource: Resource, g: _Graph) -> list[Quantity]:
    return [
        Quantity(f"S3 {storage_class}", "GB-months", "s3_gb_month", storage_class, gb)
        for storage_class, gb in sorted(_bucket_gb(resource, g).items())
    ]


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


def _backed_up(plan: Resource, g: _Graph) -> list[tuple[str, float]]:
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
                backed_up.append(("s3", sum(_bucket_gb(resource, g).values())))
            else:
                raise PriceError(f"{selection.urn} backs up a {resource.type}, which the estimate cannot size")
    return backed_up


def _recovery_points(
    kind: str, size: float, lifecycle: Mapping[str, Any], *, interval: float, g: _Graph, region: str | None
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


def _backup_plan(resource: Resource, g: _Graph) -> list[Quantity]:
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


def _secret(resource: Resource, _g: _Graph) -> list[Quantity]:
    secret = Quantity("Secrets Manager secrets", "secret-months", "secrets_manager", "secret_month", 1)
    replicas = [
        Quantity(
            secret.what,
            secret.unit,
            secret.section,
            secret.key,
            1,
            region=replica["region"],
        )
        for replica in resource.inputs.get("replicas") or []
    ]
    return [secret, *replicas]


def _alarm(resource: Resource, g: _Graph) -> list[Quantity]:
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


def _log_group(resource: Resource, g: _Graph) -> list[Quantity]:
    ingested = _named(resource.inputs.get("name") or resource.name, g.usage.log_ingestion_gb, str.startswith)
    retention_months = (resource.inputs.get("retentionInDays") or math.inf) / DAYS_PER_MONTH
    # Kept the shorter of retention and the data's age, at the size ingested (CloudWatch stores it compressed, so
    # this is an upper bound).
    stored = ingested * min(retention_months, g.usage.months_of_data)
    return [
        Quantity("log ingestion", "GB", "cloudwatch", "logs_ingested_gb", ingested),
        Quantity("log storage", "GB-months", "cloudwatch", "logs_stored_gb_month", stored),
    ]


def _build_project(resource: Resource, g: _Graph) -> list[Quantity]:
    compute = resource.inputs["environment"]["computeType"]
    return [Quantity(f"CodeBuild {compute}", "build-minutes", "codebuild_minute", compute, g.usage.build_minutes)]


def node_bounds(graph: Graph) -> tuple[float, float]:
    """The nodes of every node group together, at their minimum and at their maximum."""
    bounds = [node_bounds_of(group) for group in graph.of_type("aws:eks/nodeGroup:NodeGroup")]
    return sum(low for low, _ in bounds), sum(high for _, high in bounds)


def _addon(resource: Resource, g: _Graph) -> list[Quantity]:
    """Add-ons cost nothing themselves; amazon-cloudwatch-observability's Container Insights does."""
    if resource.inputs.get("addonName") != "amazon-cloudwatch-observability":
        return []
    configuration = json.loads(resource.inputs.get("configurationValues") or "{}")
    collected = configuration.get("agent", {}).get("config", {}).get("logs", {}).get("metrics_collected", {})
    if collected.get("kubernetes", {}).get("enhanced_container_insights", True):
        raise PriceError(
            f"{resource.urn}: Container Insights with enhanced observability is billed per observation, "
            "which the price tables do not price"
        )
    if configuration.get("containerLogs", {}).get("enabled", True):
        raise PriceError(f"{resource.urn}: container logs (Fluent Bit) are on, and no assumption sizes them")
    system = g.usage.container_insights_system_objects
    counts = {
        "namespace": len(g.by_type["kubernetes:core/v1:Namespace"]) + system["namespaces"],
        "service": len(g.by_type["kubernetes:core/v1:Service"]) + system["services"],
        "workload": sum(len(g.by_type[kind]) for kind in _CONTINUOUS_WORKLOADS) + system["workloads"],
    }
    fixed = CONTAINER_INSIGHTS_METRICS["cluster"] + sum(CONTAINER_INSIGHTS_METRICS[k] * n for k, n in counts.items())
    low, high = node_bounds(g.graph)
    per_node, log_gb = CONTAINER_INSIGHTS_METRICS["node"], g.usage.container_insights_log_gb_per_node
    return [
        Quantity(
            "Container Insights metrics",
            "metric-months",
            "cloudwatch",
            "custom_metric_month",
            fixed + per_node * low,
            fixed + per_node * high,
        ),
        Quantity(
            "Container Insights performance logs", "GB", "cloudwatch", "logs_ingested_gb", log_gb * low, log_gb * high
        ),
    ]


def _hours(g: _Graph) -> float:
    return g.hours


def _one(_g: _Graph) -> float:
    return 1


PRICERS: Mapping[str, Pricer] = {
    "aws:eks/cluster:Cluster": _each("EKS control plane", "cluster-hours", "eks", "standard_support_hour", _hours),
    "aws:eks/nodeGroup:NodeGroup": _node_group,
    "aws:eks/addon:Addon": _addon,
    "aws:ec2/instance:Instance": _instance,
    "aws:rds/cluster:Cluster": _aurora_cluster,
    "aws:rds/clusterInstance:ClusterInstance": _aurora_instance,
    "aws:rds/proxy:Proxy": _rds_proxy,
    "aws:elasticache/replicationGroup:ReplicationGroup": _replication_group,
    "aws:ec2/natGateway:NatGateway": _nat_gateway,
    "aws:ec2/eip:Eip": _each("public IPv4 addresses", "address-hours", "public_ipv4_hour", "address", _hours),
    "aws:lb/loadBalancer:LoadBalancer": _load_balancer,
    "aws:ec2/vpcEndpoint:VpcEndpoint": _vpc_endpoint,
    "aws:efs/fileSystem:FileSystem": _file_system,
    "aws:s3/bucket:Bucket": _bucket,
    "aws:backup/plan:Plan": _backup_plan,
    "aws:secretsmanager/secret:Secret": _secret,
    "aws:kms/key:Key": _each("KMS keys", "key-months", "kms", "key_month", _one),
    "aws:cloudwatch/metricAlarm:MetricAlarm": _alarm,
    "aws:cloudwatch/logGroup:LogGroup": _log_group,
    "aws:cloudwatch/dashboard:Dashboard": _each(
        "dashboards", "dashboard-months", "cloudwatch", "dashboard_month", _one
    ),
    "aws:route53/zone:Zone": _each("Route 53 hosted zones", "zone-months", "route53", "hosted_zone_month", _one),
    "aws:ecr/repository:Repository": _each(
        "ECR image storage", "GB-months", "ecr", "storage_gb_month", lambda g: g.usage.ecr_gb_per_repository
    ),
    "aws:codebuild/project:Project": _build_project,
}

# Resource types with no charge of their own, by why; an entry ending in ":" covers a whole provider.
FREE_BECAUSE: Mapping[str, tuple[str, ...]] = {
    "configuration of a priced resource, or free in AWS": (
        "aws:acm/certificate:Certificate",
        "aws:acm/certificateValidation:CertificateValidation",
        "aws:autoscaling/attachment:Attachment",
        "aws:codebuild/webhook:Webhook",
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
        "aws:ec2/internetGateway:InternetGateway",
        "aws:ec2/launchTemplate:LaunchTemplate",
        "aws:ec2/managedPrefixList:ManagedPrefixList",
        "aws:ec2/route:Route",
        "aws:ec2/routeTable:RouteTable",
        "aws:ec2/routeTableAssociation:RouteTableAssociation",
        "aws:ec2/securityGroup:SecurityGroup",
        "aws:ec2/subnet:Subnet",
        "aws:ec2/vpc:Vpc",
        "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation",
        "aws:ecr/lifecyclePolicy:LifecyclePolicy",
        "aws:efs/accessPoint:AccessPoint",
        "aws:efs/backupPolicy:BackupPolicy",
        "aws:efs/fileSystemPolicy:FileSystemPolicy",
        "aws:efs/mountTarget:MountTarget",
        "aws:eks/accessEntry:AccessEntry",
        "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
        "aws:eks/podIdentityAssociation:PodIdentityAssociation",
        "aws:elasticache/parameterGroup:ParameterGroup",
        "aws:elasticache/subnetGroup:SubnetGroup",
        "aws:elasticache/user:User",
        "aws:elasticache/userGroup:UserGroup",
        "aws:iam/instanceProfile:InstanceProfile",
        "aws:iam/role:Role",
        "aws:iam/rolePolicy:RolePolicy",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "aws:kms/alias:Alias",
        "aws:lb/listener:Listener",
        "aws:lb/listenerRule:ListenerRule",
        "aws:lb/targetGroup:TargetGroup",
        "aws:rds/clusterParameterGroup:ClusterParameterGroup",
        "aws:rds/parameterGroup:ParameterGroup",
        "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup",
        "aws:rds/proxyEndpoint:ProxyEndpoint",
        "aws:rds/proxyTarget:ProxyTarget",
        "aws:rds/subnetGroup:SubnetGroup",
        "aws:route53/record:Record",
        "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "aws:s3/bucketLogging:BucketLogging",
        "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        "aws:s3/bucketPolicy:BucketPolicy",
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketVersioning:BucketVersioning",
        "aws:secretsmanager/secretVersion:SecretVersion",
        "aws:sns/topicPolicy:TopicPolicy",
        "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    ),
    "priced with another resource: backup storage with its plan, flow logs with their log group": (
        "aws:backup/selection:Selection",
        "aws:backup/vault:Vault",
        "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
        "aws:backup/vaultNotifications:VaultNotifications",
        "aws:ec2/flowLog:FlowLog",
    ),
    "alarm and event notifications, far below SNS's per-million prices": (
        "aws:sns/topic:Topic",
        "aws:sns/topicSubscription:TopicSubscription",
        "aws:rds/eventSubscription:EventSubscription",
    ),
    "monthly restore tests (restore jobs and an hour of the restored resources): not modeled": (
        "aws:backup/restoreTestingPlan:RestoreTestingPlan",
        "aws:backup/restoreTestingSelection:RestoreTestingSelection",
    ),
    "runs on the cluster's nodes, which are priced": ("kubernetes:",),
    "generated by the program": ("random:",),
    "part of the Cloudflare zone's plan, priced once": ("cloudflare:",),
    "a provider": ("pulumi:providers:",),
}


def free_because(type_: str) -> str | None:
    """Why resources of `type_` cost nothing of their own, or None if they are not known to be free."""
    for reason, types in FREE_BECAUSE.items():
        if any(type_ == known or (known.endswith(":") and type_.startswith(known)) for known in types):
            return reason
    return None


def cloudflare_plan(stack: str, project_dir: Path = stackfiles.PROJECT_DIR) -> str:
    """The stack file's `sentinel:cloudflare.plan`: the one price the graph does not carry."""
    _, config, _ = stackfiles.load(stackfiles.stack_file(stack, project_dir))
    return json.loads(config["sentinel:cloudflare"])["plan"]


def _zone_plan(graph: Graph, plan: str | None, home: str) -> list[tuple[Resource, Quantity]]:
    """The zone's plan, paid by the one stack that configures the zone (the others only add records to it). Cloudflare
    bills in USD wherever the stack runs; the table of the stack's region carries the plans."""
    configuring = [r for r in graph if r.type in _ZONE_CONFIGURATION]
    if not configuring:
        return []
    chosen = plan or cloudflare_plan(graph.stack)
    plan_month = Quantity(f"Cloudflare {chosen} plan", "zone-months", "cloudflare_plan_month", chosen, 1, region=home)
    return [(configuring[0], plan_month)]


def _scale(graph: Graph) -> list[ScaleBound]:
    bounds = [
        ScaleBound(group.name, f"{group.inputs['instanceTypes'][0]} nodes", *node_bounds_of(group))
        for group in graph.of_type("aws:eks/nodeGroup:NodeGroup")
    ]
    for cluster in graph.of_type("aws:rds/cluster:Cluster"):
        serverless = [
            instance
            for instance in graph.of_type("aws:rds/clusterInstance:ClusterInstance")
            if instance.inputs.get("clusterIdentifier") == cluster.inputs.get("clusterIdentifier")
            and instance.inputs.get("instanceClass") == AURORA_SERVERLESS
        ]
        if serverless:
            what = f"Aurora capacity units on each of {len(serverless)} Serverless v2 instances"
            bounds.append(ScaleBound(cluster.name, what, *_serverless_capacity(cluster)))
    return bounds


def estimate(
    graph: Graph,
    usage: Usage = DEFAULT_USAGE,
    *,
    cloudflare_plan: str | None = None,
    prices: Callable[[str], PriceTable] = price_table.load,
) -> CostEstimate:
    """The monthly cost of `graph`'s stack, with `prices(region)` for each region it uses. `cloudflare_plan` defaults
    to the stack file's (the graph does not carry it), read only if the stack configures its zone. Raises PriceError
    for a region or a price the tables lack."""
    g = _Graph(graph, usage, prices)
    used: list[tuple[Resource, Quantity]] = []
    unpriced: set[str] = set()
    for resource in graph:
        pricer = PRICERS.get(resource.type)
        if pricer is not None:
            used += [(resource, quantity) for quantity in pricer(resource, g)]
        elif resource.custom and free_because(resource.type) is None:
            unpriced.add(resource.type)
    home = home_region(graph)
    used += _zone_plan(graph, cloudflare_plan, home)
    tables: dict[str, PriceTable] = {}
    sums: dict[tuple[str, str, str, float, str], list[tuple[Resource, Quantity]]] = defaultdict(list)
    for resource, quantity in used:
        region = quantity.region or g.region(resource)
        tables[region] = prices(region)
        unit_price = tables[region].price(quantity.section, quantity.key) * quantity.factor
        component = graph.top_level_ancestor(resource).name
        sums[component, quantity.what, quantity.unit, unit_price, region].append((resource, quantity))
    items: dict[str, list[LineItem]] = defaultdict(list)
    for (component, what, unit, unit_price, region), group in sums.items():
        at_min = sum(q.amount for _, q in group)
        at_max = sum(q.amount if q.at_max is None else q.at_max for _, q in group)
        names = tuple(sorted({r.name for r, _ in group}))
        items[component].append(LineItem(what, unit, unit_price, at_min, at_max, region, names))
    components = [
        ComponentCost(name, tuple(sorted(lines, key=lambda item: (-item.at_max, item.what))))
        for name, lines in items.items()
    ]
    return CostEstimate(
        stack=graph.stack,
        region=home,
        components=tuple(sorted(components, key=lambda component: (-component.at_max, component.name))),
        scale=tuple(_scale(graph)),
        usage=usage,
        price_tables=tuple(tables[region] for region in sorted(tables)),
        unpriced_types=tuple(sorted(unpriced)),
    )


def _money(amount: float) -> str:
    return f"${amount:,.2f}"


def _range(at_min: float, at_max: float) -> str:
    return _money(at_min) if round(at_min, 2) == round(at_max, 2) else f"{_money(at_min)} .. {_money(at_max)}"


def _assumption_value(value: Any) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{key} {amount:g}" for key, amount in value.items())
    return f"{value:g}"


def render(result: CostEstimate) -> str:
    width = max(len(component.name) for component in [*result.components, ComponentCost("total", ())])
    tables = ", ".join(f"{table.region} as of {table.as_of} ({table.path.name})" for table in result.price_tables)
    lines = [
        f"Monthly cost of {result.stack}: {_range(result.at_min, result.at_max)} (USD, on demand, before discounts)",
        f"  prices: {tables}",
        f"  {'component':<{width}}  {'at min scale':>12}  {'at max scale':>12}",
    ]
    for component in result.components:
        lines.append(f"  {component.name:<{width}}  {_money(component.at_min):>12}  {_money(component.at_max):>12}")
        for item in component.items:
            quantity = f"{item.quantity_at_min:,.6g}"
            if item.quantity_at_max != item.quantity_at_min:
                quantity += f" .. {item.quantity_at_max:,.6g}"
            where = f" in {item.region}" if item.region != result.region else ""
            price = f"{quantity} {item.unit} x ${item.unit_price:g} = {_range(item.at_min, item.at_max)}"
            lines.append(f"      {item.what}{where}: {price}")
    lines += [
        f"  {'total':<{width}}  {_money(result.at_min):>12}  {_money(result.at_max):>12}",
        "  scale (min .. max):",
        *(f"    {bound.resource}: {bound.minimum:g} .. {bound.maximum:g} {bound.what}" for bound in result.scale),
        "  assumptions (offline/cost.py Usage):",
        *(
            f"    {named['name']} = {_assumption_value(named['value'])} {named['unit']}: {named['meaning']}"
            for named in result.usage.named()
        ),
    ]
    if result.unpriced_types:
        lines.append(f"  not priced (neither in the tables nor known to be free): {', '.join(result.unpriced_types)}")
    return "\n".join(lines)


def render_cost(graph: Graph) -> str:
    """The estimate of `graph`'s stack, for the terminal."""
    return render(estimate(graph))


@dataclass(frozen=True)
class ComponentDelta:
    name: str
    old_min: float
    old_max: float
    new_min: float
    new_max: float

    def as_json(self) -> dict[str, Any]:
        amounts = {"oldMin": self.old_min, "oldMax": self.old_max, "newMin": self.new_min, "newMax": self.new_max}
        return {"name": self.name, **{key: round(amount, 2) for key, amount in amounts.items()}}


@dataclass(frozen=True)
class CostDelta:
    """What a change does to the monthly cost: the components whose cost moves, and the totals."""

    stack: str
    components: tuple[ComponentDelta, ...]
    total: ComponentDelta

    def as_json(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "components": [component.as_json() for component in self.components],
            "total": self.total.as_json(),
        }


def compare(old: CostEstimate, new: CostEstimate) -> CostDelta:
    before = {component.name: component for component in old.components}
    after = {component.name: component for component in new.components}
    empty = ComponentCost("", ())
    moved = [
        ComponentDelta(name, was.at_min, was.at_max, now.at_min, now.at_max)
        for name in sorted(before.keys() | after.keys())
        for was, now in [(before.get(name, empty), after.get(name, empty))]
        if (round(was.at_min, 2), round(was.at_max, 2)) != (round(now.at_min, 2), round(now.at_max, 2))
    ]
    return CostDelta(new.stack, tuple(moved), ComponentDelta("total", old.at_min, old.at_max, new.at_min, new.at_max))


def cost_delta(
    old_graph: Graph,
    new_graph: Graph,
    usage: Usage = DEFAULT_USAGE,
    *,
    old_cloudflare_plan: str | None = None,
    new_cloudflare_plan: str | None = None,
) -> CostDelta:
    """What going from `old_graph` to `new_graph` costs or saves a month, under the same assumptions. The Cloudflare
    plans default to the working tree's stack files (see `estimate`)."""
    return compare(
        estimate(old_graph, usage, cloudflare_plan=old_cloudflare_plan),
        estimate(new_graph, usage, cloudflare_plan=new_cloudflare_plan),
    )


def _signed(amount: float) -> str:
    return f"+{_money(amount)}" if amount >= 0 else f"-{_money(-amount)}"


def _change(delta: ComponentDelta) -> str:
    return (
        f"{_range(delta.old_min, delta.old_max)} -> {_range(delta.new_min, delta.new_max)} "
        f"({_signed(delta.new_min - delta.old_min)} at min scale, {_signed(delta.new_max - delta.old_max)} at max)"
    )


def render_cost_delta(delta: CostDelta) -> str:
    """For the change-safety diff: the monthly cost before and after, and the components that move it."""
    if not delta.components:
        return f"Monthly cost of {delta.stack}: unchanged, {_range(delta.total.new_min, delta.total.new_max)}"
    lines = [f"Monthly cost of {delta.stack}: {_change(delta.total)}"]
    lines += [f"  {component.name}: {_change(component)}" for component in delta.components]
    return "\n".join(lines)
