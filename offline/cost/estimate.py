"""The monthly cost estimate of a stack: each resource priced by its type's pricer, summed per component.

Also the Cloudflare zone's plan, which the graph does not carry, and the bounds of what scales.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from pathlib import Path

from facts.instance_classes import AURORA_SERVERLESS
from offline import price_table, stackfiles
from offline.cost import backup, compute, data, network, operations
from offline.cost.free import free_because
from offline.cost.model import ComponentCost, CostEstimate, LineItem, Quantity, ScaleBound
from offline.cost.pricing_graph import PricingGraph
from offline.cost.usage import DEFAULT_USAGE, Usage
from offline.graph import Graph, Resource
from offline.price_table import PriceError, PriceTable

Pricer = Callable[[Resource, PricingGraph], list[Quantity]]


def _each(what: str, unit: str, section: str, key: str, amount: Callable[[PricingGraph], float]) -> Pricer:
    """A pricer for resources that each use the same amount of one thing."""

    def pricer(_resource: Resource, g: PricingGraph) -> list[Quantity]:
        return [Quantity(what, unit, section, key, amount(g))]

    return pricer


def _hours(g: PricingGraph) -> float:
    return g.hours


def _one(_g: PricingGraph) -> float:
    return 1


PRICERS: Mapping[str, Pricer] = {
    "aws:eks/cluster:Cluster": _each("EKS control plane", "cluster-hours", "eks", "standard_support_hour", _hours),
    "aws:eks/nodeGroup:NodeGroup": compute.node_group,
    "aws:eks/addon:Addon": compute.addon,
    "aws:ec2/instance:Instance": compute.instance,
    "aws:rds/cluster:Cluster": data.aurora_cluster,
    "aws:rds/clusterInstance:ClusterInstance": data.aurora_instance,
    "aws:rds/proxy:Proxy": data.rds_proxy,
    "aws:elasticache/replicationGroup:ReplicationGroup": data.replication_group,
    "aws:ec2/natGateway:NatGateway": network.nat_gateway,
    "aws:ec2/eip:Eip": network.elastic_ip,
    "aws:lb/loadBalancer:LoadBalancer": network.load_balancer,
    "aws:ec2/vpcEndpoint:VpcEndpoint": network.vpc_endpoint,
    "aws:efs/fileSystem:FileSystem": data.file_system,
    "aws:s3/bucket:Bucket": data.bucket,
    "aws:backup/plan:Plan": backup.backup_plan,
    "aws:secretsmanager/secret:Secret": operations.secret,
    "aws:kms/key:Key": _each("KMS keys", "key-months", "kms", "key_month", _one),
    "aws:cloudwatch/metricAlarm:MetricAlarm": operations.alarm,
    "aws:cloudwatch/logGroup:LogGroup": operations.log_group,
    "aws:cloudwatch/dashboard:Dashboard": _each(
        "dashboards", "dashboard-months", "cloudwatch", "dashboard_month", _one
    ),
    "aws:route53/zone:Zone": _each("Route 53 hosted zones", "zone-months", "route53", "hosted_zone_month", _one),
    "aws:ecr/repository:Repository": _each(
        "ECR image storage", "GB-months", "ecr", "storage_gb_month", lambda g: g.usage.ecr_gb_per_repository
    ),
    "aws:codebuild/project:Project": operations.build_project,
}


def home_region(graph: Graph) -> str:
    """The region of the AWS provider most resources use: where the stack runs."""
    used = Counter(r.provider for r in graph)
    providers = [r for r in graph if r.type == "pulumi:providers:aws" and r.inputs.get("region")]
    if not providers:
        raise PriceError(f"the {graph.stack} graph has no AWS provider with a region")
    return max(providers, key=lambda provider: used[provider.urn]).inputs["region"]


# Resources only the stack that configures the Cloudflare zone has: that stack pays the zone's plan.
_ZONE_CONFIGURATION = frozenset({"cloudflare:index/zoneSetting:ZoneSetting", "cloudflare:index/ruleset:Ruleset"})


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
        ScaleBound(group.name, f"{group.inputs['instanceTypes'][0]} nodes", *compute.node_bounds_of(group))
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
            bounds.append(ScaleBound(cluster.name, what, *data.serverless_capacity(cluster)))
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
    g = PricingGraph(graph, usage, prices)
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
